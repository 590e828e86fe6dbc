"""Periodic jobs of the enterprise domain (listed in settings.PERIODIC_TASKS):

- the daily job that opens periodic-disclosure deadlines on the boards running disclosure
  (config ``modules``);
- the daily check that opens each board's annual re-tiering run in its configured month
  (config ``tiers.retier_month``; null means the board runs none).
"""

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from boards.enterprises.models import RetierRun
from boards.enterprises.services.disclosure import open_periodic_deadlines
from boards.enterprises.services.retiering import start_retier_run
from boards.kernel.errors import Conflict
from boards.kernel.models import Board, Role
from boards.kernel.notifications import notify
from boards.kernel.taskbase import BoardTask


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


@shared_task
def open_due_retier_runs():
    """Queue ``open_retier_run`` for every board whose re-tiering month is this month."""
    today = timezone.localdate()
    boards = [board.pk for board in Board.objects.filter(is_active=True)
              if board.setting("tiers.retier_month") == today.month]
    for board_id in boards:
        open_retier_run.delay(board_id, today.year)
    return len(boards)


@shared_task(base=BoardTask)
def open_retier_run(board_id, year):
    """Create ``year``'s run unless it exists and tell the board's staff. Returns the run id or None."""
    board = Board.objects.get(pk=board_id)
    if RetierRun.objects.filter(board=board, year=year).exists():
        return None
    staff = get_user_model().objects.filter(
        is_active=True, board_memberships__board=board, board_memberships__is_active=True,
        board_memberships__role=Role.EXCHANGE_STAFF).distinct()
    try:
        with transaction.atomic():
            run = start_retier_run(board, year)
            body = (f"系统已按分层条件为 {run.proposals.count()} 家在板企业生成 {year} 年度分层复核建议，"
                    "请逐条确认或调整后提交。")
            notify(board, staff, "boards.retier.run_started", f"{year} 年度分层复核待确认", body,
                   reverse("admin:boards_retierproposal_changelist") + f"?run__id__exact={run.pk}")
    except Conflict:  # another worker opened it meanwhile
        return None
    return run.pk


@shared_task(base=BoardTask)
def run_import(board_id, job_id):
    """Read, check and (for a commit job) save an uploaded workbook; see services.import_jobs."""
    from boards.enterprises.services.import_jobs import run_import_job

    return run_import_job(job_id).state
