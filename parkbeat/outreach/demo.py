"""The publicity demo: a year of it at the demo station — the spring anti-fraud campaign (反诈), the autumn fire-safety
one (消防) and the helmet rule's (头盔) — about thirty lectures held with their attendance (some with a volunteer
speaking, a few inside production hours by the liaison's written agreement), a handful planned in the free slots of
the coming days, one called off, the helmet rule adopted by a few enterprises, and the rest of the enterprises never
reached. Written through the services (times before `ctx.now`; the entries say why they come in late), so the
timelines, the audit trail, the coverage and the volunteers' hours are the real ones."""
import io
from datetime import date, datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from parkbeat.outreach import services, timetable
from parkbeat.outreach.models import Campaign, Lecture, Theme

REQUIRES = ("org", "enterprises", "volunteers")
LATE = "纸质宣传台账补录"
HELD = 30
PLANNED = 5
REACHED_SHARE = 0.6  # of each demo park's active enterprises, the share the year's lectures reach
TOPICS = {Theme.ANTI_FRAUD: ("识破刷单返利诈骗", "防范冒充客服退款诈骗", "守好员工的钱袋子：反诈进车间"),
          Theme.FIRE: ("车间消防安全与初期火灾扑救", "电动自行车充电安全", "灭火器使用与疏散演练"),
          Theme.HELMET: ("一盔一带，安全常在", "未戴头盔不得入厂：头盔规矩宣讲")}


def _agreement(rng):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (250, 250, 245)).save(buffer, "PNG")
    return SimpleUploadedFile("联络员书面同意.png", buffer.getvalue(), content_type="image/png")


def _campaign_periods(today):
    """(spring, autumn): the latest spring (1 March – 31 May) and the latest autumn (1 September – 30 November) that
    have begun by `today`, so whatever the day the demo runs, each campaign's period has started (the autumn one of
    the year before until September)."""
    spring_year = today.year if today >= date(today.year, 3, 1) else today.year - 1
    autumn_year = today.year if today >= date(today.year, 9, 1) else today.year - 1
    return ((date(spring_year, 3, 1), date(spring_year, 5, 31)),
            (date(autumn_year, 9, 1), date(autumn_year, 11, 30)))


def _lecture_windows(today, campaigns):
    """[(campaign, first day, last day)] for the lectures held: each campaign's days before `today`, a campaign
    whose window is empty (it began today) left out."""
    found = []
    for campaign, first, last in campaigns:
        last = min(last, today - timedelta(days=1))
        if first <= last:
            found.append((campaign, first, last))
    return found


def _evening(day, rng):
    """An hour from 18:00 or 19:00 (or half past) of `day`, Asia/Shanghai."""
    start = datetime.combine(day, time(rng.choice((18, 19)), rng.choice((0, 30))), timetable.SHANGHAI)
    return start, start + timedelta(hours=1)


