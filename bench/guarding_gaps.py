"""Time the guarding gap computation (parkbeat.guarding.coverage.compute_gaps) for a 72-hour window over many
segments and shifts, and how it grows when both are doubled. Pure Python, no database:

    .venv/bin/python bench/guarding_gaps.py [--segments 250] [--repeat 5]

Each segment gets 4-hour shifts around the clock with random holes (about 1 in 12 missing) and random
overlaps (a second shift on some), so the arithmetic sees merges and gaps both.
"""
import argparse
import random
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from parkbeat.guarding.coverage import compute_gaps  # noqa: E402  (pure module: no Django set-up needed)

WINDOW = timedelta(hours=72)


def make(segments, seed=2026):
    rng = random.Random(seed)
    lo = datetime(2026, 12, 3, tzinfo=timezone.utc)
    hi = lo + WINDOW
    windows = [(s, lo, hi) for s in range(segments)]
    shifts = []
    for s in range(segments):
        start = lo - timedelta(hours=2)
        while start < hi:
            end = start + timedelta(hours=4)
            if rng.random() > 1 / 12:
                shifts.append((s, start, end))
            if rng.random() < 0.2:
                extra = start + timedelta(minutes=rng.randint(0, 200))
                shifts.append((s, extra, extra + timedelta(hours=3)))
            start = end
    rng.shuffle(shifts)
    return windows, shifts


def timed(segments, repeat):
    windows, shifts = make(segments)
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        gaps = compute_gaps(windows, shifts)
        runs.append(time.perf_counter() - t0)
    return len(shifts), len(gaps), statistics.median(runs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=250)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    previous = None
    for factor in (1, 2, 4, 8):
        segments = args.segments * factor
        shifts, gaps, seconds = timed(segments, args.repeat)
        growth = f" ×{seconds / previous:.2f}" if previous else ""
        print(f"{segments:6d} segments {shifts:7d} shifts {gaps:6d} gaps  {seconds * 1000:8.1f} ms{growth}")
        previous = seconds


if __name__ == "__main__":
    main()
