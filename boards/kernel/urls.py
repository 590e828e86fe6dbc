"""Pages of the kernel: the public home, the workbench, the evidence public key and the filings."""

from django.urls import path

from boards.kernel.views import evidence, filings, site, workbench

urlpatterns = [
    path("", site.home, name="home"),
    path("evidence/public-key/", evidence.public_key, name="evidence-public-key"),
    path("workbench/", workbench.landing, name="workbench-landing"),
    path("<slug:board>/workbench/", workbench.board_workbench, name="workbench"),
    path("<slug:board>/filings/", filings.filing_list, name="filing-list"),
    path("<slug:board>/filings/<int:pk>/download/", filings.filing_download, name="filing-download"),
]
