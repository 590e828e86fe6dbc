"""Pages of the policies app: /<board>/policies/..."""

from django.urls import path

from boards.kernel.modules import module_urls
from policies import views

urlpatterns = module_urls("policies", [
    path("<slug:board>/policies/enterprises/<int:pk>/", views.staff_enterprise_policies,
         name="policies-enterprise"),
    path("<slug:board>/policies/my/", views.my_policies, name="policies-my"),
    path("<slug:board>/policies/awards/", views.awards, name="policies-awards"),
    path("<slug:board>/policies/awards/file/", views.file_awards, name="policies-awards-file"),
    path("<slug:board>/policies/awards/<int:pk>/<slug:step>/", views.award_step, name="policies-award-step"),
]) + module_urls("ordos_ledger", [
    path("<slug:board>/policies/ordos/", views.ordos_dashboard, name="policies-ordos"),
    path("<slug:board>/policies/ordos/ledger.xlsx", views.ordos_ledger_xlsx, name="policies-ordos-xlsx"),
    path("<slug:board>/policies/ordos/file/", views.ordos_file_ledger, name="policies-ordos-file"),
    path("<slug:board>/policies/ordos/reports/", views.ledger_reports, name="policies-ledger-reports"),
    path("<slug:board>/policies/ordos/reports/<int:pk>/", views.ledger_report, name="policies-ledger-report"),
])
