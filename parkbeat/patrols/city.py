"""The patrols' share of a city-scale build (`seed_demo --stations N --incidents N`, `parkbeat.org.city`).

Found by `org.city.area_modules` and run after the cases, through org's `Writer` (executemany on SQLite, COPY on
PostgreSQL, chunks committed, never the ORM for writing). Three families, each with its own generator:
- places (`{seed}:city:patrol-places`): in every park 8 to 14 checkpoints (gates, main roads, warehouses, key
  facilities, others) at positions inside the park's outline, two or three routes through them in walking
  order, and two to five plans (a day foot patrol and a night vehicle patrol everywhere; busier parks a small-
  hours foot patrol of the warehouses, a weekday lunch round and a weekend vehicle patrol), calling for the
  park's volunteer teams where it has some (the demo station's parks);
- runs (`{seed}:city:patrol-runs`): the last PATROL_DAYS days of every plan's windows that have ended: one
  finished run per window started inside it by the park's auxiliary (foot) or officer (vehicle), with the
  police the plan asks for and the volunteers of its teams who have an account as participants, each
  checkpoint of the route checked in, in order, at a walking or driving pace the scan checks accept (QR scans
  with the phone's position a few metres off, some check-ins by GPS, some codes typed, a few scans sent late
  from an offline phone); some runs skip a checkpoint, a few scan one again minutes later or from far away
  (stored flagged, not counted, as `geo.scan_flags` decides), a few are closed automatically at the end of
  their window, a few windows have no run at all. Every checkpoint no counted check-in reached in a window is a
  `MissedCheck`, and its officer was told (a notification, as `services._record_missed` sends);
- tracks (`{seed}:city:patrol-tracks`): `Sizes.n_track_points` GPS positions shared out over the runs by
  their length (so one interval for the whole city), along the way the run went through its checkpoints, from
  the device of the one who started it, sent in one-minute batches (or at the end, offline).

The QR codes' secrets come from `secrets`, not from the seed: every other column is the same for the same
options. Nothing here is in the future, and every row sits in a park of its station.
"""
import json
import math
import random
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from django.apps import apps
from shapely.geometry import Point, shape

from parkbeat.org.city import EPOCH, commit, detail_urls
from parkbeat.patrols import geo

PATROL_DAYS = 35  # a month and a bit of runs
EARLY_START_S = 30 * 60
KINDS = (("gate", "大门"), ("main_road", "主干道"), ("warehouse", "仓库"), ("key_facility", "重点部位"),
         ("other", "巡查点"))
PACE = {"foot": (1.0, 1.5), "vehicle": (5.0, 9.0)}  # metres a second, straight line between checkpoints
DWELL = {"foot": (30, 120), "vehicle": (60, 240)}  # seconds at a checkpoint
TRACK_COLUMNS = ("id", "run_id", "device", "at", "recorded_at", "lon", "lat", "accuracy_m", "speed_ok")
DAILY, WEEKDAYS, WEEKEND = [0, 1, 2, 3, 4, 5, 6], [0, 1, 2, 3, 4], [5, 6]


@dataclass(frozen=True)
class PlanKind:
    name: str
    route: int  # which of the park's routes
    mode: str
    weekdays: list
    start: int  # minutes after midnight
    end: int  # minutes after midnight, the next day when overnight
    night: bool
    start_within: tuple  # minutes after the window opens in which the run starts
    officers: int
    auxiliaries: int


PLAN_KINDS = (
    PlanKind("日间全园步巡", 0, "foot", DAILY, 8 * 60, 17 * 60 + 30, False, (0, 60), 0, 1),
    PlanKind("夜间重点部位车巡", 1, "vehicle", DAILY, 21 * 60, 5 * 60, True, (0, 120), 1, 1),
    PlanKind("凌晨仓储区步巡", 1, "foot", DAILY, 60, 4 * 60, True, (0, 45), 0, 1),
    PlanKind("工作日午间巡查", 2, "foot", WEEKDAYS, 11 * 60 + 30, 13 * 60 + 30, False, (0, 15), 0, 1),
    PlanKind("周末白天车巡", 2, "vehicle", WEEKEND, 14 * 60, 17 * 60, False, (0, 60), 1, 0),
)
ROUTE_NAMES = ("全园巡防环线", "仓储及重点部位巡线", "主干道及大门巡线")


