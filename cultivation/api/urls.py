from django.urls import path

from boards.kernel.modules import module_urls
from cultivation.api import views

urlpatterns = module_urls("listing_cultivation", [
    path("<slug:board>/cultivation/paths/", views.PathList.as_view(), name="api-listing-path-list"),
    path("<slug:board>/cultivation/paths/<int:pk>/", views.PathDetail.as_view(),
         name="api-listing-path-detail"),
    path("<slug:board>/cultivation/paths/<int:pk>/<slug:step>/", views.PathStep.as_view(),
         name="api-listing-path-step"),
]) + module_urls("research_visits", [
    path("<slug:board>/cultivation/visits/", views.VisitList.as_view(), name="api-research-visit-list"),
    path("<slug:board>/cultivation/visits/<int:pk>/", views.VisitDetail.as_view(),
         name="api-research-visit-detail"),
])
