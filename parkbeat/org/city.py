"""City-scale bulk data for `seed_demo --incidents N --disputes N`: three years of a whole city's cases.

The demo modules (`<app>/demo.py`) build the stations, parks and enterprises with the ORM; this module then
writes the history at city scale with raw inserts: `executemany` on SQLite (one connection, PRAGMAs for bulk
load) and `COPY` on PostgreSQL. Rows are streamed in chunks of CHUNK incidents (or disputes, or days of
visits), each chunk committed, so memory stays bounded whatever the sizes.

The structure, for the areas that will extend it:
- `Writer`: ids, inserts and sequences, per engine; every family writes through `writer.add(table, row)`.
- `City`: what the families share (parks, staff, enterprises, agencies, clocks), read once from the database.
- one function per table family (`seed_staff`, `seed_incidents`, `seed_disputes`, `seed_visits_and_demands`,
  `seed_audit`), each with its own `random.Random(f"{seed}:city:<family>")`, so the same options always give
  the same data and a new family leaves the others as they were;
- `Sizes`: the options, and the sizes of the dependent families in proportion to them;
- the areas above org add their families in their own `<app>/city.py` (`seed(city, writer, trail, sizes, seed,
  log)`), found through the app registry in INSTALLED_APPS order (`area_modules`), as `core.demo` finds the
  `demo.py` modules: org imports none of them. Patrols, for one, add checkpoints, routes, plans, a month of runs
  with their check-ins, missed checks and GPS track points (`parkbeat.patrols.city`).

Every row is valid for the app: the clocks follow the state machines (reported ≤ accepted ≤ on scene ≤
closed, one transition row per step, statuses reached only by steps already past), rows sit in a park of
their station and are handled by that park's staff, disputes have their levels, tier clocks, sessions,
agreements, instalments and payments, and the audit events extend the hash chain so `verify_audit` passes.
"""
import json
import math
import random
from importlib import import_module
from bisect import bisect
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal
from itertools import accumulate

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import module_has_submodule

from parkbeat.core.demo import CITY_ACCOUNTS, MOBILE_PREFIXES, person_name
from parkbeat.core.roles import Role

CHUNK = 20_000  # incidents, disputes or visits per committed chunk
YEARS = 3
AUDIT_DAYS = 30  # the audit trail carries the last month's case events (and every day's sign-ins)
NOTIFY_DAYS = 30  # inboxes hold the last month's messages
CITY_NOTE = "seed_demo city"  # the audit note that marks a finished city build (and its sizes)

ACCOUNTS = CITY_ACCOUNTS


# ------------------------------------------------------------------ sizes
@dataclass(frozen=True)
class Sizes:
    """The options; what is not given follows the incidents (the city of BRIEF.md's "Scale")."""

    incidents: int
    disputes: int
    visits: int | None = None
    demands: int | None = None
    track_points: int | None = None

    TRACK_POINTS_PER_INCIDENT = 10  # the city of 1,000,000 incidents has 10 million GPS track points
    @property
    def n_visits(self):
        return self.incidents * 3 // 10 if self.visits is None else self.visits

    @property
    def n_demands(self):
        return self.incidents * 6 // 100 if self.demands is None else self.demands

    @property
    def n_track_points(self):
        """The patrols' GPS track points (parkbeat.patrols.city), a month of them at the city's rate."""
        return self.incidents * self.TRACK_POINTS_PER_INCIDENT if self.track_points is None else self.track_points

    def note(self, seed):
        return (f"{CITY_NOTE}: seed={seed} incidents={self.incidents} disputes={self.disputes} "
                f"visits={self.n_visits} demands={self.n_demands} track_points={self.n_track_points}")


def built_note():
    """The note of the finished city build in this database, or None."""
    event = apps.get_model("audit", "AuditEvent").objects.filter(
        verb="import", object_type="demo", note__startswith=CITY_NOTE).order_by("id").first()
    return event.note if event else None


# ------------------------------------------------------------------ the writer
EPOCH = datetime(1970, 1, 1)


