"""Pages of the cultivation app: /<board>/cultivation/..."""

from django.urls import path

from boards.kernel.modules import module_urls
from cultivation import views

urlpatterns = module_urls("listing_cultivation", [
    path("<slug:board>/cultivation/pipeline/", views.pipeline, name="cultivation-pipeline"),
    path("<slug:board>/cultivation/paths/<int:pk>/", views.path_detail, name="cultivation-path"),
    path("<slug:board>/cultivation/paths/<int:pk>/<slug:step>/", views.path_step,
         name="cultivation-path-step"),
]) + module_urls("tracking_evaluation", [
    path("<slug:board>/cultivation/evaluation/", views.evaluation, name="cultivation-evaluation"),
    path("<slug:board>/cultivation/surveys/", views.my_surveys, name="cultivation-surveys"),
    path("<slug:board>/cultivation/surveys/<int:pk>/", views.survey, name="cultivation-survey"),
])
