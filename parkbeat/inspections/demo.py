"""The inspections demo: for each key enterprise of the demo station's parks, the last three quarters' inspections
and this quarter's (done or planned), most of full coverage, some partial, a few quarters missed (so the board
shows late ones); about half joint with the fire brigade (its demo account named) or emergency management; a few
items found as hazards. Written through the services, so the audit trail and the rule's figures are the real ones.
"""
from datetime import date, datetime, timedelta
from importlib import import_module

from django.apps import apps
from django.utils import timezone

from parkbeat.enterprises.models import Enterprise
from parkbeat.inspections import services
from parkbeat.inspections.models import ChecklistItem, Inspection, InspectionResult
from parkbeat.inspections.quarters import SHANGHAI, Quarter
from parkbeat.org.models import Agency

REQUIRES = ("org", "enterprises")
# What an inspector writes when an item fails, by what the item checks (the first keyword found in its text);
# an item with none of them is written up as not done.
FINDINGS = (("安全出口", ("安全出口堆放货物", "安全出口被锁闭")), ("疏散通道", ("疏散通道被货物占用",)),
            ("通道", ("通道内堆放杂物",)), ("灭火器", ("灭火器过期未更换", "灭火器压力不足")),
            ("配电箱", ("配电箱未上锁",)), ("充电", ("电动车在楼道充电",)), ("私拉乱接", ("车间私拉乱接电线",)),
            ("堆垛", ("仓库堆垛距灯具过近", "堆垛间距不足")), ("大功率", ("宿舍使用大功率电器",)),
            ("台账", ("危化品台账登记不全",)), ("录像", ("监控录像保存不足30天",)), ("监控", ("两处监控探头损坏",)),
            ("应急照明", ("应急照明灯损坏两处",)), ("消防栓", ("消防栓被货物遮挡",)),
            ("持证", ("叉车司机未持证上岗",)), ("防护", ("设备防护罩缺失",)))


def finding(rng, item_text):
    """The note of a failed item, about that item: 灭火器过期未更换 for 灭火器在有效期内且压力正常."""
    for keyword, notes in FINDINGS:
        if keyword in item_text:
            return rng.choice(notes)
    return f"未落实：{item_text}"


def _moment(rng, quarter, latest):
    """A working day's hour in `quarter`, before `latest`, in Shanghai."""
    span = min((quarter.end - quarter.start).days, max(1, (latest - quarter.start).days))
    day = quarter.start + timedelta(days=rng.randrange(span))
    return day.replace(hour=rng.choice((9, 10, 14, 15)), minute=rng.choice((0, 15, 30)), tzinfo=SHANGHAI)


def _results(rng, inspection, partial):
    items = list(ChecklistItem.objects.filter(area__version=inspection.checklist_id).select_related("area")
                 .order_by("area__order", "order"))
    skipped = next((i.area_id for i in items if i.area.required), None) if partial else None
    found = []
    for item in items:
        if item.area_id == skipped:
            continue
        r = rng.random()
        if r < 0.04:
            found.append({"item": item.pk, "outcome": InspectionResult.Outcome.HAZARD, "note": finding(rng, item.text)})
        elif r < 0.08 and not item.area.required:
            found.append({"item": item.pk, "outcome": InspectionResult.Outcome.NOT_APPLICABLE, "note": ""})
        else:
            found.append({"item": item.pk, "outcome": InspectionResult.Outcome.OK, "note": ""})
    return found


def ensure_default_checklists():
    """The migration's default checklists, again where they are missing: a database flushed after the
    migrations (a test's, an operator's) has none, and every inspection needs one that fits."""
    import_module("parkbeat.inspections.migrations.0002_default_checklists").load(apps, None)


def seed(ctx):
    rng, accounts, now = ctx.rng("inspections"), ctx.shared["accounts"], ctx.now
    ensure_default_checklists()
    current = Quarter.of(now)
    quarters = [current]
    while len(quarters) < 4:
        previous = quarters[0]
        quarters.insert(0, Quarter(previous.year - 1, 4) if previous.number == 1 else
                        Quarter(previous.year, previous.number - 1))
    fire_staff, safety_staff = accounts.get("agency_fire"), accounts.get("agency_safety")
    done = planned = 0
    for k, park in enumerate(ctx.shared["demo_parks"], 1):
        officer = accounts[f"officer{k}"]
        fire = Agency.objects.filter(kind=Agency.Kind.FIRE, parks=park).order_by("id").first()
        emergency = Agency.objects.filter(kind=Agency.Kind.EMERGENCY, parks=park).order_by("id").first()
        key = Enterprise.objects.filter(park=park, is_key=True, status=Enterprise.Status.ACTIVE).order_by("id")
        for enterprise in key:
            for quarter in quarters:
                r = rng.random()
                joint = rng.random() < 0.5
                agencies, staff = [], []
                if joint and fire is not None:
                    agencies, staff = [fire], [fire_staff] if fire_staff else []
                elif joint and emergency is not None:
                    agencies, staff = [emergency], [safety_staff] if safety_staff else []
                if quarter == current and (r < 0.5 or now - quarter.start < timedelta(days=2)):
                    day = timezone.localtime(now).date() + timedelta(days=rng.randint(1, 20))
                    services.inspection_plan(actor=officer, enterprise=enterprise, planned_on=min(
                        day, quarter.last_day + timedelta(days=20)), agencies=agencies, agency_staff=staff)
                    planned += 1
                    continue
                if quarter != current and r < 0.08:
                    continue  # this quarter was missed: late on the board
                at = _moment(rng, quarter, now - timedelta(hours=2))
                inspection = services.inspection_plan(actor=officer, enterprise=enterprise,
                                                      planned_on=timezone.localtime(at).date(), agencies=agencies,
                                                      agency_staff=staff)
                services.inspection_record(
                    actor=officer, inspection=inspection, happened_at=at,
                    results=_results(rng, inspection, partial=r < 0.18), duration_minutes=rng.choice((60, 90, 120)),
                    summary="企业安全生产总体平稳，发现问题已当场告知企业负责人。", late_reason="纸质检查记录补录",
                    expected_version=inspection.version)
                done += 1
    plans = _seed_plans(ctx, rng)
    return {**plans, "inspections": done + planned, "inspections done": done, "inspections planned": planned,
            "inspection results": InspectionResult.objects.count(),
            "joint inspections": Inspection.objects.filter(agencies__isnull=False).distinct().count()}