class Writer:
    """Raw inserts with ids given by us (children point at them), flushed per table in bulk.

    Times are kept as integer UTC seconds and written as text: SQLite's column holds Django's naive-UTC text,
    PostgreSQL's timestamptz parses the same text with "+00:00".
    """

    def __init__(self, log=lambda message: None):
        self.log = log
        connection.ensure_connection()
        self.vendor = connection.vendor
        self.suffix = "+00:00" if self.vendor == "postgresql" else ""
        self.columns, self.rows, self.next_ids, self.counts = {}, {}, {}, {}
        self.deferred = []  # (table, index name, CREATE INDEX statement) dropped for the load
        self._hours = {}
        self._mmss = [f"{m:02d}:{sec:02d}{self.suffix}" for m in range(60) for sec in range(60)]

    def ts(self, t):
        """UTC seconds as the column's text, e.g. "2026-12-02 18:27:57": the hour's part computed once, the
        minutes and seconds looked up."""
        if t is None:
            return None
        hour, rest = divmod(t, 3600)
        prefix = self._hours.get(hour)
        if prefix is None:
            prefix = self._hours[hour] = (EPOCH + timedelta(hours=hour)).strftime("%Y-%m-%d %H:")
        return prefix + self._mmss[rest]

    def defer_indexes(self, table):
        """Drop the table's plain indexes (not those backing a primary key or unique constraint) for the
        load: building an index once over sorted rows beats updating it row by row. `restore_indexes` puts
        them back as they were, from the statements the database itself reports."""
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
                               "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)", [table, table])
            else:
                cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                               "AND sql IS NOT NULL", [table])
            found = cursor.fetchall()
            for name, statement in found:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
                self.deferred.append((table, name, statement))

    def restore_indexes(self):
        with connection.cursor() as cursor:
            while self.deferred:
                table, name, statement = self.deferred[0]
                for kind in ("CREATE UNIQUE INDEX ", "CREATE INDEX "):  # a rolled-back drop left it in place
                    if statement.startswith(kind):
                        statement = f"{kind}IF NOT EXISTS {statement[len(kind):]}"
                        break
                cursor.execute(statement)
                self.deferred.pop(0)

    def table(self, model):
        """The db table of a model (or of an m2m through model), its columns registered on first use."""
        table = model._meta.db_table
        if table not in self.columns:
            self.columns[table] = [f.column for f in model._meta.concrete_fields]
            self.rows[table] = []
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")  # nosec B608
                self.next_ids[table] = cursor.fetchone()[0] + 1
            self.counts[table] = 0
            self.defer_indexes(table)
        return table

    def new_id(self, table):
        pk = self.next_ids[table]
        self.next_ids[table] = pk + 1
        return pk

    def add(self, table, row):
        """Queue one row (a dict of column -> value; missing columns are NULL); returns its id."""
        if "id" not in row:
            row["id"] = self.new_id(table)
        self.rows[table].append(tuple(map(row.get, self.columns[table])))
        return row["id"]

    def appender(self, table, columns):
        """A fast `add` for the largest families: a function taking one row as a tuple in the order of
        `columns` (which must name every column of the table, "id" included, the caller giving ids with
        `new_id`), queued as `add` queues it."""
        if sorted(columns) != sorted(self.columns[table]):
            raise ValueError(f"{table}: columns {sorted(columns)} are not the table's {sorted(self.columns[table])}")
        queue = self.rows[table].append
        if list(columns) == self.columns[table]:
            return queue
        order = [list(columns).index(c) for c in self.columns[table]]
        return lambda row: queue(tuple(row[i] for i in order))

    def queued(self, table):
        return len(self.rows[table])

    def flush(self):
        """Write every queued row, parents first (tables in the order they were registered)."""
        raw = connection.connection
        for table, rows in self.rows.items():
            if not rows:
                continue
            columns = self.columns[table]
            if self.vendor == "postgresql":
                names = ", ".join(connection.ops.quote_name(c) for c in columns)
                with raw.cursor() as cursor:
                    with cursor.copy(f"COPY {connection.ops.quote_name(table)} ({names}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
            else:
                names = ", ".join(connection.ops.quote_name(c) for c in columns)  # "order" is a keyword
                raw.executemany(f'INSERT INTO "{table}" ({names}) '  # nosec B608 - model tables
                                f'VALUES ({", ".join("?" * len(columns))})', rows)
            self.counts[table] += len(rows)
            rows.clear()

    def finish(self):
        """Move PostgreSQL's id sequences past the ids we gave, so the app's own inserts continue after them."""
        if self.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            for table in self.columns:
                cursor.execute(f"SELECT setval(pg_get_serial_sequence(%s, 'id'), "  # nosec B608 - model tables
                               f"(SELECT COALESCE(MAX(id), 1) FROM {connection.ops.quote_name(table)}))", [table])


def bulk_session(writer):
    """Settings suited to a bulk load, for this connection only. SQLite: foreign keys unchecked (the tests
    run `PRAGMA foreign_key_check` on a built city), no fsync, a large page cache (the file stays WAL);
    PostgreSQL: memory for building the indexes at the end."""
    with connection.cursor() as cursor:
        if writer.vendor == "sqlite":
            cursor.execute("PRAGMA foreign_keys=OFF")
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-131072")  # 128 MB of page cache
            cursor.execute("PRAGMA temp_store=MEMORY")
        else:
            cursor.execute("SET maintenance_work_mem = '256MB'")


def end_bulk_session(writer):
    with connection.cursor() as cursor:
        if writer.vendor == "sqlite":
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA cache_size=-2000")
            cursor.execute("ANALYZE")  # the planner's statistics for the new row counts
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            cursor.execute("RESET maintenance_work_mem")
            cursor.execute("ANALYZE")


# ------------------------------------------------------------------ the city as the families see it
@dataclass
class ParkStaff:
    pk: int
    name: str
    station: int  # index into City.stations
    roads: list
    officer: int
    auxiliary: int
    mediators: list
    centre: int
    centre_name: str
    agencies: dict  # kind -> agency id
    enterprises: list = field(default_factory=list)  # (id, name, address, lon, lat) of active enterprises
    weights: list = field(default_factory=list)  # cumulative, for picking an enterprise by its headcount
    busy: float = 1.0  # how busy the park is against the others


@dataclass
class City:
    now_t: int
    today: object
    offset: int  # seconds the local zone is ahead of UTC (Asia/Shanghai: no daylight saving)
    start_t: int  # local midnight YEARS years ago, as UTC seconds
    days: int
    parks: list
    stations: list  # leader user id per station
    users: dict  # id -> (username, roles text)
    window: int  # acceptance window, seconds
    busy_cum: list = field(default_factory=list)

    def local_date(self, t):
        return (EPOCH + timedelta(seconds=t + self.offset)).date()

    def day_start(self, day_index):
        return self.start_t + day_index * 86400

    def past(self, rng, t, start):
        """`t`, or on today's share of a family the same time of day squeezed into the hours gone by (with
        no draw, so the generator's sequence does not depend on the hour of the run)."""
        if t < self.now_t - 120:
            return t
        return start + (t - start) * max(0, self.now_t - 120 - start) // 86400

    def pick_park(self, rng):
        return self.parks[bisect(self.busy_cum, rng.random() * self.busy_cum[-1])]


def _rank_weights(rng, count, sigma=0.7):
    """Lognormal weights: a few parks are much busier than most."""
    return [rng.lognormvariate(0, sigma) for _ in range(count)]


# ------------------------------------------------------------------ staff and the two leaders
def seed_staff(ctx, rng):
    """Every park outside the demo station gets an officer, an auxiliary, two mediators and a mediation
    centre, every station a leader and the four partner agencies; the city and branch leaders are added.

    The demo station keeps its own accounts (leader, officer1..3, ...). Returns the City.
    """
    Park, OrgUnit, User = apps.get_model("org", "Park"), apps.get_model("org", "OrgUnit"), apps.get_model("org", "User")
    RoleAssignment, MediationCentre = apps.get_model("org", "RoleAssignment"), apps.get_model("org", "MediationCentre")
    Agency = apps.get_model("org", "Agency")
    from parkbeat.org import demo as org_demo

    password = ctx.shared.get("password") or make_password(settings.DEMO_PASSWORD)
    demo_station = org_demo.demo_station()
    stations = list(OrgUnit.objects.filter(kind=OrgUnit.Kind.STATION).order_by("id"))
    stations.sort(key=lambda s: s.pk != demo_station.pk)
    parks = list(Park.objects.filter(kind="industrial").select_related("station").order_by("id"))  # areas: none
    existing = {u.username: u for u in User.objects.all()}
    new_users, assignments = [], []

    def user(username, role, **place):
        found = existing.get(username)
        if found is None:
            found = User(username=username, full_name=person_name(rng), password=password,
                         password_changed_at=ctx.now, is_active=True)
            new_users.append(found)
            existing[username] = found
            assignments.append((found, role, place))
        return found

    for k, station in enumerate(stations[1:], 2):
        user(f"s{k:03d}_leader", Role.STATION_LEADER, unit=station)
    city = OrgUnit.objects.get(kind=OrgUnit.Kind.CITY, parent=None)
    for username, full_name, role, where in ACCOUNTS:
        made = user(username, role, unit=city if where == "city" else demo_station.parent)
        made.full_name = full_name
    codes = {p.pk: p.code for p in parks}
    for park in parks:
        if park.station_id == demo_station.pk:
            continue
        code = codes[park.pk]
        user(f"{code}_officer", Role.PARK_OFFICER, park=park)
        user(f"{code}_auxiliary", Role.AUXILIARY, park=park)
        user(f"{code}_mediator1", Role.MEDIATOR, park=park)
        user(f"{code}_mediator2", Role.MEDIATOR, park=park)
    User.objects.bulk_create(new_users)
    RoleAssignment.objects.bulk_create(RoleAssignment(user=u, role=role, **place) for u, role, place in assignments)

    centres = {c.park_id: c for c in MediationCentre.objects.all()}
    MediationCentre.objects.bulk_create(
        MediationCentre(park=p, name=f"{p.name}一站式矛盾纠纷调处化解中心", address=f"{p.address}管委会一楼",
                        phone=f"0731-2{rng.randrange(10 ** 6):06d}") for p in parks if p.pk not in centres)
    centres = {c.park_id: c for c in MediationCentre.objects.all()}
    agencies = {}
    for a in Agency.objects.all():
        agencies.setdefault(a.station_id, {})[a.kind] = a.pk
    for station in stations:
        if station.pk in agencies:
            continue
        place = station.name.removesuffix("派出所")
        made = [Agency.objects.create(name=f"{place}{suffix}", kind=kind, station=station,
                                      phone=f"0731-2{rng.randrange(10 ** 6):06d}")
                for suffix, kind in (("街道综治中心", Agency.Kind.STREET_GOVERNANCE), ("应急管理站", Agency.Kind.EMERGENCY),
                                     ("消防救援站", Agency.Kind.FIRE), ("劳动保障监察中队", Agency.Kind.LABOUR))]
        station_parks = [p for p in parks if p.station_id == station.pk]
        for agency in made:
            agency.parks.set(station_parks)
        agencies[station.pk] = {a.kind: a.pk for a in made}

    by_name = {u.username: u.pk for u in User.objects.filter(username__in=list(existing))}
    station_index = {s.pk: k for k, s in enumerate(stations)}
    mediators = {}
    for a in RoleAssignment.objects.filter(role=Role.MEDIATOR).order_by("user_id"):
        mediators.setdefault(a.park_id, []).append(a.user_id)
    demo_codes = {code: k for k, code in enumerate(org_demo.DEMO_PARK_CODES, 1)}
    plans = {p.code: p for p in ctx.shared.get("park_plans", [])}
    staff = []
    for park in parks:
        code = codes[park.pk]
        if code in demo_codes:
            k = demo_codes[code]
            officer, auxiliary = by_name[f"officer{k}"], by_name[f"auxiliary{k}"]
        else:
            officer, auxiliary = by_name[f"{code}_officer"], by_name[f"{code}_auxiliary"]
        plan = plans.get(code)
        roads = list(plan.roads) if plan else ["园区大道", "工业一路", "工业二路"]
        staff.append(ParkStaff(park.pk, park.name, station_index[park.station_id], roads, officer, auxiliary,
                               mediators.get(park.pk) or [officer], centres[park.pk].pk, centres[park.pk].name,
                               agencies.get(park.station_id, {})))
    leaders = [by_name["leader"]] + [by_name[f"s{k:03d}_leader"] for k in range(2, len(stations) + 1)]
    roles = {a.user_id: set() for a in RoleAssignment.objects.all()}
    for a in RoleAssignment.objects.all():
        roles[a.user_id].add(a.role)
    names = {pk: username for username, pk in by_name.items()}
    users = {pk: (names.get(pk, ""), ",".join(sorted(r))) for pk, r in roles.items()}

    now = ctx.now
    offset = int(timezone.localtime(now).utcoffset().total_seconds())
    today = timezone.localdate(now)
    first = today - timedelta(days=365 * YEARS)
    start_t = int(timezone.make_aware(datetime.combine(first, time())).timestamp())
    from parkbeat.incidents.demo import accept_window
    city_state = City(now_t=int(now.timestamp()), today=today, offset=offset, start_t=start_t,
                      days=(today - first).days + 1, parks=staff, stations=leaders, users=users,
                      window=int(accept_window().total_seconds()))
    busy = _rank_weights(rng, len(staff))
    for park, weight in zip(staff, busy):
        park.busy = weight
    city_state.busy_cum = list(accumulate(busy))
    _load_enterprises(city_state)
    return city_state, len(new_users)


def _load_enterprises(city):
    Enterprise = apps.get_model("enterprises", "Enterprise")
    index = {p.pk: p for p in city.parks}
    for pk, park_id, name, address, lon, lat, headcount in Enterprise.objects.filter(status="active").order_by(
            "id").values_list("id", "park_id", "name", "address", "lon", "lat", "headcount").iterator(chunk_size=5000):
        park = index[park_id]
        park.enterprises.append((pk, name, address, lon, lat))
        park.weights.append((park.weights[-1] if park.weights else 0) + math.sqrt(max(headcount, 1)))


def pick_enterprise(rng, park):
    if not park.enterprises:
        return None
    return park.enterprises[bisect(park.weights, rng.random() * park.weights[-1])]


def short_name(name):
    return name.removeprefix("株洲").removesuffix("有限公司").removesuffix("股份")


def _day_counts(rng, city, total, seasonal):
    """`total` spread over the days, oldest first: growing use over the years, quieter weekends, the wage
    season before the Spring Festival busier; the largest remainders take the rounding."""
    weights = []
    for d in range(city.days):
        day = city.today - timedelta(days=city.days - 1 - d)
        w = 0.7 + 0.5 * d / city.days
        if day.weekday() >= 5:
            w *= 0.8
        if seasonal and ((day.month == 12 and day.day >= 10) or day.month == 1 or (day.month == 2 and day.day <= 10)):
            w *= 1.4
        weights.append(w * rng.uniform(0.85, 1.15))
    shares = [total * w / sum(weights) for w in weights]
    counts = [int(s) for s in shares]
    for i in sorted(range(len(counts)), key=lambda i: counts[i] - shares[i])[:total - sum(counts)]:
        counts[i] += 1
    return counts


def _lognormal(rng, median, sigma, low, high):
    return min(high, max(low, rng.lognormvariate(math.log(median), sigma)))


class Trail:
    """Audit events and notifications gathered by the families, written once all cases are in."""

    def __init__(self, city, writer):
        self.city, self.writer = city, writer
        self.events = []  # (t, actor id, verb, object type, object id, object repr, changes, note)
        self.audit_from = city.now_t - AUDIT_DAYS * 86400
        self.notify_from = city.now_t - NOTIFY_DAYS * 86400
        self.notified = set()
        self.table = writer.table(apps.get_model("notifications", "Notification"))

    def event(self, t, actor, verb, object_type, object_id, object_repr, changes=None, note=""):
        if t >= self.audit_from and t < self.city.now_t:
            self.events.append((t, actor, verb, object_type, object_id, object_repr, changes or {}, note))

    def notify(self, t, recipient, kind, title, body, content_type, object_id, url, read_t=None, dedupe=""):
        if t < self.notify_from or t >= self.city.now_t:
            return
        if dedupe:
            if (recipient, dedupe) in self.notified:
                return
            self.notified.add((recipient, dedupe))
        w = self.writer
        w.add(self.table, {"recipient_id": recipient, "kind": kind, "title": title[:200], "body": body, "url": url,
                           "content_type_id": content_type, "object_id": object_id, "dedupe_key": dedupe,
                           "created_at": w.ts(t),
                           "read_at": w.ts(read_t) if read_t is not None and read_t < self.city.now_t else None})


def detail_urls(name):
    """A function pk -> the detail page's path, by reversing once."""
    marker = 987654321
    path = reverse(name, args=[marker])
    return lambda pk: path.replace(str(marker), str(pk))


# ------------------------------------------------------------------ incidents
def seed_incidents(city, writer, trail, rng, total, dispute_target):
    """`total` incidents over the years, chronological, each with its steps, agencies, inbox and audit rows.

    Returns the labour and economic incidents that became disputes: (incident id, park, reported t,
    enterprise, kind, people, handler), about `dispute_target` of them.
    """
    from parkbeat.incidents import demo as idemo
    from parkbeat.incidents.models import Incident, IncidentTransition

    S, K, IS, TK = Incident.Source, Incident.Kind, Incident.Status, IncidentTransition.Kind
    w = writer
    t_inc, t_step = w.table(Incident), w.table(IncidentTransition)
    t_agency = w.table(Incident.agencies.through)
    content_type = apps.get_model("contenttypes", "ContentType").objects.get_for_model(Incident).pk
    url = detail_urls("incidents:incident_detail")
    sources = {S.DISPATCH_110: 45, S.PATROL: 20, S.PHONE: 22, S.WALK_IN: 13}  # no liaison/volunteer accounts here
    source_list, source_weights = list(sources), list(accumulate(sources.values()))
    kinds = {s: (list(idemo.KIND_ODDS[s]), list(accumulate(idemo.KIND_ODDS[s].values()))) for s in sources}
    hours = {name: list(accumulate(h)) for name, h in
             (("day", idemo.DAY_HOURS), ("night", idemo.NIGHT_HOURS))}
    kind_label = {k: str(label) for k, label in Incident.Kind.choices}
    wage_share = 0.3  # about this share of the incidents are labour or economic
    link_odds = min(0.9, dispute_target / max(1, total * wage_share * 0.9))
    numbers = set(Incident.objects.exclude(dispatch_number="").values_list("dispatch_number", flat=True))
    linked, done = [], 0
    counts = _day_counts(rng, city, total, seasonal=True)
    window = city.window
    for d, count in enumerate(counts):
        start = city.day_start(d)
        day_text = (city.today - timedelta(days=city.days - 1 - d)).strftime("%Y%m%d")
        batch = []
        for _ in range(count):
            source = source_list[bisect(source_weights, rng.random() * source_weights[-1])]
            names, cum = kinds[source]
            kind = names[bisect(cum, rng.random() * cum[-1])]
            cum_hours = hours["night" if kind in idemo.NIGHT_KINDS or source == S.PATROL else "day"]
            hour = bisect(cum_hours, rng.random() * cum_hours[-1])
            batch.append((city.past(rng, start + hour * 3600 + rng.randrange(3600), start), source, kind))
        batch.sort()
        for reported, source, kind in batch:
            park = city.pick_park(rng)
            leader = city.stations[park.station]
            officer = park.officer
            reporter = park.auxiliary if source == S.PATROL else officer
            on_road = kind in (K.TRAFFIC, K.PUBLIC_ORDER, K.SUSPICIOUS) and rng.random() < 0.4
            enterprise = None if on_road else pick_enterprise(rng, park)
            road = rng.choice(park.roads)
            people = (rng.randint(6, 60) if kind == K.LABOUR_DISPUTE else rng.randint(3, 30)
                      if kind == K.ECONOMIC_DISPUTE else rng.choice((1, 1, 1, 2, 2, 3)))
            text = rng.choice(idemo.DESCRIPTIONS[kind]).format(
                ent=short_name(enterprise[1]) if enterprise else park.name, n=people, road=road,
                m=rng.randrange(50, 400, 10), w=rng.randint(3, 60)) + "。"
            number = ""
            if source == S.DISPATCH_110:
                while True:
                    number = f"{day_text}{rng.randrange(10_000):04d}"
                    if number not in numbers:
                        numbers.add(number)
                        break
            pk = w.new_id(t_inc)
            steps = [(TK.DISPATCH, reporter, reported, "", IS.REPORTED, officer,
                      f"{idemo.REPORT_NOTES[source]}，派给{park.name}民警")]
            status, holder, held = IS.REPORTED, officer, reported
            accepted = on_scene = closed = None
            escalations = 0
            now = city.now_t - 60
            cursor = reported
            if rng.random() < 0.04:  # not accepted in time: escalated to the leader, who hands it back
                cursor = reported + window + rng.randint(20, 120)
                if cursor < now:
                    steps.append((TK.ESCALATION, None, cursor, IS.REPORTED, IS.REPORTED, leader,
                                  f"超过{window // 60}分钟未接收，自动升级至所领导"))
                    escalations, holder, held = 1, leader, cursor
                    cursor += int(rng.uniform(120, 480))
                    if cursor < now:
                        steps.append((TK.HANDOVER, leader, cursor, IS.REPORTED, IS.REPORTED, officer,
                                      "已电话联系园区民警，交其处置"))
                        holder, held = officer, cursor
                    cursor += int(rng.uniform(60, 180))
            else:
                cursor += int(_lognormal(rng, 150, 0.6, 30, 540))
            result = result_note = ""
            dispute = False
            if cursor < now and holder == officer:
                if rng.random() < 0.03:
                    steps.append((TK.STATUS, officer, cursor, IS.REPORTED, IS.CANCELLED, officer, "重复警情，已合并处置"))
                    status = IS.CANCELLED
                else:
                    accepted = cursor
                    steps.append((TK.STATUS, officer, cursor, IS.REPORTED, IS.ACCEPTED, officer, "已接收"))
                    status = IS.ACCEPTED
                    by_phone = kind in (K.FRAUD, K.OTHER) and source in (S.PHONE, S.WALK_IN) and rng.random() < 0.6
                    if by_phone:
                        cursor += int(_lognormal(rng, 2400, 0.6, 600, 10800))
                    else:
                        cursor += int(_lognormal(rng, 1080, 0.4, 360, 2700))
                        if cursor < now:
                            on_scene = cursor
                            steps.append((TK.STATUS, officer, cursor, IS.ACCEPTED, IS.ON_SCENE, officer, "已到达现场"))
                            status = IS.ON_SCENE
                            cursor += int(3600 * _lognormal(rng, 3 if kind in idemo.WAGE_KINDS else 1.2, 0.7, 0.3, 30))
                    if cursor < now and status in (IS.ACCEPTED, IS.ON_SCENE):
                        dispute = (kind in idemo.WAGE_KINDS and status == IS.ON_SCENE
                                   and rng.random() < link_odds)
                        if dispute:
                            result, result_note = Incident.Result.DISPUTE, "现场劝导后转入矛盾纠纷调处"
                        else:
                            result, result_note = rng.choice(idemo.RESULT_NOTES[kind])
                        closed = cursor
                        steps.append((TK.STATUS, officer, cursor, status, IS.CLOSED, officer, result_note))
                        status = IS.CLOSED
            w.add(t_inc, {
                "id": pk, "created_at": w.ts(reported), "updated_at": w.ts(steps[-1][2]), "version": len(steps),
                "dispatch_number": number, "source": source, "kind": kind, "park_id": park.pk,
                "enterprise_id": enterprise[0] if enterprise else None,
                "location": enterprise[2] if enterprise else f"{park.name}{road}",
                "lon": enterprise[3] if enterprise else None, "lat": enterprise[4] if enterprise else None,
                "people_involved": people, "description": text,
                "caller_name": person_name(rng) if source in (S.DISPATCH_110, S.PHONE, S.WALK_IN) else "",
                "caller_mobile": random_mobile(rng) if source in (S.DISPATCH_110, S.PHONE) else "",
                "reported_by_id": reporter, "status": status, "holder_id": holder, "held_since": w.ts(held),
                "escalation_level": escalations, "accept_due_at": w.ts(held + window), "reported_at": w.ts(reported),
                "occurred_at": None, "accepted_at": w.ts(accepted), "on_scene_at": w.ts(on_scene),
                "closed_at": w.ts(closed), "result": result, "result_note": result_note,
            })
            for kind_, actor, at, from_status, to_status, step_holder, note in steps:
                w.add(t_step, {"incident_id": pk, "kind": kind_, "actor_id": actor, "at": w.ts(at),
                               "recorded_at": w.ts(at), "entered_late": False, "late_reason": "",
                               "from_status": from_status, "to_status": to_status, "holder_id": step_holder,
                               "note": note})
            if status == IS.CLOSED:
                for agency_kind, chance in {K.LABOUR_DISPUTE: (("labour", 0.5), ("street_governance", 0.4)),
                                            K.ECONOMIC_DISPUTE: (("street_governance", 0.5),),
                                            K.FIRE_SAFETY: (("fire", 0.5), ("emergency", 0.3))}.get(kind, ()):
                    if agency_kind in park.agencies and rng.random() < chance:
                        w.add(t_agency, {"incident_id": pk, "agency_id": park.agencies[agency_kind]})
            repr_ = f"JQ{city.local_date(reported):%Y%m%d}-{pk:06d} · {kind_label[kind]}"
            trail.event(reported, reporter, "create", "incidents.Incident", pk, repr_, {"status": [None, "reported"]})
            for _k, actor, at, from_status, to_status, _h, note in steps[1:]:
                if actor is not None and from_status != to_status:
                    trail.event(at, actor, "transition", "incidents.Incident", pk, repr_,
                                {"status": [from_status, to_status]}, note)
            trail.notify(reported, officer, "incident_dispatched", f"警情待接收：{text[:30]}",
                         f"{enterprise[2] if enterprise else park.name}，{people}人。请在{window // 60}分钟内接收。",
                         content_type, pk, url(pk), read_t=accepted)
            if escalations:
                trail.notify(steps[1][2], leader, "incident_escalated",
                             f"警情超时升级：{idemo.KIND_ZH[kind]} 等待您接警", text[:100], content_type, pk, url(pk),
                             read_t=steps[1][2] + 180, dedupe=f"incident:{pk}:escalation:1")
            if dispute:
                linked.append((pk, park, reported, enterprise, kind, people))
            done += 1
            if done % CHUNK == 0:
                commit(w)
                if done % (10 * CHUNK) == 0:
                    w.log(f"incidents: {done}/{total}")
    commit(w)
    return linked


def random_mobile(rng):
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10 ** 8):08d}"