@dataclass
class Place:
    pk: int
    kind: str
    lon: float
    lat: float


@dataclass
class ParkPatrols:
    checkpoints: list = field(default_factory=list)
    routes: list = field(default_factory=list)  # (id, name, [Place] in order)
    plans: list = field(default_factory=list)  # (id, PlanKind, route index, [team ids])


def seed(city, writer, trail, sizes, seed, log):
    """The three families (see the module's note); counts land in `writer.counts`."""
    from parkbeat.patrols.models import (CheckIn, Checkpoint, MissedCheck, PatrolPlan, PatrolRun, PlanTeam, Route,
                                         RouteStop, TrackPoint)

    w = writer
    for model in (Checkpoint, Route, RouteStop, PatrolPlan, PlanTeam, PatrolRun, PatrolRun.participants.through,
                  CheckIn, MissedCheck, TrackPoint):
        w.table(model)
    volunteers = city_volunteers()
    parks = seed_places(city, w, random.Random(f"{seed}:city:patrol-places"), volunteers)
    commit(w)
    log(f"patrol places: {w.counts['patrols_checkpoint']} checkpoints, {w.counts['patrols_route']} routes, "
        f"{w.counts['patrols_patrolplan']} plans")
    runs = seed_runs(city, w, trail, parks, volunteers, random.Random(f"{seed}:city:patrol-runs"))
    log(f"patrol runs: {w.counts['patrols_patrolrun']}, check-ins: {w.counts['patrols_checkin']}, "
        f"missed checks: {w.counts['patrols_missedcheck']}")
    # The size is a total, as the cases' are: the demo's own tracks count towards it.
    total = max(0, sizes.n_track_points - TrackPoint.objects.count())
    seed_tracks(w, runs, total, random.Random(f"{seed}:city:patrol-tracks"), log)
    log(f"track points: {w.counts['patrols_trackpoint']}")


# ------------------------------------------------------------------ places, routes, plans
def _inside(rng, outline, count, centre):
    """`count` points inside the outline, kept about 80 m apart where the outline leaves room."""
    if outline is None:
        return [(centre[0] + rng.uniform(-0.006, 0.006), centre[1] + rng.uniform(-0.004, 0.004)) for _ in range(count)]
    west, south, east, north = outline.bounds
    found, tries = [], 0
    while len(found) < count:
        tries += 1
        lon, lat = rng.uniform(west, east), rng.uniform(south, north)
        if not outline.contains(Point(lon, lat)):
            continue
        if tries < 2000 and any(geo.haversine_m(lon, lat, x, y) < 80 for x, y in found):
            continue
        found.append((lon, lat))
    return found


def _walk(places):
    """The places in walking order: from the first (a gate), always on to the nearest one left."""
    left, order = list(places[1:]), [places[0]]
    while left:
        here = order[-1]
        nearest = min(left, key=lambda p: geo.haversine_m(here.lon, here.lat, p.lon, p.lat))
        left.remove(nearest)
        order.append(nearest)
    return order


