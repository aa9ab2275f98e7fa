"""SECURITY C4: the purge removes only events past retention and leaves the rest of the chain verifiable."""
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from parkbeat.audit import tasks
from parkbeat.audit.models import AuditChainLink, AuditEvent
from parkbeat.audit.services import check_chain, purge_expired, record, verify_chain

# "Now" for these tests lies in the past, so that every purge, including "900 days later", happens before the
# database's real clock: on PostgreSQL the trigger judges age by that clock.
NOW = datetime.now(dt_timezone.utc).replace(microsecond=0) - timedelta(days=1000)


def event_on(day, verb="update", note=""):
    """One event written at `day` (days before NOW; negative = after)."""
    with time_machine.travel(NOW - timedelta(days=day), tick=False):
        return record(actor=None, verb=verb, object_type="org.Park", object_repr="新马工业园", note=note)


def kept_notes():
    return list(AuditEvent.objects.order_by("id").values_list("note", flat=True))


def purge_at(when=NOW):
    with time_machine.travel(when, tick=False):
        return purge_expired()


def test_purge_removes_general_events_older_than_180_days_and_keeps_younger_ones(db):
    # given
    event_on(400, note="400天前")
    event_on(181, note="181天前")
    event_on(179, note="179天前")
    event_on(1, note="昨天")
    # when
    deleted = purge_at()
    # then: the two old ones went; the purge itself is the newest event
    assert deleted == 2
    assert kept_notes()[:2] == ["179天前", "昨天"]
    [purge] = AuditEvent.objects.filter(object_type="audit.AuditEvent")
    assert (purge.verb, purge.object_repr) == ("delete", "2 audit events past retention")
    assert verify_chain() == (3, None)


def test_the_event_exactly_at_the_limit_stays(db):
    # given: one event exactly 180 days old, one a second older
    with time_machine.travel(NOW - timedelta(days=180), tick=False):
        record(actor=None, verb="update", object_type="org.Park", note="正好180天")
    with time_machine.travel(NOW - timedelta(days=180, seconds=1), tick=False):
        record(actor=None, verb="update", object_type="org.Park", note="180天零1秒")
    # when
    purge_at()
    # then
    assert "正好180天" in kept_notes() and "180天零1秒" not in kept_notes()


def test_reveals_are_kept_three_years(db):
    # given
    event_on(1200, verb="reveal", note="1200天前查看")
    event_on(1000, verb="reveal", note="1000天前查看")
    event_on(1000, note="1000天前修改")
    event_on(10, note="10天前修改")
    # when
    deleted = purge_at()
    # then
    assert deleted == 2
    assert kept_notes()[:2] == ["1000天前查看", "10天前修改"]
    assert verify_chain() == (3, None)


def test_reads_of_personal_records_are_kept_three_years_like_reveals(db):
    # given: a background check opened 1000 and 1200 days ago
    event_on(1200, verb="view", note="1200天前查阅")
    event_on(1000, verb="view", note="1000天前查阅")
    event_on(1000, note="1000天前修改")
    # when
    deleted = purge_at()
    # then
    assert deleted == 2
    assert kept_notes()[:1] == ["1000天前查阅"]  # then the purge's own event


def test_kept_reveals_between_purged_events_leave_a_verifiable_chain(db):
    # given: purged, kept, purged, purged, kept, young
    event_on(500, note="a")
    event_on(400, verb="reveal", note="b")
    event_on(300, note="c")
    event_on(250, note="d")
    event_on(200, verb="reveal", note="e")
    event_on(5, note="f")
    # when
    purge_at()
    # then: each kept event after a purged one has a link naming the hash it points at
    kept = list(AuditEvent.objects.order_by("id"))
    assert [e.note for e in kept][:3] == ["b", "e", "f"]
    links = dict(AuditChainLink.objects.values_list("event_id", "prev_hash"))
    assert links == {kept[0].pk: kept[0].prev_hash, kept[1].pk: kept[1].prev_hash}
    assert check_chain().bad_id is None


def test_a_second_purge_later_keeps_the_chain_verifiable_and_drops_stale_links(db):
    # given
    event_on(400, note="a")
    event_on(300, verb="reveal", note="b")
    event_on(100, note="c")
    purge_at()
    first_links = set(AuditChainLink.objects.values_list("event_id", flat=True))
    # when: 900 days later the reveal has expired too
    deleted = purge_at(NOW + timedelta(days=900))
    # then
    assert deleted == 3  # b, c and the first purge's own event
    assert verify_chain()[1] is None
    assert not AuditChainLink.objects.filter(event_id__in=first_links - set(
        AuditEvent.objects.values_list("id", flat=True))).exists()


def test_running_the_purge_twice_deletes_nothing_more(db):
    # given
    event_on(400)
    event_on(1)
    purge_at()
    count = AuditEvent.objects.count()
    # when
    deleted = purge_at()
    # then
    assert deleted == 0
    assert AuditEvent.objects.count() == count
    assert verify_chain() == (count, None)


def test_nothing_old_means_nothing_deleted_and_no_purge_event(db):
    event_on(10)
    event_on(1)

    assert purge_at() == 0
    assert AuditEvent.objects.count() == 2


def test_the_purge_refuses_on_a_broken_chain_and_deletes_nothing(db, tamper):
    # given
    old = event_on(400, note="旧")
    event_on(1, note="新")
    AuditEvent.objects.filter(pk=old.pk).update(note="改过")
    # when / then
    with pytest.raises(CommandError) as exc:
        with time_machine.travel(NOW, tick=False):
            call_command("purge_audit", stdout=StringIO())
    assert f"event #{old.pk} was altered" in str(exc.value)
    assert kept_notes() == ["改过", "新"]


def test_longer_retention_settings_are_honoured(db, settings):
    settings.AUDIT_RETENTION_DAYS = 365
    event_on(400, note="400")
    event_on(300, note="300")

    assert purge_at() == 1
    assert kept_notes()[0] == "300"


def test_retention_settings_below_the_floor_are_never_applied(db, settings):
    """settings.py refuses them at start-up; the service still applies the legal floor if they slip in."""
    settings.AUDIT_RETENTION_DAYS = 30
    settings.AUDIT_SENSITIVE_RETENTION_DAYS = 30
    event_on(100, note="100")
    event_on(1000, verb="reveal", note="查看")

    assert purge_at() == 0
    assert sorted(kept_notes()) == sorted(["100", "查看"])


def test_the_command_reports_what_it_deleted(db):
    event_on(400)
    out = StringIO()

    with time_machine.travel(NOW, tick=False):
        call_command("purge_audit", stdout=out)

    assert out.getvalue() == "1 audit events deleted (retention 180 days, sensitive 1095 days)\n"


def test_the_daily_task_runs_the_same_purge(db):
    event_on(400)
    event_on(1)

    with time_machine.travel(NOW, tick=False):
        result = tasks.purge_audit_task.call_local()

    assert result == 1
    scheduled = tasks.purge_audit_task.s()  # periodic: due daily at 03:17 only
    assert scheduled.validate_datetime(datetime(2026, 6, 2, 3, 17))
    assert not scheduled.validate_datetime(datetime(2026, 6, 2, 4, 17))
    assert not scheduled.validate_datetime(datetime(2026, 6, 2, 3, 18))