def commit(writer):
    """Write what is queued and commit it: a chunk at a time, so neither memory nor the journal grows."""
    writer.flush()
    connection.commit()


# ------------------------------------------------------------------ disputes
def _split(total, parts):
    """`total` (Decimal) in `parts` instalments of whole yuan, the last taking the rest."""
    if parts == 1:
        return [total]
    share = (total / parts).quantize(Decimal("1"))
    return [share] * (parts - 1) + [total - share * (parts - 1)]


def seed_disputes(city, writer, trail, rng, total, linked):
    """`total` disputes: those from incidents (`linked`) and the rest reported straight to the park, each
    with parties, its level path and routing, sessions, and for those that agreed an agreement with
    instalments and payments; the tier clocks and settlements follow the transitions."""
    from parkbeat.disputes import demo as ddemo
    from parkbeat.disputes.models import (
        Agreement, Dispute, DisputeParty, DisputeTransition, MediationSession, Obligation, Payment,
    )

    L, DS, C, OUT = Dispute.Level, Dispute.Status, Dispute.Category, MediationSession.Outcome
    w = writer
    t_d, t_party, t_tr = w.table(Dispute), w.table(DisputeParty), w.table(DisputeTransition)
    t_session, t_sm = w.table(MediationSession), w.table(MediationSession.mediators.through)
    t_agreement, t_ap = w.table(Agreement), w.table(Agreement.parties.through)
    t_ob, t_pay, t_da = w.table(Obligation), w.table(Payment), w.table(Dispute.agencies.through)
    content_type = apps.get_model("contenttypes", "ContentType").objects.get_for_model(Dispute).pk
    url = detail_urls("disputes:dispute_detail")
    categories = [c for c, _n in ddemo.STANDALONE_CATEGORIES]
    category_cum = list(accumulate(n for _c, n in ddemo.STANDALONE_CATEGORIES))
    linked = linked[:total]
    standalone = total - len(linked)
    counts = _day_counts(rng, city, standalone, seasonal=True)
    # The standalone cases, day by day, merged with the linked ones in time order.
    plans = []
    for d, count in enumerate(counts):
        start = city.day_start(d)
        for _ in range(count):
            plans.append((city.past(rng, start + rng.randint(8 * 3600, 18 * 3600), start), None))
    plans += [(row[2], row) for row in linked]
    plans.sort(key=lambda p: p[0])
    now, today = city.now_t - 60, city.today
    beyond_places = ("区劳动人事争议仲裁院", "派出所调解室", "区人民法院诉调对接中心")
    done = 0
    for began, link in plans:
        if link:
            incident_id, park, _t, enterprise, kind, people = link
            category = ddemo.CATEGORY_FROM_KIND[kind]
            level = L.PARK
        else:
            incident_id, park = None, city.pick_park(rng)
            enterprise = pick_enterprise(rng, park)
            category = categories[bisect(category_cum, rng.random() * category_cum[-1])]
            people = rng.randint(3, 40) if category == C.LABOUR_WAGE else rng.randint(1, 6)
            level = L.ENTERPRISE if enterprise and rng.random() < 0.4 else L.PARK
        officer = park.officer
        mediator = rng.choice(park.mediators)
        pk = w.new_id(t_d)
        ent_name = short_name(enterprise[1]) if enterprise else park.name
        amount = Decimal(int(_lognormal(rng, 60000 if category == C.LABOUR_WAGE else 30000, 0.9, 2000, 3_000_000)))
        if category == C.NEIGHBOUR:
            amount = Decimal(int(_lognormal(rng, 3000, 0.8, 500, 50000)))
        claim, offer, concession = ddemo.POSITIONS[category]
        claim = claim.format(amount=f"{amount:,}")
        title = f"{ent_name}{ddemo.CATEGORY_ZH[category]}"[:120]

        # The path: level changes (each already past), then an end: agreed, withdrawn, or still open.
        transitions = [("status", officer, began, "", "open", "登记纠纷")]
        visited, current, t_level = [level], level, began
        span = int(86400 * _lognormal(rng, 12, 0.9, 1, 150))
        if current == L.ENTERPRISE and rng.random() < 0.45:
            tt = began + int(span * rng.uniform(0.1, 0.4))
            if tt < now:
                transitions.append(("level", officer, tt, current, L.PARK,
                                    rng.choice(ddemo.LEVEL_REASONS[(L.ENTERPRISE, L.PARK)])))
                current, t_level = L.PARK, tt
                visited.append(current)
        if current == L.PARK:
            transitions.append(("route", officer, t_level, "", str(park.centre), f"转{park.centre_name}"))
            tt = t_level + int(span * rng.uniform(0.2, 0.5))
            if rng.random() < 0.1 and tt < now:
                transitions.append(("level", officer, tt, L.PARK, L.BEYOND,
                                    rng.choice(ddemo.LEVEL_REASONS[(L.PARK, L.BEYOND)])))
                current, t_level = L.BEYOND, tt
                visited.append(current)
        end = max(began + span, t_level + 3 * 3600)
        r = rng.random()
        outcome = "settle" if r < 0.8 else "withdraw" if r < 0.9 else "breach" if r < 0.93 else "settle"
        if current == L.BEYOND and outcome == "settle" and rng.random() < 0.5:
            outcome = "withdraw"

        # Sessions: one to three over the case, the last one after the last change of level.
        session_rows, n_sessions = [], rng.choice((1, 1, 2, 2, 3))
        level_at = [(began, level)] + [(tt, to) for kind_, _a, tt, _f, to, _n in transitions if kind_ == "level"]
        for s in range(n_sessions):
            st = began + int((end - began) * (s + 1) / (n_sessions + 1))
            last = s == n_sessions - 1
            if last:
                st = max(st, t_level + 3600)
            if st >= now:
                break
            s_level = [lv for tt, lv in level_at if tt <= st][-1]
            s_outcome = (OUT.AGREEMENT if last and outcome in ("settle", "breach") else
                         rng.choice((OUT.FAILED, OUT.REFERRED)) if last else
                         rng.choice((OUT.ADJOURNED, OUT.PARTIAL, OUT.FAILED)))
            session_rows.append((st, s_level, s_outcome))
        if not session_rows and began < now - 2 * 86400:  # every case older than two days has been heard once
            st = min(began + 3 * 3600, now - 3600)
            session_rows.append((st, [lv for tt, lv in level_at if tt <= st][-1], OUT.ADJOURNED))
        agreed = bool(session_rows) and session_rows[-1][2] == OUT.AGREEMENT and session_rows[-1][0] + 7200 < now

        parties = []
        if category == C.LABOUR_WAGE:
            parties.append(("claimant", "workers", f"{ent_name}{people}名工人", None, max(3, people),
                            f"{person_name(rng)}、{person_name(rng)}"))
        else:
            parties.append(("claimant", "person", person_name(rng), None, 1, ""))
        if enterprise:
            parties.append(("respondent", "enterprise", enterprise[1][:100], enterprise[0], 1, ""))
        else:
            parties.append(("respondent", "contractor",
                            f"株洲{person_name(rng)[:1]}{rng.choice(ddemo.CONTRACTOR_KINDS)}", None, 1, ""))
        party_ids = []
        for side, kind_, name, ent_id, headcount, reps in parties:
            party_ids.append(w.add(t_party, {"dispute_id": pk, "side": side, "kind": kind_, "name": name,
                                             "enterprise_id": ent_id, "headcount": headcount,
                                             "representatives": reps, "contact_mobile": random_mobile(rng)}))
        session_ids = []
        for st, s_level, s_outcome in session_rows:
            place = (f"{ent_name}行政楼会议室" if s_level == L.ENTERPRISE else f"{park.centre_name}调解室"
                     if s_level == L.PARK else f"{rng.choice(beyond_places)}")
            sid = w.add(t_session, {"dispute_id": pk, "started_at": w.ts(st), "duration_minutes": rng.randint(30, 180),
                                    "place": place[:200], "level": s_level, "participants": "双方当事人及代表",
                                    "claimant_position": claim, "respondent_position": offer,
                                    "concessions": concession if s_outcome in (OUT.AGREEMENT, OUT.PARTIAL) else "",
                                    "outcome": s_outcome, "notes": "", "recorded_by_id":
                                    mediator if s_level == L.PARK else officer, "created_at": w.ts(st + 3 * 3600)})
            session_ids.append(sid)
            if s_level == L.PARK:
                w.add(t_sm, {"mediationsession_id": sid, "user_id": mediator})

        status, reopen, settled_t = DS.OPEN, 0, None
        if agreed:
            signed_t = session_rows[-1][0] + 2 * 3600
            signed_on = city.local_date(signed_t)
            recorder = mediator if session_rows[-1][1] == L.PARK else officer
            ratio = Decimal(str(round(rng.uniform(0.6, 1.0), 2)))
            total_amount = (amount * ratio).quantize(Decimal("1"))
            if category in (C.NEIGHBOUR, C.OTHER) and rng.random() < 0.4:
                total_amount = Decimal("0")
            parts = 0 if total_amount == 0 else rng.choice((1, 1, 2, 3))
            aid = w.new_id(t_agreement)
            obligations, payments_t = [], []
            breach = outcome == "breach" and parts >= 2
            missed_t = None
            for n, amount_n in enumerate(_split(total_amount, parts) if parts else [], 1):
                due_on = signed_on + timedelta(days=30 * (n - 1) + (0 if n == 1 else rng.randint(-3, 3)))
                due_t = max(int(timezone.make_aware(datetime.combine(due_on, time(16))).timestamp()), signed_t + 600)
                late = n > 1 and rng.random() < 0.08
                pay_on = due_on + timedelta(days=rng.randint(1, 6)) if late else due_on
                pay_t = max(int(timezone.make_aware(datetime.combine(
                    pay_on, time(rng.randint(9, 16), rng.randrange(60)))).timestamp()), signed_t + 600)
                if breach and n >= 2 and due_on + timedelta(days=1) < today:
                    # From the second instalment on nothing came: missed, and the case reopens.
                    if missed_t is None:
                        missed_t = int(timezone.make_aware(datetime.combine(due_on + timedelta(days=1),
                                                                            time(2))).timestamp())
                    obligations.append((n, amount_n, due_on, "missed", None, None))
                elif breach and n >= 2 and missed_t is not None:
                    obligations.append((n, amount_n, due_on, "pending", None, None))
                elif pay_t < now and pay_on <= today:
                    obligations.append((n, amount_n, due_on, "paid_late" if late else "paid", pay_on, pay_t))
                    payments_t.append(pay_t)
                elif due_on >= today:
                    obligations.append((n, amount_n, due_on, "pending", None, None))
                else:  # due before today and not paid yet: it was paid on the day after all
                    obligations.append((n, amount_n, due_on, "paid", due_on, due_t))
                    payments_t.append(due_t)
            if any(o[3] == "missed" for o in obligations):
                a_status = "breached"
            elif all(o[3] in ("paid", "paid_late") for o in obligations):
                a_status = "fulfilled"
            else:
                a_status = "performing"
            if not obligations:
                transitions.append(("status", recorder, signed_t, "open", "settled", "达成调解协议，当场履行完毕"))
                status, settled_t = DS.SETTLED, signed_t
            else:
                transitions.append(("status", recorder, signed_t, "open", "performing", "达成调解协议，按期履行"))
                status = DS.PERFORMING
                if a_status == "fulfilled":
                    settled_t = max(payments_t)
                    transitions.append(("status", None, settled_t, "performing", "settled", "协议履行完毕，自动结案"))
                    status = DS.SETTLED
                elif a_status == "breached":
                    transitions.append(("status", None, missed_t, "performing", "open",
                                        "第2期未按期履行，纠纷重新进入调解"))
                    status, reopen = DS.OPEN, 1
                    if missed_t + 30 * 86400 < now:
                        transitions.append(("status", officer, missed_t + 30 * 86400, "open", "withdrawn",
                                            "当事人申请劳动仲裁，撤回调解"))
                        status = DS.WITHDRAWN
            w.add(t_agreement, {"id": aid, "dispute_id": pk, "session_id": session_ids[-1],
                                "terms": f"{concession}。协议金额{total_amount}元，分{len(obligations) or 1}次履行。",
                                "total_amount": str(total_amount), "signed_on": signed_on.isoformat(),
                                "status": a_status, "recorded_by_id": recorder, "created_at": w.ts(signed_t)})
            for party_id in party_ids:
                w.add(t_ap, {"agreement_id": aid, "disputeparty_id": party_id})
            for n, amount_n, due_on, o_status, paid_on, pay_t in obligations:
                paid = amount_n if o_status in ("paid", "paid_late") else Decimal("0")
                reminded = None
                if o_status == "pending" and due_on <= today + timedelta(days=3) and rng.random() < 0.5:
                    reminded = today
                oid = w.add(t_ob, {"created_at": w.ts(signed_t), "updated_at": w.ts(pay_t or signed_t),
                                   "version": 2 if pay_t else 1, "agreement_id": aid, "sequence": n,
                                   "description": f"第{n}期款项", "due_on": due_on.isoformat(),
                                   "amount": str(amount_n), "paid_amount": str(paid),
                                   "paid_on": paid_on.isoformat() if paid_on else None, "status": o_status,
                                   "reminded_on": reminded.isoformat() if reminded else None})
                if pay_t:
                    w.add(t_pay, {"obligation_id": oid, "paid_on": paid_on.isoformat(), "amount": str(amount_n),
                                  "note": rng.choice(ddemo.PAYMENT_NOTES), "recorded_by_id": officer,
                                  "created_at": w.ts(pay_t)})
                if reminded:
                    trail.notify(city.now_t - 7200, officer, "obligation_due",
                                 f"第{n}期将于{due_on:%m月%d日}到期：{title}", f"应付{amount_n}元", content_type, pk,
                                 url(pk), dedupe=f"obligation-due-{oid}")
        elif outcome == "withdraw" and end < now:
            transitions.append(("status", officer, end, "open", "withdrawn", "当事人撤回调解申请"))
            status = DS.WITHDRAWN

        transitions.sort(key=lambda tr: tr[2])
        seconds = dict.fromkeys(Dispute.LEVEL_ORDER, 0)
        since, lv = began, level
        for kind_, _a, tt, from_value, to_value, _n in transitions:
            if kind_ == "level":
                seconds[from_value] += tt - since
                since, lv = tt, to_value
        if status in (DS.SETTLED, DS.WITHDRAWN):
            seconds[lv] += transitions[-1][2] - since
        for kind_, actor, tt, from_value, to_value, note in transitions:
            w.add(t_tr, {"dispute_id": pk, "kind": kind_, "actor_id": actor, "at": w.ts(tt), "recorded_at": w.ts(tt),
                         "entered_late": False, "late_reason": "", "from_value": from_value, "to_value": to_value,
                         "note": note})
        for agency_kind, chance in ((("labour", 0.4), ("street_governance", 0.3)) if category in
                                    (C.LABOUR_WAGE, C.LABOUR_OTHER) else (("street_governance", 0.2),)):
            if agency_kind in park.agencies and rng.random() < chance:
                w.add(t_da, {"dispute_id": pk, "agency_id": park.agencies[agency_kind]})
        w.add(t_d, {
            "id": pk, "created_at": w.ts(began), "updated_at": w.ts(transitions[-1][2]), "version": len(transitions),
            "incident_id": incident_id, "park_id": park.pk, "enterprise_id": enterprise[0] if enterprise else None,
            "title": title, "category": category,
            "summary": f"{ent_name}{ddemo.CATEGORY_ZH[category]}，涉及{people}人。{claim}。",
            "core_demands": claim, "amount_in_dispute": str(amount), "people_involved": people,
            "began_at": w.ts(began), "level": lv, "level_since": w.ts(since),
            "seconds_enterprise": seconds[L.ENTERPRISE], "seconds_park": seconds[L.PARK],
            "seconds_beyond": seconds[L.BEYOND], "status": status,
            "settled_at": w.ts(settled_t) if status == DS.SETTLED else None,
            "settled_level": lv if status == DS.SETTLED else "", "reopen_count": reopen, "opened_by_id": officer,
            "handler_id": officer, "mediation_centre_id": park.centre if L.PARK in visited else None,
            "mediator_id": mediator if L.PARK in visited else None,
        })
        repr_ = f"JF{city.local_date(began):%Y%m%d}-{pk:06d} · {title}"
        trail.event(began, officer, "create", "disputes.Dispute", pk, repr_, {"status": [None, "open"]})
        for kind_, actor, tt, from_value, to_value, note in transitions[1:]:
            if actor is not None and kind_ != "route":
                trail.event(tt, actor, "transition", "disputes.Dispute", pk, repr_, {kind_: [from_value, to_value]},
                            note)
        if L.PARK in visited:
            route_t = next(tt for kind_, _a, tt, *_rest in transitions if kind_ == "route")
            trail.notify(route_t, mediator, "dispute_routed", f"新纠纷待调解：{title}", claim, content_type, pk,
                         url(pk), read_t=route_t + 1800)
        if reopen:
            trail.notify(missed_t, officer, "dispute_reopened", f"协议未履行，纠纷重新调解：{title}", "", content_type,
                         pk, url(pk))
        done += 1
        if done % CHUNK == 0:
            commit(w)
            if done % (5 * CHUNK) == 0:
                w.log(f"disputes: {done}/{total}")
    commit(w)
    return done


