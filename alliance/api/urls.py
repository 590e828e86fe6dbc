from django.urls import path

from alliance.api import views
from boards.kernel.modules import module_urls

P = "<slug:board>/alliance/"

urlpatterns = module_urls("alliance", [
    path(f"{P}catalogue/", views.CatalogueList.as_view(), name="api-alliance-catalogue"),
    path(f"{P}catalogue/<int:pk>/", views.CatalogueDetail.as_view(), name="api-alliance-catalogue-detail"),
    path(f"{P}memberships/", views.MembershipList.as_view(), name="api-alliance-memberships"),
    path(f"{P}products/", views.ProductList.as_view(), name="api-alliance-products"),
    path(f"{P}products/<int:pk>/", views.ProductDetail.as_view(), name="api-alliance-product"),
    path(f"{P}interest-profile/", views.InterestProfileView.as_view(), name="api-alliance-profile"),
    path(
        f"{P}pushed-enterprises/",
        views.PushedEnterpriseViewSet.as_view({"get": "list"}),
        name="api-alliance-pushed",
    ),
    path(
        f"{P}pushed-enterprises/<int:pk>/",
        views.PushedEnterpriseViewSet.as_view({"get": "retrieve"}),
        name="api-alliance-pushed-detail",
    ),
    path(f"{P}matchmakings/", views.MatchmakingList.as_view(), name="api-alliance-matchmakings"),
    path(f"{P}matchmakings/<int:pk>/", views.MatchmakingDetail.as_view(), name="api-alliance-matchmaking"),
    path(
        f"{P}matchmakings/<int:pk>/value-report/",
        views.ValueReportDownload.as_view(),
        name="api-alliance-value-report",
    ),
    *[
        path(f"{P}matchmakings/<int:pk>/{step}/", view.as_view(), name=f"api-alliance-matchmaking-{step}")
        for step, view in views.STEP_VIEWS.items()
    ],
    path(f"{P}recommendations/", views.RecommendationList.as_view(), name="api-alliance-recommendations"),
    path(f"{P}financing-needs/", views.NeedList.as_view(), name="api-alliance-needs"),
    path(f"{P}financing-needs/<int:pk>/", views.NeedDetail.as_view(), name="api-alliance-need"),
    path(f"{P}exit-cases/", views.ExitCaseList.as_view(), name="api-alliance-exit-cases"),
    path(f"{P}exit-cases/<int:pk>/answer/", views.ExitCaseAnswer.as_view(), name="api-alliance-exit-answer"),
]) + module_urls("service_institutions", [
    path(f"{P}service/rounds/", views.RoundList.as_view(), name="api-alliance-rounds"),
    path(f"{P}service/applications/", views.ApplicationList.as_view(), name="api-alliance-applications"),
    path(f"{P}service/performance-forms/", views.PerformanceFormList.as_view(), name="api-alliance-forms"),
    path(
        f"{P}service/performance-forms/<int:pk>/submit/",
        views.PerformanceFormSubmit.as_view(),
        name="api-alliance-form-submit",
    ),
    path(f"{P}service/progress-reports/", views.ProgressReportList.as_view(), name="api-alliance-progress"),
    path(
        f"{P}service/progress-reports/<int:pk>/submit/",
        views.ProgressReportSubmit.as_view(),
        name="api-alliance-progress-submit",
    ),
    path(
        f"{P}service/fee-attestations/", views.FeeAttestationList.as_view(), name="api-alliance-attestations"
    ),
])
