"""Special guarding's share of a city-scale build (`seed_demo --stations N`, `parkbeat.org.city`).

Found by `org.city.area_modules` after the patrols and written through org's `Writer` (executemany on SQLite,
COPY on PostgreSQL, never the ORM for writing), from its own generator (`{seed}:city:guarding`):
- lines: in the busier half of the parks (those without a guarded asset of the demo's), one cable or pipeline
  being laid across the park, guarded from GUARD_DAYS days ago until AHEAD_DAYS days ahead, split into two to
  four segments that tile it exactly, beside the park's enterprises, given to the park's volunteer teams where it
  has some (the demo station's parks) and to nobody elsewhere;
- shifts: 12-hour day and night shifts (08:00 and 20:00, Asia/Shanghai) on every segment up to AHEAD_HOURS from
  now, each with one person who may be on it (the segment's team's volunteers with an account, else any of the
  park's; the park's officer and auxiliary; the station's leader), nobody on two shifts at once and everyone
  resting 12 hours between two; where nobody is free, or now and then on purpose, the segment is uncovered;
- people on shifts, in proportion: of those whose shift has begun most checked in (from half an hour before the
  start, never after its end or now), a few did not come; a few declined ahead with a reason (late when less
  than GUARDING_LATE_DECLINE_HOURS before the start), which told the park's officer as `shift_decline` does;
  the shifts ahead have no arrivals.
Audit events as the services write them (asset and shift created, arrivals and declines recorded). The same rows
for the same options; nothing that happened lies in the future.
"""
import json
import random
from datetime import UTC

from django.apps import apps
from django.conf import settings
from shapely.geometry import shape

from parkbeat.guarding import geo
from parkbeat.org.city import EPOCH, commit, detail_urls

GUARD_DAYS = 14  # shifts from two weeks back ...
AHEAD_DAYS = 5  # ... an asset guarded until five days ahead ...
AHEAD_HOURS = 48  # ... planned until two days ahead
SHIFT_H = 12
EARLY_S = 30 * 60
REST_S = 12 * 3600
DECLINE_REASONS = ("家中有事", "临时加班", "身体不适", "外出办事")


def seed(city, writer, trail, sizes, seed, log):
    from parkbeat.guarding.models import GuardedAsset, GuardShift, Segment, ShiftPerson

    w = writer
    for model in (GuardedAsset, Segment, GuardShift, ShiftPerson):
        w.table(model)
    made = seed_guarding(city, w, trail, random.Random(f"{seed}:city:guarding"))
    commit(w)
    log(f"guarding: {made} lines, {w.counts['guarding_segment']} segments, {w.counts['guarding_guardshift']} "
        f"shifts, {w.counts['guarding_shiftperson']} people on them")


def _busy():
    """{user id: [(start, end)]} of the shifts already stored (the demo's), in UTC seconds."""
    from parkbeat.guarding.models import ShiftPerson

    def t(moment):
        return int((moment.astimezone(UTC).replace(tzinfo=None) - EPOCH).total_seconds())

    found = {}
    for user, start, end in ShiftPerson.objects.filter(declined_at__isnull=True).values_list(
            "user_id", "shift__starts_at", "shift__ends_at"):
        found.setdefault(user, []).append((t(start), t(end)))
    return found


def _line(rng, outline, centre):
    """A slightly bent line across the park's outline (west to east through its middle), [lon, lat] pairs."""
    if outline is not None:
        west, south, east, north = outline.bounds
        x, y = outline.representative_point().coords[0]
        half = (east - west) * rng.uniform(0.25, 0.4)
        bend = (north - south) * rng.uniform(-0.1, 0.1)
    else:
        x, y = centre
        half, bend = 0.012, 0.001
    return [[round(x - half, 6), round(y - bend, 6)], [round(x, 6), round(y + bend, 6)], [round(x + half, 6), round(y, 6)]]


