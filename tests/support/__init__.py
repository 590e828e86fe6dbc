"""Helpers shared by test modules (fixtures live in conftest.py)."""

import os
import uuid
from pathlib import Path

# Chromium as root on a machine with no network beyond loopback: no sandbox, no background calls.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def start_thread_worker(queue, concurrency=2):
    """A real Celery worker in this process, consuming ``queue`` with a thread pool."""
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    return start_worker(app, pool="threads", concurrency=concurrency, perform_ping_check=False,
                        queues=[queue], shutdown_timeout=30)


def pg_server_bindir():
    """The newest local PostgreSQL server's bin folder (initdb, pg_ctl), or None. A private
    cluster is started as the ``postgres`` user, so it also needs root for runuser."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                   key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)
    return found[-1].parent if found and os.geteuid() == 0 else None


def owner_connection():
    """A psycopg connection (autocommit) to this test's database as the owner role of
    boards.kernel.dbroles, for what only the owner may do (tamper with a guarded table, add a trigger).
    Commits are real: undo what you did. Without an owner role, as the one role there is."""
    import psycopg
    from django.conf import settings
    from django.db import connection

    login = connection.settings_dict
    return psycopg.connect(host=login["HOST"] or "127.0.0.1", port=login["PORT"] or 5432,
                           dbname=login["NAME"], user=settings.DATABASE_OWNER_USER or login["USER"],
                           password=(settings.DATABASE_OWNER_PASSWORD if settings.DATABASE_OWNER_USER
                                     else login["PASSWORD"]) or None, autocommit=True)


def serialized(serializer_class, objects, **context):
    """What DRF's ``serializer_class`` answers for ``objects`` through the API's renderer, as JSON
    values: the reference a list served from values rows (boards.kernel.api.rows) must equal."""
    import json

    from boards.kernel.api.renderers import dumps

    return json.loads(dumps(serializer_class(objects, many=True, context=context).data))


def address():
    """An address of this test alone: the counters live in the shared Redis. (The tests count
    per day: a fixed window that a slow page straddles would start the count again.)"""
    raw = uuid.uuid4().bytes
    return f"10.{raw[0]}.{raw[1]}.{raw[2]}"
