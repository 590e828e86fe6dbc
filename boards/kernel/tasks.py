"""Kernel tasks: the deadline sweep and what it queues, notification emails, provisional
recomputation. Periodic ones are listed in settings.PERIODIC_TASKS."""

from celery import shared_task
from django.utils import timezone

from boards.kernel import anchoring, deadlines, files, notifications
from boards.kernel.models import Board
from boards.kernel.scoping import board_scope
from boards.kernel.taskbase import BoardTask

SWEEP_BATCH = 500


@shared_task
def sweep_deadlines(batch_size: int = SWEEP_BATCH) -> int:
    """Queue one ``process_deadline`` per deadline whose next action is due. Running it twice
    queues duplicates; the claim in ``advance_deadline`` makes them harmless."""
    now, queued = timezone.now(), 0
    for board_id in Board.objects.filter(is_active=True).values_list("pk", flat=True):
        for deadline_id, stage in deadlines.pending_actions(board_id, now, batch_size):
            process_deadline.delay(board_id, deadline_id, stage)
            queued += 1
    return queued


@shared_task(base=BoardTask)
def process_deadline(board_id: int, deadline_id: int, stage: int) -> int | None:
    return deadlines.advance_deadline(deadline_id, stage)


@shared_task(base=BoardTask, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification_email(board_id: int, notification_id: int) -> bool:
    return notifications.send_email(notification_id)


@shared_task
def recompute_provisional_deadlines() -> int:
    changed = 0
    for board in Board.objects.filter(is_active=True):
        with board_scope(board):
            changed += deadlines.recompute_provisional(board)
    return changed


@shared_task
def sweep_orphan_files() -> int:
    """Delete uploads whose row never committed, board by board (see files.sweep_orphan_files)."""
    deleted = 0
    for board in Board.objects.filter(is_active=True):
        with board_scope(board):
            deleted += len(files.sweep_orphan_files(board))
    return deleted


@shared_task
def purge_idempotency_keys() -> int:
    """Forget API idempotency keys older than settings.API_IDEMPOTENCY_HOURS, board by board, a
    deactivated board's too: its stored answers are kept no longer than any other's."""
    from boards.kernel.api.idempotency import purge_keys  # imports DRF: only this task needs it

    purged = 0
    for board in Board.objects.all():
        with board_scope(board):
            purged += purge_keys(board)
    return purged


@shared_task
def sequence_evidence() -> int:
    """Sequence every board's queued evidence, sign its new checkpoints and hand them to the anchoring
    publishers (every few seconds)."""
    return sum(anchoring.sequence_and_anchor(board) for board in Board.objects.order_by("id"))
