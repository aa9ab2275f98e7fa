"""On PostgreSQL, audit events cannot be updated or deleted, by any role, except by the retention purge.

The purge sets `SET LOCAL parkbeat.audit_purge = 'on'` in its transaction, and even then only rows older
than the legal floor (180 days; 1095 days for reveals of personal data) may go. The floors are written
here rather than read from settings, so a wrong setting cannot shorten them. SQLite has no such guard.
"""
from django.db import migrations

CREATE = ["""
CREATE OR REPLACE FUNCTION parkbeat_audit_append_only() RETURNS trigger AS $$
DECLARE
    kept_for interval;
BEGIN
    kept_for := CASE WHEN OLD.verb = 'reveal' THEN interval '1095 days' ELSE interval '180 days' END;
    IF TG_OP = 'DELETE'
       AND current_setting('parkbeat.audit_purge', true) = 'on'
       AND OLD.at < now() - kept_for THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit events are append-only: % of event % refused', TG_OP, OLD.id
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent",
    """CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION parkbeat_audit_append_only()""",
]

DROP = [
    "DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent",
    "DROP FUNCTION IF EXISTS parkbeat_audit_append_only()",
]


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement, params=None)  # no params: the % in RAISE are not placeholders


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0003_chain_links"),
    ]

    operations = [
        migrations.RunPython(create_trigger, drop_trigger),
    ]
