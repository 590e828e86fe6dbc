"""The enterprise's pages: /<board>/reviews/..."""

from django.urls import path

from boards.kernel.modules import module_urls
from reviews import views

app_name = "reviews"

urlpatterns = module_urls("reviews", [
    path("<slug:board>/reviews/", views.enterprise_cases, name="enterprise-cases"),
    path("<slug:board>/reviews/<int:pk>/", views.enterprise_case, name="enterprise-case"),
    path("<slug:board>/reviews/<int:pk>/feedback.pdf", views.feedback_letter, name="feedback-letter"),
])
