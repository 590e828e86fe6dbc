"""Detect local PostgreSQL and Redis for the test run and print shell exports.

PostgreSQL: as the superuser ``postgres`` (trust auth), ensure the application role
``zhuanban`` exists with LOGIN CREATEDB and neither SUPERUSER nor BYPASSRLS (so row-level
security applies to it), then export DATABASE_URL for it. Redis: export REDIS_URL if it
answers PING. With REQUIRE_SERVICES=1 a missing service is an error.
"""

import os
import sys

PG_HOST = os.environ.get("TEST_PG_HOST", "127.0.0.1")
PG_PORT = os.environ.get("TEST_PG_PORT", "5432")
REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
APP_ROLE = "zhuanban"


def postgres():
    import psycopg

    with psycopg.connect(host=PG_HOST, port=PG_PORT, user="postgres", dbname="postgres",
                         autocommit=True, connect_timeout=3) as conn:
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [APP_ROLE]).fetchone()
        if not exists:
            conn.execute(f"CREATE ROLE {APP_ROLE} LOGIN CREATEDB NOSUPERUSER NOBYPASSRLS")
        else:
            conn.execute(f"ALTER ROLE {APP_ROLE} LOGIN CREATEDB NOSUPERUSER NOBYPASSRLS")
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [APP_ROLE]).fetchone():
            conn.execute(f"CREATE DATABASE {APP_ROLE} OWNER {APP_ROLE}")
    return f"postgres://{APP_ROLE}@{PG_HOST}:{PG_PORT}/{APP_ROLE}"


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
    for name, value in exports.items():
        print(f"export {name}='{value}'")


if __name__ == "__main__":
    sys.exit(main())
