"""The demo station's year of incidents, and what they left in the inbox, written straight to the models.

Deterministic from the seed and relative to `now`. The "cases" generator is shared: disputes.demo continues
it after this module, so incidents and disputes still draw one sequence, in the order they always did.
Built with the invariants the incidents services keep: an incident's clocks run reported < accepted < on
scene < closed; a closed one has a result; each has a holder since the moment it got it (closed ones: who
handled it) and the full acceptance window from then; every step is an IncidentTransition (dispatch at
intake, escalation by the system, handover, status).
"""
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from parkbeat.core.demo import at, lognormal, mobile, person_name, times_as_given
from parkbeat.enterprises.demo import short_name
from parkbeat.incidents.models import Incident, IncidentTransition
from parkbeat.notifications.models import Notification
from parkbeat.notifications.seeding import Inbox
from parkbeat.org.demo import DEMO_PARKS

REQUIRES = ("org", "enterprises", "volunteers")

S, K, R = Incident.Source, Incident.Kind, Incident.Result
IS, TK = Incident.Status, IncidentTransition.Kind

# How many incidents of each source over the year: 110 transfers are the largest share.
SOURCE_COUNTS = {S.DISPATCH_110: 110, S.LIAISON: 70, S.PATROL: 60, S.PHONE: 45, S.VOLUNTEER: 45, S.WALK_IN: 30}
KIND_ODDS = {
    S.DISPATCH_110: {K.LABOUR_DISPUTE: 22, K.ECONOMIC_DISPUTE: 10, K.THEFT: 18, K.FRAUD: 10, K.FIRE_SAFETY: 8,
                     K.TRAFFIC: 14, K.PUBLIC_ORDER: 10, K.SUSPICIOUS: 5, K.OTHER: 3},
    S.LIAISON: {K.LABOUR_DISPUTE: 30, K.ECONOMIC_DISPUTE: 15, K.THEFT: 20, K.FRAUD: 8, K.FIRE_SAFETY: 12,
                K.TRAFFIC: 4, K.PUBLIC_ORDER: 4, K.SUSPICIOUS: 5, K.OTHER: 2},
    S.VOLUNTEER: {K.THEFT: 15, K.FIRE_SAFETY: 25, K.SUSPICIOUS: 25, K.TRAFFIC: 15, K.PUBLIC_ORDER: 10,
                  K.LABOUR_DISPUTE: 5, K.OTHER: 5},
    S.PATROL: {K.SUSPICIOUS: 25, K.THEFT: 20, K.FIRE_SAFETY: 20, K.TRAFFIC: 15, K.PUBLIC_ORDER: 15, K.OTHER: 5},
    S.WALK_IN: {K.LABOUR_DISPUTE: 25, K.ECONOMIC_DISPUTE: 20, K.FRAUD: 30, K.THEFT: 10, K.OTHER: 15},
    S.PHONE: {K.LABOUR_DISPUTE: 20, K.ECONOMIC_DISPUTE: 15, K.FRAUD: 20, K.THEFT: 15, K.FIRE_SAFETY: 10,
              K.PUBLIC_ORDER: 10, K.SUSPICIOUS: 5, K.OTHER: 5},
}
DAY_HOURS = (1, 1, 1, 1, 1, 1, 2, 4, 6, 7, 7, 6, 5, 6, 7, 7, 7, 6, 5, 5, 4, 3, 2, 1)
NIGHT_HOURS = (4, 4, 3, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 4, 5, 6, 6, 5)
WORK_HOURS = (0, 0, 0, 0, 0, 0, 0, 2, 6, 7, 7, 6, 3, 5, 7, 7, 6, 4, 2, 0, 0, 0, 0, 0)
NIGHT_KINDS = {K.THEFT, K.SUSPICIOUS}
WAGE_KINDS = {K.LABOUR_DISPUTE, K.ECONOMIC_DISPUTE}

