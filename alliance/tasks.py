"""Celery tasks of the alliance. ``daily`` is listed in settings.PERIODIC_TASKS and fans out
per board to the tasks of the modules the board runs."""

from celery import shared_task

from alliance import reports, service_institutions, services  # module imports: reports imports this module
from boards.kernel.models import Board
from boards.kernel.taskbase import BoardTask


@shared_task
def daily():
    queued = 0
    for board in Board.objects.filter(is_active=True):
        modules = board.setting("modules", [])
        if "alliance" in modules:
            alliance_daily.delay(board.pk)
            queued += 1
        if "service_institutions" in modules:
            service_institutions_daily.delay(board.pk)
            queued += 1
    return queued


@shared_task(base=BoardTask)
def alliance_daily(board_id):
    """Plan each body's next meeting by its cadence and push matches."""
    board = Board.objects.get(pk=board_id)
    for body in board.setting("alliance.bodies"):
        services.plan_next_meeting(board, body)
    pushed = services.push_matches(board)
    return len(pushed)


@shared_task(base=BoardTask)
def service_institutions_daily(board_id):
    return len(service_institutions.open_obligations(Board.objects.get(pk=board_id)))


@shared_task(base=BoardTask)
def build_alliance_report(board_id, run_id):
    return reports.build_report(run_id).state