SPRING_FESTIVAL = {2025: date(2025, 1, 29), 2026: date(2026, 2, 17), 2027: date(2027, 2, 6), 2028: date(2028, 1, 26),
                   2029: date(2029, 2, 13), 2030: date(2030, 2, 3)}


def _walk(officer, enterprise, at, campaign, rng):
    inspection = services.inspection_plan(actor=officer, enterprise=enterprise, planned_on=timezone.localtime(at).date(),
                                          campaign=campaign)
    services.inspection_record(actor=officer, inspection=inspection, happened_at=at,
                               results=_results(rng, inspection, partial=False), duration_minutes=90,
                               summary="专项检查：消防通道、器材和电气线路逐项检查。", late_reason="纸质检查记录补录",
                               expected_version=inspection.version)


def _seed_plans(ctx, rng):
    """Key dates of the demo station (国庆 past and kept, 元旦 and 春节 coming), the summer fire campaign
    (夏季消防专项) of the last summer with most of its enterprises done, and a winter one running now with some
    planned: written through the services like the rest."""
    from parkbeat.inspections.models import KeyDate

    accounts, now = ctx.shared["accounts"], ctx.now
    leader = accounts.get("leader")
    parks = list(ctx.shared["demo_parks"])
    if leader is None or not parks:
        return {}
    station = ctx.shared.get("station") or parks[0].station
    today = timezone.localtime(now).date()
    national = date(today.year if today >= date(today.year, 10, 1) else today.year - 1, 10, 1)
    new_year = date(today.year + 1, 1, 1)
    spring = next(day for year, day in sorted(SPRING_FESTIVAL.items()) if day > today) \
        if any(day > today for day in SPRING_FESTIVAL.values()) else date(today.year + 1, 2, 1)
    for name, day, window, note in (("国庆", national, 14, "国庆节前对重点企业开展全覆盖安全检查"),
                                    ("元旦", new_year, 14, ""), ("春节", spring, 21, "节前安全大检查")):
        if not KeyDate.objects.filter(station=station, name=name, day=day).exists():
            services.keydate_create(actor=leader, station=station, name=name, day=day, window_days=window, note=note)
    summer_year = today.year if today >= date(today.year, 9, 1) else today.year - 1
    key = list(Enterprise.objects.filter(park__in=parks, is_key=True, status=Enterprise.Status.ACTIVE)
               .order_by("park_id", "id"))
    officers = {park.pk: accounts[f"officer{k}"] for k, park in enumerate(parks, 1)}
    summer = services.campaign_create(actor=leader, theme="夏季消防专项", starts_on=date(summer_year, 6, 1),
                                      ends_on=date(summer_year, 8, 31), enterprises=key,
                                      note="高温季节重点检查消防通道、电气线路和易燃物品存放")
    campaign_done = 0
    for enterprise in key:
        if rng.random() < 0.75:
            day = date(summer_year, 6, 1) + timedelta(days=rng.randrange(92))
            at = datetime(day.year, day.month, day.day, rng.choice((9, 10, 14, 15)), tzinfo=SHANGHAI)
            _walk(officers[enterprise.park_id], enterprise, at, summer, rng)
            campaign_done += 1
    winter_start = today - timedelta(days=20)
    winter = services.campaign_create(actor=leader, theme="冬季防火专项", starts_on=winter_start,
                                      ends_on=today + timedelta(days=5), enterprises=key[: max(1, len(key) // 2)],
                                      note="取暖季用火用电安全")
    for enterprise in key[: max(1, len(key) // 2)]:
        r = rng.random()
        if r < 0.4:
            at = timezone.localtime(now - timedelta(days=rng.randint(1, 15))).replace(hour=10, minute=0, second=0,
                                                                                     microsecond=0)
            _walk(officers[enterprise.park_id], enterprise, at, winter, rng)
            campaign_done += 1
        elif r < 0.7:
            services.inspection_plan(actor=officers[enterprise.park_id], enterprise=enterprise,
                                     planned_on=today + timedelta(days=rng.randint(0, 5)), campaign=winter)
    return {"key dates": KeyDate.objects.filter(station=station).count(), "campaigns": 2,
            "campaign inspections": campaign_done}
