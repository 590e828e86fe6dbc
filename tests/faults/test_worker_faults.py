"""The beat fires the deadline sweep twice and the worker is killed (SIGKILL) in the middle of a
reminder: with acks_late the task goes back to Redis after the visibility timeout, a new worker
runs it, and every due reminder is still sent exactly once (one Notification, one email).

The worker is a real ``celery worker`` process on this test's own queue and Redis key prefix,
with a 4 s visibility timeout. The reminder is held in flight honestly: the test locks the
deadline rows, so the task blocks on its claiming UPDATE until the worker is killed.
"""

import re

import psycopg
import pytest
import redis
from django.conf import settings

from boards.kernel.models import Deadline, DeadlineStage, Notification
from boards.kernel.scoping import RLS_SETTING, board_scope
from tests.support.faults import DEADLINES, database_url, sent_emails, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.xdist_group("faults-workers")]

FAST_REDELIVERY = {"CELERY_VISIBILITY_TIMEOUT": 4, "CELERY_RESTORE_INTERVAL": 1}


def _waiting_backends(conn):
    """Backends of this database blocked on a lock while updating a deadline."""
    return conn.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        " AND query LIKE 'UPDATE \"boards_deadline\"%%'").fetchall()


def test_beat_twice_and_a_killed_worker_still_send_each_reminder_once(board, due_reminders, processes):
    ids, emails = due_reminders
    with psycopg.connect(database_url().replace("postgres://", "postgresql://")) as lock, \
            psycopg.connect(database_url().replace("postgres://", "postgresql://"), autocommit=True) as watch:
        lock.execute(f"SET {RLS_SETTING} = '{board.pk}'")
        locked = lock.execute("SELECT id FROM boards_deadline WHERE id = ANY(%s) FOR UPDATE",
                              [ids]).fetchall()
        assert len(locked) == DEADLINES
        processes.call("boards.kernel.tasks.sweep_deadlines")  # the beat, twice: two full sets of
        processes.call("boards.kernel.tasks.sweep_deadlines")  # process_deadline tasks get queued
        first = processes.worker("w1", **FAST_REDELIVERY)
        [(blocked_pid,)] = wait_for(lambda: _waiting_backends(watch), 60,
                                    "a reminder blocked on the row lock")
        in_flight = re.findall(r"process_deadline\[([0-9a-f-]+)\] received", processes.log(first))
        assert in_flight, processes.log(first)
        processes.kill(first)  # SIGKILL mid-task: no ack, no graceful shutdown
        lock.rollback()
        # The dead worker's transaction is rolled back by PostgreSQL once it notices the client is gone.
        wait_for(lambda: not watch.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s",
                                           [blocked_pid]).fetchall(), 30, "the orphaned backend to end")
        with board_scope(board):
            assert Notification.objects.filter(deadline_id__in=ids).count() == 0  # the kill sent nothing

    second = processes.worker("w2", **FAST_REDELIVERY)
    broker = redis.Redis.from_url(settings.REDIS_URL)

    def settled():
        with board_scope(board):
            done = Deadline.objects.filter(pk__in=ids, stage=DeadlineStage.REMINDED).count() == DEADLINES
            mailed = Notification.objects.filter(deadline_id__in=ids, email_sent_at__isnull=False).count()
        redelivered = f"process_deadline[{in_flight[-1]}] succeeded" in processes.log(second)
        drained = (broker.llen(processes.key_prefix + processes.queue) == 0
                   and broker.hlen(processes.key_prefix + "unacked") == 0)
        return done and mailed == DEADLINES and redelivered and drained

    wait_for(settled, 60, "the redelivered reminder and every email", 0.5)
    with board_scope(board):
        notified = list(Notification.objects.filter(deadline_id__in=ids).values_list("deadline_id", "stage"))
    assert sorted(notified) == sorted((pk, DeadlineStage.REMINDED) for pk in ids)
    recipients = sorted(re.search(r"^To: (.+)$", m, re.M).group(1) for m in sent_emails(processes.var_dir))
    assert recipients == sorted(emails.values())
    # The sweep ran twice, so every reminder was queued at least twice and claimed once.
    runs = processes.log(second).count("process_deadline[") + len(in_flight)
    assert runs >= 2 * DEADLINES
