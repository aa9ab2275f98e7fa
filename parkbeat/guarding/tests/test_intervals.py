"""The interval arithmetic behind coverage: property tests over random shifts (hypothesis) and a few exact cases."""
from datetime import datetime, timedelta, timezone

from hypothesis import given, settings, strategies as st

from parkbeat.guarding import coverage, intervals

BASE = datetime(2026, 12, 1, tzinfo=timezone.utc)
minutes = st.integers(min_value=-200, max_value=2000)
spans = st.lists(st.tuples(minutes, minutes).map(lambda p: (min(p), max(p))), max_size=30)


def _at(m):
    return BASE + timedelta(minutes=m)


@settings(max_examples=300, deadline=None)
@given(shifts=spans, lo=st.integers(0, 800), length=st.integers(0, 1200))
def test_gaps_and_covered_tile_the_window_exactly_with_no_overlap(shifts, lo, length):
    hi = lo + length
    windows = [(1, _at(lo), _at(hi))]
    staffed = [(1, _at(s), _at(e)) for s, e in shifts] + [(2, _at(0), _at(5000))]  # another segment's shift

    gaps = [(s, e) for _seg, s, e in coverage.compute_gaps(windows, staffed)]
    covered = [(s, e) for _seg, s, e in coverage.compute_covered(windows, staffed)]

    # together exactly the window: their union is [lo, hi) (or nothing when it is empty) ...
    assert intervals.normalize(gaps + covered) == ([(_at(lo), _at(hi))] if length else [])
    # ... their lengths add up to its length, so nothing is counted twice ...
    assert intervals.total(gaps, timedelta(0)) + intervals.total(covered, timedelta(0)) == timedelta(minutes=length)
    # ... and no gap shares a moment with a covered stretch or another gap
    assert not intervals.intersect(gaps, covered)
    assert intervals.first_overlap(gaps) is None
    # each moment is in a gap exactly when no shift holds it (checked minute by minute)
    for m in range(lo, hi):
        in_gap = any(s <= _at(m) < e for s, e in gaps)
        held = any(s <= m < e for s, e in shifts)
        assert in_gap != held, m


@settings(max_examples=200, deadline=None)
@given(pieces=spans, length=st.integers(1, 1500))
def test_subtract_leaves_exactly_what_no_piece_covers(pieces, length):
    gaps = intervals.subtract(0, length, pieces)

    for m in range(0, length, 7):
        assert any(s <= m < e for s, e in gaps) == (not any(s <= m < e for s, e in pieces))
    assert gaps == intervals.normalize(gaps)


def test_touching_shifts_leave_no_gap_and_an_empty_shift_list_leaves_the_whole_window():
    windows = [(7, _at(0), _at(60))]

    assert coverage.compute_gaps(windows, [(7, _at(0), _at(30)), (7, _at(30), _at(60))]) == []
    assert coverage.compute_gaps(windows, []) == [(7, _at(0), _at(60))]
    assert coverage.compute_gaps(windows, [(7, _at(10), _at(20))]) == [(7, _at(0), _at(10)), (7, _at(20), _at(60))]


def test_hour_cells_mark_past_off_uncovered_and_covered():
    step = timedelta(hours=1)
    cells = coverage.hour_cells(_at(0), 4, step, [(_at(120), _at(150))], now=_at(61), period=(_at(0), _at(180)))

    assert [state for _start, state in cells] == ["past", "covered", "uncovered", "off"]
