"""Shared by the patrol tests: checkpoints, a route and a plan in park A of the test world."""
from datetime import time, timedelta
from decimal import Decimal

from django.utils import timezone

from parkbeat.patrols import services, tokens
from parkbeat.patrols.models import Checkpoint

# Three checkpoints about 300 m apart along a road of park A, and one of another station's park.
POINTS = [("东大门", Checkpoint.Kind.GATE, "113.100000", "27.800000"),
          ("一号仓库", Checkpoint.Kind.WAREHOUSE, "113.103000", "27.800000"),
          ("变电站", Checkpoint.Kind.KEY_FACILITY, "113.106000", "27.800000")]


def checkpoints(world, park=None, actor=None):
    park = park or world.park
    actor = actor or (world.officer if park == world.park else world.other_officer)
    return [services.checkpoint_create(actor=actor, park=park, name=name, kind=kind, lon=Decimal(lon),
                                       lat=Decimal(lat)) for name, kind, lon, lat in POINTS]


def route(world, points=None, actor=None):
    points = points or checkpoints(world)
    return services.route_create(actor=actor or world.officer, park=points[0].park, name="夜间环线",
                                 checkpoints=points)


def all_week_plan(world, route_=None, **kwargs):
    """A plan whose window covers every moment of every day (00:00–23:59 and overnight tail)."""
    data = {"name": "全天巡逻", "mode": "foot", "weekdays": [0, 1, 2, 3, 4, 5, 6], "start_time": time(0, 0),
            "end_time": time(23, 59), "overnight": False, "teams": [(world.team, 2)]}
    data.update(kwargs)
    return services.plan_create(actor=world.officer, route=route_ or route(world), **data)


def code(checkpoint):
    return tokens.checkpoint_token(checkpoint)


def ago(minutes):
    return timezone.now() - timedelta(minutes=minutes)
