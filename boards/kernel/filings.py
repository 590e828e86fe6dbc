"""Filings with regulators: numbered, rendered to PDF by WeasyPrint, hashed into the evidence log.

Invariants:
- numbers are ``{board.filing_prefix}-{year}-{seq:04d}``, gapless per board and (Shanghai)
  year: the counter row is locked and incremented in the filing's own transaction, so a
  rolled-back creation gives its number back;
- a rendered filing has its PDF, ``sha256`` of exactly those bytes, and an evidence entry
  ``boards.filing.rendered`` carrying number and hash.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from weasyprint import HTML, Attachment

from boards.kernel import evidence, evidence_tree, filing_tasks  # module imports: filing_tasks imports this
from boards.kernel.access import STAFF_ROLES, require_role
from boards.kernel.actions import KernelAction
from boards.kernel.errors import DomainError
from boards.kernel.files import removed_on_error, serve_field_file
from boards.kernel.models import Board, Filing, FilingCounter, FilingState, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

READER_ROLES = (*STAFF_ROLES, Role.REGULATOR)


def create_filing(board: Board, *, kind: str, addressee: str, subject: str, template_name: str,
                  context: Mapping[str, Any], actor: User | None,
                  subject_obj: models.Model | None = None) -> Filing:
    """Number a new filing and queue its rendering after commit (inside ``board``'s scope).
    ``addressee`` is a regulator code of ``board.regulators``; ``context`` is JSON-able in the
    sense of ``evidence.jsonable`` (Decimal and dates allowed) and reaches the template."""
    if addressee not in {regulator.get("code") for regulator in board.regulators}:
        choices = "、".join(f"{r.get('code')}（{r.get('name')}）" for r in board.regulators) or "无"
        raise DomainError(f"报送单位「{addressee}」不是本专板的报备监管机构。可选：{choices}。",
                          code="invalid_addressee", details={"addressee": addressee})
    with transaction.atomic():
        year = timezone.localdate().year
        counter = evidence.locked_row(FilingCounter, board=board, year=year)
        counter.last_number += 1
        counter.save(update_fields=["last_number"])
        filing = Filing.objects.create(
            board=board, year=year, sequence=counter.last_number,
            number=f"{board.filing_prefix}-{year}-{counter.last_number:04d}",
            kind=kind, addressee=addressee, subject=subject, template_name=template_name,
            context=evidence.jsonable(context), created_by=actor,
            subject_type=subject_obj._meta.label_lower if subject_obj is not None else "",
            subject_id=str(subject_obj.pk) if subject_obj is not None else "",
        )
        evidence.record(board, KernelAction.FILING_CREATED, actor=actor, subject=filing, payload={
            "number": filing.number, "kind": kind, "addressee": addressee, "subject": subject})
        transaction.on_commit(lambda: filing_tasks.render_filing.delay(board.pk, filing.pk))
    return filing


def render_pdf(filing: Filing) -> bytes:
    """The filing's PDF, a witness of the evidence log: it prints the checkpoint it was built under,
    a QR code of it, and embeds the signed checkpoint with the inclusion proof of the filing's own
    ``boards.filing.created`` entry (evidence_tree.witness_for; scripts/verify_filing.py checks it)."""
    witness = evidence_tree.witness_for(filing.board, filing, "boards.filing.created")
    shown = witness and {**json.loads(witness["checkpoint"]), "entry": witness["inclusion"]["index"] + 1,
                         "qr_svg": mark_safe(evidence_tree.witness_qr_svg(witness))}  # noqa: S308
    html = render_to_string(filing.template_name, {
        **filing.context,
        "filing": filing,
        "board": filing.board,
        "font_family": settings.FILING_FONT_FAMILY,
        "witness": shown,
    })
    attachments = [Attachment(string=json.dumps(witness, ensure_ascii=False, indent=1).encode(),
                              name=evidence_tree.WITNESS_FILENAME,
                              description="存证检查点与本报备存证记录的包含证明")] if witness else []
    return HTML(string=html).write_pdf(attachments=attachments)


def render_filing_now(filing_id: int) -> Filing:
    """Render a queued filing (the Celery task's body, inside the board's scope). The row is
    locked and a rendered filing left alone, so a retried task does not render twice. The board's
    queued evidence is sequenced first (in its own transaction), so the filing's own entry is in
    the tree the filing is built under."""
    board_id = Filing.objects.values_list("board_id", flat=True).get(pk=filing_id)
    evidence_tree.sequence_all(board_id)
    with transaction.atomic():
        filing = Filing.objects.select_for_update(of=("self",)).select_related("board").get(pk=filing_id)
        if filing.state == FilingState.RENDERED:
            return filing
        try:
            pdf = render_pdf(filing)
        except Exception as exc:  # any template or WeasyPrint error marks the filing failed
            filing.state, filing.error = FilingState.FAILED, f"{type(exc).__name__}: {exc}"
            filing.save(update_fields=["state", "error"])
            evidence.record(filing.board, KernelAction.FILING_FAILED, subject=filing,
                            payload={"number": filing.number, "error": filing.error})
            return filing
        filing.file.save(f"{filing.number}.pdf", ContentFile(pdf), save=False)
        with removed_on_error(filing.file):
            filing.sha256 = hashlib.sha256(pdf).hexdigest()
            filing.state, filing.error, filing.rendered_at = FilingState.RENDERED, "", timezone.now()
            filing.save(update_fields=["file", "sha256", "state", "error", "rendered_at"])
            evidence.record(filing.board, KernelAction.FILING_RENDERED, subject=filing,
                            payload={"number": filing.number, "sha256": filing.sha256})
    return filing


def filings_for(user: User | AnonymousUser, board: Board) -> QuerySet[Filing]:
    """The filings ``user`` may read on ``board``: staff and regulators; anyone else gets 404."""
    require_role(user, board, *READER_ROLES)
    return Filing.objects.filter(board=board).select_related("board")


def access_filing(user: User | AnonymousUser, board: Board, pk: int, *, rendered: bool = False) -> Filing:
    filings = filings_for(user, board)
    if rendered:
        filings = filings.filter(state=FilingState.RENDERED)
    return get_object_or_404(filings, pk=pk)


def pdf_response(filing: Filing) -> HttpResponse | FileResponse:
    """The rendered PDF as a download named after the filing's number (rights checked by the caller)."""
    return serve_field_file(filing.file, filename=f"{filing.number}.pdf", content_type="application/pdf")
