"""The production-hours check (outreach.timetable): across midnight, weekends, a day absent, the previous day's
overnight period, a lecture spanning two days; the free slots. Checked by hand and against a minute-by-minute
reference with hypothesis."""
from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings, strategies as st

from parkbeat.enterprises.models import validate_production_hours
from parkbeat.outreach.timetable import SHANGHAI, WEEKDAYS, free_slots, in_production, overlapping

# 2026-12-07 is a Monday
MON = datetime(2026, 12, 7, tzinfo=SHANGHAI)
WEEK = {"mon": [["08:00", "12:00"], ["13:00", "17:30"]], "tue": [["08:00", "12:00"], ["13:00", "17:30"]],
        "fri": [["08:00", "12:00"], ["22:00", "06:00"]]}


def at(days, hh, mm=0):
    return MON + timedelta(days=days, hours=hh, minutes=mm)


def test_day_periods_and_the_gaps_between_them():
    assert in_production(WEEK, at(0, 9), at(0, 10))
    assert not in_production(WEEK, at(0, 12), at(0, 13))  # the lunch break exactly
    assert in_production(WEEK, at(0, 11, 30), at(0, 12, 30))  # overlaps the end of the morning
    assert not in_production(WEEK, at(0, 17, 30), at(0, 19))  # starts when production ends: half-open
    assert not in_production(WEEK, at(0, 7), at(0, 8))  # ends when production starts


def test_a_day_absent_has_no_production():
    assert not in_production(WEEK, at(2, 9), at(2, 11))  # Wednesday is not in the timetable
    assert not in_production({"wed": []}, at(2, 9), at(2, 11))


def test_an_overnight_period_runs_into_the_next_day_the_weekend():
    assert in_production(WEEK, at(4, 23), at(4, 23, 30))  # Friday night
    assert in_production(WEEK, at(5, 5), at(5, 6))  # Saturday 05:00: Friday's shift
    assert not in_production(WEEK, at(5, 6), at(5, 8))  # Saturday after the shift: no production of its own
    assert not in_production(WEEK, at(6, 1), at(6, 2))  # Sunday night: Saturday has no overnight period


def test_sundays_overnight_period_runs_into_monday():
    table = {"sun": [["20:00", "02:00"]]}
    assert in_production(table, at(7, 1), at(7, 3))  # the next Monday 01:00
    assert not in_production(table, at(-1, 1), at(-1, 2))  # the Sunday before: Saturday has no night shift
    assert not in_production(table, at(7, 2), at(7, 3))


def test_a_lecture_spanning_two_days():
    assert not in_production(WEEK, at(1, 20), at(2, 9))  # Tuesday evening to Wednesday morning: no night shift…
    assert not in_production({"wed": [["10:00", "12:00"]]}, at(1, 20), at(2, 9))
    assert in_production({"wed": [["08:00", "12:00"]]}, at(1, 20), at(2, 9))  # …but Wednesday's morning


def test_23_59_as_an_end_means_midnight():
    table = {"mon": [["21:00", "23:59"]]}
    assert in_production(table, at(0, 23, 59), at(1, 0))
    assert not in_production(table, at(1, 0), at(1, 1))


def test_overlapping_names_the_periods_in_local_time():
    assert overlapping(WEEK, at(4, 11), at(4, 23)) == [
        (datetime(2026, 12, 11, 8), datetime(2026, 12, 11, 12)),
        (datetime(2026, 12, 11, 22), datetime(2026, 12, 12, 6))]


def test_utc_input_is_read_in_shanghai():
    from datetime import timezone as tz

    # Monday 09:00 in Shanghai is 01:00 UTC
    assert in_production(WEEK, datetime(2026, 12, 7, 1, tzinfo=tz.utc), datetime(2026, 12, 7, 2, tzinfo=tz.utc))
    assert not in_production(WEEK, datetime(2026, 12, 7, 12, tzinfo=tz.utc), datetime(2026, 12, 7, 13,
                                                                                       tzinfo=tz.utc))


def test_free_slots_avoid_production_and_busy_lectures_and_keep_the_day_window():
    slots = free_slots(WEEK, duration=timedelta(hours=1), after=at(0, 9), busy=[(at(0, 12), at(0, 13))])
    assert slots == [(at(0, 17, 30), at(0, 18, 30)), (at(0, 18, 30), at(0, 19, 30)), (at(0, 19, 30), at(0, 20, 30)),
                     (at(1, 12), at(1, 13)), (at(1, 17, 30), at(1, 18, 30))]  # Tuesday's lunch break is free
    two_hours = free_slots(WEEK, duration=timedelta(hours=2), after=at(3, 20), count=3)
    assert two_hours == [(at(4, 12), at(4, 14)), (at(4, 14), at(4, 16)), (at(4, 16), at(4, 18))]


