"""Create or drop the bench database as the application role (scripts/services.py makes sure the
role exists with CREATEDB and without SUPERUSER/BYPASSRLS, so RLS applies to the bench too).

Usage: python scripts/bench/db.py create|drop NAME
"""

import os
import sys

import psycopg

HOST = os.environ.get("TEST_PG_HOST", "127.0.0.1")
PORT = os.environ.get("TEST_PG_PORT", "5432")
ROLE = "zhuanban"


def main(action, name):
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"bad database name {name!r}")
    with psycopg.connect(host=HOST, port=PORT, user=ROLE, dbname="postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if action == "create":
            conn.execute(f'CREATE DATABASE "{name}" OWNER {ROLE}')
    print(f"postgres://{ROLE}@{HOST}:{PORT}/{name}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
