"""Tenant isolation behind a real PgBouncer in transaction-pooling mode (the pooler production may
put between the web processes and PostgreSQL): the board setting of a request is local to its
transaction (boards.kernel.scoping), so two clients served by the same server connection never
see each other's board, and requests through the pooler see their own board only."""

import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from wsgiref.util import setup_testing_defaults

import psycopg
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection

from boards.kernel.scoping import RLS_SETTING

pytestmark = [pytest.mark.postgres, pytest.mark.urls("tests.boards.scope_probe_urls")]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def pgbouncer(transactional_db):
    """PgBouncer (Debian package, scripts/system-deps.sh --test) on a free port, transaction pooling,
    ONE server connection per database and user, so that every client shares it. Its files live in
    a folder of /tmp the ``postgres`` user can read (PgBouncer refuses to run as root)."""
    with tempfile.TemporaryDirectory(prefix="zb-pgbouncer-") as folder:
        yield from _pgbouncer(Path(folder))


def _pgbouncer(tmp_path):
    binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
    login = connection.settings_dict
    port = _free_port()
    users = {login["USER"], os.environ.get("DATABASE_OWNER_USER") or login["USER"], "postgres"}
    (tmp_path / "users.txt").write_text("".join(f'"{user}" ""\n' for user in users))
    (tmp_path / "pgbouncer.ini").write_text(f"""[databases]
* = host={login["HOST"] or "127.0.0.1"} port={login["PORT"] or 5432}
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {tmp_path}/users.txt
pool_mode = transaction
default_pool_size = 1
max_client_conn = 50
pidfile = {tmp_path}/pgbouncer.pid
logfile = {tmp_path}/pgbouncer.log
""")
    tmp_path.chmod(0o777)  # the log and pid files are written by the postgres user
    for name in ("users.txt", "pgbouncer.ini"):
        (tmp_path / name).chmod(0o644)
    # PgBouncer refuses to run as root.
    command = [binary, str(tmp_path / "pgbouncer.ini")]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    else:
        process.kill()
        raise RuntimeError(f"pgbouncer did not start: {process.stderr.read().decode()}")
    yield {"port": port, "dbname": login["NAME"], "user": login["USER"]}
    process.terminate()
    process.wait(timeout=10)


def _client(pooler):
    return psycopg.connect(host="127.0.0.1", port=pooler["port"], dbname=pooler["dbname"],
                           user=pooler["user"], autocommit=True, prepare_threshold=None)


def _seen(conn):
    return conn.execute("SELECT current_setting(%s, true), pg_backend_pid()", [RLS_SETTING]).fetchone()


def test_two_clients_on_one_server_connection_never_see_each_others_board(pgbouncer):
    first, second = _client(pgbouncer), _client(pgbouncer)
    with first.transaction():
        first.execute("SELECT set_config(%s, '11', true)", [RLS_SETTING])
        setting, pid = _seen(first)
        assert setting == "11"
    setting, other_pid = _seen(second)
    assert other_pid == pid  # the same server connection served both clients
    assert setting in ("", None)  # the first client's board ended with its transaction
    # What a session-wide setting would do behind this pooler: the next client inherits the board.
    first.execute("SELECT set_config(%s, '11', false)", [RLS_SETTING])
    assert _seen(second) == ("11", pid)
    second.execute("SELECT set_config(%s, '', false)", [RLS_SETTING])
    first.close()
    second.close()


def _serve(path):
    environ = {"PATH_INFO": path}
    setup_testing_defaults(environ)
    statuses = []
    response = WSGIHandler()(environ, lambda status, headers, exc_info=None: statuses.append(status))
    try:
        body = b"".join(response)
    finally:
        response.close()
    assert statuses == ["200 OK"], body
    return json.loads(body)


def test_requests_through_the_pooler_see_their_own_board_only(pgbouncer, board, other_board):
    """Board requests, a request without a board and a second client interleaved on the one server
    connection: each sees exactly its own board (or none), never the one before it."""
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=pgbouncer["port"], CONN_MAX_AGE=600)
    other = _client(pgbouncer)
    try:
        pids = set()
        for _ in range(3):
            for current in (board, other_board):
                answer = _serve(f"/{current.slug}/probe/")
                assert answer["setting"] == str(current.pk)
                pids.add(answer["pid"])
                assert _seen(other)[0] in ("", None)
            assert _serve("/probe/")["setting"] == ""
        assert len(pids) == 1  # one server connection served every request
    finally:
        other.close()
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
