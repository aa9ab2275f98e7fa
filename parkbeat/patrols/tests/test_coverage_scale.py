"""The coverage's night hour at city scale (`coverage.ClockHour`): SQLite's own strftime shifted by Shanghai's
fixed offset instead of Django's per-row Python function, the same hour as the Asia/Shanghai clock."""
from datetime import datetime, timedelta, timezone

import pytest
from django.db.models import DateTimeField, Value

from parkbeat.org.models import Park
from parkbeat.patrols import coverage

UTC = timezone.utc


@pytest.mark.parametrize("moment", [
    datetime(2026, 12, 6, 11, 59, 59, 999999, tzinfo=UTC),  # 19:59:59.999999 in Shanghai: day
    datetime(2026, 12, 6, 12, 0, tzinfo=UTC),  # 20:00: night begins
    datetime(2026, 12, 6, 15, 30, tzinfo=UTC),  # 23:30
    datetime(2026, 12, 6, 16, 0, tzinfo=UTC),  # 00:00 the next day
    datetime(2026, 12, 6, 21, 59, 59, tzinfo=UTC),  # 05:59:59: still night
    datetime(2026, 12, 6, 22, 0, tzinfo=UTC),  # 06:00: day again
    datetime(2000, 1, 1, 0, 0, tzinfo=UTC), datetime(2100, 6, 30, 23, 0, tzinfo=UTC),
])
def test_the_clock_hour_is_the_shanghai_hour(world, moment):
    hour = (Park.objects.filter(pk=world.park.pk)
            .annotate(h=coverage.ClockHour(Value(moment, output_field=DateTimeField()))).values_list("h", flat=True)
            .get())
    assert hour == moment.astimezone(coverage.SHANGHAI).hour


def test_shanghai_keeps_one_offset_and_a_zone_that_changes_has_none():
    from zoneinfo import ZoneInfo

    assert coverage.fixed_offset_hours(coverage.SHANGHAI) == 8
    assert coverage.fixed_offset_hours(ZoneInfo("Europe/Berlin")) is None
    assert coverage.fixed_offset_hours(ZoneInfo("Asia/Kolkata")) is None  # +5:30: not whole hours
    assert coverage.fixed_offset_hours(timezone(timedelta(hours=-3))) == -3


@pytest.mark.parametrize("local, night", [((19, 59, 59), False), ((20, 0, 0), True), ((23, 59, 59), True),
                                          ((0, 0, 0), True), ((5, 59, 59), True), ((6, 0, 0), False),
                                          ((12, 0, 0), False)])
def test_night_is_from_twenty_to_six_by_the_clock(world, local, night):
    from django.db.models import BooleanField, ExpressionWrapper

    moment = datetime(2026, 12, 6, *local, tzinfo=coverage.SHANGHAI)
    found = (Park.objects.filter(pk=world.park.pk).annotate(moment=Value(moment, output_field=DateTimeField()))
             .annotate(night=ExpressionWrapper(coverage._night("moment"), output_field=BooleanField()))
             .values_list("night", flat=True).get())
    assert found is night
