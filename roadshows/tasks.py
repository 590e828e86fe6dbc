"""Periodic task of the roadshows app (settings.PERIODIC_TASKS)."""

from celery import shared_task
from django.utils import timezone

from boards.kernel.models import Board
from boards.kernel.scoping import board_scope
from roadshows.services import events


@shared_task
def send_reminders():
    """Hourly: on every board running roadshows, remind the presenting enterprises and the invited
    investors of each roadshow that is ``roadshows.remind_workdays`` working days away or closer.
    Each reminder is claimed once (events.remind), so overlapping runs send nothing twice."""
    sent = 0
    today = timezone.localdate()
    for board in Board.objects.filter(is_active=True):
        if "roadshows" in board.setting("modules", []):
            with board_scope(board):
                sent += sum(events.remind(r, today=today) for r in events.due_for_reminder(board, today))
    return sent
