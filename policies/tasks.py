"""Periodic task of the Ordos ledger (settings.PERIODIC_TASKS)."""

from celery import shared_task
from django.utils import timezone

from boards.kernel.models import Board
from boards.kernel.scoping import board_scope
from policies import ordos, selectors


@shared_task
def open_quarter_reports_everywhere():
    """Daily: open the lead units' reports of the quarter that ended last on every board running
    the Ordos ledger. Idempotent, so a missed day only delays the opening, never the due date."""
    year, quarter = selectors.last_ended_quarter(timezone.localdate())
    opened = 0
    for board in Board.objects.filter(is_active=True):
        if "ordos_ledger" in board.setting("modules", []):
            with board_scope(board):
                opened += len(ordos.open_quarter_reports(board, year, quarter))
    return opened