# {ent}: enterprise short name, {n}: people, {road}: a park road, {m}: metres, {w}: ten-thousand yuan
DESCRIPTIONS = {
    K.LABOUR_DISPUTE: (
        "{n}名农民工聚集在{ent}厂门口讨要工资，称已被拖欠两个多月，情绪激动",
        "{ent}外包施工队{n}名工人堵住厂区大门讨薪，称包工头拖欠工资约{w}万元",
        "{ent}离职员工{n}人到厂区办公楼讨要加班费和经济补偿金",
        "{ent}停产放假，{n}名员工聚集在办公楼前要求发放上月工资",
        "{ent}劳务派遣工{n}人聚集讨薪，称劳务公司负责人已联系不上",
        "{ent}车间{n}名员工因计件工资核算争议停工，聚集在厂区门口",
    ),
    K.ECONOMIC_DISPUTE: (
        "承包方工人{n}人堵在{ent}大门口，称该企业拖欠厂房改造工程款约{w}万元",
        "供应商{n}人到{ent}财务室讨要货款，双方发生争执",
        "{ent}与物流公司因运费结算发生纠纷，对方货车堵住厂区出入口",
        "厂房租赁到期，{ent}与房东因押金退还和设备搬离发生争执",
        "钢结构施工队{n}人堵{ent}新厂房工地大门，讨要剩余工程款{w}万元",
    ),
    K.THEFT: (
        "{ent}仓库电缆被盗约{m}米",
        "{ent}员工宿舍楼下电动车被盗",
        "{ent}成品仓库盘点发现铜材短少，怀疑内部人员盗窃",
        "{ent}工地夜间钢筋被盗约2吨",
        "{road}停放货车油箱柴油被盗",
        "{ent}车间废旧硬质合金边角料被盗",
    ),
    K.FRAUD: (
        "{ent}财务人员接到冒充公司老板的QQ消息要求转账，已转出{w}万元",
        "{ent}员工称遭遇刷单返利诈骗，损失8000余元",
        "{ent}员工接到冒充快递客服电话办理理赔退款，被骗2万余元",
        "有人冒充{ent}采购经理与供应商签订合同，骗取定金",
        "{ent}员工反映在网上贷款被要求先交“解冻费”",
    ),
    K.FIRE_SAFETY: (
        "{ent}消防通道堵塞，货物堆放占用疏散通道",
        "{ent}车间冒烟，有焦糊味，员工已疏散",
        "{ent}员工宿舍私拉电线给电动车充电",
        "{ent}危化品仓库门口发现液体泄漏，有刺激性气味",
        "{road}路边绿化带杂草起火",
        "{ent}配电房有异响并冒出火花",
    ),
    K.TRAFFIC: (
        "{road}大货车与电动车相撞，一人受轻伤",
        "{ent}门口大货车违停，堵塞道路",
        "上下班高峰{road}两车剐蹭，双方争吵堵塞交通",
        "{road}有货车遗撒砂石，影响通行",
    ),
    K.PUBLIC_ORDER: (
        "{ent}员工宿舍两名员工酒后发生打架",
        "{ent}门口两名货车司机因排队装货发生争执推搡",
        "{road}夜宵摊有人酒后滋事",
        "{ent}招聘现场有人插队引发争吵",
    ),
    K.SUSPICIOUS: (
        "{ent}厂区外夜间有可疑人员翻越围墙",
        "{road}有可疑人员挨个查看停放的电动车",
        "有陌生人以应聘为名进入{ent}车间拍照",
        "{ent}门卫发现一辆无牌面包车在厂区外长时间停留",
    ),
    K.OTHER: (
        "{ent}员工在厂区内捡到钱包一个，请求民警协助寻找失主",
        "员工家属到{ent}寻找走失的老人",
        "群众咨询园区企业员工居住证办理事宜",
        "{ent}反映厂区外有流浪犬伤人隐患",
    ),
}
RESULT_NOTES = {
    K.LABOUR_DISPUTE: ((R.RESOLVED, "现场劝导，企业负责人当场承诺发放日期，聚集人员已疏散"),),
    K.ECONOMIC_DISPUTE: ((R.RESOLVED, "现场劝导，双方同意通过协商解决，堵门车辆已撤离"),),
    K.THEFT: ((R.REFERRED, "已受案，移交刑侦中队侦办"), (R.REFERRED, "已受案，调取周边监控，移交侦办"),
              (R.RESOLVED, "已追回被盗物品，返还企业")),
    K.FRAUD: ((R.REFERRED, "已受案，移交反诈中心紧急止付"), (R.NO_ACTION, "经核实未造成损失，已开展反诈宣传")),
    K.FIRE_SAFETY: ((R.RESOLVED, "已督促企业现场整改完毕"), (R.REFERRED, "已通报消防救援大队跟进检查"),
                    (R.RESOLVED, "明火已扑灭，无人员伤亡")),
    K.TRAFFIC: ((R.REFERRED, "已移交交警部门处理"), (R.RESOLVED, "双方协商一致，车辆已撤离现场")),
    K.PUBLIC_ORDER: ((R.RESOLVED, "现场调解，双方和解"), (R.REFERRED, "已将双方带回所里依法处理")),
    K.SUSPICIOUS: ((R.FALSE_REPORT, "现场核实为企业夜班员工，系误报"), (R.RESOLVED, "已盘查并登记身份，未发现异常")),
    K.OTHER: ((R.RESOLVED, "已协助处理完毕"), (R.NO_ACTION, "已答复咨询，无需处置")),
}
REPORT_NOTES = {S.DISPATCH_110: "110指挥中心转警", S.LIAISON: "企业联络员快速上报", S.VOLUNTEER: "义警巡逻发现上报",
                S.PATROL: "巡逻发现", S.WALK_IN: "群众来所报警", S.PHONE: "群众电话报警"}
