-- Creates the two database roles and the database; run by the db-init service of
-- docker-compose.yml as the postgres superuser, with ZHUANBAN_OWNER_PASSWORD and
-- ZHUANBAN_DB_PASSWORD in the environment. Safe to re-run (boards/kernel/dbroles.py explains the split):
--   zhuanban_owner  owns the database, the schema and (after `migrate`, which logs in as it) every
--                   table, row-level security policy, function and trigger;
--   zhuanban        the platform's runtime role: owns nothing, gets its grants from the owner after
--                   every migrate (DML; only SELECT and INSERT on the append-only tables), so it
--                   cannot switch row-level security, a policy, a function or a trigger off.
-- Neither is SUPERUSER or BYPASSRLS: row-level security applies to every query of both.
\set ON_ERROR_STOP on
\set owner_password ''
\set app_password ''
\getenv owner_password ZHUANBAN_OWNER_PASSWORD
\getenv app_password ZHUANBAN_DB_PASSWORD
SELECT :'owner_password' = '' OR :'app_password' = '' AS no_password \gset
\if :no_password
  \warn 'ZHUANBAN_OWNER_PASSWORD or ZHUANBAN_DB_PASSWORD is empty: set both for the db-init service.'
  SELECT FROM "ZHUANBAN_OWNER_PASSWORD and ZHUANBAN_DB_PASSWORD must be set";  -- fails: psql exits non-zero
\endif

SELECT 'CREATE ROLE zhuanban_owner'
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'zhuanban_owner') \gexec
ALTER ROLE zhuanban_owner LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION
  PASSWORD :'owner_password';
SELECT 'CREATE ROLE zhuanban'
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'zhuanban') \gexec
ALTER ROLE zhuanban LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION
  PASSWORD :'app_password';

SELECT 'CREATE DATABASE zhuanban OWNER zhuanban_owner ENCODING ''UTF8'' TEMPLATE template0'
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'zhuanban') \gexec
ALTER DATABASE zhuanban OWNER TO zhuanban_owner;
REVOKE ALL ON DATABASE zhuanban FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE zhuanban TO zhuanban;

\connect zhuanban
-- Upgrade from the single-role layout, where zhuanban owned every table: hand it all to the owner.
-- (The next migrate grants zhuanban what it needs again.)
REASSIGN OWNED BY zhuanban TO zhuanban_owner;
ALTER SCHEMA public OWNER TO zhuanban_owner;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO zhuanban;
