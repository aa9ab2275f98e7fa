"""The volunteers' demo: four volunteer-police teams per demo park with their members, and the volunteer
demo account (the captain of park 1's first team); each member's nomination and vetting as history, their
trainings and insurance or allowance, and in each park's first team (liaison<k>'s enterprise) two nominations
awaiting vetting and one rejected, with an insurance of that team expiring within the reminder window."""
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from parkbeat.core.demo import mobile, person_name, resident_id
from parkbeat.core.personal import blind_index
from parkbeat.enterprises.demo import short_name
from parkbeat.org.demo import ensure_accounts
from parkbeat.org.models import Role
from parkbeat.volunteers.models import Duty, SupportRecord, Training, Volunteer, VolunteerTeam, VolunteerTransition

REQUIRES = ("org", "enterprises")
ACCOUNTS = (("volunteer1", None, Role.VOLUNTEER, "volunteer1"),)


def _team_name(enterprise):
    return short_name(enterprise) + "义警队"


def seed_volunteers(rng, parks, enterprises, details=None):
    """Four teams per park, each nominated by an active enterprise of 80+ staff; park k's first team
    belongs to the enterprise whose security head becomes liaison<k> (see enterprises.demo.refresh)."""
    teams, members, ids = [], [], set()
    details = details or rng  # posts and duties from their own generator, so the members stay those of before
    for park, candidates in zip(parks, enterprises):
        showcase = min(candidates, key=lambda e: (not e.is_key, -e.headcount, e.pk))
        by_name = {}  # team names must differ within the park
        for e in candidates:
            by_name.setdefault(_team_name(e), e)
        others = [e for name, e in by_name.items() if e.headcount >= 80 and name != _team_name(showcase)]
        for owner in [showcase, *rng.sample(others, 3)]:
            teams.append(VolunteerTeam(park=park, enterprise=owner, name=_team_name(owner)))
    VolunteerTeam.objects.bulk_create(teams)
    for team in teams:
        for n in range(rng.randint(6, 11)):
            rid = resident_id(rng)
            while rid in ids:
                rid = resident_id(rng)
            ids.add(rid)
            status = Volunteer.Status.NOMINATED if n and rng.random() < 0.1 else Volunteer.Status.ACTIVE
            # bulk_create skips Volunteer.save(), which is what fills the blind index
            members.append(Volunteer(team=team, name=person_name(rng), resident_id=rid,
                                     resident_id_index=blind_index(rid), mobile=mobile(rng), is_captain=n == 0,
                                     status=status, post=details.choice(POSTS), duties=_duties(details),
                                     consent_confirmed=True))
    Volunteer.objects.bulk_create(members)
    return teams, members


POSTS = ("保卫科科员", "门岗保安", "仓库管理员", "车间班组长", "行政专员", "设备维修工", "物流调度", "安全员")
TOPICS = (("义警职责与纪律", "马家河派出所"), ("消防器材使用与初起火灾扑救", "天元区消防救援大队"),
          ("反电信网络诈骗宣传要点", "马家河派出所"), ("矛盾纠纷简易调解", "园区调解中心"),
          ("应急救护（心肺复苏）", "区红十字会"), ("巡逻防控与安全隐患识别", "马家河派出所"))
REJECT_REASONS = ("政审未通过：有治安处罚记录", "本人撤回同意书", "岗位为夜班倒班，无法保证义警值守")


def _duties(rng):
    values = [d.value for d in Duty]
    return sorted(rng.sample(values, rng.randint(1, 3)), key=values.index)


