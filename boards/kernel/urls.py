"""Pages of the kernel: the public home and the filings."""

from django.urls import path

from boards.kernel.views import filings, site

urlpatterns = [
    path("", site.home, name="home"),
    path("<slug:board>/filings/", filings.filing_list, name="filing-list"),
    path("<slug:board>/filings/<int:pk>/download/", filings.filing_download, name="filing-download"),
]
