"""SECURITY C2 on PostgreSQL: the trigger makes audit events append-only for every role, the purge aside.

Skipped on the SQLite run of the suite; CI runs them in its PostgreSQL phase.
"""
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction

from parkbeat.audit.models import AuditChainHead, AuditEvent
from parkbeat.audit.services import purge_expired, record, verify_chain
from parkbeat.core.tests.services import postgres_db  # noqa: F401  (fixture)

pytestmark = pytest.mark.postgres
OLD = datetime(2020, 1, 1, tzinfo=dt_timezone.utc)  # older than any retention, by the database's own clock


def two_events():
    return (record(actor=None, verb="update", object_type="org.Park", note="一"),
            record(actor=None, verb="update", object_type="org.Park", note="二"))


def refused(action):
    """Run `action` in a savepoint; return the database's refusal message (the savepoint is rolled back)."""
    with pytest.raises(DatabaseError) as exc:
        with transaction.atomic():
            action()
    return str(exc.value)


def test_updating_an_event_is_refused(postgres_db):
    first, second = two_events()

    message = refused(lambda: AuditEvent.objects.filter(pk=first.pk).update(note="改"))

    assert f"append-only: UPDATE of event {first.pk} refused" in message
    assert AuditEvent.objects.get(pk=first.pk).note == "一"
    assert verify_chain() == (2, None)


def test_saving_a_changed_event_is_refused(postgres_db):
    first, _second = two_events()
    first.note = "改"

    assert "append-only" in refused(lambda: first.save())
    assert AuditEvent.objects.get(pk=first.pk).note == "一"


def test_deleting_an_event_is_refused(postgres_db):
    first, second = two_events()

    message = refused(lambda: AuditEvent.objects.filter(pk=second.pk).delete())

    assert f"append-only: DELETE of event {second.pk} refused" in message
    assert AuditEvent.objects.count() == 2


def test_raw_sql_cannot_delete_either(postgres_db):
    two_events()

    def delete_all():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditevent")

    assert "append-only" in refused(delete_all)
    assert AuditEvent.objects.count() == 2


def test_the_purge_flag_does_not_open_young_events(postgres_db):
    _first, second = two_events()

    def flagged_delete():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL parkbeat.audit_purge = 'on'")
        AuditEvent.objects.filter(pk=second.pk).delete()

    assert "append-only" in refused(flagged_delete)
    assert AuditEvent.objects.count() == 2


def test_old_events_cannot_be_deleted_without_the_purge_flag(postgres_db):
    with time_machine.travel(OLD, tick=False):
        old = record(actor=None, verb="update", object_type="org.Park", note="旧")

    assert "append-only" in refused(lambda: AuditEvent.objects.filter(pk=old.pk).delete())
    assert AuditEvent.objects.filter(pk=old.pk).exists()


def test_the_purge_deletes_old_events_and_the_chain_still_verifies(postgres_db):
    with time_machine.travel(OLD, tick=False):
        record(actor=None, verb="update", object_type="org.Park", note="旧")
    with time_machine.travel(datetime.now(dt_timezone.utc) - timedelta(days=400), tick=False):
        record(actor=None, verb="reveal", object_type="enterprises.Liaison", note="一年多前查看")
    record(actor=None, verb="update", object_type="org.Park", note="新")

    assert purge_expired() == 1

    assert list(AuditEvent.objects.order_by("id").values_list("note", flat=True))[:2] == ["一年多前查看", "新"]
    assert verify_chain() == (3, None)
    # The flag is switched off again at the end of the purge.
    assert "append-only" in refused(lambda: AuditEvent.objects.filter(note="新").delete())


def test_the_trigger_keeps_reads_of_personal_records_for_the_sensitive_floor(postgres_db):
    with time_machine.travel(datetime.now(dt_timezone.utc) - timedelta(days=400), tick=False):
        read = record(actor=None, verb="view", object_type="checks.BackgroundCheck", note="一年多前查阅")

    # even the purge's own flag does not let a 400-day-old read go (the floor is 1095 days)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL parkbeat.audit_purge = 'on'")
        assert "append-only" in refused(lambda: AuditEvent.objects.filter(pk=read.pk).delete())
    assert AuditEvent.objects.filter(pk=read.pk).exists()


def test_the_chain_head_may_still_be_updated_by_appends(postgres_db):
    first, second = two_events()

    assert AuditChainHead.objects.get(pk=1).last_hash == second.hash


def test_an_application_clock_running_ahead_does_not_break_the_purge(postgres_db):
    """Age is judged by the earlier of the two clocks, so the purge never asks for rows the trigger refuses."""
    real_now = datetime.now(dt_timezone.utc)
    with time_machine.travel(real_now - timedelta(days=175), tick=False):
        record(actor=None, verb="update", object_type="org.Park", note="175天前")

    with time_machine.travel(real_now + timedelta(days=10), tick=False):
        assert purge_expired() == 0

    assert AuditEvent.objects.filter(note="175天前").exists()
