"""Pages of the kernel: the public home, the workbench, the evidence public key and the filings."""

from django.urls import path, re_path

from boards.kernel.views import apikeys, evidence, filings, invitations, site, workbench

urlpatterns = [
    path("", site.home, name="home"),
    path("evidence/public-key/", evidence.public_key, name="evidence-public-key"),
    path("workbench/", workbench.landing, name="workbench-landing"),
    path("<slug:board>/workbench/", workbench.board_workbench, name="workbench"),
    path("invitations/", invitations.invitation_list, name="invitation-list"),
    re_path(r"^invitations/(?P<pk>[0-9]+)/(?P<answer>accept|decline)/$", invitations.invitation_answer,
            name="invitation-answer"),
    path("<slug:board>/institution/api-keys/", apikeys.key_list, name="api-keys"),
    path("<slug:board>/institution/api-keys/<int:pk>/revoke/", apikeys.key_revoke, name="api-key-revoke"),
    path("<slug:board>/filings/", filings.filing_list, name="filing-list"),
    path("<slug:board>/filings/<int:pk>/download/", filings.filing_download, name="filing-download"),
]
