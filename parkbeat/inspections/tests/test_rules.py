"""The quarterly rule: Asia/Shanghai quarters, partial inspections and non-key enterprises not counting."""
from datetime import date, datetime, timedelta
from datetime import timezone as dt_timezone

import pytest

from parkbeat.inspections import selectors
from parkbeat.inspections.quarters import Quarter
from parkbeat.inspections.selectors import DONE, DUE, DUE_SOON, LATE, NOT_KEY, UPCOMING, quarter_state
from parkbeat.inspections.tests import helpers as h

UTC = dt_timezone.utc


@pytest.mark.parametrize("moment, quarter", [
    (h.shanghai(2026, 3, 31, 23, 30), Quarter(2026, 1)),            # 15:30 UTC on 31 March: still Q1
    (datetime(2026, 3, 31, 16, 0, tzinfo=UTC), Quarter(2026, 2)),    # 00:00 on 1 April in Shanghai
    (datetime(2026, 3, 31, 15, 59, 59, tzinfo=UTC), Quarter(2026, 1)),
    (h.shanghai(2026, 1, 1, 0, 0), Quarter(2026, 1)),
    (datetime(2025, 12, 31, 16, 30, tzinfo=UTC), Quarter(2026, 1)),  # New Year's Eve UTC is 2026 in Shanghai
    (h.shanghai(2026, 12, 31, 23, 59), Quarter(2026, 4)),
])
def test_quarters_are_read_in_shanghai(moment, quarter):
    assert Quarter.of(moment) == quarter


def test_quarter_bounds():
    q = Quarter(2026, 1)
    assert (q.first_day, q.last_day, q.start, q.end) == (
        date(2026, 1, 1), date(2026, 3, 31), h.shanghai(2026, 1, 1), h.shanghai(2026, 4, 1))
    assert (Quarter(2026, 4).next(), Quarter.parse("2026q3"), str(Quarter(2026, 2))) == (
        Quarter(2027, 1), Quarter(2026, 3), "2026Q2")
    with pytest.raises(ValueError):
        Quarter.parse("2026Q5")


@pytest.mark.parametrize("now, done, expected", [
    (h.shanghai(2026, 2, 1), False, DUE),
    (h.shanghai(2026, 3, 1, 23, 59), False, DUE),  # 30 days and a minute before the end
    (h.shanghai(2026, 3, 2), False, DUE_SOON),
    (h.shanghai(2026, 3, 31, 23, 59), False, DUE_SOON),
    (h.shanghai(2026, 4, 1), False, LATE),
    (h.shanghai(2025, 12, 31, 23, 59), False, UPCOMING),
    (h.shanghai(2026, 4, 1), True, DONE),
    (h.shanghai(2026, 2, 1), True, DONE),
])
def test_the_state_of_a_quarter(now, done, expected):
    assert quarter_state(Quarter(2026, 1), done=done, now=now) == expected


def test_a_quarter_before_the_designation_is_not_key():
    assert quarter_state(Quarter(2026, 1), done=False, now=h.shanghai(2026, 6, 1),
                         key_from=date(2026, 4, 1)) == NOT_KEY
    assert quarter_state(Quarter(2026, 1), done=False, now=h.shanghai(2026, 6, 1),
                         key_from=date(2026, 3, 31)) == LATE


def board(w, now, **kw):
    return {row.enterprise.pk: dict((str(q), state) for q, state in row.cells)
            for row in selectors.compliance_board(user=w.leader, year=2026, now=now, **kw)}


def test_an_inspection_at_2330_on_31_march_shanghai_counts_for_q1(world):
    h.make_key(world)
    inspection = h.record(world, h.plan(world), h.shanghai(2026, 3, 31, 23, 30))

    assert (inspection.coverage, inspection.counts_for_rule) == ("full", True)
    states = board(world, now=h.shanghai(2026, 7, 15))[world.enterprise.pk]
    assert states == {"2026Q1": DONE, "2026Q2": LATE, "2026Q3": DUE, "2026Q4": UPCOMING}


def test_a_partial_inspection_does_not_count(world):
    h.make_key(world)
    inspection = h.record(world, h.plan(world), h.shanghai(2026, 2, 10, 10), skip_area="仓库")

    assert (inspection.coverage, inspection.counts_for_rule) == ("partial", False)
    assert board(world, now=h.shanghai(2026, 4, 2))[world.enterprise.pk]["2026Q1"] == LATE


def test_skipping_an_optional_area_is_still_full_coverage(world):
    h.make_key(world)
    inspection = h.record(world, h.plan(world), h.shanghai(2026, 2, 10, 10), skip_area="员工宿舍")

    assert (inspection.coverage, inspection.counts_for_rule) == ("full", True)


def test_an_inspection_of_a_non_key_enterprise_does_not_count(world):
    inspection = h.record(world, h.plan(world, enterprise=world.enterprise2), h.shanghai(2026, 2, 10, 10))

    assert (inspection.coverage, inspection.counts_for_rule) == ("full", False)
    assert world.enterprise2.pk not in board(world, now=h.shanghai(2026, 4, 2))


def test_an_inspection_before_the_designation_does_not_count(world):
    h.make_key(world, starts_on=date(2026, 3, 1))
    before = h.record(world, h.plan(world), h.shanghai(2026, 2, 27, 10))
    after = h.record(world, h.plan(world), h.shanghai(2026, 3, 2, 10))

    assert (before.counts_for_rule, after.counts_for_rule) == (False, True)


def test_the_board_is_scoped_and_filtered_by_park(world):
    h.make_key(world)
    h.make_key(world, enterprise=world.park2_enterprise)
    other = h.make_key(world, enterprise=world.other_enterprise, actor=world.other_officer)
    now = h.shanghai(2026, 4, 2)

    assert set(board(world, now)) == {world.enterprise.pk, world.park2_enterprise.pk}
    assert set(board(world, now, park=world.park2)) == {world.park2_enterprise.pk}
    officer_rows = selectors.compliance_board(user=world.officer, year=2026, now=now)
    assert [row.enterprise.pk for row in officer_rows] == [world.enterprise.pk]
    assert other.pk not in board(world, now)


def test_the_board_takes_three_queries(world, django_assert_max_num_queries):
    for enterprise in (world.enterprise, world.enterprise2, world.park2_enterprise):
        h.make_key(world, enterprise=enterprise)
    user = type(world.leader).objects.get(pk=world.leader.pk)

    with django_assert_max_num_queries(5):  # the leader's access (2), enterprises, inspections, designations
        rows = selectors.compliance_board(user=user, year=2026, now=h.shanghai(2026, 4, 2) + timedelta(days=1))

    assert len(rows) == 3
