"""The enterprises' demo: enterprises with two liaisons each for every park of the city, the liaison demo
accounts, and for the demo station three months of visits and demands.

Enterprises and liaisons are written in chunks of 10,000 so that a city of 50,000 stays within memory.
"""
from datetime import timedelta
from decimal import Decimal

import shapely
from django.utils import timezone
from stdnum.cn import uscc

from parkbeat.core.demo import at, mobile, person_name
from parkbeat.enterprises.models import (
    WEEKDAYS, Demand, DemandTransition, Enterprise, Industry, KeyDesignation, Liaison, RiskCategory, Visit,
)
from parkbeat.org.demo import ensure_accounts
from parkbeat.org.models import Role

REQUIRES = ("org",)

INDUSTRY_WORDS = {
    Industry.MACHINERY: ("机械制造", "重工", "精密机械", "数控设备", "液压机械", "机电设备"),
    Industry.RAIL: ("轨道交通装备", "电力机车配件", "轨道科技", "牵引电气"),
    Industry.AUTO: ("汽车零部件", "汽配", "车桥", "汽车电子"),
    Industry.ELECTRONICS: ("电子科技", "电气", "光电", "半导体"),
    Industry.CHEMICAL: ("化工", "精细化工", "涂料", "新能源材料"),
    Industry.MATERIALS: ("硬质合金", "新材料", "陶瓷材料", "粉末冶金"),
    Industry.MEDICAL: ("医疗器械", "生物医药", "制药"),
    Industry.FOOD: ("食品", "粮油", "饮品"),
    Industry.TEXTILE: ("服饰", "纺织", "制衣"),
    Industry.LOGISTICS: ("物流", "仓储", "供应链管理"),
    Industry.CONSTRUCTION: ("建设工程", "建材", "钢结构"),
    Industry.SERVICES: ("物业管理", "人力资源服务", "信息技术"),
    Industry.OTHER: ("包装", "印务", "贸易"),
}
# Zhuzhou's parks lean to rail, machinery, hard alloys and auto parts.
INDUSTRY_WEIGHTS = {
    Industry.MACHINERY: 18, Industry.RAIL: 12, Industry.AUTO: 10, Industry.ELECTRONICS: 9, Industry.CHEMICAL: 5,
    Industry.MATERIALS: 9, Industry.MEDICAL: 4, Industry.FOOD: 6, Industry.TEXTILE: 7, Industry.LOGISTICS: 8,
    Industry.CONSTRUCTION: 4, Industry.SERVICES: 5, Industry.OTHER: 3,
}
BRAND = "华宏鑫盛达泰恒瑞丰创兴隆远博精锐联科诚信德嘉辉晟昊安顺正金天宇中湘众凯铭卓越旭东明亿通祥福源海星力腾骏峰皓晨宝利和美佳永益汇润泽振鼎航翔舜炎楚韶"
DAY_SHIFT = [["08:00", "12:00"], ["13:30", "17:30"]]
NIGHT_SHIFT = [["00:00", "05:00"], ["08:00", "12:00"], ["13:30", "17:30"], ["21:00", "23:59"]]
ROUND_THE_CLOCK = [["00:00", "23:59"]]
# (chance of night shifts, chance of round-the-clock furnaces) per industry; other industries: (0.05, 0).
SHIFT_ODDS = {
    Industry.CHEMICAL: (0.3, 0.15), Industry.MATERIALS: (0.3, 0.15), Industry.RAIL: (0.2, 0),
    Industry.AUTO: (0.25, 0), Industry.MACHINERY: (0.15, 0), Industry.ELECTRONICS: (0.2, 0),
    Industry.TEXTILE: (0.15, 0), Industry.FOOD: (0.2, 0), Industry.MEDICAL: (0.15, 0), Industry.LOGISTICS: (0.3, 0),
}
# How much an industry weighs when picking key enterprises, and the risk that makes it key.
KEY_RISK = {
    Industry.CHEMICAL: (1.0, RiskCategory.HAZMAT), Industry.MATERIALS: (0.8, RiskCategory.DUST),
    Industry.LOGISTICS: (0.6, RiskCategory.FIRE), Industry.RAIL: (0.5, RiskCategory.MACHINERY),
    Industry.MACHINERY: (0.5, RiskCategory.MACHINERY), Industry.AUTO: (0.4, RiskCategory.MACHINERY),
    Industry.TEXTILE: (0.4, RiskCategory.CROWD), Industry.MEDICAL: (0.4, RiskCategory.HAZMAT),
    Industry.ELECTRONICS: (0.3, RiskCategory.CROWD), Industry.FOOD: (0.3, RiskCategory.FIRE),
    Industry.CONSTRUCTION: (0.3, RiskCategory.FIRE), Industry.SERVICES: (0.0, RiskCategory.CROWD),
    Industry.OTHER: (0.1, RiskCategory.FIRE),
}
KEY_REASONS = {
    RiskCategory.HAZMAT: ("储存、使用危险化学品（{chemical}），列入重点监管", ),
    RiskCategory.DUST: ("硬质合金粉末生产，存在涉爆粉尘作业", "金属粉末研磨车间，涉爆粉尘作业"),
    RiskCategory.FIRE: ("大型仓储，可燃物集中，火灾荷载大", "车间可燃物多，电气线路负荷大"),
    RiskCategory.MACHINERY: ("大型冲压、起重设备集中，机械伤害风险高", "行车、锻压设备多，特种作业人员多"),
    RiskCategory.CROWD: ("员工{headcount}人，生产车间和宿舍人员密集", ),
    RiskCategory.LABOUR: ("近一年发生过欠薪集体讨薪，劳资纠纷风险高", "外包用工多，劳资纠纷频发"),
}
CHEMICALS = ("甲醇", "液氨", "盐酸", "天然气", "油漆稀释剂", "液氯", "硫酸")
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
ORG_CODE_SPAN = 31 ** 5


