"""Create or drop the bench database as the owner role of boards/kernel/dbroles.py (scripts/services.py
makes sure it exists with CREATEDB and without SUPERUSER/BYPASSRLS); prints the URL for the runtime
role (the user of DATABASE_URL), which the bench runs as, so RLS and the grants apply to it too.

Usage: python scripts/bench/db.py create|drop NAME
"""

import os
import sys
from urllib.parse import urlsplit

import psycopg

HOST = os.environ.get("TEST_PG_HOST", "127.0.0.1")
PORT = os.environ.get("TEST_PG_PORT", "5432")
OWNER = os.environ.get("DATABASE_OWNER_USER") or "zhuanban_owner"
RUNTIME = urlsplit(os.environ.get("DATABASE_URL", "")).username or "zhuanban_app"


def main(action, name):
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"bad database name {name!r}")
    with psycopg.connect(host=HOST, port=PORT, user=OWNER, dbname="postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if action == "create":
            conn.execute(f'CREATE DATABASE "{name}" OWNER {OWNER}')
    print(f"postgres://{RUNTIME}@{HOST}:{PORT}/{name}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
