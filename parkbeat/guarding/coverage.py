"""Coverage of segments by shifts, as plain data: who is missing where, computed by interval arithmetic.

Pure functions over tuples (no Django), so the benchmark and the property tests call them directly; the
selectors feed them from the database.
"""
from collections import defaultdict

from parkbeat.guarding import intervals


def compute_gaps(windows, shifts):
    """[(segment id, start, end)] of every stretch of time with no shift on the segment.

    `windows`: [(segment id, lo, hi)], the time each segment must be watched (the asked window within the
    asset's period); `shifts`: [(segment id, start, end)] of the shifts that have at least one person.
    Sorted by segment, then time. O(n log n) in the number of shifts.
    """
    by_segment = defaultdict(list)
    for segment_id, start, end in shifts:
        by_segment[segment_id].append((start, end))
    gaps = []
    for segment_id, lo, hi in windows:
        if lo < hi:
            gaps.extend((segment_id, s, e) for s, e in intervals.subtract(lo, hi, by_segment.get(segment_id, ())))
    return gaps


def compute_covered(windows, shifts):
    """[(segment id, start, end)] of the watched stretches: the shifts within each window, merged."""
    by_segment = defaultdict(list)
    for segment_id, start, end in shifts:
        by_segment[segment_id].append((start, end))
    covered = []
    for segment_id, lo, hi in windows:
        covered.extend((segment_id, s, e) for s, e in intervals.clip(by_segment.get(segment_id, ()), lo, hi))
    return covered


def hour_cells(lo, hours, step, gaps, now, period):
    """The state of each of `hours` cells from `lo` (each `step` long) for one segment: "past" when it ended
    before `now`, "off" outside the guarding `period` (start, end), "uncovered" when a gap touches it, else
    "covered"."""
    cells, start = [], lo
    ordered = sorted(gaps)
    for _ in range(hours):
        end = start + step
        if end <= now:
            state = "past"
        elif not intervals.overlaps((start, end), period):
            state = "off"
        elif any(intervals.overlaps((start, end), gap) for gap in ordered):
            state = "uncovered"
        else:
            state = "covered"
        cells.append((start, state))
        start = end
    return cells
