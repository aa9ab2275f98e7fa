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
    radians = math.radians
    lon1, lat1, lon2, lat2 = radians(float(lon1)), radians(float(lat1)), radians(float(lon2)), radians(float(lat2))
    a = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def on_sphere(lon, lat):
    """(λ, φ, cos φ) of a WGS-84 point, in radians: computed once for a point whose distance to several
    others is wanted (haversine_between)."""
    lon, lat = math.radians(float(lon)), math.radians(float(lat))
    return lon, lat, math.cos(lat)


def haversine_between(p, q):
    """haversine_m of two points given by on_sphere, to the last bit."""
    a = math.sin((q[1] - p[1]) / 2) ** 2 + p[2] * q[2] * math.sin((q[0] - p[0]) / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


_BOX_MARGIN = 1e-9  # relative, and in degrees (about 0.1 mm): rounding never puts a point inside the circle out


class NearBox:
    """The bounds, in degrees, of every point within `metres` of (lon, lat) by haversine_m: a cheap test that
    sorts out the points that cannot be that near before any distance is computed (never one that is).

    On haversine_m's sphere, hav(d/R) = hav(Δφ) + cos φ₁ cos φ₂ hav(Δλ), so d ≤ r gives |Δφ| ≤ r/R and
    hav(Δλ) ≤ hav(r/R) / (cos φ₁ cos φ₂), with cos φ₂ at least its value at the band's latitude farthest
    from the equator; Δλ is taken round the antimeridian. Near a pole there is no bound on the longitude."""

    __slots__ = ("lon", "lat", "dlat", "dlon")

    def __init__(self, lon, lat, metres):
        self.lon, self.lat = float(lon), float(lat)
        angle = max(float(metres), 0.0) / EARTH_RADIUS_M
        self.dlat = math.degrees(angle) * (1 + _BOX_MARGIN) + _BOX_MARGIN
        farthest = min(abs(self.lat) + math.degrees(angle), 90.0)
        cosines = math.cos(math.radians(self.lat)) * math.cos(math.radians(farthest))
        ratio = math.sin(angle / 2) ** 2 / cosines if cosines > 1e-12 else 2.0
        self.dlon = None if ratio >= 1 else (
            math.degrees(2 * math.asin(math.sqrt(ratio))) * (1 + _BOX_MARGIN) + _BOX_MARGIN)

    def meets_latitudes(self, south, north):
        """Whether the band of latitudes [south, north] comes within the box's."""
        return south <= self.lat + self.dlat and north >= self.lat - self.dlat

    def holds(self, lon, lat):
        """Whether (lon, lat) lies in the box (else it is farther than `metres`)."""
        if abs(lat - self.lat) > self.dlat:
            return False
        if self.dlon is None:
            return True
        dlon = abs(lon - self.lon) % 360.0
        return min(dlon, 360.0 - dlon) <= self.dlon


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


# ---------------------------------------------------------------- GCJ-02 (the offset coordinates of maps in China)
# Chinese map services (AMap, Tencent, a phone's built-in map) give positions in GCJ-02, WGS-84 shifted by a
# published polynomial of up to a few hundred metres; outside China the two coincide.
_GCJ_A = 6378245.0  # the semi-major axis and eccentricity² the offset is defined with (Krasovsky 1940)
_GCJ_EE = 0.00669342162296594323


def _outside_china(lon, lat):
    return not (72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _gcj_offset(lon, lat):
    """(Δlon, Δlat) in degrees that GCJ-02 adds to the WGS-84 point (lon, lat)."""
    x, y = lon - 105.0, lat - 35.0
    common = 20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)
    dlat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
            + (common + 20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)
               + 160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0)
    dlon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
            + (common + 20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)
               + 150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0)
    rad = math.radians(lat)
    magic = 1 - _GCJ_EE * math.sin(rad) ** 2
    dlat = dlat * 180.0 / ((_GCJ_A * (1 - _GCJ_EE)) / (magic * math.sqrt(magic)) * math.pi)
    dlon = dlon * 180.0 / (_GCJ_A / math.sqrt(magic) * math.cos(rad) * math.pi)
    return dlon, dlat


def wgs84_to_gcj02(lon, lat):
    """The GCJ-02 (lon, lat) of a WGS-84 point; unchanged outside China."""
    lon, lat = float(lon), float(lat)
    if _outside_china(lon, lat):
        return lon, lat
    dlon, dlat = _gcj_offset(lon, lat)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(lon, lat, *, tolerance=1e-7):
    """The WGS-84 (lon, lat) of a GCJ-02 point (iterated to within ~1 cm); unchanged outside China."""
    lon, lat = float(lon), float(lat)
    if _outside_china(lon, lat):
        return lon, lat
    wlon, wlat = lon, lat
    for _ in range(30):
        glon, glat = wgs84_to_gcj02(wlon, wlat)
        step_lon, step_lat = lon - glon, lat - glat
        wlon, wlat = wlon + step_lon, wlat + step_lat
        if max(abs(step_lon), abs(step_lat)) < tolerance:
            break
    return wlon, wlat
