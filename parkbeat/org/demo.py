"""The organisation's demo: the city tree, stations and their parks, the demo station's partners, the staff's
demo accounts and their duty shifts.

Station 1 is the demo station 马家河派出所 with its three named parks; with --stations the city grows around
it in a grid, for benchmarks. The liaison and volunteer accounts are made by their own apps' modules with
`ensure_accounts`, since their rows exist only there.
"""
import math
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

import shapely
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from parkbeat.core.demo import at
from parkbeat.org.models import (
    ROLE_SCOPE, Agency, DutyShift, MediationCentre, OrgUnit, Park, Role, RoleAssignment, User,
)

REQUIRES = ()  # the ground every other demo module builds on

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
# The demo station's prevention area outside its parks (护校安园): a school's surroundings north of park 1, policed
# by the station (its leader) and worked with the tobacco bureau; the park officers keep one park each.
DEMO_AREA = ("马家河中学周边", "majiahe-school", "株洲市天元区马家河中学校门外",
             "护校安园：校门口及周边 300 米内的商铺、路口与上下学通道")
DEMO_AREA_NORTH_KM = 2.8  # from park 1's centre: beyond its outline (±2.4 km), well before the next row
DEMO_AREA_HALF_KM = (0.45, 0.3)  # east-west, north-south half sides of its outline (about 0.54 km²)

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


def area_outline(lon, lat, half_km):
    """A rectangle of half sides `half_km` (east-west, north-south) around (lon, lat)."""
    dx, dy = half_km[0] / _km_per_deg_lon(lat), half_km[1] / KM_PER_DEG_LAT
    ring = [[round(lon + sx * dx, 6), round(lat + sy * dy, 6)] for sx, sy in ((-1, -1), (1, -1), (1, 1), (-1, 1))]
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


def plan_stations(rng, count):
    """Station 1 is the demo station with its three named parks; the others get made-up place names."""
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


# ------------------------------------------------------------------ demo accounts
# username, full name (None: the name on the liaison or volunteer row), role, place key (see refresh)
ACCOUNTS = (
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


def ensure_accounts(ctx, accounts, places, rows=None):
    """Create or repair `accounts` (ACCOUNTS rows): demo password, full name, and the expected role in
    `places[place key]`; the liaison or volunteer row in `rows` gives the name and mobile and is linked.

    Adds them to ctx.shared["accounts"]. All accounts share one password hash: the demo password is public
    anyway, and hashing it two dozen times would take seconds.
    """
    rows = rows or {}
    if "password" not in ctx.shared:
        ctx.shared["password"] = make_password(settings.DEMO_PASSWORD)
    found = ctx.shared.setdefault("accounts", {})
    for username, full_name, role, key in accounts:
        row = rows.get(username)
        user = User.objects.filter(username__iexact=username).first() or User(username=username)
        user.full_name = full_name or row.name
        if row:
            user.mobile = row.mobile
        user.password, user.password_changed_at, user.is_active = ctx.shared["password"], ctx.now, True
        user.save()
        column = ROLE_SCOPE[role]
        RoleAssignment.objects.get_or_create(user=user, role=role, **({column: places[key]} if column else {}))
        if row and row.user_id != user.pk:
            row.user = user
            row.save(update_fields=["user"])
        found[username] = user
    return found


# ------------------------------------------------------------------ the station's partners and duty shifts
def seed_partners(station, parks):
    for name, kind, phone in AGENCIES:
        Agency.objects.create(name=name, kind=kind, station=station, phone=phone).parks.set(parks)
    for k, park in enumerate(parks):
        MediationCentre.objects.create(park=park, name=f"{park.name}一站式矛盾纠纷调处化解中心",
                                       address=f"{park.address}管委会一楼", phone=f"0731-2883{k + 1}166")


def seed_area(station, park):
    """The demo station's school surroundings (护校安园), north of `park`: a prevention area outside any park."""
    name, code, address, description = DEMO_AREA
    ring = park.boundary["coordinates"][0] if park.boundary else [[DEMO_CENTRE[0], DEMO_CENTRE[1]]]
    lon = sum(p[0] for p in ring) / len(ring)
    lat = sum(p[1] for p in ring) / len(ring) + DEMO_AREA_NORTH_KM / KM_PER_DEG_LAT
    boundary = area_outline(lon, lat, DEMO_AREA_HALF_KM)
    return Park.objects.create(station=station, name=name, code=code, kind=Park.Kind.CAMPUS, address=address,
                               description=description, boundary=boundary,
                               area_km2=Decimal(f"{area_km2(boundary):.2f}"))


def seed_duty_shifts(now, parks, accounts):
    """This week and next: the officer by day, the auxiliary on the evening patrol (夜间巡防)."""
    monday = timezone.localdate(now) - timedelta(days=timezone.localdate(now).weekday())
    shifts = []
    for k, park in enumerate(parks, 1):
        for offset in range(14):
            day = monday + timedelta(days=offset)
            shifts.append(DutyShift(park=park, user=accounts[f"officer{k}"], role=Role.PARK_OFFICER,
                                    starts_at=at(day, 8, 30), ends_at=at(day, 17, 30), note="园区值守"))
            shifts.append(DutyShift(park=park, user=accounts[f"auxiliary{k}"], role=Role.AUXILIARY,
                                    starts_at=at(day, 17, 30), ends_at=at(day, 22), note="夜间巡防"))
    return DutyShift.objects.bulk_create(shifts)


# ------------------------------------------------------------------ the module's run
def seed(ctx):
    """The city tree, `ctx.stations` stations of three parks each and, for the demo station, its partners,
    the staff's demo accounts and two weeks of duty shifts."""
    plans = plan_stations(ctx.rng("stations"), ctx.stations)
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
    ctx.shared.update(park_plans=[p for plan in plans for p in plan.parks], parks=parks)
    area = seed_area(units[0], parks[0])
    seed_partners(units[0], parks[:3])
    for agency in Agency.objects.filter(station=units[0]):
        agency.parks.add(area)
    accounts = refresh(ctx)
    shifts = seed_duty_shifts(ctx.now, ctx.shared["demo_parks"], accounts)
    return {"stations": len(units), "parks": len(parks), "prevention areas": 1, "duty shifts": len(shifts),
            "demo accounts": len(ACCOUNTS)}


def refresh(ctx):
    """Read the demo station, its parks and agencies back from the database, and create or repair the
    staff's demo accounts; the modules after this one build on what it puts in ctx.shared."""
    station = demo_station()
    parks = {p.code: p for p in Park.objects.filter(station=station, code__in=DEMO_PARK_CODES)}
    demo_parks = [parks[code] for code in DEMO_PARK_CODES]
    agencies = {a.kind: a for a in Agency.objects.filter(station=station)}
    areas = list(Park.objects.filter(station=station, code=DEMO_AREA[1]))
    ctx.shared.update(station=station, demo_parks=demo_parks, demo_areas=areas, agencies=agencies)
    places = {"station": station, **{f"park{k}": park for k, park in enumerate(demo_parks, 1)}, **agencies}
    return ensure_accounts(ctx, ACCOUNTS, places)  # the school's surroundings: the leader's (station scope)