def test_free_slots_start_not_before_now_and_on_a_half_hour():
    slots = free_slots({}, duration=timedelta(minutes=45), after=at(0, 8), not_before=at(0, 10, 10), count=2)
    assert slots == [(at(0, 10, 30), at(0, 11, 15)), (at(0, 11, 30), at(0, 12, 15))]


def test_no_free_slot_in_a_round_the_clock_week():
    table = {day: [["00:00", "23:59"]] for day in WEEKDAYS}
    assert free_slots(table, duration=timedelta(hours=1), after=at(0, 0)) == []


# ---------------------------------------------------------------- the validator
@pytest.mark.parametrize("value", [{"fri": [["22:00", "06:00"]]}, {"mon": [["00:00", "23:59"]]},
                                   {"sat": [["08:00", "12:00"], ["20:00", "02:30"]]}, {}])
def test_the_validator_accepts_overnight_periods(value):
    validate_production_hours(value)


@pytest.mark.parametrize("value", [{"mon": [["08:00", "08:00"]]}, {"mon": [["24:00", "06:00"]]},
                                   {"mon": [["08:00", "12:60"]]}, {"mon": [["8:00", "12:00"]]},
                                   {"xyz": []}, {"mon": "08:00-12:00"}, {"mon": [["08:00"]]}])
def test_the_validator_refuses_what_is_not_a_period(value):
    with pytest.raises(ValidationError):
        validate_production_hours(value)


# ---------------------------------------------------------------- properties
def clock(m):
    return f"{m // 60:02d}:{m % 60:02d}"


periods = st.lists(st.tuples(st.integers(0, 1439), st.integers(0, 1439)).filter(lambda p: p[0] != p[1])
                   .map(lambda p: [clock(p[0]), clock(p[1])]), max_size=3)
timetables = st.dictionaries(st.sampled_from(WEEKDAYS), periods, max_size=7)


def producing(table, minute):
    """The reference: is this naive local minute production time? Read off the timetable directly."""
    day, t = WEEKDAYS[minute.weekday()], minute.hour * 60 + minute.minute
    before = WEEKDAYS[(minute.weekday() - 1) % 7]
    for a, b in table.get(day, ()):
        a, b = int(a[:2]) * 60 + int(a[3:]), int(b[:2]) * 60 + int(b[3:])
        if b == 1439:
            b = 1440
        if (a < b and a <= t < b) or (a > b and t >= a):
            return True
    for a, b in table.get(before, ()):
        a, b = int(a[:2]) * 60 + int(a[3:]), int(b[:2]) * 60 + int(b[3:])
        if a > b and t < b:
            return True
    return False


@settings(max_examples=150, deadline=None)
@given(table=timetables, start=st.integers(0, 14 * 24 * 60 - 1), length=st.integers(1, 30 * 60))
def test_the_check_agrees_with_the_minute_by_minute_reference(table, start, length):
    validate_production_hours(table)
    starts_at, ends_at = at(0, 0, start), at(0, 0, start + length)
    naive = starts_at.replace(tzinfo=None)
    expected = any(producing(table, naive + timedelta(minutes=m)) for m in range(length))
    assert in_production(table, starts_at, ends_at) == expected


@settings(max_examples=80, deadline=None)
@given(table=timetables, start=st.integers(0, 7 * 24 * 60), minutes=st.sampled_from([30, 45, 60, 90, 120, 180]))
def test_every_suggested_slot_is_free_inside_the_window_and_in_order(table, start, minutes):
    after = at(0, 0, start)
    busy = [(at(1, 18), at(1, 19, 30))]
    slots = free_slots(table, duration=timedelta(minutes=minutes), after=after, busy=busy)
    assert len(slots) <= 5
    for (a, b), following in zip(slots, slots[1:] + [None]):
        assert b - a == timedelta(minutes=minutes) and a >= after and a.minute in (0, 30)
        assert not in_production(table, a, b)
        assert not any(x < b and a < y for x, y in busy)
        assert a.hour >= 8 and (b.hour, b.minute) <= (21, 0) and a.date() == b.date()
        assert a.date() <= (after + timedelta(days=7)).date()
        if following is not None:
            assert following[0] >= b
