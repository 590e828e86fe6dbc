"""Each expert's opinion: saved as a draft, submitted with the signed form."""

from collections.abc import Mapping
from typing import Any

from django.core.files.base import File
from django.db import transaction
from django.utils import timezone

from boards.kernel import evidence
from boards.kernel.deadlines import (
    meet_deadline,
)
from boards.kernel.errors import Conflict, DomainError
from boards.kernel.files import store_upload
from boards.kernel.locking import locked
from boards.kernel.signals import quality_challenge_raised
from boards.kernel.workflow import fire
from reviews.actions import ReviewAction
from reviews.forms import ReviewForm
from reviews.models import (
    Opinion,
    PanelSeat,
    QualityChallenge,
    ReviewCase,
    SeatState,
)
from reviews.selectors import (
    active_seats,
    opinions_open,
    service_institution_ids,
)
from reviews.services.base import OPEN_CLOCK, SIGNED_FORM_TYPES
from reviews.services.decisions import _decide


def _review_form(seat: PanelSeat, data: Mapping[str, Any]) -> ReviewForm:
    form = ReviewForm(seat.case.rules["form"], data, institution_ids=service_institution_ids(seat.case))
    if not form.is_valid():
        raise DomainError("评审表填写有误，请按提示修改。", code="invalid_form",
                          details={key: [str(e) for e in errors] for key, errors in form.errors.items()})
    return form


@transaction.atomic
def save_opinion(seat: PanelSeat, *, data: Mapping[str, Any], actor: Any) -> Opinion:
    """Save the filled form as a draft (for the Word download) without submitting it."""
    seat = locked(seat, "expert__user", "receipt_deadline", "review_deadline")
    if seat.state not in (SeatState.RECEIVED, SeatState.SUPPLEMENT_REQUESTED):
        raise Conflict("确认收悉材料后才能填写评审表。", code="illegal_state")
    form = _review_form(seat, data)
    opinion, _ = Opinion.objects.update_or_create(seat=seat, defaults={
        "board": seat.board, "form_data": form.form_data(), "total_score": form.cleaned_data["total_score"],
        "vote": form.cleaned_data["vote"]})
    evidence.record(seat.board, ReviewAction.OPINION_SAVED, actor=actor, subject=seat, payload={
        "vote": opinion.vote, "total_score": opinion.total_score, "form_data": opinion.form_data})
    return opinion


@transaction.atomic
def submit_opinion(seat: PanelSeat, *, data: Mapping[str, Any], signed_form: File | None,
                   actor: Any) -> Opinion:
    """Submit the form with the signed scan. An optional quality challenge is recorded and
    announced; a remote case is decided once the whole panel has submitted."""
    case = locked(seat.case, "enterprise")
    seat = locked(seat, "expert__user", "receipt_deadline", "review_deadline")
    if not opinions_open(case, seat):
        when = "评审会召开后由出席专家" if case.is_meeting else "评审期间"
        raise Conflict(f"案件处于「{case.get_state_display()}」，评审意见应在{when}提交。",
                       code="illegal_state")
    fire(seat, "submit_opinion")
    form = _review_form(seat, data)
    if signed_form is None:
        raise DomainError("请上传签字后的评审表扫描件或照片（PDF、JPG 或 PNG）。",
                          code="signed_form_required")
    stored = store_upload(case.board, signed_form, purpose="reviews.signed_form", user=actor,
                          allowed=SIGNED_FORM_TYPES)
    now = timezone.now()
    opinion, _ = Opinion.objects.update_or_create(seat=seat, defaults={
        "board": case.board, "form_data": form.form_data(), "total_score": form.cleaned_data["total_score"],
        "vote": form.cleaned_data["vote"], "signed_form": stored, "submitted_at": now})
    seat.save()
    if seat.review_deadline is not None and seat.review_deadline.state in OPEN_CLOCK:
        meet_deadline(seat.review_deadline, now)
    institution = form.cleaned_data["challenge_institution"]
    challenge = None
    if institution:
        challenge = QualityChallenge.objects.create(
            board=case.board, case=case, institution=institution, expert=seat.expert,
            text=form.cleaned_data["challenge_text"])
        ids = {"challenge_id": challenge.pk, "board_id": case.board_id, "case_id": case.pk,
               "institution_id": institution.pk, "expert_id": seat.expert_id,
               "source": f"reviews.qualitychallenge:{challenge.pk}", "grounds": challenge.text}
        transaction.on_commit(lambda: quality_challenge_raised.send(sender=QualityChallenge, **ids))
    evidence.record(case.board, ReviewAction.OPINION_SUBMITTED, actor=actor, subject=seat, payload={
        "case": case.pk, "vote": opinion.vote, "total_score": opinion.total_score,
        "form_data": opinion.form_data, "signed_form_sha256": stored.sha256,
        "quality_challenge": getattr(challenge, "pk", None)})
    if not case.is_meeting and _all_submitted(case):
        _decide(case, actor=None)
    return opinion


def _all_submitted(case: ReviewCase) -> bool:
    seats = list(active_seats(case).values_list("state", flat=True))
    return len(seats) == case.panel_size and all(state == SeatState.SUBMITTED for state in seats)
