"""Periodic task of the cultivation app (settings.PERIODIC_TASKS)."""

from celery import shared_task
from django.utils import timezone

from boards.kernel.models import Board
from boards.kernel.scoping import board_scope
from cultivation.services import reports


@shared_task
def open_report_deadlines():
    """Daily: on every board filing operation reports, open the deadline of the period that ended
    last. Idempotent, so a missed day only delays the opening, never the due date."""
    opened = 0
    for board in Board.objects.filter(is_active=True):
        if "operation_reports" in board.setting("modules", []):
            with board_scope(board):
                opened += reports.open_report_deadline(board, timezone.localdate()) is not None
    return opened
