"""The meeting, the decision by majority, the written feedback and the filing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TypedDict

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML

from boards.enterprises.services import registry as board_services
from boards.kernel import evidence
from boards.kernel.deadlines import (
    meet_deadline,
)
from boards.kernel.errors import Conflict, DomainError
from boards.kernel.files import store_upload
from boards.kernel.filings import create_filing
from boards.kernel.locking import locked
from boards.kernel.models import Filing, StoredFile
from boards.kernel.notifications import notify, notify_staff
from boards.kernel.workflow import fire
from reviews.actions import ReviewAction
from reviews.models import (
    PanelSeat,
    ReviewCase,
    ReviewKind,
    SeatState,
)
from reviews.selectors import (
    active_seats,
    enterprise_case_url,
    portal_seat_url,
)
from reviews.services.base import _local

# --- Meeting, decision, feedback, filing -------------------------------------------------------------


@transaction.atomic
def schedule_meeting(case: ReviewCase, *, at: dt.datetime, place: str, actor: User) -> ReviewCase:
    """Schedule the on-site meeting: every expert has confirmed receipt, and ``at`` is no
    earlier than the end of the last review clock (last receipt + review_days, paused time
    not counted). The review clocks are then met: the meeting is the next date."""
    case = locked(case, "enterprise")
    fire(case, "schedule_meeting", at, (place or "").strip())
    if not case.meeting_place:
        raise DomainError("请填写评审会地点。", code="invalid")
    seats = list(active_seats(case).select_related("expert__user", "review_deadline", "board"))
    if len(seats) < case.panel_size:
        raise Conflict("评审组尚有空缺，请先补抽专家。", code="vacancy")
    waiting = [seat.expert.name for seat in seats if seat.state != SeatState.RECEIVED]
    if waiting:
        raise Conflict(f"以下专家尚未确认收悉材料或正在等待补充材料：{'、'.join(waiting)}。"
                       "全部确认收悉后才能安排评审会。", code="receipts_pending")
    earliest = max(seat.review_deadline.due_at for seat in seats)
    if at < earliest:
        raise DomainError(
            f"评审会时间 {_local(at)} 过早：须在最后一位专家确认收悉材料 {case.rules['review_days']} 日后召开"
            f"（等待补充材料的时间不计入），最早可安排在 {_local(earliest)}。",
            code="meeting_too_early", details={"earliest": timezone.localtime(earliest).isoformat()})
    case.save()
    for seat in seats:
        meet_deadline(seat.review_deadline)
        notify(case.board, [seat.expert.user], "reviews.meeting", f"评审会通知：{case}",
               f"评审会定于 {_local(at)} 在 {case.meeting_place} 召开。", portal_seat_url(seat))
    evidence.record(case.board, ReviewAction.MEETING_SCHEDULED, actor=actor, subject=case,
                    payload={"at": at, "place": case.meeting_place, "earliest": earliest})
    return case


@transaction.atomic
def hold_meeting(case: ReviewCase, *, attended: Iterable[int | str], observers: Iterable[str], answers: str,
                 actor: User) -> ReviewCase:
    """Record the meeting: which seats attended, the observers, the enterprise's answers."""
    case = locked(case, "enterprise")
    observers = [name.strip() for name in observers if name.strip()]
    fire(case, "hold_meeting", observers, (answers or "").strip())
    if observers and not case.rules["observers"]:
        raise DomainError(f"{case.rules['name']}不设列席人员。", code="invalid")
    if not case.enterprise_answers:
        raise DomainError("请记录企业现场答辩情况。", code="invalid")
    seats = {seat.pk: seat for seat in active_seats(case).select_for_update(of=("self",))
             .select_related("expert__user", "board")}
    attended = {int(pk) for pk in attended}
    if not attended or not attended <= seats.keys():
        raise DomainError("请从本案评审组中勾选出席的专家。", code="invalid")
    case.save()
    for pk, seat in seats.items():
        seat.attended = pk in attended
        seat.save(update_fields=["attended"])
        if seat.attended:
            notify(case.board, [seat.expert.user], "reviews.opinion_due", f"请提交评审意见：{case}",
                   "评审会已召开，请填写并提交评审表。", portal_seat_url(seat))
    evidence.record(case.board, ReviewAction.MEETING_HELD, actor=actor, subject=case, payload={
        "attended": sorted(attended), "observers": observers, "answers": case.enterprise_answers})
    return case


