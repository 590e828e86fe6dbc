"""Tenant scope: django-scopes filtering in the ORM plus the PostgreSQL RLS setting.

Invariants:
- every tenant-owned model's default manager raises ScopeError outside a scope;
- ``board_scope`` sets ``app.board_ids`` for the duration of the scope and restores the previous
  value on exit, so RLS beneath the ORM sees the same boards;
- inside a transaction (every board request runs in one, boards.kernel.middleware) the setting is
  local to that transaction (``set_config(..., true)``): it ends with the COMMIT or ROLLBACK, so it
  cannot leak to the next transaction on the same server connection, even behind a pooler in
  transaction mode (PgBouncer), and needs no reset round trip;
- outside a transaction (tasks, commands) it is set on the session and cleared on exit; a session
  setting still on the connection is cleared when the connection is created and when a request
  starts, so a persistent connection never carries a board from one unit of work to the next.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeAlias, cast

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import RawSQL
from django_scopes import get_scope, scope, scopes_disabled  # noqa: F401  (re-exported)

if TYPE_CHECKING:
    from boards.kernel.models import Board

    BoardRef: TypeAlias = Board | int  # a board or its id
    Boards: TypeAlias = BoardRef | list[BoardRef] | tuple[BoardRef, ...] | set[BoardRef] | frozenset[BoardRef]

RLS_SETTING = "app.board_ids"


def _board_ids(boards: Boards | None) -> list[int]:
    if boards is None:
        raise ValueError("board_scope needs a board or a list of boards, not None.")
    if not isinstance(boards, (list, tuple, set, frozenset)):
        boards = [boards]
    ids = []
    for board in boards:
        pk = cast("int | None", getattr(board, "pk", board))  # a Board's pk, or the id given
        if pk is None:
            raise ValueError("board_scope was given an unsaved board.")
        ids.append(int(pk))
    return sorted(set(ids))


def set_rls_boards(ids: Iterable[int], conn: BaseDatabaseWrapper | None = None) -> None:
    """Set the RLS board list on the connection (no-op on SQLite): for the current transaction
    when one is open, else on the session (remembered, so that a request start clears it)."""
    conn = conn or connection
    if conn.vendor != "postgresql":
        return
    value = ",".join(str(i) for i in ids)
    local = conn.in_atomic_block
    with conn.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, %s)", [RLS_SETTING, value, local])
    if not local:
        conn.zb_session_boards = value  # type: ignore[attr-defined]  # read back by on_request_started


def rls_annotation(conn: BaseDatabaseWrapper | None = None) -> RawSQL | None:
    """An annotation for a query of the Board table that also sets the RLS setting to the board
    it finds, for the current transaction: the board lookup and the setting in one statement
    (boards.kernel.middleware). None where there is no RLS (SQLite) or no transaction."""
    conn = conn or connection
    if conn.vendor != "postgresql" or not conn.in_atomic_block:
        return None
    return RawSQL('set_config(%s, "boards_board"."id"::text, true)', [RLS_SETTING])


def current_rls_boards(conn: BaseDatabaseWrapper | None = None) -> str | None:
    conn = conn or connection
    if conn.vendor != "postgresql":
        return None
    with conn.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s, true)", [RLS_SETTING])
        return cursor.fetchone()[0] or ""


def reset_rls(conn: BaseDatabaseWrapper | None = None) -> None:
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
def board_scope(boards: Boards, *, rls_set: bool = False) -> Iterator[list[int]]:
    """Open the tenant scope for one board or a list of boards. ``rls_set``: the caller has
    already set the RLS setting to exactly these boards in the current transaction
    (``rls_annotation``)."""
    ids = _board_ids(boards)
    previous = get_scope()
    previous_ids = previous.get("board") if previous.get("_enabled", True) else None
    with scope(board=ids):
        if not rls_set:
            set_rls_boards(ids)
        try:
            yield ids
        finally:
            if isinstance(previous_ids, list):
                try:
                    set_rls_boards(previous_ids)
                except DatabaseError:
                    pass
            elif not connection.in_atomic_block or not rls_set:
                reset_rls()
            # else: the transaction-local setting ends with the request's transaction.


def on_connection_created(sender: object, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, '', false)", [RLS_SETTING])
        connection.zb_session_boards = ""  # type: ignore[attr-defined]  # as in set_rls_boards


def on_request_started(sender: object, **kwargs: Any) -> None:
    # Only a session setting left on the connection needs clearing (the request's own settings
    # are transaction-local): no round trip for a clean connection.
    if (getattr(settings, "IS_POSTGRES", False) and connection.connection is not None
            and getattr(connection, "zb_session_boards", "")):
        reset_rls()
