"""Helpers shared by the review services."""

from django.urls import reverse
from django.utils import timezone

from boards.kernel.deadlines import (
    cancel_deadline,
)
from boards.kernel.models import DeadlineState, Role
from boards.kernel.notifications import notify
from reviews.models import (
    PanelSeat,
    ReviewCase,
)
from reviews.selectors import (
    board_members,
)

MATERIAL_TYPES = ("pdf", "docx", "xlsx", "jpg", "png")


SIGNED_FORM_TYPES = ("pdf", "jpg", "png")


OPEN_CLOCK = (DeadlineState.OPEN, DeadlineState.PAUSED)


def _locked_case(case):
    return ReviewCase.objects.select_for_update(of=("self",)).select_related("board", "enterprise").get(
        pk=case.pk)


def _locked_seat(seat):
    return PanelSeat.objects.select_for_update(of=("self",)).select_related(
        "expert__user", "receipt_deadline", "review_deadline").get(pk=seat.pk)


def _local(moment):
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def _admin_url(case):
    return reverse("admin:reviews_reviewcase_change", args=[case.pk])


def _notify_staff(case, verb, title, body):
    notify(case.board, board_members(case.board, Role.EXCHANGE_STAFF), verb, title, body, _admin_url(case))


def _close_clocks(seat):
    for deadline in (seat.receipt_deadline, seat.review_deadline):
        if deadline is not None and deadline.state in OPEN_CLOCK:
            cancel_deadline(deadline)
