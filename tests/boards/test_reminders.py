"""The sweep sends each reminder stage once, however often it runs: eagerly, and with a real
Celery worker on real Redis."""

import datetime as dt
import time
from collections import Counter
from io import StringIO

import pytest
import time_machine
from celery.signals import task_success
from celery.worker import state as worker_state
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from boards.kernel.calendar import SHANGHAI
from boards.kernel.deadlines import open_deadline
from boards.kernel.models import Notification
from boards.kernel.notifications import notify, send_email
from boards.kernel.scoping import board_scope
from boards.kernel.tasks import process_deadline, recompute_provisional_deadlines, sweep_deadlines
from config.celery import app as celery_app
from tests.factories import MembershipFactory, UserFactory
from tests.support import owner_connection, start_thread_worker


def local(*args):
    return dt.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def claims():
    """Stages won by process_deadline runs (None: nothing to claim), in whatever thread."""
    won = []

    def record(sender, result, **kwargs):
        if sender.name == "boards.kernel.tasks.process_deadline":
            won.append(result)

    task_success.connect(record, weak=False)
    yield won
    task_success.disconnect(record)


@pytest.fixture
def expert(board):
    user = UserFactory(username="expert")
    MembershipFactory(user=user, board=board, role="expert")
    return user


def _sent(*boards):
    with board_scope(list(boards)):
        return Counter(Notification.objects.values_list("deadline__title", "stage", "user__username"))


def _sweep_twice(capture):
    with capture(execute=True):
        sweep_deadlines()
        sweep_deadlines()


def test_sweep_run_twice_sends_one_reminder_per_stage(
    celery_eager, claims, board, other_board, staff_user, expert, other_staff_user,
    django_capture_on_commit_callbacks,
):
    with board_scope(board):
        first = open_deadline(board, board, "test.answer", "意见", 5, "working",
                              starts_at=local(2026, 9, 30, 10), assignee=expert)
    with board_scope(other_board):
        open_deadline(other_board, other_board, "test.answer", "他板", 5, "working",
                      starts_at=local(2026, 9, 30, 10), assignee_role="exchange_staff")

    with time_machine.travel(local(2026, 10, 12, 18), tick=False):  # nothing due yet
        _sweep_twice(django_capture_on_commit_callbacks)
    assert _sent(board, other_board) == Counter()

    with time_machine.travel(local(2026, 10, 13, 8), tick=False):  # reminder day
        _sweep_twice(django_capture_on_commit_callbacks)
    assert _sent(board, other_board) == Counter({("意见", 1, "expert"): 1, ("他板", 1, "other-staff"): 1})

    with time_machine.travel(local(2026, 10, 14, 8), tick=False):  # overdue, escalation after 0 h
        _sweep_twice(django_capture_on_commit_callbacks)
        _sweep_twice(django_capture_on_commit_callbacks)
    assert _sent(board, other_board) == Counter({
        ("意见", 1, "expert"): 1, ("意见", 2, "expert"): 1, ("意见", 3, "staff"): 1,
        ("他板", 1, "other-staff"): 1, ("他板", 2, "other-staff"): 1, ("他板", 3, "other-staff"): 1,
    })
    assert Counter((m.to[0], m.subject) for m in mail.outbox) == Counter({
        ("expert@example.cn", "【内蒙古科创板】即将到期：意见"): 1,
        ("expert@example.cn", "【内蒙古科创板】已到期：意见"): 1,
        ("staff@example.cn", "【内蒙古科创板】逾期未办：意见"): 1,
        ("other-staff@example.cn", "【新疆专精特新专板】即将到期：他板"): 1,
        ("other-staff@example.cn", "【新疆专精特新专板】已到期：他板"): 1,
        ("other-staff@example.cn", "【新疆专精特新专板】逾期未办：他板"): 1,
    })
    with board_scope([board, other_board]):
        assert all(n.email_sent_at for n in Notification.objects.all())
    assert sorted(claims) == [1, 1, 2, 2, 3, 3]  # the repeated sweeps found nothing left to queue
    # A retried task (any stage it was queued for) finds its row claimed.
    for stage in (0, 1, 2):
        assert process_deadline.delay(board.pk, first.pk, stage).get() is None
    assert len(mail.outbox) == 6


def test_sweep_reads_what_is_due_in_keyset_batches(
    celery_eager, board, expert, django_capture_on_commit_callbacks
):
    board.config = {"deadlines": {"escalate_after_hours": 1000}}
    board.save()
    with board_scope(board):
        for i in range(5):
            open_deadline(board, board, "test.answer", f"批{i}", 1, "calendar",
                          starts_at=timezone.now() - dt.timedelta(days=3), assignee=expert)
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_deadlines(batch_size=2) == 5
    assert sorted(stage for _, stage, _ in _sent(board)) == [2] * 5


