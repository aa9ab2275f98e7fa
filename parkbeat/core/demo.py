"""The demo station (马家河派出所) and the city-scale data set, deterministic from a seed and written in bulk.

Each topic ("stations", "enterprises", "liaisons", ...) draws from its own `random.Random(f"{seed}:{topic}")`,
so the same seed always gives the same data and changing one topic leaves the others as they were.
Only demo and benchmark databases get this data: the command refuses to run outside demo mode.
"""
import math
import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal

import shapely
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from stdnum.cn import ric, uscc

from parkbeat.audit.services import record
from parkbeat.core.personal import blind_index
from parkbeat.enterprises.models import (
    WEEKDAYS, Demand, DemandTransition, Enterprise, Industry, Liaison, RiskCategory, Visit,
)
from parkbeat.org.models import (
    ROLE_SCOPE, Agency, DutyShift, MediationCentre, OrgUnit, Park, Role, RoleAssignment, User,
)
from parkbeat.volunteers.models import Volunteer, VolunteerTeam

CITY = "株洲市公安局"
DEMO_STATION = "马家河派出所"
DEMO_BRANCH = "天元分局"
DEMO_PARK_CODES = ("xinma", "liyu", "majiahe")

# (branch bureau, district, administrative division code for credit codes)
BRANCHES = (
    ("天元分局", "天元区", "430211"),
    ("芦淞分局", "芦淞区", "430203"),
    ("荷塘分局", "荷塘区", "430202"),
    ("石峰分局", "石峰区", "430204"),
    ("渌口分局", "渌口区", "430212"),
)
# The demo station's parks: name, code, area (km², together the article's 35.97), roads for addresses.
DEMO_PARKS = (
    ("新马工业园", "xinma", 13.12, ("新马东路", "新马西路", "新马大道", "创业路", "兴业路")),
    ("栗雨工业园", "liyu", 11.86, ("栗雨路", "栗雨东路", "株洲大道", "长江南路", "黄河南路")),
    ("马家河高新产业园", "majiahe", 10.99, ("马家河路", "高新大道", "科技路", "智造路", "湘江南路")),
)
DEMO_CENTRE = (113.08, 27.83)  # lon, lat of the demo station's middle park
PARK_SPACING_KM = 5.0  # park centres in a station's row; every outline fits within ±2.4 km of its centre
STATION_CELL_KM = (16.0, 6.0)  # one station's row of three parks fits one grid cell (east-west, north-south)
PLACE_FIRST = "金石龙白新清红桂松荷枫田月云湘明"
PLACE_SECOND = "山塘桥湾岭坪口溪洲冲港铺"
MAX_STATIONS = 1 + len(PLACE_FIRST) * len(PLACE_SECOND)
PARK_KINDS = ("工业园", "物流园", "高新产业园")

KM_PER_DEG_LAT = 110.57
KM_PER_DEG_LON_AT_EQUATOR = 111.32


# ------------------------------------------------------------------ geometry
def _km_per_deg_lon(lat):
    return KM_PER_DEG_LON_AT_EQUATOR * math.cos(math.radians(lat))


def area_km2(boundary):
    """Area of a GeoJSON polygon's outline in a local equirectangular projection: exact enough at park size."""
    ring = boundary["coordinates"][0]
    kx = _km_per_deg_lon(sum(lat for _lon, lat in ring) / len(ring))
    return shapely.Polygon([(lon * kx, lat * KM_PER_DEG_LAT) for lon, lat in ring]).area


def park_boundary(rng, lon, lat, target_km2):
    """A jittered 12-sided outline around (lon, lat), scaled to `target_km2`.

    The vertices keep their angular order, so the outline never crosses itself.
    """
    points = []
    for k in range(12):
        angle = math.radians(k * 30 + rng.uniform(-8, 8))
        reach = rng.uniform(0.82, 1.0) / max(abs(math.cos(angle)), abs(math.sin(angle)))
        points.append((reach * math.cos(angle), reach * math.sin(angle)))
    scale = math.sqrt(target_km2 / shapely.Polygon(points).area)
    kx = _km_per_deg_lon(lat)
    ring = [[round(lon + x * scale / kx, 6), round(lat + y * scale / KM_PER_DEG_LAT, 6)] for x, y in points]
    return {"type": "Polygon", "coordinates": [ring + [ring[0]]]}


