"""Audit test helpers."""
import pytest


@pytest.fixture
def tamper(db):
    """Let this test alter or delete audit events as an attacker with the table owner's rights could.

    On PostgreSQL the append-only trigger is disabled inside the test's transaction (rolled back after);
    on SQLite there is nothing to disable.
    """
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
