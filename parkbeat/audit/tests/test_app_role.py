"""SECURITY C2 with least privilege on PostgreSQL: connected as the application's role (deploy/postgres/
app_role.sql), the application writes its data and appends to the audit trail, but may not UPDATE, DELETE
or TRUNCATE audit events, nor disable or drop the trigger; the retention purge still works through the
owner's function. Skipped on the SQLite run; CI's PostgreSQL phase runs it (and .ci/run also runs the
application's commands under such a role)."""
import re
import secrets
from datetime import datetime
from datetime import timezone as dt_timezone
from pathlib import Path

import pytest
import time_machine
from django.db import connection

from parkbeat.audit.models import AuditEvent
from parkbeat.audit.services import record
from parkbeat.core.tests.services import postgres_db  # noqa: F401  (fixture)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
SQL = Path(__file__).resolve().parents[3] / "deploy" / "postgres" / "app_role.sql"
OLD = datetime(2020, 1, 1, tzinfo=dt_timezone.utc)


def statements(role, database):
    """app_role.sql as psql runs it: comments dropped, :"DBNAME" and :"app_role" quoted identifiers."""
    text = re.sub(r"--[^\n]*", "", SQL.read_text())
    text = text.replace(':"DBNAME"', f'"{database}"').replace(':"app_role"', f'"{role}"')
    return [s.strip() for s in text.split(";") if s.strip()]


@pytest.fixture
def app_connection(postgres_db):
    """A psycopg connection to the test database as a fresh application role, dropped afterwards."""
    import psycopg

    role, password = f"pb_app_{secrets.token_hex(4)}", secrets.token_hex(12)
    settings_dict = connection.settings_dict
    with connection.cursor() as cursor:
        try:
            cursor.execute(f'CREATE ROLE "{role}" LOGIN PASSWORD %s', [password])
        except Exception as exc:  # the test user may not create roles
            pytest.skip(f"cannot create a role here: {exc}")
        for statement in statements(role, settings_dict["NAME"]):
            cursor.execute(statement)
    conn = psycopg.connect(host=settings_dict["HOST"] or "127.0.0.1", port=settings_dict["PORT"] or 5432,
                           dbname=settings_dict["NAME"], user=role, password=password, autocommit=True)
    yield conn
    conn.close()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP OWNED BY "{role}"')
        cursor.execute(f'DROP ROLE "{role}"')


def refused(conn, sql, *params):
    import psycopg

    with pytest.raises(psycopg.errors.InsufficientPrivilege) as exc:
        conn.execute(sql, params or None)
    return str(exc.value)


def test_the_application_role_may_not_change_or_remove_audit_events(world, app_connection):
    event = record(actor=None, verb="update", object_type="org.Park", note="原样")

    assert "permission denied" in refused(app_connection, "UPDATE audit_auditevent SET note = 'x' WHERE id = %s",
                                          event.pk)
    assert "permission denied" in refused(app_connection, "DELETE FROM audit_auditevent WHERE id = %s", event.pk)
    assert "permission denied" in refused(app_connection, "TRUNCATE audit_auditevent")
    assert "must be owner" in refused(app_connection, "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL")
    assert "must be owner" in refused(app_connection, "DROP TRIGGER audit_event_append_only ON audit_auditevent")
    assert AuditEvent.objects.get(pk=event.pk).note == "原样"


def test_the_application_role_writes_data_and_appends_to_the_trail(world, app_connection):
    app_connection.execute("UPDATE org_park SET name = name || '（新）' WHERE id = %s", [world.park.pk])
    count = app_connection.execute("SELECT count(*) FROM audit_auditevent").fetchone()[0]
    app_connection.execute(
        "INSERT INTO audit_auditevent (at, actor_username, actor_roles, ip, request_id, verb, outcome, "
        "object_type, object_id, object_repr, changes, note, prev_hash, hash) VALUES "
        "(now(), '', '', '', '', 'update', 'success', 'org.Park', '', '', '{}', '', '', %s)", [secrets.token_hex(32)])

    assert app_connection.execute("SELECT count(*) FROM audit_auditevent").fetchone()[0] == count + 1
    world.park.refresh_from_db()
    assert world.park.name.endswith("（新）")


def test_the_purge_function_removes_only_events_past_the_floor_even_for_the_application(world, app_connection):
    import psycopg

    with time_machine.travel(OLD, tick=False):
        old = record(actor=None, verb="update", object_type="org.Park", note="旧")
    recent = record(actor=None, verb="update", object_type="org.Park", note="新")

    with pytest.raises(psycopg.errors.InsufficientPrivilege):  # the trigger keeps a recent event
        app_connection.execute("SELECT parkbeat_audit_purge(%s::bigint[])", [[recent.pk]])
    deleted = app_connection.execute("SELECT parkbeat_audit_purge(%s::bigint[])", [[old.pk]]).fetchone()[0]

    assert deleted == 1
    assert list(AuditEvent.objects.values_list("note", flat=True)) == ["新"]
