from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from boards.kernel.admin.base import switch_board
from boards.kernel.views import site as board_views

# API paths that match no route (or name no board) answer the API's JSON error, not a page.
handler404 = "boards.kernel.api.errors.not_found"

urlpatterns = [
    path("healthz/", board_views.healthz, name="healthz"),
    path("admin/switch-board/", admin.site.admin_view(switch_board), name="admin-switch-board"),
    path("admin/", admin.site.urls),
    path("accounts/", include("boards.accounts.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its init script as a file: CSP allows no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("api/v1/", include("alliance.api.urls")),
    path("api/v1/", include("reviews.api.urls")),
    path("api/v1/", include("policies.api.urls")),
    path("api/v1/", include("risksharing.api.urls")),
    path("api/v1/", include("cultivation.api.urls")),
    path("api/v1/", include("roadshows.api.urls")),
    path("api/v1/", include("boards.enterprises.api.urls")),
    path("api/v1/", include("boards.kernel.api.urls")),
    path("portal/", include("reviews.portal_urls")),
    path("", include("alliance.urls")),
    path("", include("reviews.urls")),
    path("", include("policies.urls")),
    path("", include("risksharing.urls")),
    path("", include("cultivation.urls")),
    path("", include("roadshows.urls")),
    path("", include("boards.enterprises.urls")),
    path("", include("boards.kernel.urls")),
]