# Live incidents at `now`: (reported this many acceptance windows + minutes ago, status, park index): three
# waiting within their window, two overdue for the escalation sweep. The rest of the year is over.
LIVE_INCIDENTS = (
    ((0.3, 0), IS.REPORTED, 0), ((0.6, 0), IS.REPORTED, 1), ((0.8, 0), IS.REPORTED, 2),
    ((1, 14), IS.REPORTED, 0), ((1, 31), IS.REPORTED, 1),
    ((0, 35), IS.ACCEPTED, 0), ((0, 70), IS.ACCEPTED, 2), ((0, 52), IS.ON_SCENE, 0), ((0, 95), IS.ON_SCENE, 1),
    ((0, 150), IS.ON_SCENE, 2),
)
# Stored text is Chinese like the rest of the demo data, whatever language the command runs in.
KIND_ZH = {K.LABOUR_DISPUTE: "劳资纠纷", K.ECONOMIC_DISPUTE: "经济纠纷", K.THEFT: "盗窃", K.FRAUD: "诈骗",
           K.FIRE_SAFETY: "消防安全隐患", K.TRAFFIC: "交通", K.PUBLIC_ORDER: "治安", K.SUSPICIOUS: "可疑人员",
           K.OTHER: "其他"}


def accept_window():
    """A dispatched incident not accepted by then is overdue (the setting the incidents services read)."""
    return timedelta(minutes=getattr(settings, "PARKBEAT_INCIDENT_ACCEPT_MINUTES", 10))


# ------------------------------------------------------------------ incidents
@dataclass
class IncidentPlan:
    incident: Incident
    steps: list = field(default_factory=list)  # IncidentTransition rows
    agencies: list = field(default_factory=list)
    escalated: bool = False