def credit_code(n, region):
    """The n-th demo credit code: unique for n < 31⁵, and it passes GB 32100 and GB 11714 checks.

    n runs through an affine bijection mod 31⁵ so neighbouring enterprises do not get neighbouring codes.
    """
    k = (n * 7_654_321 + 1_234_567) % ORG_CODE_SPAN
    tail = ""
    for _ in range(5):
        k, digit = divmod(k, 31)
        tail = USCC_ALPHABET[digit] + tail
    org = "MA4" + tail
    weighted = sum(int(c, 36) * w for c, w in zip(org, (3, 7, 9, 10, 5, 8, 4, 2)))
    org_check = {10: "X", 11: "0"}.get(11 - weighted % 11, str(11 - weighted % 11))
    body = f"91{region}{org}{org_check}"
    return body + uscc.calc_check_digit(body)


def headcount(rng):
    """Most enterprises employ 20–300, some up to 1,000, a few up to 3,000."""
    r = rng.random()
    if r < 0.82:
        return int(20 + 280 * rng.random() ** 1.6)
    if r < 0.97:
        return rng.randint(300, 1000)
    return rng.randint(1000, 3000)


def production_hours(rng, industry):
    night, continuous = SHIFT_ODDS.get(industry, (0.05, 0))
    r = rng.random()
    if r < continuous:
        return {day: ROUND_THE_CLOCK for day in WEEKDAYS}
    if r < continuous + night:
        return {day: NIGHT_SHIFT for day in WEEKDAYS[:6]}
    if r < continuous + night + 0.3:
        return {day: DAY_SHIFT for day in WEEKDAYS[:6]}
    return {day: DAY_SHIFT for day in WEEKDAYS[:5]}


def _allocate(rng, parks, total):
    """Split `total` over the parks by area (±30%); the largest remainders take the rounding."""
    weights = [float(p.area) * rng.uniform(0.7, 1.3) for p in parks]
    shares = [total * w / sum(weights) for w in weights]
    counts = [int(s) for s in shares]
    by_remainder = sorted(range(len(parks)), key=lambda i: counts[i] - shares[i])
    for i in by_remainder[:total - sum(counts)]:
        counts[i] += 1
    return counts


