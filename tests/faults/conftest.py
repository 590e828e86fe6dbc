"""Launchers for the fault tests: gunicorn and Celery workers as real subprocesses against this
test's database and Redis, and a private PostgreSQL cluster that a test may restart.

Subprocesses see only COMMITTED data: use ``committed_db``. Every process started here is
killed in fixture teardown, by its own pid/process group.
"""

import datetime as dt
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from django.conf import settings
from django.utils import timezone

from boards.kernel.deadlines import open_deadline
from boards.kernel.scoping import board_scope
from tests.factories import EnterpriseFactory, UserFactory
from tests.support import pg_server_bindir

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
DEADLINES = 4
HEALTHZ_TOKEN = "fault-test-healthz-token"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(db=None):
    """The URL of the database this test process really uses (xdist adds a suffix to its name)."""
    db = db or settings.DATABASES["default"]
    auth = quote(db["USER"] or "") + (":" + quote(db["PASSWORD"]) if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_for(predicate, timeout, what, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class Processes:
    """Subprocesses of one test, each in its own process group, logs in ``var_dir``."""

    def __init__(self, var_dir):
        self.var_dir = var_dir
        self.queue = f"zb-fault-{uuid.uuid4().hex[:10]}"
        # Own Redis key prefix: a short visibility timeout here never redelivers other tests' tasks.
        self.key_prefix = f"zbf-{uuid.uuid4().hex[:8]}:"
        self.procs = []

    def env(self, **extra):
        env = dict(os.environ)
        env.update(
            DATABASE_URL=database_url(), REDIS_URL=settings.REDIS_URL or "", DJANGO_DEBUG="1",
            CELERY_QUEUE=self.queue, CELERY_KEY_PREFIX=self.key_prefix, ZHUANBAN_VAR_DIR=str(self.var_dir),
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            DJANGO_SECRET_KEY=env.get("DJANGO_SECRET_KEY") or "fault-test-secret-key-0123456789abcdef-xyz",
            DJANGO_SSL_REDIRECT="0", DJANGO_SECURE_COOKIES="0", DJANGO_HSTS_SECONDS="0",
            PYTHONUNBUFFERED="1", HEALTHZ_TOKEN=HEALTHZ_TOKEN,
            # Load from one address is the point of these tests, not a flood to throttle.
            ANON_THROTTLE_RATE="1000000/m", ANON_POST_THROTTLE_RATE="1000000/m",
        )
        env.pop("DATABASE_TEST_NAME", None)
        env.update({k: str(v) for k, v in extra.items()})
        return env

    def spawn(self, name, args, env):
        log = open(self.var_dir / f"{name}.log", "ab")
        proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        proc.log_path, proc.name = self.var_dir / f"{name}.log", name
        self.procs.append(proc)
        return proc

    def log(self, proc):
        return proc.log_path.read_text(errors="replace")

    def gunicorn(self, name="web", workers=2, threads=8, **env):
        port = free_port()
        proc = self.spawn(name, [str(BIN / "gunicorn"), "config.wsgi:application", "-b", f"127.0.0.1:{port}",
                                 "-w", str(workers), "-k", "gthread", "--threads", str(threads),
                                 "--timeout", "60", "--graceful-timeout", "2", "--keep-alive", "120"],
                          self.env(**env))
        proc.url = f"http://127.0.0.1:{port}"

        def up():
            assert proc.poll() is None, f"{name} exited:\n{self.log(proc)[-3000:]}"
            try:
                return requests.get(proc.url + "/healthz/", timeout=20).status_code in (200, 503)
            except (requests.ConnectionError, requests.Timeout):
                return False

        wait_for(up, 60, f"gunicorn {name}", 0.2)
        return proc

    def worker(self, name="worker", pool="solo", concurrency=1, **env):
        proc = self.spawn(name, [str(BIN / "celery"), "-A", "config", "worker", "-Q", self.queue, "-n",
                                 f"{name}-{self.queue}@%h", "-P", pool, "-c", str(concurrency), "-l", "info",
                                 "--without-gossip", "--without-mingle", "--without-heartbeat"],
                          self.env(**env))

        def ready():
            assert proc.poll() is None, f"{name} exited:\n{self.log(proc)[-3000:]}"
            return "ready." in self.log(proc)

        wait_for(ready, 60, f"celery worker {name}", 0.2)
        return proc

    def call(self, task, **env):
        """Send ``task`` as beat does: a message on the queue, from a separate process."""
        subprocess.run([str(BIN / "celery"), "-A", "config", "call", task, "--queue", self.queue],
                       cwd=ROOT, env=self.env(**env), check=True, capture_output=True, timeout=60)

    @staticmethod
    def kill(proc, sig=signal.SIGKILL):
        if proc.poll() is None:
            os.killpg(proc.pid, sig)  # the group: gunicorn/celery children die with it
        proc.wait(timeout=30)

    def close(self):
        for proc in self.procs:
            try:
                self.kill(proc)
            except ProcessLookupError:
                pass
        if settings.REDIS_URL:
            import redis

            client = redis.Redis.from_url(settings.REDIS_URL)
            keys = list(client.scan_iter(match=f"{self.key_prefix}*"))
            if keys:
                client.delete(*keys)


@pytest.fixture
def processes(tmp_path):
    procs = Processes(tmp_path / "var")
    procs.var_dir.mkdir()
    yield procs
    procs.close()


def sent_emails(var_dir):
    """Messages the filebased email backend wrote (one file may hold several)."""
    mail = Path(var_dir) / "mail"
    if not mail.exists():
        return []
    messages = []
    for path in sorted(mail.iterdir()):
        messages += [part for part in path.read_text(errors="replace").split("-" * 79) if part.strip()]
    return messages


class PrivateCluster:
    """A PostgreSQL cluster of this test alone (the shared one on :5432 must never restart)."""

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="zb-pg-"))
        shutil.chown(self.dir, "postgres")
        self.port = free_port()
        self.bin = pg_server_bindir()
        self.data = self.dir / "data"

    def _pg(self, *args, timeout=60):
        return subprocess.run(["runuser", "-u", "postgres", "--", *args], check=True, capture_output=True,
                              timeout=timeout, text=True)

    def init(self):
        self._pg(str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        self.start()

    def pg_ctl(self, *args):
        return self._pg(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "server.log"),
                        "-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off",
                        "-w", "-t", "60", *args)

    def start(self):
        self.pg_ctl("start")

    def psql(self, sql, db="postgres", stdin=None):
        return subprocess.run([str(self.bin / "psql"), "-h", "127.0.0.1", "-p", str(self.port),
                               "-U", "postgres", "-d", db, "-v", "ON_ERROR_STOP=1", "-q",
                               *(["-c", sql] if sql else [])],
                              input=stdin, check=True, capture_output=True, text=True, timeout=120)

    def url(self, db):
        return f"postgres://zb@127.0.0.1:{self.port}/{db}"

    def stop(self):
        if (self.data / "postmaster.pid").exists():
            self._pg(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def private_cluster():
    """A PostgreSQL cluster of the test's own; tests using it are marked ``pg_server``."""
    cluster = PrivateCluster()
    try:
        cluster.init()
        yield cluster
    finally:
        cluster.stop()


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
