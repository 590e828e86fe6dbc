"""Two database roles (等保 三级: the application cannot switch its own isolation off).

- The **owner** role (``DATABASE_OWNER_USER``) owns the schema: every table, the row-level
  security policies, the function they call and the append-only triggers. Only schema work logs
  in as it: ``manage.py migrate`` and ``manage.py flush`` (boards/management/commands), and the
  test suite's database setup.
- The **runtime** role (the user of ``DATABASE_URL``) is what the platform runs as. It owns
  nothing, so it cannot ALTER a table (NO FORCE / DISABLE ROW LEVEL SECURITY, DISABLE TRIGGER),
  drop or create a policy or replace a function; after every migrate the owner grants it
  (``grant_runtime_sql``) SELECT, INSERT, UPDATE and DELETE on the tables, only SELECT and INSERT
  on the append-only tables, and only SELECT on the migration history.

Without DATABASE_OWNER_USER (SQLite, a single-role development database) everything runs as the
one role, as before.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

# The runtime role's login, kept on the connection while it is switched to the owner.
_SAVED = "zb_runtime_login"


def owner_configured(connection: BaseDatabaseWrapper) -> bool:
    return bool(settings.DATABASE_OWNER_USER) and connection.vendor == "postgresql"


def runtime_role(connection: BaseDatabaseWrapper) -> str | None:
    """The role the platform runs as, when ``connection`` is logged in as the owner instead."""
    saved = getattr(connection, _SAVED, None)
    return saved[0] if saved else None


def login_as_owner(alias: str = "default") -> bool:
    """Log ``alias`` in as the owner from its next query on (same host, port and database).
    False when there is no owner role or the connection is the owner's already."""
    connection = connections[alias]
    if not owner_configured(connection) or getattr(connection, _SAVED, None):
        return False
    if connection.in_atomic_block:
        raise RuntimeError("the database login cannot change inside a transaction")
    connection.close()
    login = connection.settings_dict
    setattr(connection, _SAVED, (login["USER"], login["PASSWORD"]))
    login["USER"], login["PASSWORD"] = settings.DATABASE_OWNER_USER, settings.DATABASE_OWNER_PASSWORD
    return True


def login_as_runtime(alias: str = "default") -> None:
    """Undo ``login_as_owner``: the next query logs in as the runtime role again."""
    connection = connections[alias]
    saved = getattr(connection, _SAVED, None)
    if saved is None:
        return
    connection.close()
    connection.settings_dict["USER"], connection.settings_dict["PASSWORD"] = saved
    delattr(connection, _SAVED)


@contextmanager
def as_owner(alias: str = "default") -> Iterator[None]:
    switched = login_as_owner(alias)
    try:
        yield
    finally:
        if switched:
            login_as_runtime(alias)


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def grant_runtime_sql(connection: BaseDatabaseWrapper, append_only: tuple[str, ...]) -> str:
    """The owner's grants to the runtime role, idempotent, for every table that exists now."""
    role = runtime_role(connection)
    if role is None:
        return ""
    who = _ident(role)
    database = _ident(connection.settings_dict["NAME"])
    existing = set(connection.introspection.table_names())
    sql = [
        f"GRANT CONNECT, TEMPORARY ON DATABASE {database} TO {who};",
        f"GRANT USAGE ON SCHEMA public TO {who};",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {who};",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {who};",
        f"REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM {who};",
    ]
    for table in (*append_only, "django_migrations"):
        if table in existing:
            sql.append(f"REVOKE UPDATE, DELETE ON {_ident(table)} FROM {who};")
            if table == "django_migrations":
                sql.append(f"REVOKE INSERT ON {_ident(table)} FROM {who};")
    return "\n".join(sql)