def generate_enterprises(rng, parks, total):
    """`total` enterprise rows (dicts of Enterprise fields, "park" an index into `parks`), in park order.

    One in fifteen is key, all of them active: the riskiest industries and biggest workforces first.
    """
    industries, weights = list(INDUSTRY_WEIGHTS), list(INDUSTRY_WEIGHTS.values())
    names, rows = set(), []
    for index, (park, count) in enumerate(zip(parks, _allocate(rng, parks, total))):
        outline = shapely.Polygon(park.boundary["coordinates"][0])
        shapely.prepare(outline)
        minx, miny, maxx, maxy = outline.bounds
        for _ in range(count):
            industry = rng.choices(industries, weights)[0]
            people = headcount(rng)
            while True:
                brand = "".join(rng.sample(BRAND, 2))
                big = people >= 800 and rng.random() < 0.5
                name = f"株洲{brand}{rng.choice(INDUSTRY_WORDS[industry])}{'股份有限公司' if big else '有限公司'}"
                if name not in names:
                    break
            names.add(name)
            while True:
                lon, lat = round(rng.uniform(minx, maxx), 6), round(rng.uniform(miny, maxy), 6)
                if shapely.contains_xy(outline, lon, lat):
                    break
            r = rng.random()
            status = (Enterprise.Status.ACTIVE if r < 0.96 else
                      Enterprise.Status.MOVED if r < 0.985 else Enterprise.Status.CLOSED)
            rows.append({
                "park": index, "name": name, "credit_code": credit_code(len(rows), park.region),
                "address": f"株洲市{park.district}{rng.choice(park.roads)}{rng.randint(1, 999)}号",
                "lon": Decimal(f"{lon:.6f}"), "lat": Decimal(f"{lat:.6f}"), "industry": industry,
                "headcount": people, "production_hours": production_hours(rng, industry), "status": status,
            })
    risk = {i: KEY_RISK[row["industry"]][0] + row["headcount"] / 3000 + rng.random() * 0.8
            for i, row in enumerate(rows) if row["status"] == Enterprise.Status.ACTIVE}
    for i in sorted(risk, key=lambda i: (-risk[i], i))[:round(total / 15)]:
        row = rows[i]
        category = RiskCategory.LABOUR if rng.random() < 0.1 else KEY_RISK[row["industry"]][1]
        reason = rng.choice(KEY_REASONS[category]).format(chemical=rng.choice(CHEMICALS), headcount=row["headcount"])
        row.update(is_key=True, key_reason=reason, risk_category=category)
    return rows


def generate_designations(rng, now, enterprises, leader):
    """The current key designation of each key enterprise: designated by the station leader some months to
    three years ago, reviewed yearly (the next review within the coming year)."""
    today = timezone.localdate(now)
    rows = []
    for enterprise in enterprises:
        if not enterprise.is_key:
            continue
        starts_on = today - timedelta(days=rng.randint(60, 1100))
        review_on = starts_on + timedelta(days=365)
        while review_on <= today:
            review_on += timedelta(days=365)
        rows.append(KeyDesignation(enterprise=enterprise, risk_category=enterprise.risk_category,
                                   reason=enterprise.key_reason, starts_on=starts_on, review_on=review_on,
                                   created_by=leader))
    return rows


SECURITY_TITLES = ("安保部经理", "保卫科科长", "安全保卫主管", "安环部部长")
ADMIN_TITLES = ("行政部经理", "综合办主任", "人事行政总监", "办公室主任")


def generate_liaisons(rng, enterprises):
    """A security head and an administration head for each saved enterprise."""
    return [
        Liaison(enterprise=enterprise, kind=kind, name=person_name(rng), title=rng.choice(titles), mobile=mobile(rng))
        for enterprise in enterprises
        for kind, titles in ((Liaison.Kind.SECURITY_HEAD, SECURITY_TITLES), (Liaison.Kind.ADMIN_HEAD, ADMIN_TITLES))
    ]


def short_name(enterprise):
    """株洲华宏机械制造有限公司 -> 华宏机械制造: how descriptions, case titles and team names call it."""
    return enterprise.name.removeprefix("株洲").removesuffix("有限公司").removesuffix("股份")


# ------------------------------------------------------------------ demo accounts
# liaison<k> is the security head of park k's largest active key enterprise (see refresh)
ACCOUNTS = (
    ("liaison1", None, Role.LIAISON, "liaison1"),
    ("liaison2", None, Role.LIAISON, "liaison2"),
    ("liaison3", None, Role.LIAISON, "liaison3"),
)


