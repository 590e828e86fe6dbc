"""Backup and restore drill (README "Backup and restore"): pg_dump the database, restore the dump
into a new database, check every board's evidence chain there, and serve requests from it.

Usage: python scripts/restore_drill.py SOURCE_DB TARGET_DB [--dump FILE] [--keep]

Runs the steps an operator runs, with the PostgreSQL client programs:
1. ``pg_dump --format=custom`` as the superuser (PGUSER, default postgres): row-level security
   binds every other role, the owner included, so only a superuser dumps every board's rows;
2. ``CREATE DATABASE TARGET OWNER <owner role>`` and ``pg_restore --exit-on-error``: tables,
   policies, triggers, owners and the runtime role's grants come back as they were;
3. ``manage.py verify_evidence`` as the runtime role on TARGET: every chain intact;
4. gunicorn as the runtime role on TARGET: ``/healthz/`` answers ok and ``/api/v1/boards/``
   lists the boards.
The target database is dropped at the end unless --keep. Exits non-zero at the first failure.
Environment: PGHOST/PGPORT (default 127.0.0.1:5432), PGUSER (superuser, default postgres),
DATABASE_URL (its user is the runtime role), DATABASE_OWNER_USER (the owner role).
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _step(message: str) -> None:
    print(f"[drill] {message}", flush=True)


def _run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(args, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        said = result.stderr.strip() or result.stdout.strip()
        raise SystemExit(f"[drill] FAILED: {' '.join(args[:2])}: {said}")
    return result


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, {}


def serve_and_ask(env: dict) -> list[str]:
    port = _free_port()
    with tempfile.TemporaryFile() as log:
        args = [str(BIN / "gunicorn"), "config.wsgi:application", "-b", f"127.0.0.1:{port}", "-w", "1"]
        server = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                  start_new_session=True)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    status, health = _get(f"http://127.0.0.1:{port}/healthz/")
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        log.seek(0)
                        raise SystemExit("[drill] FAILED: gunicorn did not start:\n"
                                         + log.read().decode(errors="replace")[-2000:]) from None
                    time.sleep(0.3)
            if status != 200 or health.get("status") != "ok":
                raise SystemExit(f"[drill] FAILED: /healthz/ answered {status} {health}")
            status, boards = _get(f"http://127.0.0.1:{port}/api/v1/boards/")
            if status != 200:
                raise SystemExit(f"[drill] FAILED: /api/v1/boards/ answered {status}")
            return [board["slug"] for board in boards["results"]]
        finally:
            server.terminate()
            server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source")
    parser.add_argument("target")
    parser.add_argument("--dump", help="the dump file (default: a temporary file, removed)")
    parser.add_argument("--keep", action="store_true", help="keep the restored database")
    options = parser.parse_args()
    env = dict(os.environ)
    env.setdefault("PGHOST", "127.0.0.1")
    env.setdefault("PGPORT", "5432")
    env.setdefault("PGUSER", "postgres")
    owner = env.get("DATABASE_OWNER_USER") or urlsplit(env["DATABASE_URL"]).username
    if not options.target.replace("_", "").isalnum():
        raise SystemExit(f"bad database name {options.target!r}")
    dump = Path(options.dump or tempfile.mkstemp(suffix=".dump")[1])
    psql = ["psql", "-v", "ON_ERROR_STOP=1", "-q", "-d", "postgres", "-c"]
    try:
        _step(f"pg_dump {options.source} -> {dump}")
        _run(["pg_dump", "--format=custom", "--file", str(dump), "--dbname", options.source], env=env)
        _step(f"restore into new database {options.target} (owner {owner})")
        _run([*psql, f'CREATE DATABASE "{options.target}" OWNER "{owner}" TEMPLATE template0'], env=env)
        _run(["pg_restore", "--exit-on-error", "--dbname", options.target, str(dump)], env=env)

        url = urlsplit(env["DATABASE_URL"])
        app_env = {**env, "DATABASE_URL": urlunsplit(url._replace(path="/" + options.target))}
        app_env.pop("DATABASE_TEST_NAME", None)
        _step("manage.py verify_evidence on the restored database")
        print(_run([sys.executable, "manage.py", "verify_evidence"], cwd=ROOT, env=app_env).stdout, end="")
        _step("serve from the restored database")
        slugs = serve_and_ask(app_env)
        _step(f"/healthz/ ok; /api/v1/boards/ lists {', '.join(slugs) or 'no board'}")
        print("[drill] OK")
    finally:
        if not options.dump:
            dump.unlink(missing_ok=True)
        if not options.keep:
            subprocess.run([*psql, f'DROP DATABASE IF EXISTS "{options.target}" WITH (FORCE)'], env=env,
                           capture_output=True)


if __name__ == "__main__":
    main()