# ------------------------------------------------------------------ the plan of stations and parks
@dataclass
class ParkPlan:
    name: str
    code: str
    boundary: dict
    district: str
    region: str
    roads: tuple

    @property
    def area(self):
        return Decimal(f"{area_km2(self.boundary):.2f}")


@dataclass
class StationPlan:
    name: str
    branch: int
    parks: list = field(default_factory=list)


def _grid_cells(count):
    """Grid cells nearest the demo station first, so station 1 sits in the middle of the city."""
    half = math.isqrt(count) // 2 + 1
    cells = [(c, r) for c in range(-half, half + 1) for r in range(-half, half + 1)]
    return sorted(cells, key=lambda cell: (cell[0] ** 2 + cell[1] ** 2, cell))[:count]


def plan_stations(seed, count):
    """Station 1 is the demo station with its three named parks; the others get made-up place names."""
    rng = random.Random(f"{seed}:stations")
    places = [a + b for a in PLACE_FIRST for b in PLACE_SECOND]
    rng.shuffle(places)
    centre_lon, centre_lat = DEMO_CENTRE
    stations = []
    for index, (col, row) in enumerate(_grid_cells(count)):
        lat = centre_lat + row * STATION_CELL_KM[1] / KM_PER_DEG_LAT
        lon = centre_lon + col * STATION_CELL_KM[0] / _km_per_deg_lon(centre_lat)
        _branch, district, region = BRANCHES[index % len(BRANCHES)]
        if index == 0:
            station = StationPlan(DEMO_STATION, 0)
            parks = DEMO_PARKS
        else:
            place = places[index - 1]
            station = StationPlan(f"{place}派出所", index % len(BRANCHES))
            roads = (f"{place}东路", f"{place}西路", f"{place}大道", "工业一路", "工业二路", "创业路")
            parks = [(f"{place}{kind}", f"s{index + 1:03d}p{k + 1}", round(rng.uniform(6, 14), 2), roads)
                     for k, kind in enumerate(PARK_KINDS)]
        for k, (name, code, target, roads) in enumerate(parks):
            park_lon = lon + (k - 1) * PARK_SPACING_KM / _km_per_deg_lon(lat)
            station.parks.append(ParkPlan(name, code, park_boundary(rng, park_lon, lat, target), district, region,
                                          roads))
        stations.append(station)
    return stations


# ------------------------------------------------------------------ people
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢谭廖贺龙易颜文"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰文辉力斌宇浩凯鹏俊峰晨欣怡婷雪琳颖波海亮春燕新民"
MOBILE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153",
                   "155", "156", "157", "158", "159", "173", "177", "180", "181", "182", "183", "185", "186",
                   "187", "188", "189", "199")


def person_name(rng):
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
    return rng.choice(SURNAMES) + given


def mobile(rng):
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10 ** 8):08d}"


def resident_id(rng):
    """A checksum-valid ID from 天元区 (code 430211 exists since 1983, hence births from 1983)."""
    birth = datetime(1983, 1, 1) + timedelta(days=rng.randrange(21 * 365))
    body = f"430211{birth:%Y%m%d}{rng.randrange(1000):03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum ignores the last character


# ------------------------------------------------------------------ enterprises
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


def generate_enterprises(seed, parks, total):
    """`total` enterprise rows (dicts of Enterprise fields, "park" an index into `parks`), in park order.

    One in fifteen is key, all of them active: the riskiest industries and biggest workforces first.
    """
    rng = random.Random(f"{seed}:enterprises")
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


SECURITY_TITLES = ("安保部经理", "保卫科科长", "安全保卫主管", "安环部部长")
ADMIN_TITLES = ("行政部经理", "综合办主任", "人事行政总监", "办公室主任")