# ------------------------------------------------------------------ history: visits and demands
FINDINGS = (
    "消防通道堵塞，已现场整改", "灭火器压力不足3具，已督促更换", "监控室值班记录不全，已提醒完善",
    "厂区周界围墙一处破损，建议尽快修复", "员工宿舍私拉电线给电动车充电，已现场制止并宣传",
    "成品仓库堆放超高，已要求整改", "门卫登记制度落实到位，外来车辆登记规范", "生产秩序正常，未发现安全隐患",
    "企业反映近期夜间有可疑人员在厂区外徘徊", "开展反诈宣传，现场指导30余名员工安装国家反诈中心APP",
    "核查新入职员工信息，企业已建立用工台账", "危化品仓库双人双锁管理落实到位",
    "应急疏散指示标志部分损坏，已督促更换", "企业拖欠外包施工队工程款，存在纠纷苗头，已提醒妥善处理",
    "厂区监控存在盲区2处，建议增设摄像头", "电动车未戴头盔入厂现象较多，已协助企业落实“未戴头盔不得入厂”",
    "了解企业用工情况，近期计划招工50人", "粉尘作业区除尘设备运行正常，清扫记录完整", "配电房堆放杂物，已现场清理",
    "夜班保安在岗在位，巡查记录完整", "与企业安保负责人对接义警队排班", "走访了解企业经营状况，生产订单饱满",
    "企业反映货车进出高峰期门口拥堵",
)
DEMANDS = {
    Demand.Category.SECURITY: (
        ("希望加强园区夜间巡逻，近期厂区外电缆被盗", "已将该路段纳入夜间车巡路线，每晚巡逻不少于两次，并组织义警加强值守。"),
        ("申请在厂区周边增设治安监控探头", "已报分局，纳入下一批“雪亮工程”点位建设计划。"),
        ("员工电动车在宿舍楼下被盗，请求协助调查", "已受案并调取周边监控，同时指导企业在充电棚加装监控。"),
        ("希望派出所到企业开展反电信网络诈骗宣传", "已安排在午休时间到企业开展反诈讲座。"),
    ),
    Demand.Category.LABOUR: (
        ("外包施工队讨要工程款，担心聚集堵门，请求提前介入", "已会同街道综治中心和劳动监察约谈双方，达成分期支付协议。"),
        ("离职员工多次到厂区索要加班费，影响正常生产", "已引导当事人通过劳动仲裁解决，并安排调解员跟进。"),
        ("希望协助开展劳动法律法规宣讲", "已联系劳动保障监察大队，安排到企业开展专题宣讲。"),
    ),
    Demand.Category.TRAFFIC: (
        ("申请在厂区门口增设交通信号灯", "已转交交警部门现场勘查，先行设置减速带和警示标志。"),
        ("上下班高峰期园区主干道拥堵，希望安排疏导", "已协调交警在早晚高峰安排警力疏导。"),
        ("厂区门口道路大货车违停严重", "已联系交警开展专项整治，并在该路段增设禁停标志。"),
    ),
    Demand.Category.FIRE_SAFETY: (
        ("请求消防部门指导开展消防演练", "已协调天元区消防救援大队，本月到企业组织消防疏散演练。"),
        ("希望对新建仓库开展消防安全检查指导", "已会同消防救援大队上门检查，提出整改建议3条。"),
        ("咨询危化品仓库储存量备案事宜", "已告知应急管理局备案流程和所需材料。"),
    ),
    Demand.Category.ENVIRONMENT: (
        ("园区周边部分路灯损坏，夜间员工下班不安全", "已协调园区管委会维修，路灯已恢复照明。"),
        ("希望协调解决员工子女就近入学问题", "已将诉求转交街道和教育部门协调学位。"),
        ("希望在园区增设公交站点，方便员工通勤", "已向交通运输部门反映，拟调整公交线路途经园区。"),
    ),
    Demand.Category.PERMITS: (
        ("外地员工办理居住证需往返派出所，希望提供上门服务", "已安排户籍民警每月到园区集中办理一次。"),
        ("新招员工较多，希望协助办理集体户口迁入", "已告知集体户办理条件和材料，安排专人对接。"),
    ),
    Demand.Category.OTHER: (
        ("企业计划举办大型招聘会，请求安保支持", "已安排民警和义警到场维护秩序。"),
        ("希望协助核实一名求职人员的身份信息", "已告知企业须经本人同意，通过入职背景审查办理。"),
    ),
}
# Status odds for a demand raised in the last 7 days, and for an older one (still open = overdue).
RECENT_ODDS = {"open": 35, "in_progress": 35, "answered": 20, "closed": 10}
OLDER_ODDS = {"open": 4, "in_progress": 6, "answered": 15, "closed": 75}
STEP_NOTES = {"in_progress": "已受理，正在协调", "answered": "已答复企业", "closed": "企业确认，办结"}


KEY_OVERDUE_EVERY = 5  # one key enterprise in five is overdue (应访未访): last visited 35–60 days ago
KEY_ON_TIME_DAYS = (1, 26)  # the others last visited within the month (the weekend shift keeps them inside 30)
KEY_OVERDUE_DAYS = (35, 60)