def _apply_effects(case: ReviewCase, actor: User | None) -> list[str]:
    """What a passed review changes on the enterprise, through the boards services."""
    source, enterprise, effects = f"reviews.case:{case.pk}", case.enterprise, []
    if case.kind == ReviewKind.INNOVATION:
        board_services.record_innovation_recognition(enterprise, source=source, actor=actor)
        effects.append("innovation_recognition")
    if case.kind == ReviewKind.LISTING_RESERVE:
        board_services.add_to_listing_reserve(enterprise, source=source, actor=actor)
        effects.append("listing_reserve")
    tier = case.rules.get("permit_tier")
    if tier and tier in {t.get("code") for t in case.board.setting("tiers.scheme", [])}:
        board_services.grant_tier_permit(enterprise, tier=tier, review_kind=case.kind, source=source,
                                         actor=actor)
        effects.append(f"tier_permit:{tier}")
    return effects


def tally(case: ReviewCase) -> tuple[list[PanelSeat], dict[str, int], Conflict | None]:
    """The panel's votes so far and what still stands in the way of a decision (a Conflict
    or None): an opinion owed by a seated (remote) or attending (meeting) expert, a vacancy."""
    seats = list(active_seats(case).select_related("opinion", "expert").order_by("pk"))
    votes = {"pass": 0, "fail": 0, "abstain": 0, "none": case.panel_size - len(seats),
             "panel": case.panel_size}
    for seat in seats:
        votes[seat.opinion.vote if seat.state == SeatState.SUBMITTED else "none"] += 1
    owing = [seat.expert.name for seat in seats
             if seat.state != SeatState.SUBMITTED and (not case.is_meeting or seat.attended)]
    blocker = None
    if owing:
        blocker = Conflict(f"以下专家尚未提交评审意见：{'、'.join(owing)}，暂不能作出结论。",
                           code="opinions_pending")
    elif not case.is_meeting and len(seats) < case.panel_size:
        blocker = Conflict("评审组尚有空缺，请先补抽专家。", code="vacancy")
    return seats, votes, blocker


def _decide(case: ReviewCase, *, actor: User | None) -> ReviewCase:
    _, votes, blocker = tally(case)
    fire(case, "decide", votes, timezone.now(), actor)
    if blocker is not None:
        raise blocker
    case.save()
    effects = _apply_effects(case, actor) if case.passed else []
    evidence.record(case.board, ReviewAction.CASE_DECIDED, actor=actor, subject=case,
                    payload={"passed": case.passed, "votes": votes, "effects": effects})
    verdict = "通过" if case.passed else "未通过"
    notify_staff(case.board, case, "reviews.decided", f"评审结论：{case} {verdict}",
                  f"同意 {votes['pass']} 票，不同意 {votes['fail']} 票，弃权 {votes['abstain']} 票，"
                  f"未表决 {votes['none']} 人（评审组 {votes['panel']} 人）。请向企业书面反馈。")
    return case


@transaction.atomic
def decide_case(case: ReviewCase, *, actor: User) -> ReviewCase:
    """Staff record the decision: a majority of the whole panel passes (see models.passes)."""
    return _decide(locked(case, "enterprise"), actor=actor)


@transaction.atomic
def send_feedback(case: ReviewCase, *, text: str, actor: User) -> ReviewCase:
    """Written feedback to the enterprise; its PDF letter is rendered after commit."""
    from reviews.tasks import render_feedback_letter

    case = locked(case, "enterprise")
    fire(case, "send_feedback", (text or "").strip())
    if not case.feedback:
        raise DomainError("请填写给企业的书面反馈意见。", code="invalid")
    case.save()
    board_id, case_id = case.board_id, case.pk
    transaction.on_commit(lambda: render_feedback_letter.delay(board_id, case_id))
    notify(case.board, case.enterprise.users.filter(is_active=True), "reviews.feedback",
           f"评审结果反馈：{case.rules['name']}", case.feedback, enterprise_case_url(case))
    evidence.record(case.board, ReviewAction.FEEDBACK_SENT, actor=actor, subject=case,
                    payload={"passed": case.passed, "feedback": case.feedback})
    return case


class FilingEnterprise(TypedDict):
    name: str
    credit_code: str
    prefecture: str


class FilingMeeting(TypedDict):
    at: str
    place: str
    observers: list[str]
    answers: str


class FilingSeat(TypedDict):
    name: str
    field: str
    vote: str
    score: int | str  # '' while the expert has not voted


# "pass" is a keyword: the functional form.
FilingVotes = TypedDict("FilingVotes", {"pass": int, "fail": int, "abstain": int, "none": int, "panel": int})


