"""Helpers of the faults tests, shared with other folders (the fixtures stay in its conftest.py)."""

import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from pathlib import Path
from urllib.parse import quote

import requests
from django.conf import settings

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


def inflating_docx(inflated_bytes, *, name="word/media/pad.bin"):
    """A real .docx whose one extra part inflates to ``inflated_bytes`` (zeros deflate ~1000:1),
    written in chunks so the test never holds the inflated bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'))
        archive.writestr("word/document.xml", "<w:document/>")
        with archive.open(name, "w", force_zip64=True) as part:
            chunk = bytes(1024 * 1024)
            for _ in range(inflated_bytes // len(chunk)):
                part.write(chunk)
    return buffer.getvalue()