def seed_places(city, w, rng, volunteers):
    """Checkpoints, routes and plans in every park (see the module's note). Returns {park id: ParkPatrols}."""
    Park, Checkpoint = apps.get_model("org", "Park"), apps.get_model("patrols", "Checkpoint")
    Route, VolunteerTeam = apps.get_model("patrols", "Route"), apps.get_model("volunteers", "VolunteerTeam")
    outlines = {pk: shape(b) if b else None for pk, b in Park.objects.values_list("id", "boundary")}
    taken = {}
    for park_id, name in Checkpoint.objects.values_list("park_id", "name"):
        taken.setdefault(park_id, set()).add(name)
    routes_taken = {}
    for park_id, name in Route.objects.values_list("park_id", "name"):
        routes_taken.setdefault(park_id, set()).add(name)
    teams = {}  # the teams with volunteers who have an account first: they take part in the runs
    for pk, park_id in VolunteerTeam.objects.order_by("id").values_list("id", "park_id"):
        teams.setdefault(park_id, []).append(pk)
    for found in teams.values():
        found.sort(key=lambda pk: pk not in volunteers)
    t_cp, t_route, t_stop = "patrols_checkpoint", "patrols_route", "patrols_routestop"
    t_plan, t_team = "patrols_patrolplan", "patrols_planteam"
    created = w.ts(city.day_start(city.days - PATROL_DAYS) - 20 * 86400)
    ranked = sorted(city.parks, key=lambda p: p.busy)
    busy_rank = {p.pk: k / max(1, len(ranked) - 1) for k, p in enumerate(ranked)}  # 0 quietest … 1 busiest
    out = {}
    for park in city.parks:
        patrols = out[park.pk] = ParkPatrols()
        count = max(8, 8 + round(6 * busy_rank[park.pk]) - rng.randint(0, 1))
        kinds = ["gate", "gate", "main_road", "main_road", "warehouse", "warehouse", "key_facility"]
        kinds += [rng.choice(("main_road", "warehouse", "warehouse", "key_facility", "other"))
                  for _ in range(count - len(kinds))]
        outline = outlines.get(park.pk)
        centre = (outline.representative_point().coords[0] if outline is not None else (113.1, 27.8))
        numbers, names = {}, taken.setdefault(park.pk, set())
        for kind, (lon, lat) in zip(kinds, _inside(rng, outline, len(kinds), centre)):
            label = dict(KINDS)[kind]
            numbers[kind] = numbers.get(kind, 0) + 1
            name = f"{label}{numbers[kind]}号点"
            while name in names:
                numbers[kind] += 1
                name = f"{label}{numbers[kind]}号点"
            names.add(name)
            lon, lat = round(lon, 6), round(lat, 6)
            pk = w.add(t_cp, {"created_at": created, "updated_at": created, "version": 1, "park_id": park.pk,
                              "name": name, "kind": kind, "lon": lon, "lat": lat,
                              "description": f"{rng.choice(park.roads)}旁，{rng.choice(('东侧', '西侧', '南侧', '北侧'))}",
                              "is_active": True, "retired_at": None, "token_version": 1,
                              "token_secret": secrets.token_hex(8)})
            patrols.checkpoints.append(Place(pk, kind, lon, lat))
        gates = [p for p in patrols.checkpoints if p.kind == "gate"]
        store = [p for p in patrols.checkpoints if p.kind in ("warehouse", "key_facility")]
        roads = [p for p in patrols.checkpoints if p.kind in ("main_road", "other")]
        stops = (gates + [p for p in patrols.checkpoints if p.kind != "gate"], gates[:1] + store, gates + roads)
        for name, places in zip(ROUTE_NAMES, stops):
            if name in routes_taken.get(park.pk, ()):
                name = f"{name}（城区）"
            ordered = _walk(places)
            rid = w.add(t_route, {"created_at": created, "updated_at": created, "version": 1, "park_id": park.pk,
                                  "name": name, "description": " → ".join(p_name for p_name in (
                                      dict(KINDS)[ordered[0].kind], dict(KINDS)[ordered[-1].kind])),
                                  "is_active": True})
            for position, place in enumerate(ordered, start=1):
                w.add(t_stop, {"route_id": rid, "checkpoint_id": place.pk, "position": position})
            patrols.routes.append((rid, name, ordered))
        extra = 0 if busy_rank[park.pk] < 0.25 else 1 if busy_rank[park.pk] < 0.5 else 2 if busy_rank[
            park.pk] < 0.8 else 3
        for kind in PLAN_KINDS[:2 + extra]:
            officer = park.officer
            pid = w.add(t_plan, {"created_at": created, "updated_at": created, "version": 1, "route_id":
                                 patrols.routes[kind.route][0], "park_id": park.pk, "name": kind.name,
                                 "mode": kind.mode, "weekdays": json.dumps(kind.weekdays),
                                 "start_time": f"{kind.start // 60:02d}:{kind.start % 60:02d}:00",
                                 "end_time": f"{kind.end // 60:02d}:{kind.end % 60:02d}:00",
                                 "overnight": kind.end <= kind.start, "is_night": kind.night,
                                 "officers_required": kind.officers, "auxiliaries_required": kind.auxiliaries,
                                 "officer_id": officer, "is_active": True})
            called = teams.get(park.pk, [])[:1 if kind.mode == "vehicle" else 2]
            for team in called:
                w.add(t_team, {"plan_id": pid, "team_id": team, "volunteers": 1 if kind.mode == "vehicle" else 2})
            patrols.plans.append((pid, kind, kind.route, called))
    return out


