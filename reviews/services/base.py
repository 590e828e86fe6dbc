"""Helpers shared by the review services."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from boards.kernel.deadlines import (
    cancel_deadline,
)
from boards.kernel.models import DeadlineState
from reviews.models import PanelSeat, ReviewCase

MATERIAL_TYPES = ("pdf", "docx", "xlsx", "jpg", "png")


SIGNED_FORM_TYPES = ("pdf", "jpg", "png")


OPEN_CLOCK = (DeadlineState.OPEN, DeadlineState.PAUSED)


def _local(moment: dt.datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def _admin_url(case: ReviewCase) -> str:
    return reverse("admin:reviews_reviewcase_change", args=[case.pk])


def _close_clocks(seat: PanelSeat) -> None:
    for deadline in (seat.receipt_deadline, seat.review_deadline):
        if deadline is not None and deadline.state in OPEN_CLOCK:
            cancel_deadline(deadline)
