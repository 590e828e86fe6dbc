"""Reads of the reviews app, and the access helpers: every ``access_*`` answers the same 404
for a missing object, another board's, and one the caller may not see."""

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from boards.enterprises.models import Application, ServiceRecord
from boards.kernel.access import STAFF_ROLES, boards_for, require_role
from boards.kernel.models import DeadlineState, Filing, Role
from boards.kernel.scoping import board_scope
from reviews.models import ACTIVE_SEAT_STATES, CaseMaterial, CaseState, Opinion, PanelSeat, ReviewCase

NOT_FOUND = "未找到该评审。"
FEEDBACK_STATES = (CaseState.FEEDBACK_SENT, CaseState.FILED, CaseState.ARCHIVED)


def portal_seat_url(seat):
    return reverse("reviews-portal:seat", kwargs={"board": seat.board.slug, "pk": seat.pk})


def enterprise_case_url(case):
    return reverse("reviews:enterprise-case", kwargs={"board": case.board.slug, "pk": case.pk})


def board_members(board, role):
    return list(get_user_model().objects.filter(
        is_active=True, board_memberships__board=board, board_memberships__role=role,
        board_memberships__is_active=True).distinct())


def active_seats(case):
    return case.seats.filter(state__in=ACTIVE_SEAT_STATES)


def opinions_open(case, seat):
    """Whether ``seat`` may submit its opinion now: during a remote review, or after the
    meeting for an expert who attended it."""
    if case.is_meeting:
        return case.state == CaseState.MEETING_HELD and bool(seat.attended)
    return case.state == CaseState.MATERIAL_SENT


def service_institution_ids(case):
    """Institutions whose documents are on file for the enterprise: those that served it or
    filed its application. An expert may challenge the quality of their work."""
    served = ServiceRecord.objects.filter(enterprise=case.enterprise).exclude(institution=None)
    filed = Application.objects.filter(enterprise=case.enterprise).exclude(filing_institution=None)
    return set(served.values_list("institution_id", flat=True)) | set(
        filed.values_list("filing_institution_id", flat=True))


def regulator_filings(case):
    return Filing.objects.filter(subject_type=case._meta.label_lower, subject_id=str(case.pk),
                                 kind="reviews.result").order_by("sequence")


# --- Expert portal -----------------------------------------------------------------------------


def _seats_with_clocks():
    return PanelSeat.objects.select_related(
        "board", "case__enterprise", "receipt_deadline", "review_deadline")


def portal_seats(user):
    """The user's seats on every board where they are an expert, newest case first.
    Opens its own scope over those boards and returns a list."""
    boards = list(boards_for(user, Role.EXPERT))
    if not boards:
        raise Http404(NOT_FOUND)
    with board_scope(boards):
        return list(_seats_with_clocks().filter(
            expert__user=user, state__in=ACTIVE_SEAT_STATES).order_by("-case__created_at", "-pk"))


def access_seat(user, board, pk):
    """The user's own active seat ``pk`` on ``board`` (inside its scope), else 404."""
    require_role(user, board, Role.EXPERT)
    seat = (_seats_with_clocks().select_related("expert", "case__opened_by_institution")
            .prefetch_related(Prefetch("case__materials", CaseMaterial.objects.select_related("file")))
            .filter(board=board, pk=pk, expert__user=user, state__in=ACTIVE_SEAT_STATES).first())
    if seat is None:
        raise Http404(NOT_FOUND)
    return seat


def access_material(user, board, seat_pk, material_pk):
    seat = access_seat(user, board, seat_pk)
    material = next((m for m in seat.case.materials.all() if m.pk == material_pk), None)
    if material is None:
        raise Http404(NOT_FOUND)
    return seat, material


def seat_opinion(seat):
    return Opinion.objects.filter(seat=seat).select_related("signed_form").first()


def clock(seat, now=None):
    """What the portal shows of a seat's running clock: {label, due_at, state, overdue, left}."""
    deadline, label = seat.review_deadline, "评审期限"
    if seat.state == "sent":
        deadline, label = seat.receipt_deadline, "确认收悉期限"
    if deadline is None or deadline.state in (DeadlineState.MET, DeadlineState.CANCELLED):
        return None
    now = now or timezone.now()
    paused = deadline.state == DeadlineState.PAUSED
    left = deadline.due_at - (deadline.paused_at if paused else now)
    return {"label": label, "due_at": deadline.due_at, "paused": paused,
            "overdue": left.total_seconds() < 0, "left": _duration(left)}


def _duration(delta):
    seconds = abs(int(delta.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    return (f"{days} 天 " if days else "") + f"{hours} 小时 {rest // 60} 分"


# --- Enterprise and institution views ----------------------------------------------------------


def enterprise_cases(user, board):
    """Cases of the enterprises ``user`` acts for on ``board``; 404 without the role."""
    require_role(user, board, Role.ENTERPRISE_USER)
    return (ReviewCase.objects.filter(board=board, enterprise__users=user)
            .select_related("enterprise", "feedback_letter").order_by("-created_at"))


def access_enterprise_case(user, board, pk):
    case = enterprise_cases(user, board).filter(pk=pk).first()
    if case is None:
        raise Http404(NOT_FOUND)
    return case


def followed_cases(cases, roles, institution):
    """Of ``cases`` (the board's), those an API caller with ``roles`` may follow: every case
    for staff, for an institution user the cases ``institution`` (the one it acts for: an API
    key's own) opened."""
    cases = cases.select_related("enterprise", "opened_by_institution").order_by("-created_at")
    if set(roles) & set(STAFF_ROLES):
        return cases
    return cases.filter(opened_by_institution=institution) if institution else cases.none()