class IncidentBuilder:
    def __init__(self, rng, now, parks, enterprises, accounts, agencies):
        self.rng, self.now, self.parks, self.enterprises = rng, now, parks, enterprises
        self.accounts, self.agencies = accounts, agencies
        self.numbers, self.window = set(), accept_window()
        self.liaison_enterprise = {k: accounts[f"liaison{k + 1}"].liaison_roles.get().enterprise for k in range(3)}
        today = timezone.localdate(now)
        self.days = [today - timedelta(days=d) for d in range(2, 366)]
        # Wage arrears peak before the Spring Festival (mid-December to early February).
        self.wage_weights = [3 if (d.month == 12 and d.day >= 10) or d.month == 1 or (d.month == 2 and d.day <= 10)
                             else 1 for d in self.days]

    def dispatch_number(self, reported):
        while True:
            number = f"{timezone.localtime(reported):%Y%m%d}{self.rng.randrange(10_000):04d}"
            if number not in self.numbers:
                self.numbers.add(number)
                return number

    def reported_at(self, source, kind):
        rng = self.rng
        day = rng.choices(self.days, self.wage_weights if kind in WAGE_KINDS else None)[0]
        hours = (WORK_HOURS if source == S.LIAISON else
                 NIGHT_HOURS if kind in NIGHT_KINDS or source == S.PATROL else DAY_HOURS)
        hour = rng.choices(range(24), hours)[0]
        return at(day, hour, rng.randrange(60)) + timedelta(seconds=rng.randrange(60))

    def plan(self, source, kind, k, reported, status=IS.CLOSED):
        """One incident reported at `reported`, carried on to `status` with clocks that end before now."""
        rng, accounts = self.rng, self.accounts
        officer, leader = accounts[f"officer{k + 1}"], accounts["leader"]
        if source == S.LIAISON:
            enterprise, reporter = self.liaison_enterprise[k], accounts[f"liaison{k + 1}"]
        else:
            reporter = {S.VOLUNTEER: accounts["volunteer1"], S.PATROL: accounts[f"auxiliary{k + 1}"]}.get(
                source, officer)
            on_road = kind in (K.TRAFFIC, K.PUBLIC_ORDER, K.SUSPICIOUS) and rng.random() < 0.4
            enterprise = None if on_road else rng.choices(
                self.enterprises[k], [e.headcount ** 0.5 for e in self.enterprises[k]])[0]
        road = rng.choice(DEMO_PARKS[k][3])
        people = (rng.randint(6, 60) if kind == K.LABOUR_DISPUTE else rng.randint(3, 30)
                  if kind == K.ECONOMIC_DISPUTE else rng.choice((1, 1, 1, 2, 2, 3)))
        text = rng.choice(DESCRIPTIONS[kind]).format(
            ent=short_name(enterprise) if enterprise else DEMO_PARKS[k][0], n=people, road=road,
            m=rng.randrange(50, 400, 10), w=rng.randint(3, 60))
        incident = Incident(
            source=source, kind=kind, park=self.parks[k], enterprise=enterprise,
            dispatch_number=self.dispatch_number(reported) if source == S.DISPATCH_110 else "",
            location=enterprise.address if enterprise else f"{DEMO_PARKS[k][0]}{road}",
            lon=enterprise.lon if enterprise else None, lat=enterprise.lat if enterprise else None,
            people_involved=people, description=text + "。", reported_by=reporter, reported_at=reported,
            caller_name=person_name(rng) if source in (S.DISPATCH_110, S.PHONE, S.WALK_IN) else "",
            caller_mobile=mobile(rng) if source in (S.DISPATCH_110, S.PHONE) else "",
            accept_due_at=reported + self.window, holder=officer, held_since=reported)
        plan = IncidentPlan(incident)
        step = self._stepper(plan)
        step(TK.DISPATCH, reporter, reported, "", IS.REPORTED, officer,
             f"{REPORT_NOTES[source]}，派给{self.parks[k].name}民警{officer.full_name}")
        if status == IS.REPORTED:
            return plan
        cursor = reported
        # One in twenty-five waits past the window: the system escalates to the leader, who hands it back.
        if status == IS.CLOSED and rng.random() < 0.04:
            plan.escalated = True
            cursor = reported + self.window + timedelta(seconds=rng.randint(20, 120))
            step(TK.ESCALATION, None, cursor, IS.REPORTED, IS.REPORTED, leader,
                 f"超过{self.window.seconds // 60}分钟未接收，自动升级至所领导")
            incident.escalation_level, incident.holder, incident.held_since = 1, leader, cursor
            incident.accept_due_at = cursor + self.window  # each new holder gets the full window
            cursor += timedelta(minutes=rng.uniform(2, 8))
            step(TK.HANDOVER, leader, cursor, IS.REPORTED, IS.REPORTED, officer, "已电话联系园区民警，交其处置")
            incident.holder, incident.held_since, incident.accept_due_at = officer, cursor, cursor + self.window
            cursor += timedelta(minutes=rng.uniform(1, 3))
        else:
            cursor += timedelta(minutes=lognormal(rng, 2.5, 0.6, 0.5, 9))
        if status == IS.CLOSED and rng.random() < 0.03:  # a duplicate of another report, cancelled unaccepted
            step(TK.STATUS, officer, cursor, IS.REPORTED, IS.CANCELLED, officer, "重复警情，已合并处置")
            incident.status = IS.CANCELLED
            return plan
        incident.accepted_at = cursor
        step(TK.STATUS, officer, cursor, IS.REPORTED, IS.ACCEPTED, officer, "已接收")
        incident.status = IS.ACCEPTED
        if status == IS.ACCEPTED:
            return plan
        by_phone = kind in (K.FRAUD, K.OTHER) and source in (S.PHONE, S.WALK_IN) and rng.random() < 0.6
        if status == IS.CLOSED and by_phone:  # handled at the desk or on the phone: no trip to the scene
            cursor += timedelta(minutes=lognormal(rng, 40, 0.6, 10, 180))
        else:
            cursor += timedelta(minutes=lognormal(rng, 18, 0.4, 6, 45))
            incident.on_scene_at = cursor
            step(TK.STATUS, officer, cursor, IS.ACCEPTED, IS.ON_SCENE, officer, "已到达现场")
            incident.status = IS.ON_SCENE
            if status == IS.ON_SCENE:
                return plan
            hours = lognormal(rng, 3 if kind in WAGE_KINDS else 1.2, 0.7, 0.3, 30)
            cursor += timedelta(hours=hours)
        cursor = min(cursor, self.now - timedelta(hours=1))
        incident.result, incident.result_note = rng.choice(RESULT_NOTES[kind])
        incident.closed_at = cursor
        step(TK.STATUS, officer, cursor, incident.status, IS.CLOSED, officer, incident.result_note)
        incident.status = IS.CLOSED
        plan.agencies = self._agencies(kind)
        return plan

    def _stepper(self, plan):
        def step(kind, actor, at, from_status, to_status, holder, note):
            plan.steps.append(IncidentTransition(incident=plan.incident, kind=kind, actor=actor, at=at,
                                                 from_status=from_status, to_status=to_status, holder=holder,
                                                 note=note))
        return step

    def _agencies(self, kind):
        rng, joined = self.rng, []
        odds = {K.LABOUR_DISPUTE: (("labour", 0.5), ("street_governance", 0.4)),
                K.ECONOMIC_DISPUTE: (("street_governance", 0.5),),
                K.FIRE_SAFETY: (("fire", 0.5), ("emergency", 0.3))}.get(kind, ())
        for agency_kind, chance in odds:
            if rng.random() < chance:
                joined.append(self.agencies[agency_kind])
        return joined

    def build(self):
        rng = self.rng
        sources = [source for source, count in SOURCE_COUNTS.items() for _ in range(count)]
        rng.shuffle(sources)
        plans = []
        for n, source in enumerate(sources):
            kind = rng.choices(list(KIND_ODDS[source]), list(KIND_ODDS[source].values()))[0]
            k = 0 if source == S.VOLUNTEER else rng.randrange(3)  # only park 1's team has a demo account
            if n < len(LIVE_INCIDENTS):
                (windows, minutes), status, k = LIVE_INCIDENTS[n]
                if source == S.VOLUNTEER:
                    source = S.PATROL if k else S.VOLUNTEER
                    kind = rng.choices(list(KIND_ODDS[source]), list(KIND_ODDS[source].values()))[0]
                if status == IS.ON_SCENE and k == 0:
                    kind = K.LABOUR_DISPUTE  # park 1's officer is on site at a wage protest right now
                reported = self.now - windows * self.window - timedelta(minutes=minutes, seconds=rng.randrange(20))
                plans.append(self._live(self.plan(source, kind, k, reported, status), status))
            else:
                plans.append(self.plan(source, kind, k, self.reported_at(source, kind)))
        return sorted(plans, key=lambda p: p.incident.reported_at)

    def _live(self, plan, status):
        """Live clocks squeezed into the minutes since the report, so that every step is already past."""
        incident, age = plan.incident, self.now - plan.incident.reported_at
        if status in (IS.ACCEPTED, IS.ON_SCENE):
            incident.accepted_at = incident.reported_at + min(age * 0.1, timedelta(minutes=4))
            plan.steps[1].at = incident.accepted_at
        if status == IS.ON_SCENE:
            incident.on_scene_at = incident.accepted_at + min(age * 0.3, timedelta(minutes=25))
            plan.steps[2].at = incident.on_scene_at
        return plan