@pytest.mark.postgres
def test_sweep_query_reads_the_partial_index(committed_db, board):
    """Among many settled or future deadlines, the few due ones are found through
    deadline_pending_idx, not by reading the board's rows. (Committed: ANALYZE is the table
    owner's, on its own connection.)"""
    from django.contrib.contenttypes.models import ContentType

    from boards.kernel.deadlines import pending_actions
    from boards.kernel.models import Deadline

    now = timezone.now()
    kind = ContentType.objects.get_for_model(board)

    def row(i, next_action_at):
        return Deadline(board=board, content_type=kind, object_id=str(i), kind="t", title="t",
                        basis="calendar", amount=1, starts_at=now, due_at=now, next_action_at=next_action_at)

    with board_scope(board):
        Deadline.objects.bulk_create(
            [row(i, None) for i in range(4000)]
            + [row(i, now + dt.timedelta(days=i % 300 + 1)) for i in range(1000)]
            + [row(i, now - dt.timedelta(minutes=i)) for i in range(3)]
        )
        with owner_connection() as owner:
            owner.execute("ANALYZE boards_deadline")
    with CaptureQueriesContext(connection) as queries:
        assert len(list(pending_actions(board.pk, now, 500))) == 3
    [sweep_sql] = [q["sql"] for q in queries if "boards_deadline" in q["sql"]]
    with board_scope(board), connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sweep_sql)
        plan = "\n".join(r[0] for r in cursor.fetchall())
    assert "deadline_pending_idx" in plan, plan


def test_recompute_task_updates_every_board(celery_eager, board, other_board):
    from boards.kernel.models import CalendarYear, Deadline, HolidayOverride

    for b in (board, other_board):
        with board_scope(b):
            open_deadline(b, b, "test.answer", "跨年", 3, "working", starts_at=local(2026, 12, 30, 9))
    HolidayOverride.objects.create(date=dt.date(2027, 1, 1), is_workday=False, name="元旦")
    CalendarYear.objects.create(year=2027, is_complete=True)
    assert recompute_provisional_deadlines() == 2
    with board_scope([board, other_board]):
        assert {(d.due_at, d.provisional) for d in Deadline.objects.all()} == {
            (local(2027, 1, 5, 23, 59, 59), False)
        }


def test_notify_creates_one_row_per_user_and_emails_each_once(
    celery_eager, board, staff_user, expert, django_capture_on_commit_callbacks
):
    silent = UserFactory(username="no-mail", email="")
    with board_scope(board), django_capture_on_commit_callbacks(execute=True):
        rows = notify(board, [staff_user, expert, staff_user, silent], "test.notice", "通知", "正文", "/x/")
    assert sorted(n.user.username for n in rows) == ["expert", "no-mail", "staff"]
    assert sorted(m.to[0] for m in mail.outbox) == ["expert@example.cn", "staff@example.cn"]
    assert mail.outbox[0].body == "正文\n\n/x/"
    with board_scope(board):
        assert [send_email(n.pk) for n in rows] == [False, False, False]  # sent, or no address
    assert len(mail.outbox) == 2


