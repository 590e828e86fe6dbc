"""Celery tasks of the filings (registered through boards/tasks.py)."""

from celery import shared_task

from boards.kernel import filings  # module import: boards.filings imports this module too
from boards.kernel.taskbase import BoardTask


@shared_task(base=BoardTask)
def render_filing(board_id: int, filing_id: int) -> None:
    filings.render_filing_now(filing_id)
