"""Row-level security beneath the ORM (PostgreSQL only)."""

import pytest
from django.db import connection

from boards.kernel.models import Notification
from boards.kernel.scoping import board_scope, current_rls_boards, reset_rls, set_rls_boards

pytestmark = pytest.mark.postgres


def _raw_titles():
    with connection.cursor() as cursor:
        cursor.execute("SELECT title FROM boards_notification ORDER BY title")
        return [row[0] for row in cursor.fetchall()]


def test_app_role_is_fenced_by_rls(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone() == (False, False)
        cursor.execute(
            "SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = 'boards_notification'"
        )
        assert cursor.fetchone() == (True, True)


def test_raw_sql_reads_only_the_scoped_board(board, other_board, staff_user):
    with board_scope(board):
        Notification.objects.create(board=board, user=staff_user, verb="t", title="A-mine")
    with board_scope(other_board):
        Notification.objects.create(board=other_board, user=staff_user, verb="t", title="B-theirs")
    reset_rls()
    assert _raw_titles() == []  # no board set: nothing
    with board_scope(board):
        assert _raw_titles() == ["A-mine"]
    set_rls_boards([other_board.pk])
    assert _raw_titles() == ["B-theirs"]
    reset_rls()


def test_raw_insert_into_foreign_board_is_refused(board, other_board, staff_user):
    from django.db.utils import ProgrammingError

    with board_scope(board):
        with pytest.raises(ProgrammingError, match="row-level security"):
            with connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO boards_notification (board_id, user_id, verb, title, body, url, created_at)"
                    " VALUES (%s, %s, 't', 'sneaky', '', '', now())",
                    [other_board.pk, staff_user.pk],
                )


def test_scope_exit_restores_setting(board, other_board):
    reset_rls()
    with board_scope(board):
        assert current_rls_boards() == str(board.pk)
        with board_scope(other_board):
            assert current_rls_boards() == str(other_board.pk)
        assert current_rls_boards() == str(board.pk)
    assert current_rls_boards() == ""


def test_the_board_function_reads_the_setting_and_is_planned_once_per_session(db):
    """zb_current_boards() is PL/pgSQL: a SQL function would be inlined and its body parsed again at
    every planning, once per table under the policy (the RLS overhead of make bench)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT l.lanname FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang "
                       "WHERE p.proname = 'zb_current_boards'")
        assert cursor.fetchone() == ("plpgsql",)
        answers = []
        for value in ("", "7", "7,12"):
            cursor.execute("SELECT set_config('app.board_ids', %s, true), zb_current_boards()", [value])
            answers.append(cursor.fetchone()[1])
    assert answers == [[], [7], [7, 12]]
