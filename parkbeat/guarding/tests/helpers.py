"""Shared by the guarding tests: a 3 km line in park A of the test world, split beside its enterprises."""
from datetime import timedelta

from django.utils import timezone

from parkbeat.guarding import services
from parkbeat.testing import VolunteerTeamFactory

# About 3,000 m due east along latitude 27.8 (1° of longitude there is about 98.4 km).
LINE = {"type": "LineString", "coordinates": [[113.1, 27.8], [113.115, 27.8], [113.1305, 27.8]]}


def hour(offset=0):
    """The start of the current hour, `offset` hours on."""
    return timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(hours=offset)


def asset(world, park=None, actor=None, **kwargs):
    park = park or world.park
    actor = actor or (world.officer if park == world.park else world.other_officer)
    data = {"name": "高压电缆敷设", "geometry": LINE, "starts_at": hour(-24), "ends_at": hour(24 * 10)}
    data.update(kwargs)
    return services.asset_create(actor=actor, park=park, **data)


def split(world, line, actor=None):
    """Two segments: the first beside world.enterprise watched by world.team, the second beside enterprise2
    watched by a second team of the park."""
    half = line.length_m // 2
    team2 = VolunteerTeamFactory(park=line.park, enterprise=world.enterprise2 if line.park == world.park else None,
                                 name=f"第二义警队{line.pk}")
    first_enterprise = world.enterprise if line.park == world.park else world.other_enterprise
    return services.asset_split(actor=actor or (world.officer if line.park == world.park else world.other_officer),
                                asset=line, pieces=[
        {"from_m": 0, "to_m": half, "enterprise": first_enterprise,
         "team": world.team if line.park == world.park else None},
        {"from_m": half, "to_m": line.length_m, "enterprise": world.enterprise2 if line.park == world.park else None,
         "team": team2}])


def shift(world, segment, start, end, people=None, actor=None):
    return services.shift_create(actor=actor or world.officer, segment=segment, starts_at=start, ends_at=end,
                                 people=people or [world.volunteer])