# ------------------------------------------------------------------ visits and demands
def seed_visits_and_demands(city, writer, trail, rng, n_visits, n_demands):
    """Visits on working days by each park's officer or auxiliary; demands, a third raised on a visit, each
    with one transition row per status step (as the demo station's)."""
    from parkbeat.enterprises import demo as edemo
    from parkbeat.enterprises.models import Demand, DemandTransition, Liaison, Visit

    w = writer
    t_visit, t_demand, t_dtr = w.table(Visit), w.table(Demand), w.table(DemandTransition)
    heads = dict((e, f"{name}（{title}）") for e, name, title in Liaison.objects.filter(
        kind=Liaison.Kind.SECURITY_HEAD).values_list("enterprise_id", "name", "title").iterator(chunk_size=5000))
    categories = list(edemo.DEMANDS)
    visit_days = _day_counts(rng, city, n_visits, seasonal=False)
    on_visit = n_demands // 3
    demand_days = _day_counts(rng, city, n_demands - on_visit, seasonal=False)
    now_dt = timezone.now().replace(microsecond=0)
    now_dt = datetime.fromtimestamp(city.now_t, tz=now_dt.tzinfo)
    visits = demands = committed = raised_on_visits = 0

    def demand(enterprise_id, park, created, visit_id, raiser, source):
        nonlocal demands
        category = rng.choice(categories)
        content, answer = rng.choice(edemo.DEMANDS[category])
        steps = edemo._demand_steps(rng, datetime.fromtimestamp(created, tz=now_dt.tzinfo), now_dt)
        steps = [(f, to, int(at.timestamp()), note) for f, to, at, note in steps]
        status = steps[-1][1]
        answered = next((at for _f, to, at, _n in steps if to == "answered"), None)
        pk = w.add(t_demand, {
            "created_at": w.ts(created), "updated_at": w.ts(steps[-1][2]), "version": len(steps),
            "enterprise_id": enterprise_id, "visit_id": visit_id, "source": source, "category": category,
            "content": content, "raised_by_id": raiser, "assignee_id": park.officer, "status": status,
            "due_at": w.ts(created + 7 * 86400), "answer": answer if answered else "", "answered_at": w.ts(answered),
            "closed_at": w.ts(steps[-1][2]) if status == "closed" else None})
        for from_status, to, at, note in steps:
            w.add(t_dtr, {"demand_id": pk, "actor_id": raiser if to == "open" else park.officer, "at": w.ts(at),
                          "from_status": from_status, "to_status": to, "note": note})
        demands += 1

    for d in range(city.days):
        start = city.day_start(d)
        day = city.today - timedelta(days=city.days - 1 - d)
        times = sorted(city.past(rng, start + rng.randint(9 * 3600, 17 * 3600), start) for _ in range(visit_days[d]))
        standalone = sorted(city.past(rng, start + rng.randint(8 * 3600, 20 * 3600), start)
                            for _ in range(demand_days[d]))
        for t in times:
            if day.weekday() >= 5 and rng.random() < 0.8:
                t -= 86400 * (day.weekday() - 4)  # mostly on the Friday before
            park = city.pick_park(rng)
            enterprise = pick_enterprise(rng, park)
            if enterprise is None:
                continue
            visitor = park.officer if rng.random() < 0.65 else park.auxiliary
            vid = w.add(t_visit, {"created_at": w.ts(t), "updated_at": w.ts(t), "version": 1,
                                  "enterprise_id": enterprise[0], "visitor_id": visitor, "visited_at": w.ts(t),
                                  "companions": "", "met_with": heads.get(enterprise[0], "")[:200],
                                  "findings": "；".join(rng.sample(edemo.FINDINGS, rng.choice((1, 1, 2)))) + "。"})
            visits += 1
            if rng.random() * (n_visits - visits + 1) < on_visit - raised_on_visits:  # exactly on_visit in all
                raised_on_visits += 1
                demand(enterprise[0], park, t, vid, visitor, Demand.Source.VISIT)
        for t in standalone:
            park = city.pick_park(rng)
            enterprise = pick_enterprise(rng, park)
            if enterprise:
                demand(enterprise[0], park, t, None, rng.choice((park.officer, park.officer, park.auxiliary)),
                       Demand.Source.OFFICER)
        if visits + demands - committed >= CHUNK:
            commit(w)
            committed = visits + demands
    commit(w)
    return visits, demands