def _visit_days(rng, today, enterprises, count):
    """[(park index, enterprise, day)]: each key enterprise visited twice about a month apart — most last visited
    within the month, a fifth 35–60 days ago (overdue by days to weeks) — and the other visits on the other
    enterprises, any day of the last three months."""
    plan = []
    for k, park_enterprises in enumerate(enterprises):
        for i, enterprise in enumerate(e for e in park_enterprises if e.is_key):
            span = KEY_OVERDUE_DAYS if i % KEY_OVERDUE_EVERY == KEY_OVERDUE_EVERY - 1 else KEY_ON_TIME_DAYS
            last = today - timedelta(days=rng.randint(*span))
            plan += [(k, enterprise, last), (k, enterprise, last - timedelta(days=rng.randint(28, 32)))]
    others = [[e for e in park_enterprises if not e.is_key] for park_enterprises in enterprises]
    while len(plan) < count:
        k = rng.randrange(3)
        plan.append((k, rng.choice(others[k] or enterprises[k]), today - timedelta(days=rng.randint(1, 90))))
    return plan[:count]


def seed_visits(rng, now, enterprises, heads, accounts, count=300):
    """Visits on working days of the last three months, by each park's officer and auxiliary: the key enterprises
    monthly (a fifth of them overdue), the others now and then (`_visit_days`)."""
    today = timezone.localdate(now)
    fire = accounts["agency_fire"]
    visits = []
    for k, enterprise, day in _visit_days(rng, today, enterprises, count):
        officer, auxiliary = accounts[f"officer{k + 1}"], accounts[f"auxiliary{k + 1}"]
        visitor, companion = (officer, auxiliary) if rng.random() < 0.65 else (auxiliary, officer)
        if day.weekday() >= 5 and rng.random() < 0.8:
            day -= timedelta(days=day.weekday() - 4)
        head = heads[enterprise.pk]
        visits.append(Visit(
            enterprise=enterprise, visitor=visitor, visited_at=at(day, rng.randint(9, 16), rng.randrange(0, 60, 5)),
            companions=rng.choice(["", "", companion.full_name, f"天元区消防救援大队 {fire.full_name}"]),
            met_with=f"{head.name}（{head.title}）",
            findings="；".join(rng.sample(FINDINGS, rng.choice((1, 1, 2)))) + "。",
        ))
    Visit.objects.bulk_create(visits)
    for visit in visits:  # created_at is auto_now_add: set it to the visit time after the insert
        visit.created_at = visit.updated_at = visit.visited_at
    Visit.objects.bulk_update(visits, ["created_at", "updated_at"])
    return visits


def _demand_steps(rng, created, now):
    """The status steps [(from, to, at, note)] of a demand raised at `created`, the last one before `now`."""
    odds = RECENT_ODDS if now - created < timedelta(days=7) else OLDER_ODDS
    status = rng.choices(list(odds), list(odds.values()))[0]
    path = {"open": [], "in_progress": ["in_progress"], "answered": ["in_progress", "answered"],
            "closed": ["in_progress", "answered", "closed"]}[status]
    if status in ("answered", "closed") and rng.random() < 0.3:
        path = path[1:]  # answered straight away
    steps, at = [("", "open", created, "登记诉求")], created
    if status == "closed" and rng.random() < 0.05:
        return steps + [("open", "closed", created + (now - created) / 3, "与既有诉求重复，合并办理")]
    for to in path:
        # Each step within five days, and always well before now.
        at = min(at + timedelta(hours=rng.uniform(2, 120)), at + (now - at) * 0.5)
        steps.append((steps[-1][1], to, at, STEP_NOTES[to]))
    return steps


