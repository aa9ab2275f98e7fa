"""Safety inspections' share of a city-scale build (`seed_demo --stations N`, `parkbeat.org.city`).

Found by `org.city.area_modules` after guarding and written through org's `Writer` (executemany on SQLite, COPY on
PostgreSQL, never the ORM for writing), from its own generator (`{seed}:city:inspections`):
- every active key enterprise the demo has not inspected already gets the last three quarters' inspections and
  this quarter's (Asia/Shanghai), as the demo does for its own station: most done with full coverage, some partial
  (a required area not walked), a few past quarters missed (late on the compliance board); this quarter's either
  done already or planned for the coming days (never before the quarter is two days old); none in a quarter that
  ended before the enterprise became key;
- the checklist is the latest version of the default checklist that fits the enterprise (risk category, else
  industry, else the general one), as `services.checklist_for` chooses; every walked item has a result (ok, a
  hazard with its note, not applicable only in an area that is not required), one row per item;
- coverage and `counts_for_rule` as `services.inspection_record` computes them: full when every item of every
  required area has a result, counting only when full and the enterprise was key on the day (its designations);
- led and recorded by the park's officer, shortly after the walk (so not entered late), in the enterprise's park;
  about half joint with the fire agency serving the park, where one does.
Audit events as the services write them (planned, then recorded). The hazards found are registered by
`parkbeat.hazards.city`, which runs next. The same rows for the same options; nothing that happened lies ahead.
"""
import random
from datetime import datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from parkbeat.core.events import back_entry_window
from parkbeat.org.city import commit

PAST_QUARTERS = 3  # the three quarters before this one, as the demo
MISSED = 0.08  # a past quarter without an inspection
PARTIAL = 0.18  # below this draw (and above MISSED): a required area not walked
PLANNED_NOW = 0.5  # this quarter: planned ahead rather than done already
JOINT = 0.5
HAZARD, NOT_APPLICABLE = 0.04, 0.08
SUMMARY = "企业安全生产总体平稳，发现问题已当场告知企业负责人。"
LATE_REASON = "纸质检查记录补录"


def seed(city, writer, trail, sizes, seed, log):
    from parkbeat.inspections.demo import ensure_default_checklists
    from parkbeat.inspections.models import Inspection, InspectionResult

    ensure_default_checklists()
    w = writer
    for model in (Inspection, Inspection.agencies.through, InspectionResult):
        w.table(model)
    with translation.override(settings.LANGUAGE_CODE):
        done, planned = seed_inspections(city, w, trail, random.Random(f"{seed}:city:inspections"))
    commit(w)
    log(f"inspections: {done} done, {planned} planned, {w.counts['inspections_inspectionresult']} results")


def quarters_to_seed(now):
    """The last PAST_QUARTERS quarters and this one (Asia/Shanghai), oldest first."""
    from parkbeat.inspections.quarters import Quarter

    quarters = [Quarter.of(now)]
    while len(quarters) < PAST_QUARTERS + 1:
        first = quarters[0]
        quarters.insert(0, Quarter(first.year - 1, 4) if first.number == 1 else Quarter(first.year, first.number - 1))
    return quarters


def _checklists():
    """(pick, items): `pick(industry, risk_category)` -> the version id `services.checklist_for` would choose;
    `items[version id]` -> [(item id, area id, required, text)] in the checklist's order."""
    ChecklistTemplate = apps.get_model("inspections", "ChecklistTemplate")
    ChecklistVersion = apps.get_model("inspections", "ChecklistVersion")
    ChecklistItem = apps.get_model("inspections", "ChecklistItem")
    templates = list(ChecklistTemplate.objects.filter(is_active=True, versions__isnull=False).distinct()
                     .order_by("name", "id").values_list("id", "industry", "risk_category"))
    latest = {}
    for template_id, version_id in ChecklistVersion.objects.order_by("template_id", "number").values_list(
            "template_id", "id"):
        latest[template_id] = version_id
    items = {}
    for pk, area, required, version, text in ChecklistItem.objects.filter(
            area__version__in=set(latest.values())).order_by("area__version_id", "area__order", "order").values_list(
            "id", "area_id", "area__required", "area__version_id", "text"):
        items.setdefault(version, []).append((pk, area, required, text))

    def pick(industry, risk_category):
        for fits in (lambda i, r: risk_category != "" and r == risk_category,
                     lambda i, r: r == "" and i == industry, lambda i, r: r == "" and i == ""):
            for template_id, t_industry, t_risk in templates:
                if fits(t_industry, t_risk):
                    return latest[template_id]
        return None

    return pick, items


def _key_on(designations, day):
    """`services.was_key_on` over the designations read once (none: the enterprise is key by its flag)."""
    if not designations:
        return True
    return any(start <= day and (end is None or end >= day) for start, end in designations)


