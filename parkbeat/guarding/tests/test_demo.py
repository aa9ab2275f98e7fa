"""The demo module seeds a 3 km cable of four segments with their teams, shifts over the whole period, and
exactly one uncovered interval ahead."""
from datetime import timedelta

from django.utils import timezone

from parkbeat.core.demo import DemoContext
from parkbeat.guarding import demo, selectors
import pytest

from parkbeat.audit.models import AuditEvent
from parkbeat.guarding.models import GuardedAsset, ShiftPerson
from parkbeat.testing import EnterpriseFactory, VolunteerFactory, VolunteerTeamFactory


def test_the_demo_seeds_a_cable_covered_but_for_one_interval_ahead(world):
    for n in range(3):
        VolunteerTeamFactory(park=world.park, enterprise=EnterpriseFactory(park=world.park), name=f"演示义警队{n}")
    VolunteerFactory(team=world.team, user=world.volunteer, is_captain=True)
    ctx = DemoContext(now=timezone.now())
    ctx.shared.update({"accounts": {"leader": world.leader, "officer1": world.officer, "auxiliary1": world.auxiliary,
                                    "volunteer1": world.volunteer}, "demo_parks": [world.park]})

    counts = demo.seed(ctx)

    cable = GuardedAsset.objects.get()
    segments = list(cable.segments.order_by("order"))
    gaps = selectors.asset_gaps(cable, segments, ctx.now, cable.ends_at)
    assert counts["guard segments"] == 4 and counts["uncovered intervals ahead"] == 1
    assert 2900 <= cable.length_m <= 3100 and all(s.team_id and s.enterprise_id for s in segments)
    assert segments[0].team == world.team
    (segment_id, start, end), = gaps
    assert segment_id == segments[0].pk and end - start == timedelta(hours=6) and start > ctx.now
    assert timezone.localtime(start).hour == 20 and cable.fixed_points.count() == 2
    assert counts["guard shifts"] == 24 and ShiftPerson.objects.filter(checked_in_at__isnull=False).count() == 3


@pytest.mark.parametrize("clock", ["03:00", "08:00", "13:30", "20:00", "23:59"])
def test_the_demo_is_the_same_at_any_time_of_day(world, clock):
    """The same rows and events whatever the hour: the org seed test counts them exactly."""
    from datetime import datetime

    day = timezone.localtime(timezone.now()).date()
    now = timezone.make_aware(datetime.combine(day, datetime.strptime(clock, "%H:%M").time()))
    if now > timezone.now():
        now -= timedelta(days=1)
    VolunteerTeamFactory(park=world.park, enterprise=EnterpriseFactory(park=world.park), name="演示义警队")
    ctx = DemoContext(now=now)
    ctx.shared.update({"accounts": {"leader": world.leader, "officer1": world.officer, "auxiliary1": world.auxiliary,
                                    "volunteer1": world.volunteer}, "demo_parks": [world.park]})
    events = AuditEvent.objects.count()

    counts = demo.seed(ctx)

    assert (counts["guard shifts"], counts["uncovered intervals ahead"]) == (24, 1)
    assert AuditEvent.objects.count() - events == 1 + 1 + 24 + 3 + 2
