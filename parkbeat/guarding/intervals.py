"""Exact arithmetic on half-open intervals [start, end) of any ordered values (datetimes, metres).

Pure functions, no Django: coverage, gaps and split checks are built from them, and a property test holds
them to "gaps + covered = the window, with no overlap".
"""


def normalize(intervals):
    """The intervals merged into a sorted list of disjoint, non-touching, non-empty ones."""
    merged = []
    for start, end in sorted((s, e) for s, e in intervals if s < e):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def clip(intervals, lo, hi):
    """The parts of `intervals` inside [lo, hi), normalized."""
    return normalize((max(s, lo), min(e, hi)) for s, e in intervals)


def subtract(lo, hi, intervals):
    """The parts of [lo, hi) that none of `intervals` covers, in order."""
    gaps, cursor = [], lo
    for start, end in clip(intervals, lo, hi):
        if start > cursor:
            gaps.append((cursor, start))
        cursor = max(cursor, end)
    if cursor < hi:
        gaps.append((cursor, hi))
    return gaps


def intersect(a, b):
    """The parts covered by both lists of intervals, normalized."""
    a, b = normalize(a), normalize(b)
    found, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if start < end:
            found.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return found


def overlaps(a, b):
    """Whether two intervals share a moment (touching ends do not)."""
    return a[0] < b[1] and b[0] < a[1]


def first_overlap(intervals):
    """The first pair of intervals (in start order) that overlap, or None."""
    ordered = sorted(intervals)
    for left, right in zip(ordered, ordered[1:]):
        if overlaps(left, right):
            return left, right
    return None


def total(intervals, zero=0):
    """The summed length of normalized intervals (`zero` is 0 for numbers, timedelta(0) for datetimes)."""
    length = zero
    for start, end in normalize(intervals):
        length += end - start
    return length
