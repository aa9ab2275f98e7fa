"""The demo station's year of disputes, and what they left in the inbox, written straight to the models.

It continues the "cases" generator after incidents.demo, and opens a case from many of the wage and contract
incidents; the incidents are saved by then, so those closed by opening a case get their result and closing
note updated here. Built with the invariants the disputes services keep: a dispute runs through its tiers
in time order; each tier's seconds are the closed spans spent there (the current span stays open while
unsettled); settled means settled_at and settled_level; every status and level change and every routing is a
DisputeTransition, recorded when it happened (recorded_at = at: the demo station works live); agreements follow
their instalments, a missed one reopens the case at 00:00 the day after its due date, as the sweep dates it.
Each dispute is simulated event by event and stopped at `now`, so whatever lies in the future (a later
session, the signing, a payment) simply has not happened yet and the case is open or performing.
"""
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from parkbeat.core.demo import at, mobile, person_name, times_as_given
from parkbeat.disputes.models import (
    Agreement, Dispute, DisputeParty, DisputeTransition, MediationSession, Obligation, Payment,
)
from parkbeat.enterprises.demo import BRAND, short_name
from parkbeat.incidents.demo import WAGE_KINDS
from parkbeat.incidents.models import Incident, IncidentTransition
from parkbeat.notifications.models import Notification
from parkbeat.notifications.seeding import Inbox

REQUIRES = ("org", "enterprises", "volunteers", "incidents")

K, R, IS = Incident.Kind, Incident.Result, Incident.Status
L, DS, C = Dispute.Level, Dispute.Status, Dispute.Category
OUT = MediationSession.Outcome

CONTRACTOR_KINDS = ("建筑劳务有限公司", "钢结构工程有限公司", "建设工程有限公司", "装饰工程有限公司", "机电安装工程有限公司")
PLACES = {L.ENTERPRISE: "{ent}行政楼会议室", L.PARK: "{centre}调解室", L.BEYOND: "{beyond}"}
BEYOND_PLACES = ("天元区劳动人事争议仲裁院", "马家河派出所调解室", "天元区人民法院诉调对接中心")
LEVEL_REASONS = {
    (L.ENTERPRISE, L.PARK): ("企业内部协商未果，当事人情绪激动，提交园区调处中心调解",
                             "双方各执一词，企业内部无法化解，申请园区调处中心介入"),
    (L.PARK, L.BEYOND): ("双方分歧较大，经多轮调解未达成一致，引导申请劳动仲裁",
                         "涉案金额较大且证据争议多，引导通过诉讼解决，转法院诉调对接中心"),
    (L.PARK, L.ENTERPRISE): ("双方同意由企业按内部方案自行兑付，回企业层面跟进", ),
}
POSITIONS = {
    C.LABOUR_WAGE: ("要求一次性结清拖欠工资{amount}元", "承认欠薪，因资金周转困难请求分期支付",
                    "工人同意分期，企业同意首期提高比例并承担误工费"),
    C.LABOUR_OTHER: ("要求支付解除劳动合同经济补偿{amount}元", "认为员工违纪在先，只同意支付部分补偿",
                     "双方各让一步，按工作年限折算补偿"),
    C.ECONOMIC_CONTRACT: ("要求支付剩余工程款{amount}元及逾期利息", "以工程质量问题为由暂扣尾款",
                          "承包方放弃利息，发包方同意按结算金额付款"),
    C.WORK_INJURY: ("要求赔偿医疗费、误工费等共计{amount}元", "同意承担医疗费，对误工费标准有异议",
                    "按工伤认定标准计算，企业补足差额"),
    C.NEIGHBOUR: ("要求对方清除占用的通道并赔偿损失{amount}元", "同意清除，不同意赔偿", "对方清除占用物并赔礼道歉"),
    C.OTHER: ("要求赔偿损失{amount}元", "对损失金额有异议", "按实际损失协商赔偿"),
}
CATEGORY_FROM_KIND = {K.LABOUR_DISPUTE: C.LABOUR_WAGE, K.ECONOMIC_DISPUTE: C.ECONOMIC_CONTRACT}
SHOWCASE_CASES = 6  # DisputeBuilder.showcase
STANDALONE_CATEGORIES = ((C.LABOUR_WAGE, 8), (C.LABOUR_OTHER, 5), (C.ECONOMIC_CONTRACT, 5), (C.WORK_INJURY, 4),
                         (C.NEIGHBOUR, 3), (C.OTHER, 2))