# ------------------------------------------------------------------ runs, check-ins, missed checks
@dataclass
class RunTrack:
    """What the tracks need of a run: its id, device, start, end and the way it went [(t, lon, lat)]."""

    pk: int
    device: str
    start: int
    end: int
    way: list
    offline: bool


def city_volunteers():
    """{team id: [user ids]} of the volunteers with an account (their role assignment names the team)."""
    RoleAssignment = apps.get_model("org", "RoleAssignment")
    found = {}
    for team, user in RoleAssignment.objects.filter(role="volunteer", team__isnull=False).order_by(
            "user_id").values_list("team_id", "user_id"):
        found.setdefault(team, []).append(user)
    return found


def _near(rng, lon, lat, metres):
    """A point about `metres` (at most) from (lon, lat)."""
    angle, r = rng.uniform(0, 2 * math.pi), rng.uniform(0, metres)
    return (round(lon + r * math.cos(angle) / (111_320 * math.cos(math.radians(lat))), 6),
            round(lat + r * math.sin(angle) / 110_540, 6))


def seed_runs(city, w, trail, parks, volunteers, rng):
    """Every plan window of the last PATROL_DAYS days that has ended (see the module's note). Returns the
    runs' RunTrack, oldest window first."""
    from parkbeat.notifications.models import Notification
    from parkbeat.patrols.models import PatrolPlan, PatrolRun

    t_run, t_people, t_in, t_miss = ("patrols_patrolrun", "patrols_patrolrun_participants", "patrols_checkin",
                                     "patrols_missedcheck")
    ct = apps.get_model("contenttypes", "ContentType").objects.get_for_model
    run_type, plan_type = ct(PatrolRun).pk, ct(PatrolPlan).pk
    run_url, plan_url = detail_urls("patrols:run_detail"), detail_urls("patrols:plan_detail")
    index = {p.pk: p for p in city.parks}
    last_end = city.now_t - 3600  # the sweep has seen every window that ended an hour ago
    windows = []
    for d in range(max(0, city.days - PATROL_DAYS - 1), city.days):
        day_start = city.day_start(d)
        weekday = city.local_date(day_start).weekday()
        for park_id, patrols in parks.items():
            for pid, kind, route, teams in patrols.plans:
                if weekday not in kind.weekdays:
                    continue
                opens = day_start + kind.start * 60
                closes = day_start + kind.end * 60 + (86400 if kind.end <= kind.start else 0)
                if closes <= last_end and opens >= city.day_start(city.days - PATROL_DAYS):
                    windows.append((opens, closes, park_id, pid, kind, route, teams))
    windows.sort(key=lambda x: (x[0], x[3]))
    runs = []
    for opens, closes, park_id, pid, kind, route, teams in windows:
        park, patrols = index[park_id], parks[park_id]
        rid_route, route_name, stops = patrols.routes[route]
        officer, auxiliary = park.officer, park.auxiliary
        missed, run_pk, outcome = [], None, rng.random()
        if outcome < 0.02:  # nobody went: every checkpoint of the route missed
            missed = [p.pk for p in stops]
        else:
            starter = officer if kind.mode == "vehicle" else auxiliary
            people = [starter] + [u for u, need in ((officer, kind.officers), (auxiliary, kind.auxiliaries))
                                  if need and u != starter]
            for team in teams:
                people += [u for u in volunteers.get(team, []) if u not in people][:2]
            start = opens + rng.randint(kind.start_within[0] * 60, kind.start_within[1] * 60)
            start = min(start, closes - 1800)
            run_pk = w.new_id(t_run)
            device = f"u{starter}:{'car' if kind.mode == 'vehicle' else 'phone'}-{pid}"
            pace, dwell = PACE[kind.mode], DWELL[kind.mode]
            skip = rng.randrange(len(stops)) if rng.random() < 0.05 else None
            again = rng.randrange(len(stops)) if rng.random() < 0.015 else None
            far = rng.randrange(len(stops)) if rng.random() < 0.005 else None
            offline = rng.random() < 0.03
            lon0, lat0 = _near(rng, stops[0].lon, stops[0].lat, 150)
            here, times, t = (lon0, lat0), [], start
            for i, place in enumerate(stops):
                metres = geo.haversine_m(here[0], here[1], place.lon, place.lat)
                t += max(20, math.ceil(metres / rng.uniform(*pace))) + (rng.randint(*dwell) if i else 0)
                times.append(t)
                here = (place.lon, place.lat)
                if i == again:  # the same code scanned again a few minutes later, before going on
                    t += rng.randint(90, 300)
                    again_after = t - times[-1]
            end = t + rng.randint(120, 600)
            if end >= closes:  # a round longer than its window would allow: started earlier
                shift = min(end - closes + 60, start - (opens - EARLY_START_S))
                start, end, times = start - shift, end - shift, [x - shift for x in times]
            auto = rng.random() < 0.03 or end >= closes  # nobody pressed "finish": closed at the window's end
            finished = closes if auto else end
            end = min(end, finished)
            way = [(start, lon0, lat0)]
            for i, (place, t) in enumerate(zip(stops, times)):
                if t >= end:  # the window closed before it got there
                    missed.append(place.pk)
                    continue
                way.append((t, place.lon, place.lat))
                if i == skip:  # walked past without scanning
                    missed.append(place.pk)
                    continue
                recorder = starter if len(people) == 1 or rng.random() < 0.7 else rng.choice(people[1:])
                late = rng.randint(600, 3600) if offline else 0
                if i == far:  # scanned from a photo of the code, far away: flagged, not counted, missed
                    lon, lat = _near(rng, place.lon + 0.004, place.lat, 50)
                    _checkin(w, t_in, run_pk, place, t, t + late, recorder, "qr", lon, lat, ["far"], False, i)
                    missed.append(place.pk)
                    continue
                method = "gps" if rng.random() < 0.15 else "code" if rng.random() < 0.06 else "qr"
                lon, lat = _near(rng, place.lon, place.lat, 25 if method == "gps" else 12)
                _checkin(w, t_in, run_pk, place, t, t + late, recorder, method, lon, lat, [], True, i)
                if i == again and t + again_after < end:  # the same code again minutes later: flagged
                    again_t = t + again_after
                    _checkin(w, t_in, run_pk, place, again_t, again_t + late, recorder, "qr", lon, lat,
                             ["repeat"], False, f"{i}-again")
            way.append((end, *_near(rng, way[-1][1], way[-1][2], 100)))
            w.add(t_run, {"id": run_pk, "created_at": w.ts(start), "updated_at": w.ts(finished), "version": 2,
                          "plan_id": pid, "route_id": rid_route, "park_id": park_id, "mode": kind.mode,
                          "status": "auto_closed" if auto else "finished", "started_at": w.ts(start),
                          "finished_at": w.ts(finished), "window_start": w.ts(opens), "window_end": w.ts(closes),
                          "started_by_id": starter, "recorded_at": w.ts(start),
                          "finished_by_id": None if auto else starter, "note": ""})
            for user in people:
                w.add(t_people, {"patrolrun_id": run_pk, "user_id": user})
            number = f"XF{city.local_date(start):%Y%m%d}-{run_pk:05d}"
            trail.event(start, starter, "create", "patrols.PatrolRun", run_pk, f"{number} · {route_name}",
                        {"status": [None, "running"]})
            trail.event(finished, None if auto else starter, "transition", "patrols.PatrolRun", run_pk,
                        f"{number} · {route_name}", {"status": ["running", "auto_closed" if auto else "finished"]})
            runs.append(RunTrack(run_pk, device, start, end, way, offline))
        if missed:
            noticed = min(closes + rng.randint(60, 900), city.now_t - 60)
            for checkpoint in missed:
                w.add(t_miss, {"plan_id": pid, "window_start": w.ts(opens), "window_end": w.ts(closes),
                               "checkpoint_id": checkpoint, "run_id": run_pk, "recorded_at": w.ts(noticed)})
            local = EPOCH + timedelta(seconds=opens + city.offset)
            trail.notify(noticed, officer, Notification.Kind.PATROL_MISSED,
                         f"巡防计划{kind.name}漏巡{len(missed)}个点位", f"{local:%Y-%m-%d %H:%M}"
                         + (" · 未开展巡防" if run_pk is None else ""), run_type if run_pk else plan_type,
                         run_pk or pid, run_url(run_pk) if run_pk else plan_url(pid),
                         dedupe=f"patrol-missed:{pid}:{opens}")
        if w.queued(t_in) >= 20_000:
            commit(w)
    commit(w)
    return runs


