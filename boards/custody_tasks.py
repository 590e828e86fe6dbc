"""The daily job that opens periodic-disclosure deadlines on the boards running disclosure
(config ``modules``). Listed in settings.PERIODIC_TASKS."""

from celery import shared_task

from boards.disclosure import open_periodic_deadlines
from boards.models import Board
from boards.taskbase import BoardTask


@shared_task
def open_due_disclosure_deadlines():
    """Queue ``open_disclosure_deadlines`` for every active board running disclosure."""
    boards = [board.pk for board in Board.objects.filter(is_active=True)
              if "disclosure" in board.setting("modules", [])]
    for board_id in boards:
        open_disclosure_deadlines.delay(board_id)
    return len(boards)


@shared_task(base=BoardTask)
def open_disclosure_deadlines(board_id):
    """Open the board's deadlines for the last closed period; returns how many were opened."""
    return len(open_periodic_deadlines(Board.objects.get(pk=board_id)))