PAYMENT_NOTES = ("银行转账，工人代表签字确认", "现场发放，工人逐一签领", "对公转账，凭证已核对", "通过劳动监察专户代发")
LEVEL_ZH = {L.ENTERPRISE: "企业内部", L.PARK: "园区", L.BEYOND: "园区外"}
CATEGORY_ZH = {C.LABOUR_WAGE: "欠薪纠纷", C.LABOUR_OTHER: "劳动争议", C.ECONOMIC_CONTRACT: "合同纠纷",
               C.WORK_INJURY: "工伤赔偿纠纷", C.NEIGHBOUR: "相邻关系纠纷", C.OTHER: "纠纷"}


@dataclass
class DisputeSpec:
    """What happens to one dispute, before it meets `now`."""

    park: int
    category: str
    began: datetime
    created: datetime
    path: tuple  # the levels it passes through, in order
    end: str  # "agreement", "withdrawn" or "open"
    payment: str = "spot"  # "spot", "instalments" or "none"
    incident: Incident | None = None
    enterprise: object = None
    people: int = 1
    on_site: bool = False  # opened on scene: the first session starts within the hour
    dues: tuple = ()  # instalment due dates; empty: monthly from a few weeks after signing
    missed: int | None = None  # the instalment that is never paid (reopens the case)
    late: dict = field(default_factory=dict)  # instalment -> days late (reopened, then paid)
    reminded: int | None = None  # the instalment already reminded two days ago
    session_after_reopen: bool = False
    showcase: bool = False  # routed to the park's first mediator (mediator1 in park 1)


