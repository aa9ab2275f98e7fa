"""The guarding demo: a 3 km power cable being laid across park 1, split into four segments beside the
enterprises of the park's volunteer teams, each team on its own segment; 12-hour day and night shifts (08:00 and
20:00) covering the whole guarding period (from the start of the shift under way for three days) but for ONE
uncovered interval ahead, 20:00–02:00 on the first segment the first night at least a day off; two officers'
fixed points for the night. The shifts under way are checked in except on the second segment (so "not checked
in yet" shows). The same rows and events whatever the time of day it is seeded.

Written through the services, so the audit trail is the real one. No alert is sent here: the periodic task
tells of the gap once it is within the lead time.
"""
from datetime import time, timedelta
from decimal import Decimal

import shapely
from django.utils import timezone
from shapely.geometry import shape

from parkbeat.core.demo import at as at_time
from parkbeat.guarding import selectors, services
from parkbeat.guarding.models import GuardShift

REQUIRES = ("org", "enterprises", "volunteers", "patrols")  # after the patrols, as the navigation reads
SEGMENTS = 4


def _line(park):
    """About 3 km west to east through the park's centre, with a slight bend."""
    outline = shape(park.boundary) if park.boundary else None
    centre = outline.representative_point() if outline is not None else shapely.Point(113.1, 27.8)
    x, y = round(centre.x, 6), round(centre.y, 6)
    return {"type": "LineString", "coordinates": [[x - 0.0152, y - 0.0010], [x, y + 0.0010], [x + 0.0152, y]]}


def _teams(park, accounts):
    """The park's teams with an enterprise, the demo volunteer's own team first."""
    from parkbeat.volunteers.models import Volunteer, VolunteerTeam

    teams = list(VolunteerTeam.objects.filter(park=park, enterprise__isnull=False).select_related("enterprise")
                 .order_by("id"))
    member = Volunteer.objects.filter(user=accounts.get("volunteer1"), team__park=park).first()
    if member is not None:
        teams.sort(key=lambda t: t.pk != member.team_id)
    return teams[:SEGMENTS]


def _current_edge(now):
    """The start of the 12-hour shift under way: the last 08:00 or 20:00 (Asia/Shanghai) not after `now`."""
    today = timezone.localtime(now).date()
    edges = [at_time(today - timedelta(days=1), 20), at_time(today, 8), at_time(today, 20)]
    return max(edge for edge in edges if edge <= now)


def seed(ctx):
    accounts = ctx.shared["accounts"]
    park = ctx.shared["demo_parks"][0]
    leader, officer = accounts["leader"], accounts["officer1"]
    starts_at = _current_edge(ctx.now)
    ends_at = starts_at + timedelta(days=3)
    cable = services.asset_create(actor=leader, park=park, name="园区主干道10千伏电缆敷设", kind="cable",
                                  geometry=_line(park), starts_at=starts_at, ends_at=ends_at,
                                  description="施工期间沿线24小时看护，防盗防破坏")
    teams = _teams(park, accounts)
    cuts = [round(cable.length_m * k / SEGMENTS) for k in range(SEGMENTS + 1)]
    segments = services.asset_split(actor=leader, asset=cable, pieces=[
        {"from_m": cuts[k], "to_m": cuts[k + 1], "enterprise": teams[k].enterprise if k < len(teams) else None,
         "team": teams[k] if k < len(teams) else None} for k in range(SEGMENTS)])
    people = [accounts.get("volunteer1") or officer, accounts["auxiliary1"], officer, leader]
    edges = [starts_at + timedelta(hours=12 * k) for k in range(7)]
    gap_start = next(e for e in edges if e >= starts_at + timedelta(hours=24) and timezone.localtime(e).hour == 20)
    for segment, person in zip(segments, people):
        for start, end in zip(edges, edges[1:]):
            if segment.order == 1 and start == gap_start:
                start += timedelta(hours=6)  # the one uncovered interval ahead: nobody until 02:00
            shift = services.shift_create(actor=leader, segment=segment, starts_at=start, ends_at=end, people=[person])
            if start == starts_at and segment.order != 2:
                services.shift_checkin(actor=person, shift=shift, at=min(start + timedelta(minutes=5), ctx.now))
    for name, fraction in (("西段岗亭", 0.2), ("东段岗亭", 0.8)):
        lon, lat = _point_at(cable, fraction)
        services.fixed_point_create(actor=leader, asset=cable, name=name, lon=lon, lat=lat, officer=officer,
                                    night_start=time(22, 0), night_end=time(6, 0))
    ahead = selectors.asset_gaps(cable, segments, ctx.now, ends_at)
    return {"guarded assets": 1, "guard segments": len(segments),
            "guard shifts": GuardShift.objects.filter(segment__asset=cable).count(),
            "uncovered intervals ahead": len(ahead)}


def _point_at(asset, fraction):
    from parkbeat.guarding import geo

    points = geo.substring(asset.geometry["coordinates"], 0, asset.length_m * fraction)
    lon, lat = points[-1]
    return Decimal(f"{lon:.6f}"), Decimal(f"{lat:.6f}")
