"""Pages of the filings: staff and regulators of the board list and download them."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import render

from boards.kernel.filings import access_filing, filings_for, pdf_response
from boards.kernel.requests import AuthenticatedRequest, board_of


@login_required
def filing_list(request: AuthenticatedRequest, board: str) -> HttpResponse:
    page = Paginator(filings_for(request.user, board_of(request)), 50).get_page(request.GET.get("page"))
    return render(request, "boards/filings_list.html", {"page": page})


@login_required
def filing_download(request: AuthenticatedRequest, board: str, pk: int) -> HttpResponse | FileResponse:
    filing = access_filing(request.user, board_of(request), pk, rendered=True)
    return pdf_response(filing)