def seed_history(rng, teams, members, accounts, now):
    """Every member's nomination (and vetting) as transitions, trainings and support for the active ones, and
    in each park's first team two fresh nominations and a rejected one by that park's liaison."""
    today = timezone.localdate(now)
    officers = {team.park_id: accounts.get(f"officer{k}") for k, team in enumerate(teams[::4], 1)}
    liaisons = {team.pk: accounts.get(f"liaison{k}") for k, team in enumerate(teams[::4], 1)}
    extra = []
    for team in teams[::4]:
        for status in (Volunteer.Status.NOMINATED, Volunteer.Status.NOMINATED, Volunteer.Status.REJECTED):
            rid = resident_id(rng)
            extra.append(Volunteer(team=team, name=person_name(rng), resident_id=rid,
                                   resident_id_index=blind_index(rid),
                                   mobile=mobile(rng), status=status, post=rng.choice(POSTS), duties=_duties(rng),
                                   consent_confirmed=True, nominated_by=liaisons[team.pk]))
    Volunteer.objects.bulk_create(extra)
    transitions, trainings, support = [], [], []
    for volunteer in [*members, *extra]:
        officer = officers.get(volunteer.team.park_id)
        liaison = liaisons.get(volunteer.team_id)
        fresh = volunteer in extra and volunteer.status == Volunteer.Status.NOMINATED
        nominated_at = now - timedelta(days=rng.randint(1, 6) if fresh else rng.randint(60, 400),
                                       hours=rng.randint(0, 8))
        volunteer.consent_date = timezone.localdate(nominated_at) - timedelta(days=rng.randint(0, 3))
        volunteer.created_at = nominated_at
        if liaison is not None and volunteer.nominated_by_id is None:
            volunteer.nominated_by = liaison
        # entered by the liaison where the enterprise has a demo account, else by the park's officer from paper
        transitions.append(VolunteerTransition(volunteer=volunteer, actor=liaison or officer, at=nominated_at,
                                               recorded_at=nominated_at, from_status="",
                                               to_status=Volunteer.Status.NOMINATED, note="企业推荐"))
        if volunteer.status in (Volunteer.Status.ACTIVE, Volunteer.Status.REJECTED):
            vetted_at = nominated_at + timedelta(days=rng.randint(2, 10))
            rejected = volunteer.status == Volunteer.Status.REJECTED
            transitions.append(VolunteerTransition(
                volunteer=volunteer, actor=officer, at=vetted_at, recorded_at=vetted_at,
                from_status=Volunteer.Status.NOMINATED, to_status=volunteer.status,
                note=rng.choice(REJECT_REASONS) if rejected else "审查通过"))
            if rejected:
                continue
            for _i in range(rng.randint(1, 3)):
                topic, trainer = rng.choice(TOPICS)
                day = min(timezone.localdate(vetted_at) + timedelta(days=rng.randint(5, 200)), today)
                trainings.append(Training(volunteer=volunteer, trained_on=day, topic=topic, trainer=trainer,
                                          hours=Decimal(rng.choice(("1.5", "2.0", "3.0", "4.0"))),
                                          recorded_by=officer))
            starts = today - timedelta(days=rng.randint(40, 330))
            support.append(SupportRecord(volunteer=volunteer, kind=SupportRecord.Kind.INSURANCE,
                                         provider="中国人保 · 团体意外伤害保险", starts_on=starts,
                                         expires_on=starts + timedelta(days=364), recorded_by=officer))
            if volunteer.is_captain:
                support.append(SupportRecord(volunteer=volunteer, kind=SupportRecord.Kind.ALLOWANCE,
                                             provider="园区义警队长值守补贴 200元/月", starts_on=starts,
                                             expires_on=starts + timedelta(days=364), recorded_by=officer))
    # Each park's first team: its captain's insurance runs out within the reminder window (12 days from now).
    for team in teams[::4]:
        captain_support = next((s for s in support if s.volunteer.team_id == team.pk and s.volunteer.is_captain
                                and s.kind == SupportRecord.Kind.INSURANCE), None)
        if captain_support is not None:
            captain_support.expires_on = today + timedelta(days=12)
            captain_support.starts_on = captain_support.expires_on - timedelta(days=364)
    Volunteer.objects.bulk_update([*members, *extra], ["consent_date", "created_at", "nominated_by"])
    VolunteerTransition.objects.bulk_create(transitions)
    Training.objects.bulk_create([t for t in trainings if t.recorded_by is not None])
    SupportRecord.objects.bulk_create([s for s in support if s.recorded_by is not None])
    return extra, len(transitions), len(trainings), len(support)


def seed(ctx):
    rng = ctx.rng("volunteers history")
    teams, members = seed_volunteers(ctx.rng("volunteers"), ctx.shared["demo_parks"], ctx.shared["active"], rng)
    extra, _transitions, trainings, support = seed_history(rng, teams, members, ctx.shared.get("accounts", {}),
                                                           ctx.now)
    ctx.shared["teams"] = teams
    refresh(ctx)
    return {"volunteer teams": len(teams), "volunteers": len(members) + len(extra), "volunteer trainings": trainings,
            "volunteer support records": support, "demo accounts": len(ACCOUNTS)}


def refresh(ctx):
    """Create or repair volunteer1 on the member already linked to it, else on the captain of park 1's
    first team (read back, so a re-run finds the same)."""
    row = (Volunteer.objects.filter(user__username="volunteer1").select_related("team").first()
           or Volunteer.objects.filter(team__park=ctx.shared["demo_parks"][0], is_captain=True)
           .select_related("team").order_by("team_id").first())
    return ensure_accounts(ctx, ACCOUNTS, {"volunteer1": row.team}, {"volunteer1": row})
