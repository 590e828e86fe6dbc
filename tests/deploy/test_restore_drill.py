"""The backup and restore drill on the real PostgreSQL: pg_dump -> a new database -> verify_evidence
passes -> the platform serves from it, with its guards and roles as they were."""

import os
import subprocess
import sys

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from boards.kernel import evidence
from boards.kernel.scoping import RLS_SETTING, board_scope
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.postgres


def _superuser(dbname="postgres"):
    login = connection.settings_dict
    return psycopg.connect(host=login["HOST"] or "127.0.0.1", port=login["PORT"] or 5432, dbname=dbname,
                           user=os.environ.get("PGUSER", "postgres"), autocommit=True)


@pytest.fixture
def restored_name(committed_db):
    name = connection.settings_dict["NAME"] + "_restored"
    yield name
    with _superuser() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_dump_restore_verify_and_serve(restored_name, board, other_board):
    with board_scope(board):
        EnterpriseFactory(board=board, name="备份演练科技有限公司")
        for i in range(3):
            evidence.record(board, "tests.item.recorded", payload={"i": i, "名称": "演练"})
    with board_scope(other_board):
        evidence.record(other_board, "tests.item.recorded", payload={"i": 0})
    source = connection.settings_dict["NAME"]
    result = subprocess.run([sys.executable, "scripts/restore_drill.py", source, restored_name, "--keep"],
                            cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "nmg-kcb: OK，共 3 条记录" in out and "xj-zjtx: OK，共 1 条记录" in out
    assert "/api/v1/boards/ lists nmg-kcb, xj-zjtx" in out and out.rstrip().endswith("[drill] OK")

    # The restored database keeps its guards: owned by the owner, RLS forced, the runtime role's
    # grants and refusals as before.
    login = connection.settings_dict
    with psycopg.connect(host=login["HOST"] or "127.0.0.1", port=login["PORT"] or 5432, dbname=restored_name,
                         user=login["USER"], password=login["PASSWORD"] or None, autocommit=True) as app:
        assert app.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'boards_evidenceentry'"
                           ).fetchone() == (settings.DATABASE_OWNER_USER,)
        assert app.execute("SELECT relforcerowsecurity FROM pg_class WHERE relname = 'boards_enterprise'"
                           ).fetchone() == (True,)
        assert app.execute("SELECT count(*) FROM boards_enterprise").fetchone() == (0,)  # no board set
        app.execute(f"SELECT set_config('{RLS_SETTING}', %s, false)", [str(board.pk)])
        assert app.execute("SELECT name FROM boards_enterprise").fetchall() == [("备份演练科技有限公司",)]
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            app.execute("DELETE FROM boards_evidenceentry")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            app.execute("ALTER TABLE boards_evidenceentry DISABLE TRIGGER USER")


def test_the_drill_fails_loudly_when_the_source_is_missing(restored_name):
    drill = [sys.executable, "scripts/restore_drill.py", "no_such_database_zb", restored_name]
    result = subprocess.run(drill, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "FAILED: pg_dump" in result.stderr