def generate_liaisons(rng, enterprises):
    """A security head and an administration head for each saved enterprise."""
    return [
        Liaison(enterprise=enterprise, kind=kind, name=person_name(rng), title=rng.choice(titles), mobile=mobile(rng))
        for enterprise in enterprises
        for kind, titles in ((Liaison.Kind.SECURITY_HEAD, SECURITY_TITLES), (Liaison.Kind.ADMIN_HEAD, ADMIN_TITLES))
    ]


# ------------------------------------------------------------------ demo accounts
# username, full name (None: the name on the liaison or volunteer row), role, place key (see _demo_places)
DEMO_ACCOUNTS = (
    ("leader", "赵国栋", Role.STATION_LEADER, "station"),
    ("officer1", "李卫东", Role.PARK_OFFICER, "park1"),
    ("officer2", "王海涛", Role.PARK_OFFICER, "park2"),
    ("officer3", "陈志刚", Role.PARK_OFFICER, "park3"),
    ("auxiliary1", "刘洋", Role.AUXILIARY, "park1"),
    ("auxiliary2", "张磊", Role.AUXILIARY, "park2"),
    ("auxiliary3", "黄鹏", Role.AUXILIARY, "park3"),
    ("mediator1", "孙丽华", Role.MEDIATOR, "park1"),
    ("mediator2", "吴建平", Role.MEDIATOR, "park1"),
    ("mediator3", "郑秀英", Role.MEDIATOR, "park2"),
    ("mediator4", "何立新", Role.MEDIATOR, "park2"),
    ("mediator5", "罗春梅", Role.MEDIATOR, "park3"),
    ("mediator6", "谢志勇", Role.MEDIATOR, "park3"),
    ("agency_street", "彭小燕", Role.AGENCY_STAFF, Agency.Kind.STREET_GOVERNANCE),
    ("agency_safety", "唐文斌", Role.AGENCY_STAFF, Agency.Kind.EMERGENCY),
    ("agency_fire", "邓军", Role.AGENCY_STAFF, Agency.Kind.FIRE),
    ("agency_labour", "曾静", Role.AGENCY_STAFF, Agency.Kind.LABOUR),
    ("liaison1", None, Role.LIAISON, "liaison1"),
    ("liaison2", None, Role.LIAISON, "liaison2"),
    ("liaison3", None, Role.LIAISON, "liaison3"),
    ("volunteer1", None, Role.VOLUNTEER, "volunteer1"),
    ("sysadmin", "许晨", Role.SYSTEM_ADMIN, None),
    ("secadmin", "韩雪", Role.SECURITY_ADMIN, None),
    ("auditor", "冯敏", Role.AUDITOR, None),
)
AGENCIES = (
    ("马家河街道综治中心", Agency.Kind.STREET_GOVERNANCE, "0731-28830110"),
    ("天元区应急管理局", Agency.Kind.EMERGENCY, "0731-28681235"),
    ("天元区消防救援大队", Agency.Kind.FIRE, "0731-28682119"),
    ("天元区劳动保障监察大队", Agency.Kind.LABOUR, "0731-28685312"),
)


def demo_station():
    return OrgUnit.objects.filter(name=DEMO_STATION, kind=OrgUnit.Kind.STATION,
                                  parent__name=DEMO_BRANCH, parent__parent__name=CITY).first()


def _demo_places(station):
    """Where each demo account works, and the liaison or volunteer row it is, read back from the database
    so that a re-run finds the same ones.

    liaison<k> is the security head of park k's largest active key enterprise (or the row already linked
    to the account); volunteer1 the captain of park 1's first team.
    """
    parks = {p.code: p for p in Park.objects.filter(station=station, code__in=DEMO_PARK_CODES)}
    places = {"station": station, **{f"park{k}": parks[code] for k, code in enumerate(DEMO_PARK_CODES, 1)}}
    places.update({a.kind: a for a in Agency.objects.filter(station=station)})
    rows = {}
    for k in (1, 2, 3):
        rows[f"liaison{k}"] = (
            Liaison.objects.filter(user__username=f"liaison{k}").select_related("enterprise").first()
            or Liaison.objects.filter(kind=Liaison.Kind.SECURITY_HEAD, enterprise__park=places[f"park{k}"],
                                      enterprise__status=Enterprise.Status.ACTIVE)
            .select_related("enterprise").order_by("-enterprise__is_key", "-enterprise__headcount", "id").first())
        places[f"liaison{k}"] = rows[f"liaison{k}"].enterprise
    rows["volunteer1"] = (
        Volunteer.objects.filter(user__username="volunteer1").select_related("team").first()
        or Volunteer.objects.filter(team__park=places["park1"], is_captain=True).select_related("team")
        .order_by("team_id").first())
    places["volunteer1"] = rows["volunteer1"].team
    return places, rows


