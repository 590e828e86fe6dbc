"""deploy/postgres-init.sql (docker-compose's db-init) on a private PostgreSQL cluster: it creates
the owner and the runtime role, hands the older one-role layout's tables to the owner, and can be
run again."""

import subprocess

import pytest
from django.conf import settings

pytestmark = [pytest.mark.pg_server, pytest.mark.xdist_group("pg-init")]

INIT = settings.BASE_DIR / "deploy" / "postgres-init.sql"


def _init(cluster, **env):
    psql = [str(cluster.bin / "psql"), "-h", "127.0.0.1", "-p", str(cluster.port), "-U", "postgres",
            "-d", "postgres", "-q", "-f", str(INIT)]
    env = {"PATH": "/usr/bin:/bin", **env}
    return subprocess.run(psql, capture_output=True, text=True, timeout=120, env=env)


def _one(cluster, sql, db="zhuanban"):
    script = f"\\pset tuples_only on\n\\pset format unaligned\n{sql}\n"
    return cluster.psql(None, db=db, stdin=script).stdout.strip()


PASSWORDS = {"ZHUANBAN_OWNER_PASSWORD": "owner-pass-1", "ZHUANBAN_DB_PASSWORD": "app-pass-1"}


def test_init_creates_both_roles_and_takes_over_the_one_role_layout(private_cluster):
    cluster = private_cluster
    # The older layout: zhuanban owned the database and its tables.
    cluster.psql("CREATE ROLE zhuanban LOGIN")
    cluster.psql("CREATE DATABASE zhuanban OWNER zhuanban")
    cluster.psql(None, db="zhuanban", stdin="SET ROLE zhuanban; CREATE TABLE boards_board (id int);\n")
    for _ in range(2):  # re-runnable
        result = _init(cluster, **PASSWORDS)
        assert result.returncode == 0, result.stderr
    roles = _one(cluster, "SELECT rolname, rolsuper, rolbypassrls, rolcreatedb, rolcanlogin FROM pg_roles "
                          "WHERE rolname LIKE 'zhuanban%' ORDER BY 1")
    assert roles.splitlines() == ["zhuanban|f|f|f|t", "zhuanban_owner|f|f|f|t"]
    assert _one(cluster, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'zhuanban'") == \
        "zhuanban_owner"
    owner = _one(cluster, "SELECT tableowner FROM pg_tables WHERE tablename = 'boards_board'")
    assert owner == "zhuanban_owner"
    assert _one(cluster, "SELECT count(*) FROM pg_class WHERE relowner = 'zhuanban'::regrole") == "0"
    assert _one(cluster, "SELECT has_schema_privilege('zhuanban', 'public', 'CREATE'), "
                         "has_schema_privilege('zhuanban', 'public', 'USAGE'), "
                         "has_database_privilege('zhuanban', 'zhuanban', 'CONNECT'), "
                         "has_database_privilege('zhuanban', 'zhuanban', 'CREATE')") == "f|t|t|f"


def test_init_refuses_to_run_without_both_passwords(private_cluster):  # noqa: F811
    result = _init(private_cluster, ZHUANBAN_DB_PASSWORD="app-pass-1")
    assert result.returncode != 0 and "ZHUANBAN_OWNER_PASSWORD" in result.stderr
    roles = _one(private_cluster, "SELECT count(*) FROM pg_roles WHERE rolname ~ '^zhuanban'", db="postgres")
    assert roles == "0"
