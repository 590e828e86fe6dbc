"""Database guards installed after every migrate (post_migrate), so they cover every
tenant-owned table of every app, including tables added later:

- PostgreSQL: ENABLE + FORCE ROW LEVEL SECURITY with a policy keyed on ``app.board_ids``
  (set by ``board_scope``). With no boards set, a table reads and accepts nothing.
- Both engines: the append-only tables (the evidence log and its tree, the share-change journal)
  refuse UPDATE and DELETE in the database itself. The one exception: a queued evidence entry is
  sequenced once (``seq``, ``prev_hash`` and ``hash`` set where ``seq`` was NULL, nothing else changed),
  and the runtime role may UPDATE those three columns only.
- PostgreSQL with two roles (boards.kernel.dbroles): migrate runs as the owner, which then grants the
  runtime role what the platform needs and nothing more (no UPDATE or DELETE on the append-only
  tables; the role owns nothing, so it cannot undo any of the above).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.apps import AppConfig
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

from boards.kernel.dbroles import grant_runtime_sql, runtime_role
from boards.kernel.scoping import RLS_SETTING

if TYPE_CHECKING:
    from boards.kernel.models import TenantModel

POLICY = "tenant_isolation"

# PL/pgSQL, not SQL: PostgreSQL inlines a SQL function into every query that names it, parsing its
# body again at each planning, once per table under the policy; a PL/pgSQL function keeps its plan
# for the session. Measured on the enterprise page: RLS overhead +19-30 % with SQL, -7 to +11 % with
# PL/pgSQL (same plans, same rows).
PG_FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION zb_current_boards() RETURNS bigint[]
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
BEGIN
  RETURN COALESCE(string_to_array(NULLIF(current_setting('{RLS_SETTING}', true), ''), ',')::bigint[],
                  '{{}}'::bigint[]);
END $$;
CREATE OR REPLACE FUNCTION zb_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'append-only table: % refused on %', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$;
"""

# Kernel tables only: the kernel knows no other app.
APPEND_ONLY_TABLES = ("boards_evidenceentry", "boards_evidencenode", "boards_evidencecheckpoint",
                      "boards_evidenceanchor", "boards_evidencedatause", "boards_sharechange")
# table -> (the column NULL until sequenced, the columns the sequencer sets, the content columns)
SEQUENCED_ONCE = {
    "boards_evidenceentry": ("seq", ("seq", "prev_hash", "hash"),
                             ("id", "board_id", "created_at", "actor_id", "actor_label", "action",
                              "subject_type", "subject_id", "payload")),
}


def _sequenced_once_sql(vendor: str, table: str) -> str:
    marker, _, content = SEQUENCED_ONCE[table]
    if vendor == "postgresql":
        same = " AND ".join(f"NEW.{c} IS NOT DISTINCT FROM OLD.{c}" for c in content)
        return f"""
CREATE OR REPLACE FUNCTION zb_sequence_once_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.{marker} IS NULL AND NEW.{marker} IS NOT NULL AND {same} THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'append-only table: % refused on %', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$;
DROP TRIGGER IF EXISTS {table}_append_only ON "{table}";
CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON "{table}"
  FOR EACH ROW EXECUTE FUNCTION zb_sequence_once_{table}();
"""
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in content)
    return f"""
DROP TRIGGER IF EXISTS {table}_no_update;
CREATE TRIGGER {table}_no_update BEFORE UPDATE ON "{table}"
  WHEN OLD.{marker} IS NOT NULL OR NEW.{marker} IS NULL OR {changed}
  BEGIN SELECT RAISE(ABORT, 'append-only table: UPDATE refused'); END;
DROP TRIGGER IF EXISTS {table}_no_delete;
CREATE TRIGGER {table}_no_delete BEFORE DELETE ON "{table}"
  BEGIN SELECT RAISE(ABORT, 'append-only table: DELETE refused'); END;
"""


def _sequencer_grants_sql(connection: BaseDatabaseWrapper, existing: Iterable[str]) -> str:
    role = runtime_role(connection)
    if role is None:
        return ""
    return "\n".join(f'GRANT UPDATE ({", ".join(columns)}) ON "{table}" TO "{role}";'
                     for table, (_, columns, _) in SEQUENCED_ONCE.items() if table in existing)


def tenant_models(app_config: AppConfig | None = None) -> list[type[TenantModel]]:
    from django.apps import apps

    from boards.kernel.models import TenantModel

    models = app_config.get_models() if app_config else apps.get_models()
    return [m for m in models if issubclass(m, TenantModel) and not m._meta.proxy]


# The function sits in a scalar subquery so that PostgreSQL evaluates it once per query (an
# InitPlan) instead of parsing the setting again for every row it filters.
def _pg_table_sql(table: str) -> str:
    return f"""
ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS {POLICY} ON "{table}";
CREATE POLICY {POLICY} ON "{table}"
  USING (board_id = ANY ((SELECT zb_current_boards())::bigint[]))
  WITH CHECK (board_id = ANY ((SELECT zb_current_boards())::bigint[]));
"""


def _append_only_sql(vendor: str, table: str) -> str:
    if vendor == "postgresql":
        return f"""
DROP TRIGGER IF EXISTS {table}_append_only ON "{table}";
CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON "{table}"
  FOR EACH ROW EXECUTE FUNCTION zb_refuse_change();
"""
    return f"""
DROP TRIGGER IF EXISTS {table}_no_update;
CREATE TRIGGER {table}_no_update BEFORE UPDATE ON "{table}"
  BEGIN SELECT RAISE(ABORT, 'append-only table: UPDATE refused'); END;
DROP TRIGGER IF EXISTS {table}_no_delete;
CREATE TRIGGER {table}_no_delete BEFORE DELETE ON "{table}"
  BEGIN SELECT RAISE(ABORT, 'append-only table: DELETE refused'); END;
"""


def install_database_guards(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    conn = connections[using]
    existing = set(conn.introspection.table_names())
    sql = []
    if conn.vendor == "postgresql":
        sql.append(PG_FUNCTIONS)
        for model in tenant_models(sender):
            if model._meta.db_table in existing:
                sql.append(_pg_table_sql(model._meta.db_table))
    for table in APPEND_ONLY_TABLES:
        if table in existing and sender.name == "boards":
            maker = _sequenced_once_sql if table in SEQUENCED_ONCE else _append_only_sql
            sql.append(maker(conn.vendor, table))
    if conn.vendor == "postgresql":
        sql.append(grant_runtime_sql(conn, APPEND_ONLY_TABLES))
        sql.append(_sequencer_grants_sql(conn, existing))
    if not sql:
        return
    if conn.vendor == "sqlite":
        conn.ensure_connection()
        conn.connection.executescript("\n".join(sql))
    else:
        with conn.cursor() as cursor:
            cursor.execute("\n".join(sql))
