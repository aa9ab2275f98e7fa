"""SECURITY C2: `manage.py verify_audit` prints how many events it checked, or fails naming the first bad one."""
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from parkbeat.audit.models import AuditEvent
from parkbeat.audit.services import record


def five_events():
    return [record(actor=None, verb="update", object_type="org.Park", note=str(n)) for n in range(5)]


def verify():
    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def test_an_intact_trail_verifies_with_its_count(db):
    five_events()

    assert verify() == "audit chain intact: 5 events checked\n"


def test_an_empty_trail_verifies(db):
    assert verify() == "audit chain intact: 0 events checked\n"


def test_the_first_altered_event_is_named_and_the_command_fails(db, tamper):
    events = five_events()
    AuditEvent.objects.filter(pk=events[2].pk).update(note="改")
    AuditEvent.objects.filter(pk=events[4].pk).update(note="也改")

    with pytest.raises(CommandError) as exc:
        verify()

    assert str(exc.value) == (f"audit chain broken after 2 good events: event #{events[2].pk} was altered: "
                              f"its content no longer matches its hash")


def test_a_missing_event_is_named(db, tamper):
    events = five_events()
    AuditEvent.objects.filter(pk=events[3].pk).delete()

    with pytest.raises(CommandError) as exc:
        verify()

    assert str(exc.value) == (f"audit chain broken after 3 good events: event #{events[3].pk} is missing "
                              f"(between #{events[2].pk} and #{events[4].pk})")


def test_missing_newest_events_are_named(db, tamper):
    events = five_events()
    AuditEvent.objects.filter(pk__in=[events[3].pk, events[4].pk]).delete()

    with pytest.raises(CommandError) as exc:
        verify()

    assert f"event #{events[3].pk} is missing: the newest events after #{events[2].pk} were removed" in str(exc.value)


def test_a_forged_link_is_named_where_it_breaks(db, tamper):
    events = five_events()
    AuditEvent.objects.filter(pk=events[1].pk).update(prev_hash="0" * 64)

    with pytest.raises(CommandError) as exc:
        verify()

    assert f"event #{events[1].pk} was altered" in str(exc.value)


def test_the_command_exits_non_zero(db, tamper):
    """Run as a process would be: a failure is exit status 1, not just a message."""
    from django.core.management import ManagementUtility

    events = five_events()
    AuditEvent.objects.filter(pk=events[0].pk).update(note="改")

    with pytest.raises(SystemExit) as exc:
        ManagementUtility(["manage.py", "verify_audit"]).execute()
    assert exc.value.code == 1
