"""Pages: /<board>/risksharing/..."""

from django.urls import path

from boards.kernel.modules import module_urls
from risksharing import views

app_name = "risksharing"

urlpatterns = module_urls("risksharing", [
    path("<slug:board>/risksharing/meetings/", views.meetings, name="meetings"),
    path("<slug:board>/risksharing/meetings/<int:pk>/", views.meeting, name="meeting"),
    path("<slug:board>/risksharing/letters/<int:pk>/", views.letter, name="letter"),
    path("<slug:board>/risksharing/my/", views.my_cases, name="my-cases"),
    path("<slug:board>/risksharing/portfolio/", views.portfolio, name="portfolio"),
])
