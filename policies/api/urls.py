from django.urls import path

from boards.kernel.modules import module_urls
from policies.api import views

urlpatterns = module_urls("policies", [
    path("<slug:board>/policies/", views.PolicyList.as_view(), name="api-policy-list"),
    path("<slug:board>/enterprises/<int:pk>/policy-matches/", views.EnterprisePolicyMatches.as_view(),
         name="api-enterprise-policy-matches"),
    path("<slug:board>/policies/awards/", views.AwardList.as_view(), name="api-award-list"),
    path("<slug:board>/policies/awards/<int:pk>/<slug:step>/", views.AwardStep.as_view(),
         name="api-award-step"),
    path("<slug:board>/policies/guarantee-claims/", views.GuaranteeClaimList.as_view(),
         name="api-guarantee-claim-list"),
    path("<slug:board>/policies/guarantee-claims/<int:pk>/<slug:step>/", views.GuaranteeClaimStep.as_view(),
         name="api-guarantee-claim-step"),
])
