"""The patrols' demo: for each demo park five checkpoints inside its outline and a route through them, a day
foot plan and a night vehicle plan; in park 1, twelve days of finished runs with their check-ins, one run that
missed its third checkpoint, a finding reported as an incident (recorded and notified as the sweep does), one gamed
scan flagged, and each run's GPS track.

Written through the services, so the audit trail, the flags and the missed checks are the real ones.
"""
from datetime import time, timedelta
from decimal import Decimal

import shapely
from shapely.geometry import shape

from parkbeat.core.demo import at as at_time
from parkbeat.patrols import services, tokens
from parkbeat.patrols.models import Checkpoint, Mode, PatrolRun, TrackPoint

REQUIRES = ("org", "enterprises", "volunteers", "incidents")

PLACES = (("东大门", Checkpoint.Kind.GATE), ("主干道中段", Checkpoint.Kind.MAIN_ROAD),
          ("物流仓库", Checkpoint.Kind.WAREHOUSE), ("配电房", Checkpoint.Kind.KEY_FACILITY),
          ("西侧围墙", Checkpoint.Kind.OTHER))


def _points(park, count):
    """`count` points inside the park's outline, about 250 m apart on a line through its centre."""
    outline = shape(park.boundary) if park.boundary else None
    centre = outline.representative_point() if outline is not None else shapely.Point(113.1, 27.8)
    found = []
    for i in range(count):
        for step in (0.0025, 0.0015, 0.0008, 0.0):
            point = shapely.Point(centre.x + (i - count // 2) * step, centre.y + (i % 2) * step / 3)
            if outline is None or outline.contains(point) or step == 0.0:
                found.append((Decimal(f"{point.x:.6f}"), Decimal(f"{point.y:.6f}")))
                break
    return found


def _team_of(park, accounts):
    from parkbeat.volunteers.models import Volunteer, VolunteerTeam

    member = Volunteer.objects.filter(user=accounts.get("volunteer1"), team__park=park).select_related("team").first()
    return member.team if member else VolunteerTeam.objects.filter(park=park).order_by("id").first()


def seed_places(parks, leader, accounts):
    plans = []
    for number, park in enumerate(parks, start=1):
        checkpoints = [services.checkpoint_create(actor=leader, park=park, name=name, kind=kind, lon=lon, lat=lat)
                       for (name, kind), (lon, lat) in zip(PLACES, _points(park, len(PLACES)))]
        route = services.route_create(actor=leader, park=park, name="园区巡防环线", checkpoints=checkpoints,
                                      description="东大门 → 主干道 → 仓库 → 配电房 → 围墙")
        officer = accounts.get(f"officer{number}")
        team = _team_of(park, accounts)
        teams = [(team, 2)] if team else []
        plans.append(services.plan_create(
            actor=leader, route=route, name="白班步巡", mode=Mode.FOOT, weekdays=[0, 1, 2, 3, 4, 5, 6],
            start_time=time(8, 0), end_time=time(18, 0), officers_required=0, auxiliaries_required=1, officer=officer,
            teams=teams))
        plans.append(services.plan_create(
            actor=leader, route=route, name="夜间车巡", mode=Mode.VEHICLE, weekdays=[0, 1, 2, 3, 4, 5, 6],
            start_time=time(21, 0), end_time=time(5, 0), overnight=True, is_night=True, officers_required=1,
            auxiliaries_required=1, officer=officer, teams=teams))
    return plans


AREA_PLACES = (("学校正门", Checkpoint.Kind.GATE), ("校门口小卖部一条街", Checkpoint.Kind.OTHER))


def seed_area_places(areas, leader):
    """The school's surroundings (护校安园): two checkpoints and the route walked at school time."""
    for area in areas:
        checkpoints = [services.checkpoint_create(actor=leader, park=area, name=name, kind=kind, lon=lon, lat=lat)
                       for (name, kind), (lon, lat) in zip(AREA_PLACES, _points(area, len(AREA_PLACES)))]
        services.route_create(actor=leader, park=area, name="护校安园上下学巡线", checkpoints=checkpoints,
                              description="学校正门 → 校门口商铺")
    return len(areas) * len(AREA_PLACES)


def seed_runs(now, plan, officer, volunteer):
    """Finished runs of park 1's day plan on the last 12 days: every checkpoint in order, 8–15 minutes apart;
    the run 5 days ago skips its third checkpoint, the run 3 days ago scans one checkpoint twice, the run a
    week ago reports a broken fence."""
    route_points = plan.route.ordered_checkpoints()
    counts = {"patrol runs": 0, "check-ins": 0, "missed checkpoints": 0, "flagged scans": 0}
    tracks = []
    for days in range(12, 0, -1):
        day = (now - timedelta(days=days)).date()
        started = at_time(day, 9, 10 + days % 20)
        run = services.run_start(actor=officer, plan=plan, participants=[volunteer] if volunteer else [],
                                 at=started)
        at = started
        stops = [c for i, c in enumerate(route_points) if not (days == 5 and i == 2)]
        waypoints = [(started, stops[0].lon - Decimal("0.0012"), stops[0].lat)]
        for index, checkpoint in enumerate(stops):
            at += timedelta(minutes=8 + (days * 3 + index) % 8)
            services.checkin_record(actor=volunteer or officer, run=run, code=tokens.checkpoint_token(checkpoint),
                                    at=at, lon=checkpoint.lon, lat=checkpoint.lat, client_key=f"demo-{run.pk}-{index}")
            counts["check-ins"] += 1
            waypoints.append((at, checkpoint.lon, checkpoint.lat))
            if days == 3 and index == 1:  # the same checkpoint again two minutes later: flagged, not counted
                services.checkin_record(actor=volunteer or officer, run=run,
                                        code=tokens.checkpoint_token(checkpoint), at=at + timedelta(minutes=2),
                                        client_key=f"demo-{run.pk}-again")
                counts["check-ins"] += 1
                counts["flagged scans"] += 1
        if days == 7:
            services.finding_report(actor=volunteer or officer, run=run, kind="fire_safety", checkpoint=stops[-1],
                                    description="西侧围墙一段铁丝网破损，约2米，已拍照，请物业尽快修复。",
                                    at=at + timedelta(minutes=1))
            counts["findings"] = 1
        services.run_finish(actor=officer, run=run, at=at + timedelta(minutes=5))
        counts["patrol runs"] += 1
        tracks.append((run, waypoints))
        if days == 5:
            counts["missed checkpoints"] += services._record_missed(plan, run.window_start, run.window_end)
    seed_tracks(tracks, device=services.track_device_key(volunteer or officer, "demo-phone"))
    return counts


def seed_tracks(tracks, *, device, every=timedelta(seconds=90)):
    """A GPS track for each run [(run, [(at, lon, lat)] of its way)]: a position every `every` on the straight
    line between the places it passed, a few metres of jitter; one insert for all of them (a few hundred)."""
    rows = []
    for run, waypoints in tracks:
        for (t0, lon0, lat0), (t1, lon1, lat1) in zip(waypoints, waypoints[1:]):
            at = t0
            while at < t1:
                share = (at - t0) / (t1 - t0)
                jitter = Decimal(((len(rows) * 7919) % 11) - 5) / Decimal(200000)  # ±2.5e-5°: about ±2.5 m
                rows.append(TrackPoint(run=run, device=device, at=at, recorded_at=at,
                                       lon=(lon0 + (lon1 - lon0) * Decimal(share) + jitter).quantize(Decimal("0.000001")),
                                       lat=(lat0 + (lat1 - lat0) * Decimal(share) - jitter).quantize(Decimal("0.000001")),
                                       accuracy_m=8 + len(rows) % 7))
                at += every
    services._track_insert(rows)
    return len(rows)


def seed(ctx):
    accounts = ctx.shared["accounts"]
    parks = ctx.shared["demo_parks"]
    plans = seed_places(parks, accounts["leader"], accounts)
    areas = ctx.shared.get("demo_areas", ())
    area_checkpoints = seed_area_places(areas, accounts["leader"])
    counts = seed_runs(ctx.now, plans[0], accounts["officer1"], accounts.get("volunteer1"))
    return {"checkpoints": len(parks) * len(PLACES) + area_checkpoints, "patrol routes": len(parks) + len(areas),
            "patrol plans": len(plans),
            **counts, "open patrol runs": PatrolRun.objects.filter(status=PatrolRun.Status.RUNNING).count()}