@transaction.atomic
def ensure_demo_accounts(station, now):
    """Create or repair the demo accounts: demo password, full name, and the expected role in its place.

    All accounts share one password hash: the demo password is public anyway, and hashing it two dozen
    times would take seconds.
    """
    places, rows = _demo_places(station)
    password = make_password(settings.DEMO_PASSWORD)
    accounts = {}
    for username, full_name, role, key in DEMO_ACCOUNTS:
        row = rows.get(username)
        user = User.objects.filter(username__iexact=username).first() or User(username=username)
        user.full_name = full_name or row.name
        if row:
            user.mobile = row.mobile
        user.password, user.password_changed_at, user.is_active = password, now, True
        user.save()
        column = ROLE_SCOPE[role]
        RoleAssignment.objects.get_or_create(user=user, role=role, **({column: places[key]} if column else {}))
        if row and row.user_id != user.pk:
            row.user = user
            row.save(update_fields=["user"])
        accounts[username] = user
    return accounts


# ------------------------------------------------------------------ history: visits, demands, duty shifts
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


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def seed_visits(rng, now, enterprises, heads, accounts, count=300):
    """Visits on working days of the last three months, by each park's officer and auxiliary."""
    today = timezone.localdate(now)
    fire = accounts["agency_fire"]
    visits = []
    for _ in range(count):
        k = rng.randrange(3)
        enterprise = rng.choice(enterprises[k])
        officer, auxiliary = accounts[f"officer{k + 1}"], accounts[f"auxiliary{k + 1}"]
        visitor, companion = (officer, auxiliary) if rng.random() < 0.65 else (auxiliary, officer)
        day = today - timedelta(days=rng.randint(1, 90))
        if day.weekday() >= 5 and rng.random() < 0.8:
            day -= timedelta(days=day.weekday() - 4)
        head = heads[enterprise.pk]
        visits.append(Visit(
            enterprise=enterprise, visitor=visitor, visited_at=_at(day, rng.randint(9, 16), rng.randrange(0, 60, 5)),
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


def seed_duty_shifts(now, parks, accounts):
    """This week and next: the officer by day, the auxiliary on the evening patrol (夜间巡防)."""
    monday = timezone.localdate(now) - timedelta(days=timezone.localdate(now).weekday())
    shifts = []
    for k, park in enumerate(parks, 1):
        for offset in range(14):
            day = monday + timedelta(days=offset)
            shifts.append(DutyShift(park=park, user=accounts[f"officer{k}"], role=Role.PARK_OFFICER,
                                    starts_at=_at(day, 8, 30), ends_at=_at(day, 17, 30), note="园区值守"))
            shifts.append(DutyShift(park=park, user=accounts[f"auxiliary{k}"], role=Role.AUXILIARY,
                                    starts_at=_at(day, 17, 30), ends_at=_at(day, 22), note="夜间巡防"))
    return DutyShift.objects.bulk_create(shifts)


# ------------------------------------------------------------------ the station's partners and volunteers
def seed_partners(station, parks):
    for name, kind, phone in AGENCIES:
        Agency.objects.create(name=name, kind=kind, station=station, phone=phone).parks.set(parks)
    for k, park in enumerate(parks):
        MediationCentre.objects.create(park=park, name=f"{park.name}一站式矛盾纠纷调处化解中心",
                                       address=f"{park.address}管委会一楼", phone=f"0731-2883{k + 1}166")


def _team_name(enterprise):
    return enterprise.name.removeprefix("株洲").removesuffix("有限公司").removesuffix("股份") + "义警队"


def seed_volunteers(seed, parks, enterprises):
    """Four teams per park, each nominated by an active enterprise of 80+ staff; park k's first team
    belongs to the enterprise whose security head becomes liaison<k> (see _demo_places)."""
    rng = random.Random(f"{seed}:volunteers")
    teams, members, ids = [], [], set()
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
                                     status=status))
    Volunteer.objects.bulk_create(members)
    return teams, members


