"""Pages of the enterprise domain: profiles, disclosures, consents, admission."""

from django.urls import path

from boards.enterprises.views import admission as views_admission
from boards.enterprises.views import application_form as views_application_form
from boards.enterprises.views import approvals as views_approvals
from boards.enterprises.views import data_uses as views_data_uses
from boards.enterprises.views import enterprise as views_enterprise
from boards.enterprises.views import incentives as views_incentives
from boards.enterprises.views import staff as views_staff
from boards.kernel.modules import module_urls

urlpatterns = module_urls("boards", [
    path("<slug:board>/enterprises/<int:pk>/", views_staff.enterprise_profile, name="enterprise-profile"),
    path("<slug:board>/my/consents/", views_enterprise.my_consents, name="my-consents"),
    path("<slug:board>/my/consents/<int:pk>/revoke/", views_enterprise.my_consent_revoke,
         name="my-consent-revoke"),
    path("<slug:board>/my/data-uses/", views_data_uses.my_data_uses, name="my-data-uses"),
    path("<slug:board>/my/data-uses/receipt.pdf", views_data_uses.my_data_use_receipt,
         name="my-data-use-receipt"),
]) + module_urls("disclosure", [
    path("<slug:board>/enterprises/<int:pk>/disclosures/", views_enterprise.enterprise_disclosures,
         name="enterprise-disclosures"),
    path("<slug:board>/disclosures/<int:pk>/file/", views_enterprise.disclosure_file, name="disclosure-file"),
    path("<slug:board>/my/disclosures/", views_enterprise.my_disclosures, name="my-disclosures"),
]) + module_urls("equity_incentives", [
    path("<slug:board>/incentives/", views_incentives.plans, name="incentive-plans"),
    path("<slug:board>/incentives/<int:pk>/", views_incentives.plan, name="incentive-plan"),
]) + module_urls("admission", [
    # Admission (入板申报): applicants, bureaus, serving institutions, approving bodies, publicity.
    path("<slug:board>/my/applications/", views_admission.my_applications, name="admission-mine"),
    path("<slug:board>/my/applications/<int:pk>/", views_admission.application_detail,
         name="admission-detail"),
    path("<slug:board>/my/applications/<int:pk>/edit/", views_admission.application_edit,
         name="admission-edit"),
    path("<slug:board>/my/applications/<int:pk>/form/", views_application_form.application_form_page,
         name="admission-form"),
    path("<slug:board>/my/applications/<int:pk>/materials/", views_admission.material_add,
         name="admission-material-add"),
    path("<slug:board>/my/applications/<int:pk>/materials/<int:material_pk>/",
         views_admission.material_download, name="admission-material"),
    path("<slug:board>/my/applications/<int:pk>/submit/", views_admission.application_submit,
         name="admission-submit"),
    path("<slug:board>/bureau/applications/", views_admission.bureau_applications, name="admission-bureau"),
    path("<slug:board>/bureau/applications/new/", views_admission.bureau_file, name="admission-bureau-file"),
    path("<slug:board>/institution/applications/", views_admission.institution_applications,
         name="admission-institution"),
    path("<slug:board>/plans/<int:pk>/approve/<slug:body>/", views_admission.plan_approve,
         name="admission-approve"),
    path("<slug:board>/plans/approvals/", views_approvals.plan_approvals, name="admission-approvals"),
    path("<slug:board>/publicity/", views_admission.publicity, name="admission-publicity"),
])
