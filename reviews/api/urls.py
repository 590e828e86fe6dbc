from django.urls import path

from reviews.api import views

urlpatterns = [
    path("<slug:board>/reviews/cases/", views.CaseList.as_view(), name="api-review-case-list"),
    path("<slug:board>/reviews/cases/<int:pk>/", views.CaseDetail.as_view(), name="api-review-case-detail"),
    path("<slug:board>/reviews/cases/<int:pk>/<str:step>/", views.CaseStep.as_view(),
         name="api-review-case-step"),
]
