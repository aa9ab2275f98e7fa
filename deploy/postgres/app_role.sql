-- The application's PostgreSQL role (SECURITY C2, 三员 least privilege): it reads and writes the data,
-- appends to the audit trail, and may not UPDATE, DELETE or TRUNCATE audit events, nor alter, disable or
-- drop the append-only trigger (only the tables' owner, the migration role, could).
--
-- Run in the application's database as the owner of its tables (the role `manage.py migrate` connects as),
-- after creating the application role once as a superuser:
--   CREATE ROLE parkbeat_app LOGIN PASSWORD '...';
--   psql "$OWNER_DATABASE_URL" -v ON_ERROR_STOP=1 -v app_role=parkbeat_app -f deploy/postgres/app_role.sql
-- Run it again after each `migrate` that adds tables is not needed: the default privileges cover them.

GRANT CONNECT ON DATABASE :"DBNAME" TO :"app_role";
GRANT USAGE ON SCHEMA public TO :"app_role";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app_role";
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO :"app_role";
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app_role";
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO :"app_role";

-- The audit trail: append and read only. The retention purge goes through the owner's function.
REVOKE UPDATE, DELETE, TRUNCATE ON audit_auditevent FROM :"app_role";
REVOKE TRUNCATE ON ALL TABLES IN SCHEMA public FROM :"app_role";
GRANT EXECUTE ON FUNCTION parkbeat_audit_purge(bigint[]) TO :"app_role";
