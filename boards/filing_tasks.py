"""Celery tasks of the filings (listed in CELERY_IMPORTS)."""

from celery import shared_task

from boards import filings  # module import: boards.filings imports this module too
from boards.taskbase import BoardTask


@shared_task(base=BoardTask)
def render_filing(board_id, filing_id):
    filings.render_filing_now(filing_id)
