"""Publicity's share of a city-scale build (`seed_demo --stations N`, `parkbeat.org.city`).

Found by `org.city.area_modules` and written through org's `Writer` (executemany on SQLite, COPY on PostgreSQL,
never the ORM for writing), from its own generator (`{seed}:city:outreach`): in proportion to the demo station's
year (about one lecture for three enterprises), lectures held over the last year at enterprises outside the demo
station, each an hour on a weekday evening outside the enterprise's production hours (an enterprise working then
gets none), given by an officer of its park (the speaker), with its attendance (a share of the headcount) counted
at its end and recorded the next morning by that officer; a few planned in the coming week. Every lecture has its
events (scheduled, held, attendance) at the times they happened, never ahead of now, and its audit events as the
services write them. About two enterprises in five are never reached.
"""
import random
from datetime import datetime, time, timedelta

from django.apps import apps
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from parkbeat.org.city import commit

SHARE = 0.35  # lectures held per enterprise outside the demo station, over the year
REACHED = 0.6  # of the enterprises, those any lecture reaches
PLANNED = 0.03  # per enterprise: a lecture planned in the coming week
TOPICS = (("anti_fraud", "识破刷单返利诈骗"), ("anti_fraud", "防范冒充客服退款诈骗"), ("fire", "电动自行车充电安全"),
          ("fire", "车间消防安全与初期火灾扑救"), ("traffic", "上下班交通安全"), ("helmet", "一盔一带，安全常在"))


def seed(city, writer, trail, sizes, seed, log):
    from parkbeat.outreach.models import Lecture, LectureEvent, Speaker

    w = writer
    for model in (Lecture, Speaker, LectureEvent):
        w.table(model)
    with translation.override(settings.LANGUAGE_CODE):
        made = seed_lectures(city, w, trail, random.Random(f"{seed}:city:outreach"))
    commit(w)
    log(f"outreach: {made} lectures, {w.counts['outreach_lectureevent']} events")


def seed_lectures(city, w, trail, rng):
    from parkbeat.core.roles import Role
    from parkbeat.org import demo as org_demo
    from parkbeat.outreach.timetable import SHANGHAI, in_production

    Enterprise, RoleAssignment = apps.get_model("enterprises", "Enterprise"), apps.get_model("org", "RoleAssignment")
    officers = {}
    for park_id, user_id in RoleAssignment.objects.filter(role=Role.PARK_OFFICER, park__isnull=False).order_by(
            "id").values_list("park_id", "user_id"):
        officers.setdefault(park_id, user_id)
    demo_station = org_demo.demo_station()
    enterprises = list(Enterprise.objects.exclude(park__station=demo_station).exclude(status="closed").order_by("id")
                       .values_list("id", "name", "park_id", "headcount", "production_hours"))
    t_lecture, t_speaker, t_event = "outreach_lecture", "outreach_speaker", "outreach_lectureevent"
    now = city.now_t - 60
    now_dt = datetime.fromtimestamp(now, tz=SHANGHAI)
    held_label = gettext("%(n)s people reached")
    made = 0
    for enterprise_id, name, park_id, headcount, hours in enterprises:
        officer = officers.get(park_id)
        if officer is None or rng.random() >= REACHED:
            continue
        n = int(SHARE / REACHED) + (rng.random() < (SHARE / REACHED) % 1)
        plans = [("held", rng.randint(2, 360)) for _ in range(n)]
        if rng.random() < PLANNED:
            plans.append(("planned", -rng.randint(1, 7)))
        taken = set()
        for status, days_ago in plans:
            day = (now_dt - timedelta(days=days_ago)).date()
            while day.weekday() > 4:
                day -= timedelta(days=1)
            start = datetime.combine(day, time(rng.choice((18, 19))), SHANGHAI)
            end = start + timedelta(hours=1)
            if day in taken or in_production(hours, start, end):
                continue
            taken.add(day)
            t0, t1 = int(start.timestamp()), int(end.timestamp())
            theme, topic = rng.choice(TOPICS)
            scheduled = min(t0 - rng.randint(3, 14) * 86400, now)
            pk = w.new_id(t_lecture)
            row = {"id": pk, "created_at": w.ts(scheduled), "enterprise_id": enterprise_id, "park_id": park_id,
                   "campaign_id": None, "theme": theme, "topic": topic, "starts_at": w.ts(t0), "ends_at": w.ts(t1),
                   "status": status, "by_agreement": False, "notes": "", "scheduled_by_id": officer, "version": 1,
                   "updated_at": w.ts(scheduled)}
            events = [("scheduled", scheduled, scheduled, "")]
            if status == "held":
                recorded = min(t1 + 15 * 3600, now)
                people = max(5, int((headcount or 40) * rng.uniform(0.15, 0.8)))
                row.update(attendance=people, attendance_at=w.ts(t1), attendance_recorded_at=w.ts(recorded),
                           attendance_recorded_by_id=officer, version=3, updated_at=w.ts(recorded))
                events += [("held", t0, recorded, ""), ("attendance", t1, recorded, held_label % {"n": people})]
                trail.event(recorded, officer, "transition", "outreach.Lecture", pk, f"{name} · {topic}",
                            {"status": ["planned", "held"]})
                trail.event(recorded, officer, "update", "outreach.Lecture", pk, f"{name} · {topic}",
                            {"attendance": [None, people]})
            w.add(t_lecture, row)
            w.add(t_speaker, {"lecture_id": pk, "user_id": officer, "kind": "police"})
            trail.event(scheduled, officer, "create", "outreach.Lecture", pk, f"{name} · {topic}",
                        {"status": [None, "planned"]})
            for kind, at, recorded, note in events:
                late = recorded - at > settings.PARKBEAT_BACK_ENTRY_DAYS * 86400
                w.add(t_event, {"lecture_id": pk, "kind": kind, "at": w.ts(at), "recorded_at": w.ts(recorded),
                                "recorded_by_id": officer, "entered_late": late,
                                "late_reason": "纸质台账补录" if late else "", "note": note})
            made += 1
        if w.queued(t_event) >= 20_000:
            w.flush()
    return made
