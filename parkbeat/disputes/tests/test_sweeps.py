"""The nightly sweeps date what they find by the rule, not by the run: an instalment due on 10 September and
unpaid is missed at 00:00 on the 11th (Shanghai), and its dispute reopens at that moment, however late the
sweep runs; running it twice changes nothing."""
from datetime import date, datetime
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from parkbeat.audit.models import AuditEvent
from parkbeat.disputes import services
from parkbeat.disputes.models import Dispute, Obligation
from parkbeat.disputes.selectors import dispute_figures
from parkbeat.disputes.tests.factories import open_dispute

TZ = ZoneInfo("Asia/Shanghai")
SIGNED = datetime(2026, 8, 5, 10, 0, tzinfo=TZ)
MISSED = datetime(2026, 9, 11, 0, 0, tzinfo=TZ)
LATE_RUN = datetime(2026, 9, 20, 9, 0, tzinfo=TZ)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def kept(world):
    """A dispute kept under an agreement signed live on 5 August: 1000 due on 10 September, 1000 on 10 October."""
    with time_machine.travel(SIGNED, tick=False):
        dispute = open_dispute(world, began_at=datetime(2026, 8, 1, 10, 0, tzinfo=TZ))
        services.agreement_record(actor=world.officer, dispute=dispute, terms="分两期", total_amount=Decimal("2000"),
                                  signed_on=date(2026, 8, 5), obligations=[
                                      {"due_on": date(2026, 9, 10), "amount": Decimal("1000")},
                                      {"due_on": date(2026, 10, 10), "amount": Decimal("1000")}])
    dispute.refresh_from_db()
    return dispute


def state(dispute):
    d = Dispute.objects.get(pk=dispute.pk)
    return (d.version, d.status, d.reopen_count, d.level_since,
            list(d.transitions.values_list("to_value", "at", "recorded_at")),
            list(Obligation.objects.filter(agreement__dispute=d).values_list("status", "version")))


def test_a_sweep_run_late_dates_the_miss_and_the_reopening_by_the_rule(world, kept):
    with time_machine.travel(LATE_RUN, tick=False):
        counts = services.obligations_sweep()

    assert counts == {"missed": 1, "breached": 1, "reopened": 1}
    dispute = Dispute.objects.get(pk=kept.pk)
    assert (dispute.status, dispute.reopen_count, dispute.level_since) == (
        "open", 1, datetime(2026, 8, 1, 10, 0, tzinfo=TZ))  # kept under the agreement, its clock ran on
    performing, reopen = dispute.transitions.filter(kind="status").exclude(from_value="")
    assert (performing.to_value, performing.at) == ("performing", SIGNED)
    assert (reopen.from_value, reopen.to_value, reopen.at, reopen.recorded_at, reopen.actor, reopen.entered_late) == (
        "performing", "open", MISSED, LATE_RUN, None, False)
    assert str(reopen.at.astimezone(TZ)) == "2026-09-11 00:00:00+08:00"
    assert list(Obligation.objects.filter(agreement__dispute=dispute).values_list("due_on", "status")) == [
        (date(2026, 9, 10), "missed"), (date(2026, 10, 10), "pending")]
    event = AuditEvent.objects.filter(object_type="disputes.Dispute", object_id=str(dispute.pk)).latest("id")
    assert (event.at, event.actor) == (LATE_RUN, None)
    assert event.note.endswith(" · happened 2026-09-11 00:00")
    september = dispute_figures(user=world.leader, start=date(2026, 9, 11), end=date(2026, 9, 11), now=LATE_RUN)
    assert september["reopened"] == {"total": 1, "times": 1}  # on the day of the miss, not of the run


def test_a_second_late_run_changes_nothing(world, kept):
    with time_machine.travel(LATE_RUN, tick=False):
        services.obligations_sweep()
        before = state(kept)
        events = AuditEvent.objects.count()

        assert services.obligations_sweep() == {"missed": 0, "breached": 0, "reopened": 0}

    assert (state(kept), AuditEvent.objects.count()) == (before, events)


def test_a_sweep_after_a_later_step_reopens_at_that_step_never_before_it(world, kept):
    with time_machine.travel(datetime(2026, 9, 15, 9, 0, tzinfo=TZ), tick=False):
        services.dispute_change_level(actor=world.officer, dispute=kept, to="beyond", reason="申请仲裁",
                                      expected_version=kept.version)
    with time_machine.travel(LATE_RUN, tick=False):
        services.obligations_sweep()

    reopen = Dispute.objects.get(pk=kept.pk).transitions.latest("at", "id")
    assert (reopen.to_value, reopen.at) == ("open", datetime(2026, 9, 15, 9, 0, tzinfo=TZ))


def test_the_command_sweeps_as_of_a_given_time_and_refuses_the_future(world, kept):
    out = StringIO()
    with time_machine.travel(LATE_RUN, tick=False):
        with pytest.raises(CommandError, match="future"):
            call_command("sweep_obligations", "--today", "2026-09-21", stdout=out)
        with pytest.raises(CommandError, match="future"):
            call_command("sweep_obligations", "--at", "2026-09-20T09:01:00+08:00", stdout=out)
        call_command("sweep_obligations", "--at", "2026-09-10T23:59:00+08:00", stdout=out)  # not missed yet
        call_command("sweep_obligations", "--at", "2026-09-11T00:00:00+08:00", stdout=out)
        call_command("sweep_obligations", "--today", "2026-09-20", stdout=out)

    assert out.getvalue().splitlines() == ["missed=0 breached=0 reopened=0", "missed=1 breached=1 reopened=1",
                                           "missed=0 breached=0 reopened=0"]
    assert Dispute.objects.get(pk=kept.pk).transitions.latest("at", "id").at == MISSED


def test_the_reminder_sweep_reminds_once_within_three_days_and_leaves_a_passed_due_date_to_the_sweep(world, kept):
    with time_machine.travel(datetime(2026, 9, 8, 8, 0, tzinfo=TZ), tick=False):
        assert services.obligation_reminders() == {"reminded": 1}
        assert services.obligation_reminders() == {"reminded": 0}
    with time_machine.travel(datetime(2026, 10, 12, 8, 0, tzinfo=TZ), tick=False):  # down from 7 to 11 October
        assert services.obligation_reminders() == {"reminded": 0}
        assert services.obligation_reminders(today=date(2026, 12, 31)) == {"reminded": 0}  # no later than today

    assert list(Obligation.objects.filter(agreement__dispute=kept).values_list("due_on", "reminded_on")) == [
        (date(2026, 9, 10), date(2026, 9, 8)), (date(2026, 10, 10), None)]
