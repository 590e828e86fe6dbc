from django.urls import path

from boards.kernel.modules import module_urls
from roadshows.api import views

urlpatterns = module_urls(
    "roadshows",
    [
        path(
            "<slug:board>/roadshows/invitations/",
            views.InvitationList.as_view(),
            name="api-roadshow-invitation-list",
        ),
        path(
            "<slug:board>/roadshows/invitations/<int:pk>/",
            views.InvitationDetail.as_view(),
            name="api-roadshow-invitation-detail",
        ),
        path(
            "<slug:board>/roadshows/invitations/<int:pk>/<slug:step>/",
            views.InvitationStep.as_view(),
            name="api-roadshow-invitation-step",
        ),
    ],
)
