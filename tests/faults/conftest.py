"""Launchers for the fault tests: gunicorn and Celery workers as real subprocesses against this
test's database and Redis, and a private PostgreSQL cluster that a test may restart.

Subprocesses see only COMMITTED data: use ``committed_db``. Every process started here is
killed in fixture teardown, by its own pid/process group.
"""

import datetime as dt

import pytest
from django.utils import timezone

from boards.kernel.deadlines import open_deadline
from boards.kernel.scoping import board_scope
from tests.factories import EnterpriseFactory, UserFactory
from tests.support.faults import (
    DEADLINES,
    Processes,
)


@pytest.fixture
def processes(tmp_path):
    procs = Processes(tmp_path / "var")
    procs.var_dir.mkdir()
    yield procs
    procs.close()




@pytest.fixture
def due_reminders(committed_db, board):
    """DEADLINES open deadlines whose reminder is due now (the due notice is days away)."""
    ids, emails = [], {}
    with board_scope(board):
        enterprise = EnterpriseFactory(board=board)
        for i in range(DEADLINES):
            user = UserFactory(username=f"assignee{i}", email=f"assignee{i}@example.cn")
            deadline = open_deadline(board, enterprise, "test.answer", f"答复{i}", 3, "calendar",
                                     starts_at=timezone.now() - dt.timedelta(hours=1), assignee=user,
                                     remind_before=dt.timedelta(days=3))
            assert deadline.next_action_at <= timezone.now() < deadline.due_at
            ids.append(deadline.pk)
            emails[deadline.pk] = user.email
    return ids, emails
