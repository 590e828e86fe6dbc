"""XLSX imports in a worker (the web request only stores the file and queues the job).

Invariants: a job belongs to the board of its stored file and is run by ``run_import_job`` in that
board's scope; its ``rows_read`` is written while the sheet is read (outside the import's own
transaction, so the staff member's page sees it grow); a commit job imports the very file its
dry run checked.
"""

import dataclasses
from typing import Any

from django.db import transaction
from django.utils import timezone

from boards.enterprises.models import ImportJob, ImportState
from boards.enterprises.services.imports import IMPORT_KINDS, import_xlsx
from boards.kernel.errors import DomainError
from boards.kernel.models import Board, StoredFile


def start_import(board: Board, *, kind: str, stored: StoredFile, actor: Any,
                 dry_run: bool = True) -> ImportJob:
    """Queue a dry run (or a commit) of ``stored``; the worker starts once this commits."""
    from boards.enterprises.tasks import run_import

    if kind not in IMPORT_KINDS:
        raise DomainError(f"不支持导入“{kind}”，可导入：{'、'.join(IMPORT_KINDS.values())}")
    job = ImportJob.objects.create(board=board, kind=kind, file=stored, dry_run=dry_run, created_by=actor)
    transaction.on_commit(lambda: run_import.delay(board.pk, job.pk))
    return job


def run_import_job(job_id: int) -> ImportJob:
    job = ImportJob.objects.select_related("board", "file", "created_by").get(pk=job_id)
    if job.state != ImportState.QUEUED:
        return job  # a redelivered task: the job ran already
    ImportJob.objects.filter(pk=job.pk).update(state=ImportState.RUNNING)

    def progress(rows: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(rows_read=rows)

    try:
        with job.file.file.open("rb") as handle:
            report = import_xlsx(job.board, job.kind, handle, job.created_by, dry_run=job.dry_run,
                                 progress=progress)
    except DomainError as error:
        job.state, job.message = ImportState.FAILED, error.message[:300]
    else:
        job.state, job.rows_read = ImportState.DONE, report.rows
        job.report = {**dataclasses.asdict(report),
                      "errors": [dataclasses.asdict(error) for error in report.errors]}
    job.finished_at = timezone.now()
    job.save(update_fields=["state", "message", "rows_read", "report", "finished_at"])
    return job
