"""Pages of the cultivation app: /<board>/cultivation/..."""

from django.urls import path

from boards.kernel.modules import module_urls
from cultivation import views

urlpatterns = module_urls("listing_cultivation", [
    path("<slug:board>/cultivation/pipeline/", views.pipeline, name="cultivation-pipeline"),
    path("<slug:board>/cultivation/paths/<int:pk>/", views.path_detail, name="cultivation-path"),
    path("<slug:board>/cultivation/paths/<int:pk>/<slug:step>/", views.path_step,
         name="cultivation-path-step"),
])