class FilingContext(TypedDict):
    """What the feedback letter and the regulators' filing show."""

    case_id: int
    review_name: str
    form_title: str
    enterprise: FilingEnterprise
    opened_at: str
    opened_by_institution: str
    meeting: FilingMeeting | None
    panel: list[FilingSeat]
    votes: FilingVotes
    passed: bool | None
    decided_at: str
    feedback: str


def filing_context(case: ReviewCase) -> FilingContext:
    """What the feedback letter and the regulators' filing show (JSON-able)."""
    seats = active_seats(case).select_related("expert", "opinion").order_by("pk")
    votes = case.votes or {}
    return {
        "case_id": case.pk,
        "review_name": case.rules["name"],
        "form_title": case.rules["form"]["title"],
        "enterprise": {"name": case.enterprise.name, "credit_code": case.enterprise.credit_code,
                       "prefecture": case.enterprise.prefecture},
        "opened_at": _local(case.created_at),
        "opened_by_institution": str(case.opened_by_institution or ""),
        "meeting": {"at": _local(case.meeting_at), "place": case.meeting_place,
                    "observers": case.observers, "answers": case.enterprise_answers}
        if case.meeting_at else None,
        "panel": [{"name": seat.expert.name, "field": seat.expert.get_field_display(),
                   "vote": seat.opinion.get_vote_display() if seat.state == SeatState.SUBMITTED else "未表决",
                   "score": seat.opinion.total_score if seat.state == SeatState.SUBMITTED else ""}
                  for seat in seats],
        "votes": {"pass": votes.get("pass", 0), "fail": votes.get("fail", 0),
                  "abstain": votes.get("abstain", 0), "none": votes.get("none", 0),
                  "panel": votes.get("panel", case.panel_size)},
        "passed": case.passed,
        "decided_at": _local(case.decided_at) if case.decided_at else "",
        "feedback": case.feedback,
    }


def render_feedback_letter(case: ReviewCase) -> StoredFile | None:
    """Render and attach the feedback letter PDF (the task's body); a second run keeps the first."""
    case = ReviewCase.objects.select_related("board", "enterprise").get(pk=case.pk)
    if case.feedback_letter_id:
        return case.feedback_letter
    # The letter shares the filings' layout; it goes to the enterprise, so it is not numbered
    # with them: the case number stands in the header.
    letter_head = {"number": f"{case.board.filing_prefix}-REV-{case.pk}", "created_at": timezone.now(),
                   "subject": f"{case.rules['name']}结果反馈函", "addressee_name": case.enterprise.name}
    html = render_to_string("reviews/filings/feedback.html", {
        **filing_context(case), "filing": letter_head, "board": case.board,
        "font_family": settings.FILING_FONT_FAMILY})
    pdf = HTML(string=html).write_pdf()
    with transaction.atomic():
        case = locked(case, "enterprise")
        if case.feedback_letter_id:
            return case.feedback_letter
        letter = ContentFile(pdf, name=f"评审结果反馈函-{case.pk}.pdf")
        case.feedback_letter = store_upload(case.board, letter, purpose="reviews.feedback", user=None,
                                            allowed=("pdf",))
        case.save(update_fields=["feedback_letter"])
        evidence.record(case.board, ReviewAction.FEEDBACK_RENDERED, subject=case,
                        payload={"sha256": case.feedback_letter.sha256})
    return case.feedback_letter


@transaction.atomic
def file_case(case: ReviewCase, *, actor: User) -> list[Filing]:
    """File the result with every regulator the review type names (one numbered filing each)."""
    case = locked(case, "enterprise")
    fire(case, "file_with_regulators")
    context = filing_context(case)
    filings = [
        create_filing(case.board, kind="reviews.result", addressee=code,
                      subject=f"{case.rules['name']}结果报备：{case.enterprise.name}",
                      template_name="reviews/filings/result.html", context=context, actor=actor,
                      subject_obj=case)
        for code in case.filed_with
    ]
    case.save()
    evidence.record(case.board, ReviewAction.CASE_FILED, actor=actor, subject=case,
                    payload={"filings": [filing.number for filing in filings]})
    return filings


@transaction.atomic
def archive_case(case: ReviewCase, *, actor: User) -> ReviewCase:
    case = locked(case, "enterprise")
    fire(case, "archive", timezone.now())
    case.save()
    evidence.record(case.board, ReviewAction.CASE_ARCHIVED, actor=actor, subject=case, payload={})
    return case