def seed_guarding(city, w, trail, rng):
    """Lines, segments, shifts and the people on them (see the module's note). Returns how many lines."""
    from parkbeat.notifications.models import Notification
    from parkbeat.patrols.city import city_volunteers

    Park, GuardedAsset = apps.get_model("org", "Park"), apps.get_model("guarding", "GuardedAsset")
    VolunteerTeam = apps.get_model("volunteers", "VolunteerTeam")
    t_asset, t_seg, t_shift, t_person = ("guarding_guardedasset", "guarding_segment", "guarding_guardshift",
                                         "guarding_shiftperson")
    ct = apps.get_model("contenttypes", "ContentType").objects.get_for_model
    shift_type = ct(apps.get_model("guarding", "GuardShift")).pk
    shift_url = detail_urls("guarding:shift_detail")
    guarded = set(GuardedAsset.objects.values_list("park_id", flat=True))
    outlines = {pk: shape(b) if b else None for pk, b in Park.objects.values_list("id", "boundary")}
    stations = dict(Park.objects.values_list("id", "station_id"))
    volunteers = city_volunteers()
    teams = {}
    for pk, park_id in VolunteerTeam.objects.order_by("id").values_list("id", "park_id"):
        teams.setdefault(park_id, []).append(pk)
    leader_of = {}
    for user, unit in apps.get_model("org", "RoleAssignment").objects.filter(
            role="station_leader", unit__kind="station").values_list("user_id", "unit_id"):
        leader_of.setdefault(unit, user)
    busy = _busy()
    late_s = settings.GUARDING_LATE_DECLINE_HOURS * 3600
    now = city.now_t
    first_day = city.days - GUARD_DAYS
    starts = city.day_start(first_day) + 8 * 3600  # the first day shift
    ends = city.day_start(city.days + AHEAD_DAYS) + 8 * 3600
    created = starts - 2 * 86400
    horizon = now + AHEAD_HOURS * 3600
    ranked = sorted(city.parks, key=lambda p: p.busy)
    chosen = [p for p in ranked[len(ranked) // 2:] if p.pk not in guarded]
    for n, park in enumerate(sorted(chosen, key=lambda p: p.pk)):
        kind, name = ("cable", "10千伏电缆敷设看护") if n % 3 else ("pipeline", "燃气管道施工看护")
        line = _line(rng, outlines.get(park.pk), (113.1, 27.8))
        length = round(geo.line_length_m(line))
        aid = w.add(t_asset, {"created_at": w.ts(created), "updated_at": w.ts(created), "version": 2,
                              "park_id": park.pk, "name": f"{park.name}{name}", "kind": kind,
                              "geometry": json.dumps({"type": "LineString", "coordinates": line}),
                              "length_m": length, "starts_at": w.ts(starts), "ends_at": w.ts(ends),
                              "status": "active", "description": "施工期间沿线看护，防盗防破坏"})
        trail.event(created, park.officer, "create", "guarding.GuardedAsset", aid, f"{park.name}{name}",
                    {"length_m": [None, length]})
        pieces = rng.randint(2, 4)
        cuts = [round(length * k / pieces) for k in range(pieces + 1)]
        park_teams = teams.get(park.pk, [])
        police = [park.officer, park.auxiliary, leader_of.get(stations[park.pk])]
        police = [u for u in police if u is not None]
        everyone = [u for t in park_teams for u in volunteers.get(t, [])]
        segments = []
        for k in range(pieces):
            team = park_teams[k] if k < len(park_teams) else None
            enterprise = park.enterprises[k % len(park.enterprises)][0] if park.enterprises else None
            sid = w.add(t_seg, {"created_at": w.ts(created), "updated_at": w.ts(created), "version": 1,
                                "asset_id": aid, "park_id": park.pk, "order": k + 1, "from_m": cuts[k],
                                "to_m": cuts[k + 1], "enterprise_id": enterprise, "team_id": team})
            pool = (volunteers.get(team, []) if team is not None else everyone) + police
            segments.append((sid, k + 1, cuts[k], cuts[k + 1], pool))
        trail.event(created + 60, park.officer, "update", "guarding.GuardedAsset", aid, f"{park.name}{name}",
                    {"segments": [[], [[s[2], s[3]] for s in segments]]}, note=f"Split into {pieces} segments")
        start = starts
        while start + SHIFT_H * 3600 <= min(ends, horizon):
            end = start + SHIFT_H * 3600
            for sid, order, _from, _to, pool in segments:
                if rng.random() < 0.06:  # left uncovered on purpose: a gap for the alerts
                    continue
                free = [u for u in rng.sample(pool, len(pool)) if not any(
                    s - REST_S < end and e + REST_S > start for s, e in busy.get(u, ()))]
                if not free:
                    continue
                person = free[0]
                busy.setdefault(person, []).append((start, end))
                planned = max(created, start - rng.randint(1, 4) * 86400)
                shift_id = w.add(t_shift, {"created_at": w.ts(planned), "updated_at": w.ts(planned), "version": 1,
                                           "segment_id": sid, "park_id": park.pk, "starts_at": w.ts(start),
                                           "ends_at": w.ts(end), "note": "", "created_by_id": park.officer})
                label = f"{city.local_date(start):%m-%d} 第{order}段"
                trail.event(planned, park.officer, "create", "guarding.GuardShift", shift_id, label,
                            {"people": [None, [person]]})
                row = {"shift_id": shift_id, "user_id": person}
                draw = rng.random()
                if draw < 0.04:  # declined ahead, with a reason
                    declined = start - rng.randint(2 * 3600, 36 * 3600)
                    if planned < declined < now:
                        reason = rng.choice(DECLINE_REASONS)
                        row.update(declined_at=w.ts(declined), declined_reason=reason,
                                   declined_late=start - declined < late_s)
                        trail.event(declined, person, "update", "guarding.GuardShift", shift_id, label,
                                    {"declined": [None, person]})
                        trail.notify(declined, park.officer, Notification.Kind.GUARDING_GAP,
                                     f"守护缺口：第{order}段 {city.local_date(start):%m-%d}班次有人请假",
                                     f"原因：{reason}", shift_type, shift_id, shift_url(shift_id),
                                     dedupe=f"guarding-decline:{shift_id}:{person}")
                        busy[person].pop()
                elif draw > 0.09 and start - EARLY_S < now:  # came (the others did not)
                    arrived = start + rng.randint(-EARLY_S + 60, 20 * 60)
                    if arrived < min(end, now):
                        row.update(checked_in_at=w.ts(arrived), checked_in_recorded_at=w.ts(arrived),
                                   checked_in_by_id=person)
                        trail.event(arrived, person, "update", "guarding.GuardShift", shift_id, label,
                                    {"checked_in": [None, person]})
                w.add(t_person, {"declined_late": False, "declined_reason": "", **row})
            start = end
    return len(chosen)