def seed_demands(rng, now, parks, enterprises, visits, accounts, count=150):
    """Demands in every status, some overdue, each with one transition row per status step.

    A tenth are raised by the liaison accounts for their own enterprise, a third on visits, the rest by staff.
    """
    park_index = {park.pk: k for k, park in enumerate(parks)}
    categories = list(DEMANDS)
    demands, steps_of = [], []
    for n in range(count):
        visit = None
        if n < count // 10:
            k = n % 3
            raiser = accounts[f"liaison{k + 1}"]
            enterprise = raiser.liaison_roles.get().enterprise
            source = Demand.Source.LIAISON
        elif n < count // 10 + count // 3:
            visit = rng.choice(visits)
            enterprise, raiser, source = visit.enterprise, visit.visitor, Demand.Source.VISIT
            k = park_index[enterprise.park_id]
        else:
            k = rng.randrange(3)
            enterprise = rng.choice(enterprises[k])
            raiser = accounts[f"{rng.choice(('officer', 'officer', 'auxiliary'))}{k + 1}"]
            source = Demand.Source.OFFICER
        if visit:
            created = visit.visited_at
        elif rng.random() < 0.25:
            created = now - timedelta(hours=rng.uniform(2, 160))
        else:
            created = now - timedelta(hours=rng.uniform(170, 2150))
        category = rng.choice(categories)
        content, answer = rng.choice(DEMANDS[category])
        steps = _demand_steps(rng, created, now)
        status = steps[-1][1]
        answered_at = next((at for _from, to, at, _note in steps if to == "answered"), None)
        demand = Demand(enterprise=enterprise, visit=visit, source=source, category=category, content=content,
                        raised_by=raiser, assignee=accounts[f"officer{k + 1}"], status=status,
                        due_at=created + timedelta(days=7), answer=answer if answered_at else "",
                        answered_at=answered_at, closed_at=steps[-1][2] if status == "closed" else None,
                        version=len(steps))
        demands.append(demand)
        steps_of.append(steps)
    Demand.objects.bulk_create(demands)
    for demand, steps in zip(demands, steps_of):  # auto_now_add again: back-date after the insert
        demand.created_at, demand.updated_at = steps[0][2], steps[-1][2]
    Demand.objects.bulk_update(demands, ["created_at", "updated_at"])
    DemandTransition.objects.bulk_create(
        DemandTransition(demand=demand, actor=demand.raised_by if to == "open" else demand.assignee, at=at,
                         from_status=from_status, to_status=to, note=note)
        for demand, steps in zip(demands, steps_of)
        for from_status, to, at, note in steps
    )
    return demands


# ------------------------------------------------------------------ the module's run
def seed(ctx):
    """Enterprises and liaisons for every park; then the liaison accounts and, for the demo station's
    parks, visits and demands (one "history" generator, visits first)."""
    rows = generate_enterprises(ctx.rng("enterprises"), ctx.shared["park_plans"], ctx.enterprises)
    ctx.log(f"generated {len(rows)} enterprises")
    parks, liaison_rng, saved = ctx.shared["parks"], ctx.rng("liaisons"), []
    designation_rng, leader = ctx.rng("designations"), ctx.shared["accounts"].get("leader")
    for start in range(0, len(rows), 10_000):
        chunk = [Enterprise(**{**row, "park": parks[row["park"]]}) for row in rows[start:start + 10_000]]
        Enterprise.objects.bulk_create(chunk)
        Liaison.objects.bulk_create(generate_liaisons(liaison_rng, chunk))
        KeyDesignation.objects.bulk_create(generate_designations(designation_rng, ctx.now, chunk, leader))
        saved += chunk
        ctx.log(f"enterprises and liaisons: {len(saved)}/{len(rows)}")
    demo_parks = ctx.shared["demo_parks"]
    active = [[e for e in saved if e.park_id == park.pk and e.status == Enterprise.Status.ACTIVE]
              for park in demo_parks]
    ctx.shared["active"] = active
    accounts = refresh(ctx)

    rng = ctx.rng("history")
    heads = {row.enterprise_id: row for row in Liaison.objects.filter(
        enterprise__park__in=demo_parks, kind=Liaison.Kind.SECURITY_HEAD)}
    visits = seed_visits(rng, ctx.now, active, heads, accounts)
    demands = seed_demands(rng, ctx.now, demo_parks, active, visits, accounts)
    return {"enterprises": len(saved), "key enterprises": sum(e.is_key for e in saved), "liaisons": 2 * len(saved),
            "visits": len(visits), "demands": len(demands), "demo accounts": len(ACCOUNTS)}


def refresh(ctx):
    """Create or repair the liaison accounts, each on the liaison row already linked to it, else on the
    security head of its park's largest active key enterprise (read back, so a re-run finds the same)."""
    rows = {}
    for k, park in enumerate(ctx.shared["demo_parks"], 1):
        rows[f"liaison{k}"] = (
            Liaison.objects.filter(user__username=f"liaison{k}").select_related("enterprise").first()
            or Liaison.objects.filter(kind=Liaison.Kind.SECURITY_HEAD, enterprise__park=park,
                                      enterprise__status=Enterprise.Status.ACTIVE)
            .select_related("enterprise").order_by("-enterprise__is_key", "-enterprise__headcount", "id").first())
    return ensure_accounts(ctx, ACCOUNTS, {username: row.enterprise for username, row in rows.items()}, rows)
