"""On PostgreSQL the retention purge deletes through one function, so that the application's database role
needs no DELETE right on audit events (deploy/postgres/app_role.sql takes it away).

`parkbeat_audit_purge(ids)` runs with its owner's rights (SECURITY DEFINER, the migration role), sets the
flag the append-only trigger checks for this transaction only, and deletes the given events; the trigger
still refuses any of them younger than the legal floor. Nobody but the owner may call it until granted.
"""
from django.db import migrations

CREATE = [
    """
CREATE OR REPLACE FUNCTION parkbeat_audit_purge(ids bigint[]) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    deleted integer;
BEGIN
    PERFORM set_config('parkbeat.audit_purge', 'on', true);
    DELETE FROM audit_auditevent WHERE id = ANY(ids);
    GET DIAGNOSTICS deleted = ROW_COUNT;
    PERFORM set_config('parkbeat.audit_purge', 'off', true);
    RETURN deleted;
END;
$$""",
    "REVOKE ALL ON FUNCTION parkbeat_audit_purge(bigint[]) FROM PUBLIC",
]
DROP = ["DROP FUNCTION IF EXISTS parkbeat_audit_purge(bigint[])"]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0005_download_verb"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
