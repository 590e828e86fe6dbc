-- Creates the application role and database; run by the db-init service of docker-compose.yml
-- as the postgres superuser, with ZHUANBAN_DB_PASSWORD in the environment. Safe to re-run.
-- The role is neither SUPERUSER nor BYPASSRLS: row-level security (boards/rls.py, FORCE ROW
-- LEVEL SECURITY on every tenant table) applies to every query the platform makes.
\set ON_ERROR_STOP on
\set app_password ''
\getenv app_password ZHUANBAN_DB_PASSWORD
SELECT :'app_password' = '' AS no_password \gset
\if :no_password
  \warn 'ZHUANBAN_DB_PASSWORD is empty: set it in the environment of the db-init service.'
  SELECT FROM "ZHUANBAN_DB_PASSWORD is not set";  -- fails on purpose: psql exits non-zero
\endif

SELECT 'CREATE ROLE zhuanban'
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'zhuanban') \gexec
ALTER ROLE zhuanban LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION
  PASSWORD :'app_password';

SELECT 'CREATE DATABASE zhuanban OWNER zhuanban ENCODING ''UTF8'' TEMPLATE template0'
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'zhuanban') \gexec
ALTER DATABASE zhuanban OWNER TO zhuanban;
REVOKE ALL ON DATABASE zhuanban FROM PUBLIC;

\connect zhuanban
-- The owner creates the tables, so it owns them and RLS policies can be FORCEd on them.
ALTER SCHEMA public OWNER TO zhuanban;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
