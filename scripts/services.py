"""Detect local PostgreSQL and Redis for the test run and print shell exports.

PostgreSQL: as the superuser ``postgres`` (trust auth), ensure the two roles of boards/kernel/dbroles.py:
the owner ``zhuanban_owner`` (LOGIN CREATEDB: it creates the test databases and migrates them)
and the runtime role ``zhuanban_app`` (LOGIN only: it owns nothing and gets its grants from the
owner after every migrate), neither SUPERUSER nor BYPASSRLS (row-level security applies to both).
Exports DATABASE_URL for the runtime role and DATABASE_OWNER_USER. Test databases of this run
(DATABASE_TEST_NAME, with xdist's suffixes) left by an older single-role run are handed to the
owner, so that it may drop them. Redis: export REDIS_URL if it answers PING. With
REQUIRE_SERVICES=1 a missing service is an error.
"""

import os
import re
import sys

PG_HOST = os.environ.get("TEST_PG_HOST", "127.0.0.1")
PG_PORT = os.environ.get("TEST_PG_PORT", "5432")
REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
OWNER_ROLE = "zhuanban_owner"
APP_ROLE = "zhuanban_app"
DATABASE = "zhuanban_local"
ROLES = {
    OWNER_ROLE: "LOGIN CREATEDB NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOREPLICATION",
    APP_ROLE: "LOGIN NOCREATEDB NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOREPLICATION",
}


def postgres():
    import psycopg

    with psycopg.connect(host=PG_HOST, port=PG_PORT, user="postgres", dbname="postgres",
                         autocommit=True, connect_timeout=3) as conn:
        for role, attributes in ROLES.items():
            exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone()
            conn.execute(f"{'ALTER' if exists else 'CREATE'} ROLE {role} {attributes}")
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone():
            conn.execute(f"CREATE DATABASE {DATABASE} OWNER {OWNER_ROLE}")
        test_name = os.environ.get("DATABASE_TEST_NAME", "test_zhuanban")
        stale = conn.execute(
            "SELECT datname FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba "
            "WHERE (datname = %s OR datname ~ %s) AND rolname <> %s",
            [test_name, "^" + re.escape(test_name) + "_gw[0-9]+$", OWNER_ROLE]).fetchall()
        for (name,) in stale:
            conn.execute(f'ALTER DATABASE "{name}" OWNER TO {OWNER_ROLE}')
    return f"postgres://{APP_ROLE}@{PG_HOST}:{PG_PORT}/{DATABASE}"


def redis():
    import redis as redis_lib

    redis_lib.Redis.from_url(REDIS, socket_connect_timeout=2).ping()
    return REDIS


def main():
    require = os.environ.get("REQUIRE_SERVICES") == "1"
    exports = {}
    for name, probe in (("DATABASE_URL", postgres), ("REDIS_URL", redis)):
        if os.environ.get(name):
            continue
        try:
            exports[name] = probe()
        except Exception as exc:
            message = f"{name}: service not reachable ({type(exc).__name__}: {exc})"
            if require:
                print(f"echo 'REQUIRE_SERVICES=1 but {message}' >&2; exit 1")
                return
            print(f"echo '{message}; tests that need it will be skipped' >&2")
    if "DATABASE_URL" in exports and not os.environ.get("DATABASE_OWNER_USER"):
        exports["DATABASE_OWNER_USER"] = OWNER_ROLE
    for name, value in exports.items():
        print(f"export {name}='{value}'")


if __name__ == "__main__":
    sys.exit(main())
