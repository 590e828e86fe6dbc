"""Celery base task: tasks take ids and run inside the tenant scope of their board.

Convention: the first argument of every tenant task is ``board_id``. The base task closes
stale connections, clears the RLS setting and opens ``board_scope(board_id)`` around the run.
"""

from typing import Any

from celery import Task
from django.db import close_old_connections

from boards.kernel.scoping import board_scope, reset_rls


class BoardTask(Task):
    abstract = True
    acks_late = True
    reject_on_worker_lost = True

    def __call__(self, board_id: int | str, *args: Any, **kwargs: Any) -> Any:
        if self.request.is_eager or self.request.called_directly:
            # Inline in the caller's connection, maybe inside its transaction: closing that
            # would break the caller. board_scope restores the caller's RLS setting on exit.
            with board_scope(int(board_id)):
                return super().__call__(board_id, *args, **kwargs)
        close_old_connections()
        reset_rls()
        try:
            with board_scope(int(board_id)):
                return super().__call__(board_id, *args, **kwargs)
        finally:
            reset_rls()
