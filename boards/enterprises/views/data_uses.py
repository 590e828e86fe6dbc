"""An enterprise's data-use receipts (数据使用回执): every use of its data by an institution (who,
when, which categories, under which consent), each with its inclusion proof against the board's
latest signed checkpoint, on a page and as a PDF to keep."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from boards.enterprises.selectors import data_use_rows
from boards.enterprises.views.enterprise import my_enterprise
from boards.kernel import datause, evidence_tree

PAGE_SIZE = 20


@login_required
def my_data_uses(request, board):
    enterprise, enterprises = my_enterprise(request)
    uses = datause.uses_of(request.board, enterprise.pk)
    page = Paginator(uses, PAGE_SIZE).get_page(request.GET.get("page"))
    checkpoint = evidence_tree.latest_checkpoint(request.board)
    rows = data_use_rows(enterprise, datause.prove(request.board, list(page), checkpoint))
    return render(request, "boards/enterprise/data_uses.html", {
        "enterprise": enterprise, "enterprises": enterprises, "page": page, "rows": rows,
        "checkpoint": checkpoint,
    })


@login_required
def my_data_use_receipt(request, board):
    enterprise, _ = my_enterprise(request)
    uses = list(datause.uses_of(request.board, enterprise.pk)[:datause.RECEIPT_LIMIT + 1])
    truncated = len(uses) > datause.RECEIPT_LIMIT
    uses = uses[:datause.RECEIPT_LIMIT]
    checkpoint = evidence_tree.latest_checkpoint(request.board)
    proven = datause.prove(request.board, uses, checkpoint)
    pdf = datause.receipt_pdf(request.board, subject_id=enterprise.pk, subject_label=enterprise.name,
                              rows=data_use_rows(enterprise, proven), proven=proven, checkpoint=checkpoint,
                              truncated=truncated)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="data-use-receipt-{enterprise.pk}.pdf"'
    return response
