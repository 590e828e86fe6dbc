"""Pages of the roadshows app: /<board>/roadshows/..."""

from django.urls import path

from boards.kernel.modules import module_urls
from roadshows import views

urlpatterns = module_urls(
    "roadshows",
    [
        path("<slug:board>/roadshows/", views.enterprise_roadshows, name="roadshows-enterprise"),
        path("<slug:board>/roadshows/<int:pk>/signup/", views.signup, name="roadshows-signup"),
        path("<slug:board>/roadshows/invitations/", views.invitations, name="roadshows-invitations"),
        path(
            "<slug:board>/roadshows/invitations/<int:pk>/<slug:step>/",
            views.invitation_step,
            name="roadshows-invitation-step",
        ),
    ],
)
