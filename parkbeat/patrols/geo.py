"""Distances and the checks a scan must pass to count: plain functions, so they can be property-tested."""
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

EARTH_RADIUS_M = 6_371_008.8
# The fastest a patrol can plausibly move between two checkpoints, in metres per second (straight line).
MAX_SPEED = {"foot": 12 / 3.6, "vehicle": 80 / 3.6}
REPEAT_MINUTES = 10  # the same checkpoint again within this many minutes looks gamed
SCAN_RADIUS_M = 150  # a scan with a position further than this from the checkpoint looks gamed


def haversine_m(lon1, lat1, lon2, lat2):
    """Great-circle distance in metres between two WGS-84 points."""
    lon1, lat1, lon2, lat2 = (math.radians(float(v)) for v in (lon1, lat1, lon2, lat2))
    a = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class Scan:
    checkpoint_id: int
    lon: float
    lat: float
    at: datetime


def scan_flags(scan, earlier, *, mode, position=None, repeat_minutes=REPEAT_MINUTES, radius_m=SCAN_RADIUS_M):
    """(flags, distance in metres or None) of `scan` (a Scan at the checkpoint's own coordinates) given the
    counted scans of the same run (`earlier`, any order; only those before it matter) and the phone's
    `position` ((lon, lat) or None).

    - "repeat": a counted scan of the same checkpoint less than `repeat_minutes` before;
    - "too_fast": the last counted scan before it was at another checkpoint, reached from there faster than
      MAX_SPEED[mode] allows;
    - "far": the phone's position lies more than `radius_m` from the checkpoint.
    """
    flags = []
    before = [s for s in earlier if s.at <= scan.at]
    window = timedelta(minutes=repeat_minutes)
    if any(s.checkpoint_id == scan.checkpoint_id and scan.at - s.at < window for s in before):
        flags.append("repeat")
    last = max(before, key=lambda s: s.at, default=None)
    if last is not None and last.checkpoint_id != scan.checkpoint_id:
        metres = haversine_m(last.lon, last.lat, scan.lon, scan.lat)
        seconds = (scan.at - last.at).total_seconds()
        if metres > 0 and (seconds <= 0 or metres / seconds > MAX_SPEED[mode]):
            flags.append("too_fast")
    distance = None
    if position is not None:
        distance = haversine_m(position[0], position[1], scan.lon, scan.lat)
        if distance > radius_m:
            flags.append("far")
    return flags, distance