# ------------------------------------------------------------------ the audit trail
def seed_audit(city, writer, trail, rng):
    """The gathered case events and each staff member's working-day sign-ins, in time order, chained onto the
    trail's head exactly as `audit.services.record` chains them (so `verify_audit` passes)."""
    from types import SimpleNamespace

    from parkbeat.audit.models import AuditChainHead, AuditEvent
    from parkbeat.audit.services import event_hash

    events = trail.events
    for pk, (username, _roles) in city.users.items():
        if not username:
            continue
        for d in range(max(0, city.days - AUDIT_DAYS), city.days):
            t = city.day_start(d) + rng.randint(7 * 3600, 10 * 3600)
            if rng.random() < 0.7 and t < city.now_t:
                events.append((t, pk, "login", "", "", "", {}, ""))
    events.sort(key=lambda e: (e[0], str(e[3]), str(e[4])))
    w = writer
    table = w.table(AuditEvent)
    head, _created = AuditChainHead.objects.get_or_create(pk=1)
    prev = head.last_hash
    utc = timezone.now().tzinfo
    for t, actor, verb, object_type, object_id, object_repr, changes, note in events:
        username, roles = city.users.get(actor, ("", ""))
        event = SimpleNamespace(at=datetime.fromtimestamp(t, tz=utc), actor_username=username, actor_roles=roles,
                                ip="", request_id="", verb=verb, outcome="success", object_type=object_type,
                                object_id=str(object_id), object_repr=object_repr[:200], changes=changes, note=note,
                                prev_hash=prev)
        event.hash = event_hash(event)
        w.add(table, {"at": w.ts(t), "actor_id": actor, "actor_username": username, "actor_roles": roles, "ip": "",
                      "request_id": "", "verb": verb, "outcome": "success", "object_type": object_type,
                      "object_id": str(object_id), "object_repr": object_repr[:200],
                      "changes": json.dumps(changes, ensure_ascii=False), "note": note, "prev_hash": prev,
                      "hash": event.hash})
        prev = event.hash
        if len(w.rows[table]) >= CHUNK:
            w.flush()
    w.flush()
    AuditChainHead.objects.filter(pk=1).update(last_hash=prev)
    return len(events)