def seed(ctx):
    if Campaign.objects.filter(title="春季反诈宣传行动").exists():
        return {}
    from parkbeat.volunteers.models import Volunteer

    rng, accounts = ctx.rng("outreach"), ctx.shared["accounts"]
    now = ctx.now
    today = now.astimezone(timetable.SHANGHAI).date()
    parks = list(ctx.shared["demo_parks"])
    officers = {park.pk: accounts[f"officer{k}"] for k, park in enumerate(parks, 1)}
    leader = accounts.get("leader") or officers[parks[0].pk]
    (spring_from, spring_to), (autumn_from, autumn_to) = _campaign_periods(today)
    spring = services.campaign_create(actor=leader, theme=Theme.ANTI_FRAUD, title="春季反诈宣传行动",
                                      starts_on=spring_from, ends_on=spring_to, parks=parks,
                                      note="反诈知识进企业、进车间、进宿舍")
    autumn = services.campaign_create(actor=leader, theme=Theme.FIRE, title="秋冬消防安全宣传月",
                                      starts_on=autumn_from, ends_on=autumn_to, parks=parks)
    helmet = services.campaign_create(actor=leader, theme=Theme.HELMET, title="头盔守规行动",
                                      starts_on=today - timedelta(days=330), ends_on=today + timedelta(days=35),
                                      parks=parks[:2], note="未戴头盔不得入厂")
    campaigns = _lecture_windows(today, [(spring, spring_from, spring_to), (autumn, autumn_from, autumn_to),
                                         (helmet, today - timedelta(days=330), today)])
    # the coming days' lectures: of a campaign still running (the helmet one runs past today)
    running = [c for c in (spring, autumn) if c.starts_on <= today <= c.ends_on] or [helmet]
    reached = {}
    for park, active in zip(parks, ctx.shared["active"]):
        reached[park.pk] = list(active)[:max(1, int(len(active) * REACHED_SHARE))]
    volunteers = {park.pk: [v.user for v in Volunteer.objects.filter(
        status=Volunteer.Status.ACTIVE, user__isnull=False, team__park=park).select_related("user").order_by("id")[:3]]
        for park in parks}
    held = agreed = 0
    for n in range(HELD):
        campaign, first, last = campaigns[n % len(campaigns)]
        park = parks[n % len(parks)]
        enterprise = rng.choice(reached[park.pk])
        officer = officers[park.pk]
        day = first + timedelta(days=rng.randrange(max(1, (last - first).days)))
        starts_at, ends_at = _evening(day, rng)
        inside = timetable.in_production(enterprise.production_hours, starts_at, ends_at)
        if Lecture.objects.filter(enterprise=enterprise, status=Lecture.Status.PLANNED, starts_at__lt=ends_at,
                                  ends_at__gt=starts_at).exists():
            continue
        speakers = [officer] + (volunteers[park.pk][:1] if n % 3 == 0 else [])
        lecture = services.lecture_schedule(actor=officer, enterprise=enterprise, campaign=campaign,
                                            topic=rng.choice(TOPICS[campaign.theme]), starts_at=starts_at,
                                            ends_at=ends_at, speakers=speakers,
                                            agreement=_agreement(rng) if inside else None,
                                            notes="企业安排员工集中参加")
        agreed += inside
        services.lecture_transition(actor=officer, lecture=lecture, to=Lecture.Status.HELD, late_reason=LATE)
        lecture.refresh_from_db()
        people = max(5, min(enterprise.headcount or 40, int((enterprise.headcount or 40) * rng.uniform(0.15, 0.7))))
        services.lecture_record_attendance(actor=officer, lecture=lecture, attendance=people, late_reason=LATE,
                                           expected_version=lecture.version)
        held += 1
    # a lecture called off, and the coming days' in the enterprises' free slots
    park = parks[0]
    slot = services.suggested_slots(reached[park.pk][0], starts_at=now + timedelta(days=3), duration=timedelta(hours=1),
                                    now=now, count=1)
    if slot:
        called_off = services.lecture_schedule(actor=officers[park.pk], enterprise=reached[park.pk][0],
                                               campaign=helmet, topic=TOPICS[Theme.HELMET][0], starts_at=slot[0][0],
                                               ends_at=slot[0][1])
        services.lecture_transition(actor=officers[park.pk], lecture=called_off, to=Lecture.Status.CANCELLED,
                                    note="企业临时加班，改期")
    planned = 0
    for n in range(PLANNED):
        park = parks[n % len(parks)]
        enterprise = reached[park.pk][-1 - n // len(parks)]
        slots = services.suggested_slots(enterprise, starts_at=now + timedelta(days=1 + n), duration=timedelta(
            hours=1), now=now, count=1)
        if not slots:
            continue
        campaign = running[0] if n % 2 else helmet
        services.lecture_schedule(actor=officers[park.pk], enterprise=enterprise, campaign=campaign,
                                  topic=rng.choice(TOPICS[campaign.theme]),
                                  starts_at=slots[0][0], ends_at=slots[0][1], speakers=[officers[park.pk]])
        planned += 1
    # the helmet rule, adopted by a few enterprises of the first park
    rule = services.rule_create(actor=officers[parks[0].pk], text="未戴头盔不得入厂", theme=Theme.HELMET)
    services.rule_create(actor=officers[parks[0].pk], text="电动车不进楼道、不进车间充电", theme=Theme.FIRE)
    adopted = 0
    for k, enterprise in enumerate(reached[parks[0].pk][:4]):
        services.adoption_record(actor=officers[parks[0].pk], rule=rule, enterprise=enterprise,
                                 since=today - timedelta(days=200 - 40 * k), note="厂门口设头盔检查岗")
        adopted += 1
    return {"publicity campaigns": 3, "lectures held": held, "lectures by written agreement": agreed,
            "lectures planned": planned, "rules adopted": adopted}