def _checkin(w, table, run, place, at, recorded, user, method, lon, lat, flags, counted, key):
    distance = round(geo.haversine_m(lon, lat, place.lon, place.lat))
    w.add(table, {"run_id": run, "checkpoint_id": place.pk, "at": w.ts(at), "recorded_at": w.ts(recorded),
                  "recorded_by_id": user, "method": method, "lon": lon, "lat": lat, "distance_m": distance,
                  "flags": json.dumps(flags), "counted": counted,
                  "client_key": "" if method == "gps" else f"city-{run}-{key}"})


# ------------------------------------------------------------------ GPS tracks
JITTER = [(k * 7919 % 61 - 30) * 1e-6 for k in range(997)]  # about ±3 m


def seed_tracks(w, runs, total, rng, log, chunk=200_000):
    """`total` positions over the runs in proportion to their length (one interval for the city), at most one a
    second per run, along each run's way; flushed and committed every `chunk` points."""
    table = "patrols_trackpoint"
    add = w.appender(table, TRACK_COLUMNS)
    seconds = [r.end - r.start for r in runs]
    span = sum(seconds)
    if not runs or total <= 0 or span <= 0:
        return 0
    total = min(total, span)  # at most one a second
    done = queued = cum = 0
    next_id = w.next_ids[table]
    for run, length in zip(runs, seconds):
        count = ((cum + length) * total) // span - (cum * total) // span  # exact in all, never above `length`
        cum += length
        if count <= 0:
            continue
        way, device, segment = run.way, run.device, 0
        batch_every = 60
        offline_at = w.ts(run.end + rng.randint(30, 600)) if run.offline else None
        for j in range(count):
            t = run.start + (j * length) // count
            while segment < len(way) - 2 and way[segment + 1][0] <= t:
                segment += 1
            t0, lon0, lat0 = way[segment]
            t1, lon1, lat1 = way[segment + 1]
            share = (t - t0) / (t1 - t0) if t1 > t0 else 0.0
            jitter = JITTER[(j + run.pk) % 997]
            recorded = offline_at or w.ts(t + batch_every - (t - run.start) % batch_every + 2)
            add((next_id, run.pk, device, w.ts(t), recorded, round(lon0 + (lon1 - lon0) * share + jitter, 6),
                 round(lat0 + (lat1 - lat0) * share - jitter, 6), 4 + (j % 13), True))
            next_id += 1
        done += count
        queued += count
        if queued >= chunk:
            w.next_ids[table] = next_id
            commit(w)
            queued = 0
            if done // (25 * chunk) != (done - count) // (25 * chunk):
                log(f"track points: {done}/{total}")
    w.next_ids[table] = next_id
    commit(w)
    return done
