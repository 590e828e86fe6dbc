"""Pages of the filings: staff and regulators of the board list and download them."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from boards.kernel.filings import access_filing, filings_for, pdf_response


@login_required
def filing_list(request, board):
    page = Paginator(filings_for(request.user, request.board), 50).get_page(request.GET.get("page"))
    return render(request, "boards/filings_list.html", {"page": page})


@login_required
def filing_download(request, board, pk):
    filing = access_filing(request.user, request.board, pk, rendered=True)
    return pdf_response(filing)