def test_a_failed_email_releases_its_claim(celery_eager, board, expert, settings,
                                           django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2  # refused
    with board_scope(board), django_capture_on_commit_callbacks(execute=True):
        [row] = notify(board, [expert], "test.notice", "通知", "正文")
    with board_scope(board):
        row.refresh_from_db()
        assert row.email_sent_at is None  # a later retry may still send it
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        assert send_email(row.pk) is True
    assert [m.to for m in mail.outbox] == [["expert@example.cn"]]


@pytest.mark.postgres
def test_an_email_being_sent_is_skipped_then_not_lost(committed_db, board, expert):
    """A worker holding the row (mid-send) makes a duplicate skip it; when that worker dies
    (its transaction rolls back), the redelivered task sends the email: once, not never."""
    import threading

    from django.db import connection, transaction

    with board_scope(board):
        [row] = notify(board, [expert], "test.notice", "通知", "正文")
    mail.outbox.clear()
    locked, release, results = threading.Event(), threading.Event(), {}

    def sending_worker():
        try:
            with board_scope(board), transaction.atomic():
                Notification.objects.select_for_update().get(pk=row.pk)
                locked.set()
                release.wait(30)
                raise RuntimeError("killed mid-send")  # rolls back, as a dead backend would
        except RuntimeError:
            pass
        finally:
            connection.close()

    def duplicate():
        with board_scope(board):
            results["duplicate"] = send_email(row.pk)
        connection.close()

    holder = threading.Thread(target=sending_worker)
    holder.start()
    assert locked.wait(30)
    other = threading.Thread(target=duplicate)
    other.start()
    other.join(30)
    assert results == {"duplicate": False} and mail.outbox == []  # skipped, not blocked
    release.set()
    holder.join(30)
    with board_scope(board):
        assert send_email(row.pk) is True  # the redelivered task
        assert send_email(row.pk) is False
    assert [m.to for m in mail.outbox] == [["expert@example.cn"]]


@pytest.mark.django_db(transaction=True)  # runperiodic manages its connection like a server
def test_runperiodic_once_runs_every_periodic_task(celery_eager, board, expert, settings):
    kernel = ("boards.sweep_deadlines", "boards.recompute_provisional_deadlines")  # other apps add more
    settings.PERIODIC_TASKS = {name: settings.PERIODIC_TASKS[name] for name in kernel}
    with board_scope(board):
        open_deadline(board, board, "test.answer", "逾期", 1, "calendar",
                      starts_at=timezone.now() - dt.timedelta(days=3), assignee=expert)
    out = StringIO()
    call_command("runperiodic", "--once", stdout=out)
    assert out.getvalue().splitlines() == [
        "boards.sweep_deadlines: 1", "boards.recompute_provisional_deadlines: 0",
    ]
    assert _sent(board) == Counter({("逾期", 2, "expert"): 1})
    assert [m.subject for m in mail.outbox] == ["【内蒙古科创板】已到期：逾期"]


def test_setup_periodic_tasks_is_idempotent(db, settings):
    from django_celery_beat.models import PeriodicTask

    call_command("setup_periodic_tasks", stdout=StringIO())
    call_command("setup_periodic_tasks", stdout=StringIO())
    rows = {t.name: (t.task, t.interval.every, t.interval.period) for t in PeriodicTask.objects.all()}
    assert rows == {name: (spec["task"], spec["seconds"], "seconds")
                    for name, spec in settings.PERIODIC_TASKS.items()}
    assert rows["boards.sweep_deadlines"] == ("boards.kernel.tasks.sweep_deadlines", 60, "seconds")
    settings.PERIODIC_TASKS = {
        **settings.PERIODIC_TASKS,
        "boards.sweep_deadlines": {"task": "boards.kernel.tasks.sweep_deadlines", "seconds": 30},
    }
    call_command("setup_periodic_tasks", stdout=StringIO())
    assert PeriodicTask.objects.get(name="boards.sweep_deadlines").interval.every == 30


# --- Real worker on real Redis ---------------------------------------------------------------


def _wait_until_drained(queue, timeout=60):
    """Until the queue is empty and the worker holds nothing, twice in a row."""
    deadline, quiet = time.monotonic() + timeout, 0
    while quiet < 2:
        if time.monotonic() > deadline:
            pytest.fail(f"the worker did not drain {queue} in {timeout}s")
        with celery_app.connection_for_read() as conn:
            waiting = conn.default_channel.queue_declare(queue).message_count
        busy = waiting or worker_state.active_requests or worker_state.reserved_requests
        quiet = 0 if busy else quiet + 1
        time.sleep(0.2)


# PostgreSQL too: the worker's threads write concurrently, which the in-memory SQLite test
# database (shared-cache, table locks that never wait) cannot take.
@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_real_worker_sends_one_reminder_per_stage(board, staff_user, expert, celery_queue, claims):
    now = timezone.now()
    with board_scope(board):
        # In its reminder window: due tomorrow, reminder two days ahead.
        open_deadline(board, board, "test.answer", "提醒", 2, "calendar",
                      starts_at=now - dt.timedelta(days=1), assignee=expert,
                      remind_before=dt.timedelta(days=2))
        # Two days overdue: due notice, then (after 0 h) the escalation.
        open_deadline(board, board, "test.answer", "逾期", 1, "calendar",
                      starts_at=now - dt.timedelta(days=3), assignee=expert)
    # Two sweeps before the worker starts: every row is queued twice, at the same stage.
    assert sweep_deadlines() == 2
    assert sweep_deadlines() == 2
    with start_thread_worker(celery_queue, concurrency=4):
        _wait_until_drained(celery_queue)
        # The escalation is due once the due notice went out.
        sweep_deadlines()
        sweep_deadlines()
        _wait_until_drained(celery_queue)

    assert sorted(stage for stage in claims if stage) == [1, 2, 3]  # each stage claimed once
    assert len(claims) >= 5  # of at least five runs
    assert _sent(board) == Counter({
        ("提醒", 1, "expert"): 1, ("逾期", 2, "expert"): 1, ("逾期", 3, "staff"): 1,
    })
    assert Counter((m.to[0], m.subject) for m in mail.outbox) == Counter({
        ("expert@example.cn", "【内蒙古科创板】即将到期：提醒"): 1,
        ("expert@example.cn", "【内蒙古科创板】已到期：逾期"): 1,
        ("staff@example.cn", "【内蒙古科创板】逾期未办：逾期"): 1,
    })
