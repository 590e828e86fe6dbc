from django.urls import path

from boards.kernel.modules import module_urls
from reviews.api import views

urlpatterns = module_urls("reviews", [
    path("<slug:board>/reviews/cases/", views.CaseList.as_view(), name="api-review-case-list"),
    path("<slug:board>/reviews/cases/<int:pk>/", views.CaseDetail.as_view(), name="api-review-case-detail"),
    path("<slug:board>/reviews/cases/<int:pk>/<str:step>/", views.CaseStep.as_view(),
         name="api-review-case-step"),
])
