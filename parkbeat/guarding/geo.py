"""The line of a guarded asset: GeoJSON validation, its length in metres and the stretch between two distances."""
import json
import math

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

EARTH_RADIUS_M = 6_371_008.8
MAX_POINTS = 5000


def haversine_m(a, b):
    """Great-circle distance in metres between two WGS-84 [lon, lat] points."""
    lon1, lat1, lon2, lat2 = (math.radians(float(v)) for v in (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def parse_line(value, field="geometry"):
    """A GeoJSON LineString (dict, JSON text, a Feature holding one, or a FeatureCollection of exactly one) as
    {"type": "LineString", "coordinates": [[lon, lat], ...]}; anything else is a ValidationError on `field`."""
    if isinstance(value, (bytes, bytearray)):
        value = value.decode("utf-8-sig", errors="replace")
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise ValidationError({field: _("This is not GeoJSON: the text cannot be read as JSON.")}) from None
    if isinstance(value, dict) and value.get("type") == "FeatureCollection":
        features = value.get("features") or []
        if len(features) != 1:
            raise ValidationError({field: _("Give exactly one line (the file holds %(n)s features).") % {
                "n": len(features)}})
        value = features[0]
    if isinstance(value, dict) and value.get("type") == "Feature":
        value = value.get("geometry")
    if not isinstance(value, dict) or value.get("type") != "LineString":
        raise ValidationError({field: _("Give a GeoJSON LineString (a line of [longitude, latitude] points).")})
    points = value.get("coordinates")
    if not isinstance(points, list) or len(points) < 2:
        raise ValidationError({field: _("A line needs at least two points.")})
    if len(points) > MAX_POINTS:
        raise ValidationError({field: _("A line has at most %(n)s points.") % {"n": MAX_POINTS}})
    clean = []
    for index, point in enumerate(points, start=1):
        if (not isinstance(point, list) or len(point) not in (2, 3)
                or not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
                           for v in point)):
            raise ValidationError({field: _("Point %(n)s is not a [longitude, latitude] pair of numbers.") % {
                "n": index}})
        lon, lat = float(point[0]), float(point[1])
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise ValidationError({field: _("Point %(n)s lies outside WGS-84 (longitude −180 to 180, latitude −90 "
                                            "to 90): give [longitude, latitude].") % {"n": index}})
        clean.append([round(lon, 7), round(lat, 7)])
    if line_length_m(clean) < 1:
        raise ValidationError({field: _("The line is shorter than one metre: are its points all the same?")})
    return {"type": "LineString", "coordinates": clean}


def line_length_m(points):
    return sum(haversine_m(a, b) for a, b in zip(points, points[1:]))


def substring(points, from_m, to_m):
    """The points of the line between `from_m` and `to_m` metres along it (interpolated at both ends)."""
    out, walked = [], 0.0
    for a, b in zip(points, points[1:]):
        step = haversine_m(a, b)
        if step == 0:
            continue
        start, end = walked, walked + step
        if end >= from_m and start <= to_m:
            for at in (max(from_m, start), min(to_m, end)):
                t = (at - start) / step
                point = [round(a[0] + (b[0] - a[0]) * t, 7), round(a[1] + (b[1] - a[1]) * t, 7)]
                if not out or out[-1] != point:
                    out.append(point)
        walked = end
    return out
