"""Tenant scope: django-scopes filtering in the ORM plus the PostgreSQL RLS setting.

Invariants:
- every tenant-owned model's default manager raises ScopeError outside a scope;
- ``board_scope`` sets ``app.board_ids`` on the connection for the duration of the scope and
  restores the previous value on exit, so RLS beneath the ORM sees the same boards;
- the setting is cleared when a connection is created and at the start of every request and
  task, so a persistent connection never carries a board from one unit of work to the next.
"""

from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError, connection
from django_scopes import get_scope, scope, scopes_disabled  # noqa: F401  (re-exported)

RLS_SETTING = "app.board_ids"


def _board_ids(boards):
    if boards is None:
        raise ValueError("board_scope needs a board or a list of boards, not None.")
    if not isinstance(boards, (list, tuple, set, frozenset)):
        boards = [boards]
    ids = []
    for board in boards:
        pk = getattr(board, "pk", board)
        if pk is None:
            raise ValueError("board_scope was given an unsaved board.")
        ids.append(int(pk))
    return sorted(set(ids))


def set_rls_boards(ids, conn=None):
    """Set the RLS board list on the connection (no-op on SQLite)."""
    conn = conn or connection
    if conn.vendor != "postgresql":
        return
    value = ",".join(str(i) for i in ids)
    with conn.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, false)", [RLS_SETTING, value])


def current_rls_boards(conn=None):
    conn = conn or connection
    if conn.vendor != "postgresql":
        return None
    with conn.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s, true)", [RLS_SETTING])
        return cursor.fetchone()[0] or ""


def reset_rls(conn=None):
    """Clear the board setting; tolerate an aborted transaction (it is rolled back anyway)."""
    conn = conn or connection
    if conn.vendor != "postgresql" or conn.connection is None:
        return
    try:
        set_rls_boards([], conn)
    except DatabaseError:
        # In an aborted transaction the rollback will undo our set_config as well;
        # the next request/task resets again before any query.
        pass


@contextmanager
def board_scope(boards):
    """Open the tenant scope for one board or a list of boards."""
    ids = _board_ids(boards)
    previous = get_scope()
    previous_ids = previous.get("board") if previous.get("_enabled", True) else None
    with scope(board=ids):
        set_rls_boards(ids)
        try:
            yield ids
        finally:
            if isinstance(previous_ids, list):
                try:
                    set_rls_boards(previous_ids)
                except DatabaseError:
                    pass
            else:
                reset_rls()


def on_connection_created(sender, connection, **kwargs):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, '', false)", [RLS_SETTING])


def on_request_started(sender, **kwargs):
    if getattr(settings, "IS_POSTGRES", False) and connection.connection is not None:
        reset_rls()