# ------------------------------------------------------------------ the run
def area_modules():
    """The `city.py` modules of the installed apps after org (this module), in INSTALLED_APPS order."""
    found = []
    for config in apps.get_app_configs():
        if config.name.startswith("parkbeat.") and config.name != __package__ and module_has_submodule(
                config.module, "city"):
            found.append(import_module(f"{config.name}.city"))
    return found


def build(ctx, sizes, log=lambda message: None):
    """Write the city's history on top of the demo modules' stations, parks and enterprises.

    Runs outside the demo's transaction: each chunk is committed. The caller records the finished build
    (`Sizes.note`) last, so an interrupted build is told apart from a finished one.
    """
    from parkbeat.disputes.models import Dispute
    from parkbeat.enterprises.models import Demand, Visit
    from parkbeat.incidents.models import Incident

    # The sizes are totals: the demo station's own year of cases counts towards them.
    n_incidents = max(0, sizes.incidents - Incident.objects.count())
    n_disputes = max(0, sizes.disputes - Dispute.objects.count())
    n_visits = max(0, sizes.n_visits - Visit.objects.count())
    n_demands = max(0, sizes.n_demands - Demand.objects.count())
    writer = Writer(log)
    bulk_session(writer)
    transaction.set_autocommit(False)
    try:
        city, staff = seed_staff(ctx, random.Random(f"{ctx.seed}:city:staff"))
        connection.commit()
        log(f"city staff: {staff} accounts, {len(city.parks)} parks")
        writer.table(Incident)
        trail = Trail(city, writer)
        linked = seed_incidents(city, writer, trail, random.Random(f"{ctx.seed}:city:incidents"),
                                n_incidents, n_disputes * 2 // 5)
        if len(linked) > n_disputes:  # more became disputes than asked for: those close as resolved
            extra = [row[0] for row in linked[n_disputes:]]
            for start in range(0, len(extra), 500):
                Incident.objects.filter(pk__in=extra[start:start + 500]).update(
                    result=Incident.Result.RESOLVED, result_note="现场劝导，双方同意协商解决")
        log(f"incidents: {writer.counts['incidents_incident']}")
        seed_disputes(city, writer, trail, random.Random(f"{ctx.seed}:city:disputes"), n_disputes, linked)
        log(f"disputes: {writer.counts['disputes_dispute']}")
        seed_visits_and_demands(city, writer, trail, random.Random(f"{ctx.seed}:city:history"),
                                n_visits, n_demands)
        log(f"visits: {writer.counts['enterprises_visit']}, demands: {writer.counts['enterprises_demand']}")
        for area in area_modules():
            area.seed(city, writer, trail, sizes, ctx.seed, log)
        seed_audit(city, writer, trail, random.Random(f"{ctx.seed}:city:audit"))
        commit(writer)
        log(f"audit events: {writer.counts['audit_auditevent']}; building the indexes")
        writer.restore_indexes()
        writer.finish()
        connection.commit()
    except BaseException:
        connection.rollback()
        writer.restore_indexes()
        connection.commit()
        raise
    finally:
        transaction.set_autocommit(True)
        end_bulk_session(writer)
    return {table: count for table, count in writer.counts.items()}