class Case:
    """One dispute simulated in time order; every method refuses (returns False) once past `now`."""

    def __init__(self, builder, spec):
        self.b, self.spec, self.rng = builder, spec, builder.rng
        b, k = builder, spec.park
        self.officer, self.centre = b.accounts[f"officer{k + 1}"], b.centres[k]
        second = self.rng.random() < 0.25 and not spec.showcase
        self.mediator = b.accounts[f"mediator{2 * k + 1 + second}"]
        self.dispute = Dispute(
            incident=spec.incident, park=b.parks[k], enterprise=spec.enterprise, category=spec.category,
            people_involved=spec.people, began_at=spec.began, level=spec.path[0], level_since=spec.began,
            opened_by=self.officer if spec.path[0] != L.PARK or self.rng.random() < 0.8 else self.mediator,
            handler=self.officer)
        self.transitions, self.sessions, self.parties, self.notes = [], [], [], []
        self.agreement, self.obligations, self.payments, self.agencies = None, [], [], []
        self.reopened = []  # (when, the missed instalment)
        self.seconds = {level: 0 for level in Dispute.LEVEL_ORDER}
        self.last = spec.created

    # -- clocks and transitions
    def _past(self, at):
        return at <= self.b.now

    def transition(self, kind, at, from_value, to_value, actor, note):
        self.transitions.append(DisputeTransition(dispute=self.dispute, kind=kind, actor=actor, at=at, recorded_at=at,
                                                  from_value=from_value, to_value=to_value, note=note))
        self.last = max(self.last, at)

    def status_to(self, at, to, actor, note):
        d = self.dispute
        self.transition(DisputeTransition.Kind.STATUS, at, d.status, to, actor, note)
        if to in (DS.SETTLED, DS.WITHDRAWN):  # the running tier span ends with the case
            self.seconds[d.level] += int((at - d.level_since).total_seconds())
        if to == DS.SETTLED:
            d.settled_at, d.settled_level = at, d.level
        if to == DS.OPEN and d.status == DS.PERFORMING:
            d.reopen_count += 1
        d.status = to

    def level_to(self, at, to, actor):
        d = self.dispute
        if not self._past(at):
            return False
        self.seconds[d.level] += int((at - d.level_since).total_seconds())
        self.transition(DisputeTransition.Kind.LEVEL, at, d.level, to, actor,
                        self.rng.choice(LEVEL_REASONS[(d.level, to)]))
        if to == L.PARK and d.mediation_centre is None:
            self.route(at, actor)
        d.level, d.level_since = to, at
        return True

    def route(self, at, actor):
        """To the park's centre, its mediator and partner agencies: a ROUTE transition (from/to: centre ids)."""
        d = self.dispute
        d.mediation_centre, d.mediator = self.centre, self.mediator
        wage = d.category in (C.LABOUR_WAGE, C.LABOUR_OTHER, C.WORK_INJURY)
        for kind, chance in (("labour", 0.7 if wage else 0), ("street_governance", 0.5)):
            if self.rng.random() < chance and self.b.agencies[kind] not in self.agencies:
                self.agencies.append(self.b.agencies[kind])
        note = "；".join([f"调解员：{self.mediator.full_name}"]
                        + ([f"协作单位：{'、'.join(a.name for a in self.agencies)}"] if self.agencies else []))
        self.transition(DisputeTransition.Kind.ROUTE, at, "", str(self.centre.pk), actor, note)
        self.routed_at = at

    # -- people
    def add_parties(self):
        rng, spec, d = self.rng, self.spec, self.dispute
        ent = spec.enterprise
        short = short_name(ent)
        reps = lambda n: "、".join(person_name(rng) for _ in range(n))  # noqa: E731
        contractor = f"湖南{''.join(rng.sample(BRAND, 2))}{rng.choice(CONTRACTOR_KINDS)}"
        respondent = DisputeParty(dispute=d, side="respondent", kind="enterprise", name=ent.name, enterprise=ent,
                                  representatives=person_name(rng), contact_mobile=mobile(rng))
        if spec.category == C.LABOUR_WAGE and rng.random() < 0.45:  # a subcontractor owes the wages
            claimant = DisputeParty(dispute=d, side="claimant", kind="workers", name=f"{contractor}农民工",
                                    headcount=spec.people, representatives=reps(rng.choice((2, 3))),
                                    contact_mobile=mobile(rng))
            extra = DisputeParty(dispute=d, side="respondent", kind="contractor", name=contractor,
                                 representatives=person_name(rng), contact_mobile=mobile(rng))
            self.parties = [claimant, respondent, extra]
            d.title = f"{contractor.removeprefix('湖南')[:2]}劳务{spec.people}名农民工讨薪纠纷"
        elif spec.category == C.LABOUR_WAGE:
            claimant = DisputeParty(dispute=d, side="claimant", kind="workers", name=f"{short}员工",
                                    headcount=spec.people, representatives=reps(2), contact_mobile=mobile(rng))
            self.parties = [claimant, respondent]
            d.title = f"{short}{spec.people}名员工讨要工资纠纷"
        elif spec.category == C.ECONOMIC_CONTRACT:
            claimant = DisputeParty(dispute=d, side="claimant", kind="contractor", name=contractor,
                                    headcount=spec.people, representatives=person_name(rng), contact_mobile=mobile(rng))
            self.parties = [claimant, respondent]
            d.title = f"{short}与{contractor.removeprefix('湖南')[:2]}工程款纠纷"
        elif spec.category == C.NEIGHBOUR:
            other = rng.choice([e for e in self.b.enterprises[spec.park] if e.pk != ent.pk])
            claimant = DisputeParty(dispute=d, side="claimant", kind="enterprise", name=other.name, enterprise=other,
                                    representatives=person_name(rng), contact_mobile=mobile(rng))
            self.parties = [claimant, respondent]
            d.title = f"{short_name(other)}与{short}通道占用纠纷"
        else:
            name = person_name(rng)
            claimant = DisputeParty(dispute=d, side="claimant", kind="person", name=name,
                                    representatives=f"{name}（本人）、{person_name(rng)}（家属）",
                                    contact_mobile=mobile(rng))
            self.parties = [claimant, respondent]
            what = {C.WORK_INJURY: "工伤赔偿", C.LABOUR_OTHER: "解除劳动合同补偿"}.get(spec.category, "财产损失赔偿")
            d.title = f"{short}员工{name}{what}纠纷"
        people = spec.people
        per_head = rng.randrange(3000, 15000, 100)
        amount = {C.LABOUR_WAGE: people * per_head, C.LABOUR_OTHER: rng.randrange(8000, 60000, 1000),
                  C.ECONOMIC_CONTRACT: rng.randrange(50_000, 800_000, 1000),
                  C.WORK_INJURY: rng.randrange(20_000, 150_000, 1000),
                  C.NEIGHBOUR: rng.randrange(2000, 20000, 500), C.OTHER: rng.randrange(2000, 30000, 500)}
        d.amount_in_dispute = Decimal(amount[spec.category])
        asked, offered, _settled = POSITIONS[spec.category]
        d.core_demands = asked.format(amount=d.amount_in_dispute) + "。"
        d.summary = (spec.incident.description if spec.incident else
                     f"{claimant.name}与{ent.name}发生{CATEGORY_ZH[spec.category]}，到园区调处中心寻求调解。")

    # -- sessions, agreement, payments
    def session(self, at, outcome, level, minutes=None):
        if not self._past(at):
            return None
        rng, d, spec = self.rng, self.dispute, self.spec
        minutes = minutes or rng.randrange(40, 200, 5)
        if at + timedelta(minutes=minutes) > self.b.now:
            return None
        asked, offered, settled = POSITIONS[d.category]
        place = PLACES[level].format(ent=spec.enterprise.name, centre=self.centre.name,
                                     beyond=rng.choice(BEYOND_PLACES))
        if level == L.ENTERPRISE:
            participants = f"企业工会主席{person_name(rng)}、{self.b.teams[spec.park]}义警、双方当事人"
            recorder = self.officer
        elif level == L.PARK:
            participants = f"园区民警{self.officer.full_name}、调解员{self.mediator.full_name}、双方当事人代表"
            recorder = self.mediator
        else:
            participants = f"仲裁员{person_name(rng)}、园区民警{self.officer.full_name}、双方当事人代表"
            recorder = self.officer
        session = MediationSession(
            dispute=d, started_at=at, duration_minutes=minutes, place=place, level=level,
            participants=participants, claimant_position=asked.format(amount=d.amount_in_dispute),
            respondent_position=offered, concessions=settled if outcome in (OUT.AGREEMENT, OUT.PARTIAL) else "",
            outcome=outcome, recorded_by=recorder,
            notes={OUT.AGREEMENT: "当场签订调解协议", OUT.PARTIAL: "就部分事项达成一致，其余择期再调",
                   OUT.FAILED: "双方分歧较大，未能达成一致", OUT.REFERRED: "引导当事人通过仲裁或诉讼解决",
                   OUT.ADJOURNED: "当事人需回去商量，约定下次调解时间"}[outcome])
        session.mediator_users = [self.mediator] if level == L.PARK else []
        session.agency_rows = list(self.agencies) if level == L.PARK else []
        self.sessions.append(session)
        self.last = max(self.last, at + timedelta(minutes=minutes))
        return session

    def _plan_obligations(self, at, signed_on):
        rng, spec, total = self.rng, self.spec, self.dispute.amount_in_dispute
        total = Decimal(max(100, int(total * Decimal(rng.choice(("0.8", "0.9", "1")))) // 100 * 100))
        if spec.payment == "none":
            return Decimal("0"), []
        if spec.payment == "spot":  # paid at the table, twenty minutes after signing
            return total, [(timezone.localdate(at + timedelta(minutes=20)), total)]
        dues = list(spec.dues)
        if not dues:
            first = signed_on + timedelta(days=rng.choice((7, 14, 30)))
            dues = [first + timedelta(days=30 * i) for i in range(rng.choice((2, 3, 3, 4)))]
        share = Decimal(int(total / len(dues)) // 100 * 100)
        amounts = [share] * (len(dues) - 1) + [total - share * (len(dues) - 1)]
        return total, list(zip(dues, amounts))

    def sign(self, session):
        d, spec = self.dispute, self.spec
        at = session.started_at + timedelta(minutes=session.duration_minutes)
        signed_on = timezone.localdate(at)
        total, plan = self._plan_obligations(at, signed_on)
        claimant, respondent = self.parties[0].name, self.parties[1].name
        if plan:
            parts = "；".join(f"第{i}期{amount}元于{due:%Y年%m月%d日}前支付" for i, (due, amount) in enumerate(plan, 1))
            terms = (f"{respondent}向{claimant}支付{total}元，分{len(plan)}期履行：{parts}。"
                     if len(plan) > 1 else f"{respondent}于{signed_on:%Y年%m月%d日}当场向{claimant}一次性支付{total}元。")
            if d.category in (C.LABOUR_WAGE, C.ECONOMIC_CONTRACT):
                terms += "申请方收到款项后不再以任何方式聚集、堵门，通过合法途径表达诉求。"
            else:
                terms += "双方就此事再无其他争议。"
        else:
            terms = f"{respondent}向{claimant}赔礼道歉，三日内清除占用物；双方今后友好相处。"
        self.agreement = Agreement(dispute=d, session=session, terms=terms, total_amount=total, signed_on=signed_on,
                                   recorded_by=session.recorded_by)
        self.agreement.at = at
        what = {C.LABOUR_WAGE: "工资款", C.ECONOMIC_CONTRACT: "工程款"}.get(d.category, "赔偿款")
        self.obligations = [
            Obligation(agreement=self.agreement, sequence=i, due_on=due, amount=amount,
                       description=f"第{i}期{what}" if len(plan) > 1 else f"一次性支付{what}")
            for i, (due, amount) in enumerate(plan, 1)]
        recorder = session.recorded_by
        if not plan:  # nothing to follow: settled as signed
            self.agreement.status = Agreement.Status.FULFILLED
            self.status_to(at, DS.SETTLED, recorder, "签订调解协议，结案")
            return True
        self.status_to(at, DS.PERFORMING, recorder, f"签订调解协议，分{len(plan)}期履行" if len(plan) > 1
                       else "签订调解协议，当场履行")
        if spec.payment == "spot":
            self.pay(self.obligations[0], at + timedelta(minutes=20), recorder)
            return self.paid_off()
        return self.follow_instalments(recorder)

    def paid_off(self):
        """The last instalment recorded: the agreement is fulfilled and the system settles the case."""
        self.agreement.status = Agreement.Status.FULFILLED
        self.status_to(self.payments[-1].at, DS.SETTLED, None, "协议约定款项已全部支付，自动结案")
        return True

    def pay(self, obligation, at, recorder):
        paid_on = timezone.localdate(at)
        self.payments.append(Payment(obligation=obligation, paid_on=paid_on, amount=obligation.amount,
                                     note=self.rng.choice(PAYMENT_NOTES), recorded_by=recorder))
        self.payments[-1].at = at
        obligation.paid_amount, obligation.paid_on = obligation.amount, paid_on
        obligation.status = Obligation.Status.PAID_LATE if paid_on > obligation.due_on else Obligation.Status.PAID
        obligation.version += 1
        self.last = max(self.last, at)

    def follow_instalments(self, recorder):
        """Each instalment paid on or just before its due date, unless the spec says it is late or missed.

        As the sweep does: the night after the due date an unpaid instalment is missed, the agreement
        breached and the case open again; a late payment counts, and the last one settles the case."""
        rng, spec, today = self.rng, self.spec, timezone.localdate(self.b.now)
        for obligation in self.obligations:
            n = obligation.sequence
            if spec.reminded == n:
                obligation.reminded_on = today - timedelta(days=2)
            if n == spec.missed or n in spec.late:
                missed_at = at(obligation.due_on + timedelta(days=1), 0)
                if not self._past(missed_at):
                    return False
                obligation.status, obligation.version = Obligation.Status.MISSED, obligation.version + 1
                if self.agreement.status == Agreement.Status.PERFORMING:
                    self.agreement.status = Agreement.Status.BREACHED
                if self.dispute.status == DS.PERFORMING:
                    self.status_to(missed_at, DS.OPEN, None,
                                   f"第{n}期{obligation.amount}元（{obligation.due_on:%m月%d日}到期）逾期未付，纠纷重新打开")
                    self.reopened.append((missed_at, obligation))
                if n == spec.missed:
                    return False
                paid_at = at(obligation.due_on + timedelta(days=spec.late[n]), 15, rng.randrange(60))
            else:
                early = rng.choice((0, 0, 1, 2, 3)) if obligation.due_on < today - timedelta(days=3) else 0
                paid_at = at(obligation.due_on - timedelta(days=early), 10, rng.randrange(60))
            if not self._past(paid_at):
                return False
            self.pay(obligation, paid_at, recorder)
        return self.paid_off()

    # -- the run
    def _next_session_at(self, at, level, first):
        rng = self.rng
        if first and self.spec.on_site:
            return at + timedelta(minutes=rng.uniform(10, 40))
        gap = {L.ENTERPRISE: rng.uniform(2, 30), L.PARK: rng.uniform(20, 120), L.BEYOND: rng.uniform(240, 900)}[level]
        t = timezone.localtime(at + timedelta(hours=gap))
        if t.hour < 8:
            t = t.replace(hour=9, minute=rng.randrange(0, 60, 10))
        elif t.hour >= 18:
            t = (t + timedelta(days=1)).replace(hour=9, minute=rng.randrange(0, 60, 10))
        return t

    def run(self):
        rng, spec, d = self.rng, self.spec, self.dispute
        self.add_parties()
        self.transition(DisputeTransition.Kind.STATUS, spec.created, "", DS.OPEN, d.opened_by,
                        f"登记纠纷（{LEVEL_ZH[spec.path[0]]}）")
        if spec.path[0] == L.PARK:
            self.route(spec.created, d.opened_by)
        at, budget = spec.created, 2 if spec.session_after_reopen else 3  # three sessions at most
        for index, level in enumerate(spec.path):
            final = index == len(spec.path) - 1
            if not final:
                count = 1
                outcome = {L.ENTERPRISE: OUT.FAILED, L.PARK: OUT.REFERRED if spec.path[index + 1] == L.BEYOND
                           else OUT.PARTIAL}[level]
                outcomes = [outcome]
            else:
                count = max(1, min(budget, rng.choice((1, 1, 1, 2, 2, 3))))
                last = {"agreement": OUT.AGREEMENT, "withdrawn": OUT.FAILED, "open": OUT.ADJOURNED}[spec.end]
                outcomes = [rng.choice((OUT.ADJOURNED, OUT.PARTIAL, OUT.FAILED)) for _ in range(count - 1)] + [last]
            for n, outcome in enumerate(outcomes):
                session = self.session(self._next_session_at(at, level, index == 0 and n == 0), outcome, level)
                if session is None:
                    return
                budget -= 1
                at = session.started_at + timedelta(minutes=session.duration_minutes)
            if not final:
                at += timedelta(minutes=rng.uniform(5, 90))
                if not self.level_to(at, spec.path[index + 1], self.officer if level == L.ENTERPRISE else
                                     self.mediator if d.mediator else self.officer):
                    return
        if spec.end == "agreement":
            if self.sign(self.sessions[-1]) is False and spec.session_after_reopen and d.status == DS.OPEN:
                at = timezone.localtime(self.b.now - timedelta(days=3)).replace(hour=9, minute=30)
                self.session(at, OUT.ADJOURNED, d.level, minutes=90)
        elif spec.end == "withdrawn":
            at += timedelta(days=rng.uniform(1, 5))
            if self._past(at):
                self.status_to(at, DS.WITHDRAWN, d.opened_by, "申请方撤回调解申请，自行协商解决")


class DisputeBuilder:
    def __init__(self, rng, now, parks, enterprises, accounts, agencies, centres, teams):
        self.rng, self.now, self.parks, self.enterprises = rng, now, parks, enterprises
        self.accounts, self.agencies, self.centres = accounts, agencies, centres
        self.teams = teams  # park index -> a volunteer team name
        self.closed_by_case = []  # incident plans closed by opening a case (see specs)

    def path_and_end(self, from_gate):
        rng = self.rng
        if from_gate:  # workers at the gate: mostly straight to the park's centre
            path = rng.choices(((L.ENTERPRISE,), (L.PARK,), (L.PARK, L.BEYOND), (L.PARK, L.ENTERPRISE)),
                               (20, 60, 12, 8))[0]
        else:  # small matters stay inside the enterprise
            path = rng.choices(((L.ENTERPRISE,), (L.ENTERPRISE, L.PARK), (L.PARK,), (L.ENTERPRISE, L.PARK, L.BEYOND),
                                (L.PARK, L.BEYOND)), (55, 25, 8, 4, 8))[0]
        end = rng.choices(("agreement", "withdrawn", "open"), (88, 5, 7 if path[-1] == L.BEYOND else 2))[0]
        return path, end

    def payment(self, category):
        odds = {C.LABOUR_WAGE: (45, 55, 0), C.ECONOMIC_CONTRACT: (40, 60, 0), C.WORK_INJURY: (50, 50, 0),
                C.LABOUR_OTHER: (70, 30, 0), C.NEIGHBOUR: (30, 0, 70), C.OTHER: (40, 0, 60)}[category]
        return self.rng.choices(("spot", "instalments", "none"), odds)[0]

    def specs(self, incident_plans):
        """Disputes opened on scene from wage and contract incidents, and cases brought to the centre directly."""
        rng, specs = self.rng, []
        linked = [p for p in incident_plans
                  if p.incident.kind in WAGE_KINDS and p.incident.enterprise_id and p.incident.on_scene_at
                  and p.incident.status in (IS.ON_SCENE, IS.CLOSED)]
        for plan in linked:
            incident = plan.incident
            if incident.status == IS.CLOSED and rng.random() < 0.35:
                continue  # talked down on the spot: no case opened
            k = self.parks.index(incident.park)
            opened = incident.on_scene_at + min(timedelta(minutes=rng.uniform(10, 30)),
                                                (self.now - incident.on_scene_at) / 2)
            if incident.closed_at:
                opened = min(opened, incident.on_scene_at + (incident.closed_at - incident.on_scene_at) / 2)
                incident.result = R.DISPUTE
                incident.result_note = "已开立矛盾纠纷案件，转园区一站式矛盾纠纷调处化解中心调解"
                plan.steps[-1].note = incident.result_note  # the closing step
                self.closed_by_case.append(plan)
            category = CATEGORY_FROM_KIND[incident.kind]
            gate = incident.people_involved >= 15
            path, end = self.path_and_end(gate)
            specs.append(DisputeSpec(park=k, category=category, began=incident.reported_at, created=opened,
                                     path=path, end=end, payment=self.payment(category), incident=incident,
                                     enterprise=incident.enterprise, people=incident.people_involved,
                                     on_site=path[0] == L.PARK))
        today = timezone.localdate(self.now)
        for n in range(max(0, 100 - len(specs) - SHOWCASE_CASES)):
            k = rng.randrange(3)
            category = (STANDALONE_CATEGORIES[n][0] if n < len(STANDALONE_CATEGORIES)  # each at least once
                        else rng.choices(*zip(*STANDALONE_CATEGORIES))[0])
            began = at(today - timedelta(days=rng.randint(3, 364)), rng.randint(8, 17), rng.randrange(60))
            path, end = self.path_and_end(False)
            people = rng.randint(3, 40) if category == C.LABOUR_WAGE else 1
            specs.append(DisputeSpec(park=k, category=category, began=began,
                                     created=began + timedelta(hours=rng.uniform(0.5, 20)), path=path, end=end,
                                     payment=self.payment(category), enterprise=rng.choice(self.enterprises[k]),
                                     people=people))
        specs += self.showcase(incident_plans, today)
        return specs

    def showcase(self, incident_plans, today):
        """The cases a first visitor should meet, whatever the random draws: in park 1, a wage plan reopened
        by a missed instalment, one with an instalment due in two days (the reminder fires) and one reminded
        already; in park 2 an older case reopened by a late instalment and then paid off, and a withdrawn
        one; in park 3 a contract dispute settled beyond the park."""
        rng, now = self.rng, self.now
        day = timedelta(days=1)

        def case(k, days_ago, path, category=C.LABOUR_WAGE, end="agreement", payment="instalments", **extra):
            began = at(timezone.localdate(now - days_ago * day), rng.randint(8, 10), rng.randrange(60))
            enterprise = rng.choice([e for e in self.enterprises[k] if e.headcount >= 80])
            people = rng.randint(12, 35) if category == C.LABOUR_WAGE else 1
            return DisputeSpec(park=k, category=category, began=began, created=began + timedelta(hours=1),
                               path=path, end=end, payment=payment, enterprise=enterprise, people=people,
                               showcase=True, **extra)

        def wage(k, days_ago, path, dues, **extra):
            return case(k, days_ago, path, dues=dues, **extra)

        return [
            case(1, 120, (L.ENTERPRISE, L.PARK), category=C.LABOUR_OTHER, end="withdrawn"),
            case(2, 250, (L.PARK, L.BEYOND), category=C.ECONOMIC_CONTRACT, payment="spot"),
            wage(0, 75, (L.PARK,), (today - 40 * day, today - 10 * day, today + 20 * day), missed=2,
                 session_after_reopen=True),
            wage(0, 40, (L.ENTERPRISE, L.PARK), (today - 15 * day, today + 2 * day, today + 32 * day)),
            wage(0, 50, (L.PARK,), (today - 30 * day, today + 1 * day, today + 31 * day), reminded=2),
            wage(1, 200, (L.PARK,), (today - 160 * day, today - 130 * day, today - 100 * day), late={2: 4}),
        ]

    def build(self, incident_plans):
        cases = []
        for spec in self.specs(incident_plans):
            case = Case(self, spec)
            case.run()
            d = case.dispute
            d.seconds_enterprise, d.seconds_park, d.seconds_beyond = (case.seconds[level] for level in
                                                                     Dispute.LEVEL_ORDER)
            d.version = len(case.transitions)
            cases.append(case)
        return sorted(cases, key=lambda c: c.dispute.began_at)


def save_disputes(cases):
    disputes = [c.dispute for c in cases]
    sessions = [s for c in cases for s in c.sessions]
    agreements = [c.agreement for c in cases if c.agreement]
    obligations = [o for c in cases for o in c.obligations]
    payments = [p for c in cases for p in c.payments]
    for case in cases:
        case.dispute.created_at, case.dispute.updated_at = case.transitions[0].at, case.last
        for o in case.obligations:
            o.created_at = case.agreement.at
            o.updated_at = max([p.at for p in case.payments if p.obligation is o] + [case.agreement.at])
    for s in sessions:
        s.created_at = s.started_at + timedelta(minutes=s.duration_minutes)
    for row in agreements + payments:
        row.created_at = row.at
    with times_as_given(Dispute, MediationSession, Agreement, Obligation, Payment):
        Dispute.objects.bulk_create(disputes)
        DisputeTransition.objects.bulk_create(t for c in cases for t in c.transitions)
        Dispute.agencies.through.objects.bulk_create(
            Dispute.agencies.through(dispute_id=c.dispute.pk, agency_id=a.pk) for c in cases for a in c.agencies)
        DisputeParty.objects.bulk_create(p for c in cases for p in c.parties)
        MediationSession.objects.bulk_create(sessions)
        MediationSession.mediators.through.objects.bulk_create(
            MediationSession.mediators.through(mediationsession_id=s.pk, user_id=u.pk)
            for s in sessions for u in s.mediator_users)
        MediationSession.agencies.through.objects.bulk_create(
            MediationSession.agencies.through(mediationsession_id=s.pk, agency_id=a.pk)
            for s in sessions for a in s.agency_rows)
        Agreement.objects.bulk_create(agreements)
        Agreement.parties.through.objects.bulk_create(
            Agreement.parties.through(agreement_id=c.agreement.pk, disputeparty_id=p.pk)
            for c in cases if c.agreement for p in c.parties)
        Obligation.objects.bulk_create(obligations)
        Payment.objects.bulk_create(payments)
    return disputes


def mark_incidents(plans):
    """The incidents closed by opening a case were saved before it: their result and closing step's note."""
    Incident.objects.bulk_update([plan.incident for plan in plans], ["result", "result_note"])
    IncidentTransition.objects.bulk_update([plan.steps[-1] for plan in plans], ["note"])


# ------------------------------------------------------------------ the inbox
def seed_notifications(now, accounts, cases):
    """What officer1, mediator1 and the leader find in their inbox about disputes: the cases routed to the
    centre lately, the reopened case, the escalations beyond the park and an instalment reminder."""
    officer, mediator, leader = accounts["officer1"], accounts["mediator1"], accounts["leader"]
    park1 = officer.role_assignments.get().park_id
    inbox = Inbox(now, Dispute)
    add = inbox.add

    for case in cases:
        d = case.dispute
        routed = getattr(case, "routed_at", None)
        if d.mediator == mediator and routed and now - routed < timedelta(days=90):
            add(mediator, Notification.Kind.DISPUTE_ROUTED, f"纠纷分派给您：{d.title}", d.core_demands, d, routed,
                read_after=timedelta(hours=2) if now - routed > timedelta(days=2) else None)
        for reopened, missed in case.reopened if d.park_id == park1 else ():
            for user in dict.fromkeys(u for u in (d.handler, d.mediator) if u):
                add(user, Notification.Kind.DISPUTE_REOPENED, f"纠纷重新调处：{d.title}（分期未按期履行）",
                    case.transitions[-1].note if d.status == DS.OPEN else "纠纷已重新打开。", d, reopened,
                    read_after=None if d.status == DS.OPEN else timedelta(hours=3),
                    dedupe_key=f"obligation-missed-{missed.pk}")
        beyond = [t for t in case.transitions if t.kind == DisputeTransition.Kind.LEVEL and t.to_value == L.BEYOND]
        if beyond and now - beyond[-1].at < timedelta(days=180):
            add(leader, Notification.Kind.DISPUTE_UPDATE, f"纠纷动态：{d.title} 已升级至园区外", beyond[-1].note, d,
                beyond[-1].at, read_after=timedelta(hours=5))
        for o in case.obligations:
            if o.reminded_on:
                sent = at(o.reminded_on, 9)
                for user, read in ((d.handler, timedelta(hours=1)), (d.mediator, None)):
                    add(user, Notification.Kind.OBLIGATION_DUE,
                        f"分期即将到期：{d.title} 第 {o.sequence} 期（{o.due_on:%Y-%m-%d}）", f"尚有{o.amount}元未付。", d, sent, read_after=read, dedupe_key=f"obligation-due-{o.pk}")
    return inbox.save()


# ------------------------------------------------------------------ the module's run
def seed(ctx):
    """A year of disputes for the demo station's three parks, many of them opened from its incidents."""
    accounts, parks = ctx.shared["accounts"], ctx.shared["demo_parks"]
    centres = [park.mediation_centre for park in parks]
    park_index = {park.pk: k for k, park in enumerate(parks)}
    team_names = {}
    for team in ctx.shared["teams"]:  # each park's first team: its enterprise's showcase volunteers
        team_names.setdefault(park_index[team.park_id], team.name)
    builder = DisputeBuilder(ctx.rng("cases"), ctx.now, parks, ctx.shared["active"], accounts,
                             ctx.shared["agencies"], centres, team_names)
    cases = builder.build(ctx.shared["incident_plans"])
    mark_incidents(builder.closed_by_case)
    disputes = save_disputes(cases)
    notifications = seed_notifications(ctx.now, accounts, cases)
    return {"disputes": len(disputes), "agreements": sum(1 for c in cases if c.agreement),
            "notifications": len(notifications)}
