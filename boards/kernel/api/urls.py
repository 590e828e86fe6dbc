from django.urls import path

from boards.kernel.api import evidence, views

urlpatterns = [
    path("boards/", views.BoardList.as_view(), name="api-board-list"),
    path("<slug:board>/me/", views.MeView.as_view(), name="api-me"),
    path("<slug:board>/filings/", views.FilingList.as_view(), name="api-filing-list"),
    path("<slug:board>/filings/<int:pk>/", views.FilingDetail.as_view(), name="api-filing-detail"),
    path("<slug:board>/filings/<int:pk>/download/", views.FilingDownload.as_view(),
         name="api-filing-download"),
    path("<slug:board>/evidence/checkpoint/", evidence.EvidenceCheckpointView.as_view(),
         name="api-evidence-checkpoint"),
    path("<slug:board>/evidence/entries/<int:seq>/inclusion/", evidence.EvidenceInclusionView.as_view(),
         name="api-evidence-inclusion"),
    path("<slug:board>/evidence/consistency/", evidence.EvidenceConsistencyView.as_view(),
         name="api-evidence-consistency"),
    path("<slug:board>/notifications/", views.NotificationList.as_view(), name="api-notification-list"),
    path("<slug:board>/notifications/<int:pk>/read/", views.NotificationRead.as_view(),
         name="api-notification-read"),
]