# ------------------------------------------------------------------ the whole run
def seed(*, seed=2026, stations=1, enterprises=900, now=None, log=lambda message: None):
    """Build the city tree, `stations` stations of three parks, `enterprises` enterprises with two liaisons
    each and, for the demo station only, partners, volunteers, demo accounts, three months of visits and
    demands and a year of incidents and disputes (demo_cases).

    One transaction; the caller checks demo mode and that the demo station is not there yet.
    Returns the counts, for the summary and the audit note.
    """
    now = now or timezone.now()
    plans = plan_stations(seed, stations)
    with transaction.atomic():
        city, _created = OrgUnit.objects.get_or_create(name=CITY, kind=OrgUnit.Kind.CITY, parent=None)
        branches, units, parks = {}, [], []
        for plan in plans:
            if plan.branch not in branches:
                branches[plan.branch], _created = OrgUnit.objects.get_or_create(
                    name=BRANCHES[plan.branch][0], kind=OrgUnit.Kind.BRANCH, parent=city)
            units.append(OrgUnit.objects.create(name=plan.name, kind=OrgUnit.Kind.STATION,
                                                parent=branches[plan.branch]))
            parks += [Park(station=units[-1], name=p.name, code=p.code, boundary=p.boundary, area_km2=p.area,
                           address=f"株洲市{p.district}{p.roads[0]}") for p in plan.parks]
        Park.objects.bulk_create(parks)
        log(f"{len(units)} stations, {len(parks)} parks")

        rows = generate_enterprises(seed, [p for plan in plans for p in plan.parks], enterprises)
        log(f"generated {len(rows)} enterprises")
        liaison_rng = random.Random(f"{seed}:liaisons")
        saved = []
        for start in range(0, len(rows), 10_000):
            chunk = [Enterprise(**{**row, "park": parks[row["park"]]}) for row in rows[start:start + 10_000]]
            Enterprise.objects.bulk_create(chunk)
            Liaison.objects.bulk_create(generate_liaisons(liaison_rng, chunk))
            saved += chunk
            log(f"enterprises and liaisons: {len(saved)}/{len(rows)}")

        station, demo_parks = units[0], parks[:3]
        active = [[e for e in saved if e.park_id == park.pk and e.status == Enterprise.Status.ACTIVE]
                  for park in demo_parks]
        seed_partners(station, demo_parks)
        teams, members = seed_volunteers(seed, demo_parks, active)
        accounts = ensure_demo_accounts(station, now)
        log(f"{len(teams)} volunteer teams with {len(members)} members, {len(accounts)} demo accounts")

        rng = random.Random(f"{seed}:history")
        heads = {row.enterprise_id: row for row in Liaison.objects.filter(
            enterprise__park__in=demo_parks, kind=Liaison.Kind.SECURITY_HEAD)}
        visits = seed_visits(rng, now, active, heads, accounts)
        demands = seed_demands(rng, now, demo_parks, active, visits, accounts)
        shifts = seed_duty_shifts(now, demo_parks, accounts)
        from parkbeat.core.demo_cases import seed_cases  # it builds on this module's names and people

        cases = seed_cases(random.Random(f"{seed}:cases"), now, station, demo_parks, active, accounts, teams)
        log(", ".join(f"{count} {name}" for name, count in cases.items()))
        counts = {"stations": len(units), "parks": len(parks), "enterprises": len(saved),
                  "key enterprises": sum(e.is_key for e in saved), "liaisons": 2 * len(saved),
                  "volunteer teams": len(teams), "volunteers": len(members), "visits": len(visits),
                  "demands": len(demands), "duty shifts": len(shifts), **cases, "demo accounts": len(accounts)}
        record(actor=None, verb="import", object_type="demo", object_repr="demo station",
               note=f"seed_demo --seed {seed}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    return counts
