from django.urls import path

from boards.kernel.modules import module_urls
from risksharing.api import views

urlpatterns = module_urls("risksharing", [
    path("<slug:board>/financing-cases/", views.CaseList.as_view(), name="api-financing-case-list"),
    path("<slug:board>/financing-cases/<int:pk>/", views.CaseDetail.as_view(),
         name="api-financing-case-detail"),
    path("<slug:board>/financing-cases/<int:pk>/answer/", views.CaseAnswer.as_view(),
         name="api-financing-case-answer"),
    path("<slug:board>/financing-cases/<int:pk>/letters/<int:letter>/", views.CaseLetter.as_view(),
         name="api-financing-case-letter"),
])