def save_incidents(plans):
    incidents = [p.incident for p in plans]
    for plan in plans:
        incident = plan.incident
        incident.version = len(plan.steps)
        incident.created_at, incident.updated_at = incident.reported_at, plan.steps[-1].at
        for step in plan.steps:  # recorded live: entered when it happened (after _live moved the times)
            step.recorded_at = step.at
    with times_as_given(Incident):
        Incident.objects.bulk_create(incidents)
    IncidentTransition.objects.bulk_create(step for plan in plans for step in plan.steps)
    Incident.agencies.through.objects.bulk_create(
        Incident.agencies.through(incident_id=plan.incident.pk, agency_id=agency.pk)
        for plan in plans for agency in plan.agencies)
    return incidents


# ------------------------------------------------------------------ the inbox
def seed_notifications(now, accounts, plans):
    """What officer1 and the leader find in their inbox about incidents: park 1's live dispatches and the
    escalations."""
    officer, leader = accounts["officer1"], accounts["leader"]
    park1 = officer.role_assignments.get().park_id
    inbox = Inbox(now, Incident)
    add = inbox.add

    for plan in plans:
        incident = plan.incident
        label = KIND_ZH[incident.kind]
        if incident.park_id == park1 and now - incident.reported_at < timedelta(hours=4):
            add(officer, Notification.Kind.INCIDENT_DISPATCHED, f"警情待接收：{incident.description[:30]}",
                f"{incident.location}，{incident.people_involved}人。请在{accept_window().seconds // 60}分钟内接收。",
                incident, incident.reported_at,
                read_after=(incident.accepted_at - incident.reported_at) if incident.accepted_at else None)
        if plan.escalated and now - incident.reported_at < timedelta(days=120):
            key = f"incident:{incident.pk}:escalation:1"  # as the escalation sweep sends it
            add(leader, Notification.Kind.INCIDENT_ESCALATED, f"警情超时升级：{label} 等待您接警",
                incident.description[:100], incident, plan.steps[1].at, read_after=timedelta(minutes=3),
                dedupe_key=key)
            if incident.park_id == park1:
                add(officer, Notification.Kind.INCIDENT_ESCALATED, f"警情超时升级：{label} 已转至所领导",
                    incident.description[:100], incident, plan.steps[1].at, read_after=timedelta(minutes=2),
                    dedupe_key=key)
    return inbox.save()


# ------------------------------------------------------------------ the module's run
def seed(ctx):
    """A year of incidents for the demo station's three parks; the plans stay in ctx for the disputes."""
    accounts = ctx.shared["accounts"]
    plans = IncidentBuilder(ctx.rng("cases"), ctx.now, ctx.shared["demo_parks"], ctx.shared["active"], accounts,
                            ctx.shared["agencies"]).build()
    incidents = save_incidents(plans)
    notifications = seed_notifications(ctx.now, accounts, plans)
    ctx.shared["incident_plans"] = plans
    return {"incidents": len(incidents), "notifications": len(notifications)}
