"""Overdue demands: the assignee (unassigned: the park's officers, else the station's leaders) is told once a day."""
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from parkbeat.testing import DemandFactory, UserFactory, assign
from parkbeat.enterprises.models import Demand
from parkbeat.notifications.models import Notification
from parkbeat.notifications.reminders import remind_overdue_demands
from parkbeat.org.models import Role

NOW = timezone.make_aware(timezone.datetime(2026, 3, 2, 8, 30))  # Asia/Shanghai


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def overdue(world, enterprise=None, **kwargs):
    return DemandFactory(enterprise=enterprise or world.enterprise, raised_by=world.liaison,
                         due_at=NOW - timedelta(hours=1), **kwargs)


def inbox():
    return sorted(Notification.objects.filter(kind="demand_overdue").values_list("recipient__username", "object_id"))


def test_the_assignee_is_told_about_an_overdue_demand(world):
    demand = overdue(world, assignee=world.auxiliary)

    assert remind_overdue_demands(now=NOW) == 1

    [n] = Notification.objects.all()
    assert (n.recipient, n.kind, n.about, n.url) == (world.auxiliary, "demand_overdue", demand,
                                                     f"/enterprises/demands/{demand.pk}/")
    assert n.title == "Demand overdue: 株洲新马机械有限公司"
    assert n.body == "Public security demand, answer was due 2026-03-02 07:30."
    assert n.dedupe_key == f"demand-overdue:{demand.pk}:2026-03-02"


def test_unassigned_demands_go_to_the_parks_officers(world):
    second = assign(UserFactory(username="t_officer_b"), Role.PARK_OFFICER, park=world.park)
    a = overdue(world)
    b = overdue(world, enterprise=world.park2_enterprise)

    assert remind_overdue_demands(now=NOW) == 3

    assert inbox() == sorted([(world.officer.username, a.pk), (second.username, a.pk),
                              (world.officer2.username, b.pk)])


def test_an_inactive_assignee_falls_back_to_the_officers(world):
    world.auxiliary.is_active = False
    world.auxiliary.save()
    demand = overdue(world, assignee=world.auxiliary)

    remind_overdue_demands(now=NOW)

    assert inbox() == [(world.officer.username, demand.pk)]


def test_a_park_without_officers_falls_back_to_the_station_leader(world):
    demand = overdue(world, enterprise=world.other_enterprise)  # other station's officer: deactivate them
    world.other_officer.is_active = False
    world.other_officer.save()

    remind_overdue_demands(now=NOW)

    assert inbox() == []  # no leader over the other station in this world
    leader_b = assign(UserFactory(username="t_leader_b"), Role.STATION_LEADER, unit=world.other_station)
    remind_overdue_demands(now=NOW)
    assert inbox() == [(leader_b.username, demand.pk)]


def test_only_open_and_overdue_demands_are_reminded(world):
    overdue(world, assignee=world.officer, status=Demand.Status.ANSWERED, answer="已答复")
    overdue(world, assignee=world.officer, status=Demand.Status.CLOSED)
    DemandFactory(enterprise=world.enterprise, raised_by=world.liaison, assignee=world.officer,
                  due_at=NOW + timedelta(minutes=1))
    in_progress = overdue(world, assignee=world.officer, status=Demand.Status.IN_PROGRESS)

    assert remind_overdue_demands(now=NOW) == 1
    assert inbox() == [(world.officer.username, in_progress.pk)]


def test_running_twice_a_day_reminds_once_and_again_the_next_day(world):
    demand = overdue(world, assignee=world.officer)

    first = remind_overdue_demands(now=NOW)
    again = remind_overdue_demands(now=NOW + timedelta(hours=3))
    next_day = remind_overdue_demands(now=NOW + timedelta(days=1))

    assert (first, again, next_day) == (1, 0, 1)
    assert sorted(Notification.objects.values_list("dedupe_key", flat=True)) == [
        f"demand-overdue:{demand.pk}:2026-03-02", f"demand-overdue:{demand.pk}:2026-03-03"]


def test_the_day_is_the_shanghai_day(world):
    demand = overdue(world, assignee=world.officer)
    late_utc = timezone.make_aware(timezone.datetime(2026, 3, 2, 23, 30), timezone.get_fixed_timezone(0))

    remind_overdue_demands(now=late_utc)

    assert Notification.objects.get().dedupe_key == f"demand-overdue:{demand.pk}:2026-03-03"


def test_the_daily_task_runs_at_half_past_eight_shanghai_time(world):
    from parkbeat.enterprises.tasks import remind_overdue_demands_task

    validate = remind_overdue_demands_task.task_class().validate_datetime
    # Huey passes naive UTC times to periodic tasks.
    assert validate(timezone.datetime(2026, 3, 2, 0, 30)) and not validate(timezone.datetime(2026, 3, 2, 8, 30))

    overdue(world, assignee=world.officer)
    assert remind_overdue_demands_task.call_local() == 1
    assert remind_overdue_demands_task.call_local() == 0
