"""Two database roles on the real PostgreSQL (boards.kernel.dbroles): the connection the platform (and this
suite) uses is the runtime role, which owns nothing and is refused every statement that would
switch tenant isolation or evidence protection off."""

import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction

from boards.kernel import evidence
from boards.kernel.models import EvidenceEntry
from boards.kernel.scoping import RLS_SETTING, board_scope
from tests.support import owner_connection

pytestmark = pytest.mark.postgres

NOT_OWNER = "must be owner of"
DENIED = "permission denied"


def _one(sql, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def test_the_suite_runs_as_the_runtime_role_not_the_owner(db):
    assert settings.DATABASE_OWNER_USER, "services.py exports DATABASE_OWNER_USER: two roles"
    user = _one("SELECT current_user")[0]
    assert user == connection.settings_dict["USER"] != settings.DATABASE_OWNER_USER
    assert _one("SELECT rolsuper, rolbypassrls, rolcreatedb, rolcreaterole FROM pg_roles "
                "WHERE rolname = current_user") == (False, False, False, False)


def test_the_runtime_role_owns_nothing(db):
    me = "(SELECT oid FROM pg_roles WHERE rolname = current_user)"
    assert _one(f"SELECT count(*) FROM pg_class WHERE relowner = {me}") == (0,)
    assert _one(f"SELECT count(*) FROM pg_proc WHERE proowner = {me}") == (0,)
    assert _one(f"SELECT count(*) FROM pg_namespace WHERE nspowner = {me}") == (0,)
    assert _one(f"SELECT count(*) FROM pg_database WHERE datdba = {me}") == (0,)
    owner = _one("SELECT tableowner FROM pg_tables WHERE tablename = 'boards_evidenceentry'")[0]
    assert owner == settings.DATABASE_OWNER_USER


REFUSED = [
    ("ALTER TABLE boards_notification NO FORCE ROW LEVEL SECURITY", NOT_OWNER),
    ("ALTER TABLE boards_notification DISABLE ROW LEVEL SECURITY", NOT_OWNER),
    ("DROP POLICY tenant_isolation ON boards_notification", NOT_OWNER),
    ("ALTER POLICY tenant_isolation ON boards_notification USING (true)", NOT_OWNER),
    ("CREATE POLICY everything ON boards_notification USING (true)", NOT_OWNER),
    ("CREATE OR REPLACE FUNCTION zb_current_boards() RETURNS bigint[] LANGUAGE sql STABLE "
     "AS $$ SELECT array_agg(id) FROM boards_board $$", DENIED),  # no CREATE on the schema either
    ("DROP FUNCTION zb_current_boards() CASCADE", NOT_OWNER),
    ("ALTER FUNCTION zb_current_boards() RENAME TO zb_gone", NOT_OWNER),
    ("CREATE FUNCTION public.zb_shadow() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$", DENIED),
    ("CREATE TABLE public.zb_stash (x int)", DENIED),
    ("ALTER TABLE boards_evidenceentry DISABLE TRIGGER USER", NOT_OWNER),
    ("ALTER TABLE boards_evidenceentry DISABLE TRIGGER boards_evidenceentry_append_only", NOT_OWNER),
    ("DROP TRIGGER boards_evidenceentry_append_only ON boards_evidenceentry", NOT_OWNER),
    ("ALTER TABLE boards_sharechange DISABLE TRIGGER ALL", NOT_OWNER),
    ("UPDATE boards_evidenceentry SET action = 'x.y.forged'", DENIED),
    ("DELETE FROM boards_evidenceentry", DENIED),
    ("TRUNCATE boards_evidenceentry", DENIED),
    ("UPDATE boards_sharechange SET note = ''", DENIED),
    ("DELETE FROM boards_sharechange", DENIED),
    ("TRUNCATE boards_notification", DENIED),
    ("ALTER ROLE CURRENT_USER BYPASSRLS", "must be superuser"),
    ("DROP TABLE boards_notification", NOT_OWNER),
]


@pytest.mark.parametrize("sql, refusal", REFUSED, ids=[sql[:60] for sql, _ in REFUSED])
def test_the_runtime_role_may_not_switch_the_guards_off(db, sql, refusal):
    with pytest.raises(DatabaseError, match=refusal):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)


def test_the_runtime_role_may_not_become_the_owner(db):
    with pytest.raises(DatabaseError, match=DENIED):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f'SET ROLE "{settings.DATABASE_OWNER_USER}"')


def test_the_runtime_role_still_does_its_work(board):
    with board_scope(board):
        entry = evidence.record(board, "tests.item.recorded", payload={"i": 1})
        assert EvidenceEntry.objects.get(pk=entry.pk).payload == {"i": 1}
        assert evidence.verify_chain(board)[0]


def test_the_guards_hold_for_the_owner_too(committed_db, board):
    """The owner could switch them off (that is what owning means), but does not pass them."""
    with board_scope(board):
        evidence.record(board, "tests.item.recorded", payload={"i": 1})
    with owner_connection() as owner:
        assert owner.execute("SELECT count(*) FROM boards_evidenceentry").fetchone() == (0,)  # no board set
        owner.execute(f"SELECT set_config('{RLS_SETTING}', %s, false)", [str(board.pk)])
        assert owner.execute("SELECT count(*) FROM boards_evidenceentry").fetchone() == (1,)
        with pytest.raises(Exception, match="append-only"):
            owner.execute("UPDATE boards_evidenceentry SET action = 'x.y.forged'")