def seed_inspections(city, w, trail, rng):
    """Inspections and their results (see the module's note). Returns (done, planned)."""
    from parkbeat.inspections.demo import finding
    from parkbeat.inspections.quarters import SHANGHAI

    Enterprise, KeyDesignation = apps.get_model("enterprises", "Enterprise"), apps.get_model("enterprises",
                                                                                            "KeyDesignation")
    Inspection, Agency = apps.get_model("inspections", "Inspection"), apps.get_model("org", "Agency")
    t_ins, t_agency, t_result = ("inspections_inspection", w.table(Inspection.agencies.through),
                                 "inspections_inspectionresult")
    pick, items = _checklists()
    officers = {p.pk: p.officer for p in city.parks}
    fire = {}
    for park_id, agency_id in Agency.parks.through.objects.filter(agency__kind=Agency.Kind.FIRE).order_by(
            "agency_id").values_list("park_id", "agency_id"):
        fire.setdefault(park_id, agency_id)
    key = list(Enterprise.objects.filter(is_key=True, status=Enterprise.Status.ACTIVE).exclude(
        pk__in=Inspection.objects.values("enterprise_id")).order_by("id").values_list(
        "id", "park_id", "name", "industry", "risk_category"))
    designations = {}
    for enterprise_id, start, end in KeyDesignation.objects.filter(enterprise__is_key=True).order_by(
            "enterprise_id", "starts_on").values_list("enterprise_id", "starts_on", "ended_on"):
        designations.setdefault(enterprise_id, []).append((start, end))
    now = city.now_t
    now_dt = datetime.fromtimestamp(now, SHANGHAI)
    today = now_dt.date()
    latest_day = (now_dt - timedelta(hours=2)).date() - timedelta(days=1)  # a walk ends before today
    late_s = back_entry_window().total_seconds()
    quarters = quarters_to_seed(now_dt)
    current = quarters[-1]
    done = planned = 0
    for enterprise_id, park_id, name, industry, risk in key:
        version = pick(industry, risk)
        officer = officers.get(park_id)
        if version is None or officer is None or not items.get(version):
            continue
        checklist = items[version]
        required_areas = [area for _pk, area, required, _text in checklist if required]
        spans = designations.get(enterprise_id, [])
        key_from = min((start for start, end in spans if end is None), default=None)
        for quarter in quarters:
            r = rng.random()
            joint = rng.random() < JOINT and park_id in fire
            if key_from is not None and quarter.last_day < key_from:
                continue  # not key yet: the board shows the quarter as such
            low = max(quarter.first_day, key_from) if key_from is not None else quarter.first_day
            high = min(quarter.last_day, latest_day)
            row = {"enterprise_id": enterprise_id, "park_id": park_id, "checklist_id": version, "led_by_id": officer,
                   "late_reason": "", "coverage": "", "counts_for_rule": False, "summary": "", "note": "",
                   "entered_late": False}
            if quarter == current and (r < PLANNED_NOW or high < low or now_dt - quarter.start < timedelta(days=2)):
                day = min(today + timedelta(days=rng.randint(1, 20)), quarter.last_day + timedelta(days=20))
                created = now - rng.randint(1, 10) * 86400
                pk = w.add(t_ins, {**row, "created_at": w.ts(created), "updated_at": w.ts(created), "version": 1,
                                   "planned_on": day, "status": Inspection.Status.PLANNED})
                trail.event(created, officer, "create", "inspections.Inspection", pk, f"{name} · {day:%Y-%m-%d}",
                            {"planned_on": [None, day.isoformat()]})
                if joint:
                    w.add(t_agency, {"inspection_id": pk, "agency_id": fire[park_id]})
                planned += 1
                continue
            if (quarter != current and r < MISSED) or high < low:
                continue  # missed: late on the board
            day = low + timedelta(days=rng.randrange((high - low).days + 1))
            moment = datetime(day.year, day.month, day.day, rng.choice((9, 10, 14, 15)), rng.choice((0, 15, 30)),
                              tzinfo=SHANGHAI)
            at = int(moment.timestamp())
            minutes = rng.choice((60, 90, 120))
            recorded = min(now - 60, at + minutes * 60 + rng.randint(10, 120) * 60)
            created = at - rng.randint(1, 14) * 86400
            skipped = required_areas[0] if r < PARTIAL and required_areas else None
            results = []
            for item, area, required, text in checklist:
                if area == skipped:
                    continue
                draw = rng.random()
                if draw < HAZARD:
                    results.append((item, "hazard", finding(rng, text)))
                elif draw < NOT_APPLICABLE and not required:
                    results.append((item, "na", ""))
                else:
                    results.append((item, "ok", ""))
            full = skipped is None
            counts = full and _key_on(spans, day)
            late = recorded - at > late_s
            pk = w.add(t_ins, {**row, "created_at": w.ts(created), "updated_at": w.ts(recorded), "version": 2,
                               "planned_on": day, "status": Inspection.Status.DONE, "happened_at": w.ts(at),
                               "duration_minutes": minutes, "recorded_at": w.ts(recorded), "recorded_by_id": officer,
                               "entered_late": late, "late_reason": LATE_REASON if late else "",
                               "coverage": "full" if full else "partial", "counts_for_rule": counts,
                               "summary": SUMMARY})
            if joint:
                w.add(t_agency, {"inspection_id": pk, "agency_id": fire[park_id]})
            stamp = w.ts(recorded)
            for item, outcome, note in results:
                w.add(t_result, {"created_at": stamp, "updated_at": stamp, "inspection_id": pk, "item_id": item,
                                 "outcome": outcome, "note": note})
            label = f"{name} · {day:%Y-%m-%d}"
            trail.event(created, officer, "create", "inspections.Inspection", pk, label,
                        {"planned_on": [None, day.isoformat()]})
            trail.event(recorded, officer, "transition", "inspections.Inspection", pk, label,
                        {"status": ["planned", "done"], "coverage": ["", "full" if full else "partial"],
                         "counts_for_rule": [False, counts]}, note=gettext("%(n)s results recorded") % {"n": len(results)})
            done += 1
        if w.queued(t_result) >= 20_000:
            w.flush()
    return done, planned
