"""Patrol coverage: how well the checkpoints a user sees were visited in a period [start, end).

Choices, written down once:
- A visit is a counted check-in (`CheckIn.counted`; flagged scans never count), placed at when it happened
  (`CheckIn.at`, so a scan the phone sent later counts in the period it happened in, never `recorded_at`).
- Night visits are those made from 20:00 to 06:00 Asia/Shanghai by the clock, whatever the plan says: an
  ad-hoc run has no plan, and a day plan may run late.
- Missed checks are `MissedCheck` rows whose plan window starts in the period.
- The longest gap of a checkpoint is the longest stretch of the period without a visit: between two visits
  (LAG over its visits, in SQL), from the period's start to the first visit, or from the last visit to the
  period's end (or now, when the period has not ended); the whole period when nothing visited it.
- Teams are the volunteer teams a run's plan calls for (`PlanTeam`): a visit of such a run counts for each of
  those teams; an ad-hoc run counts for none. (Who happened to join is not a team's record; the plan is.)
- Coverage of a checkpoint: "none" without a visit, "low" with a missed check or fewer visits than days in the
  period, else "good".

Every figure is computed by the database (GROUP BY, Count(filter=)): one query per table, the gaps in one
window query. Python only reads the grouped rows back.
"""
import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import (
    Count,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Window,
)
from django.db.models.functions import ExtractHour, Lag
from django.db.models.lookups import LessThan
from django.utils import timezone

from parkbeat.core.figures import WholeSeconds
from parkbeat.core.permissions import POLICE
from parkbeat.org.models import Park
from parkbeat.patrols.models import CheckIn, Checkpoint, MissedCheck, PatrolRun
from parkbeat.volunteers.models import VolunteerTeam

SHANGHAI = ZoneInfo("Asia/Shanghai")
NIGHT_FROM, NIGHT_UNTIL = 20, 6  # hours on the Asia/Shanghai clock
MAX_PERIOD = timedelta(days=366)
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)  # a period lies within (as the incident figures)
DEFAULT_DAYS = 7
GOOD_VISITS_PER_DAY = 1
NONE, LOW, GOOD = "none", "low", "good"


@dataclass(frozen=True)
class Period:
    """[start, end), both aware."""

    start: datetime
    end: datetime

    @property
    def days(self):
        return max(1, math.ceil((self.end - self.start).total_seconds() / 86400))

    def as_dict(self):
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


def within_bounds(moment):
    """Whether a date or time lies from 2000-01-01 to 2100-12-31 (Asia/Shanghai)."""
    day = timezone.localtime(moment, SHANGHAI).date() if isinstance(moment, datetime) else moment
    return FIRST_DAY <= day <= LAST_DAY


def period_of_days(first, last):
    """The period of the dates `first` … `last`, both included (midnight to midnight, Asia/Shanghai)."""
    return Period(datetime.combine(first, time.min, SHANGHAI),
                  datetime.combine(last + timedelta(days=1), time.min, SHANGHAI))


def last_days(days=DEFAULT_DAYS, now=None):
    """The last `days` days up to `now`, today included."""
    today = timezone.localdate(now or timezone.now(), SHANGHAI)
    return period_of_days(today - timedelta(days=days - 1), today)


def scope_parks(user, park=None):
    parks = Park.objects.visible_to(user, roles=POLICE)
    return parks.filter(pk=park.pk if isinstance(park, Park) else park) if park is not None else parks


def fixed_offset_hours(zone):
    """The zone's offset from UTC in whole hours when it is the same on every day a period may hold, else None."""
    offsets = {datetime(year, month, 15, tzinfo=zone).utcoffset() for year in (FIRST_DAY.year, 2026, LAST_DAY.year)
               for month in (1, 7)}
    if len(offsets) != 1:
        return None
    seconds = offsets.pop().total_seconds()
    return int(seconds // 3600) if seconds % 3600 == 0 else None


class ClockHour(ExtractHour):
    """The hour on the Asia/Shanghai clock. On SQLite, Django extracts it with a Python function called for
    every row (the cost of the night figures at city scale: most of a month's coverage); Shanghai keeps one
    offset (+8, no daylight saving since 1991), so there the UTC hour is read from the stored text
    ("YYYY-MM-DD HH:MM:SS[.ffffff]", Django's SQLite format) and shifted by it."""

    def __init__(self, expression):
        super().__init__(expression, tzinfo=SHANGHAI)

    def as_sqlite(self, compiler, connection, **extra_context):
        offset = fixed_offset_hours(SHANGHAI)
        if offset is None:
            return super().as_sqlite(compiler, connection, **extra_context)
        sql, params = compiler.compile(self.lhs)
        return f"((CAST(substr({sql}, 12, 2) AS INTEGER) + {offset % 24}) %% 24)", params


def _night(path):
    """From NIGHT_FROM to NIGHT_UNTIL by the clock, the hour computed once: the hours since NIGHT_FROM (mod 24)
    fewer than the night's length."""
    since = (ClockHour(path) + (24 - NIGHT_FROM)) % 24
    return Q(LessThan(since, (NIGHT_UNTIL - NIGHT_FROM) % 24))


def _visits(period, prefix):
    return Q(**{f"{prefix}counted": True, f"{prefix}at__gte": period.start, f"{prefix}at__lt": period.end})


class CountOf(Subquery):
    """How many rows a correlated queryset has, 0 for none, as one scalar subquery: `(SELECT COUNT(*) FROM
    (…))`. Unlike Coalesce(Subquery(… GROUP BY …), 0), it never joins the GROUP BY of the query around it
    (Django groups by a function of a subquery, so PostgreSQL evaluated the subquery once per joined check-in
    row instead of once per checkpoint or team: most of a month's coverage at city scale)."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) counted_rows)"
    output_field = IntegerField()

    def __init__(self, queryset, **extra):
        super().__init__(queryset.order_by().values("pk"), **extra)


def _missed_in(period, **where):
    return MissedCheck.objects.filter(window_start__gte=period.start, window_start__lt=period.end, **where)


def checkpoint_scope(*, user, period, park=None):
    """The checkpoints `user` sees as police, in use or retired within or after the period."""
    return (Checkpoint.objects.visible_to(user, roles=POLICE)
            .filter(park__in=scope_parks(user, park).values("pk"))
            .filter(Q(is_active=True) | Q(retired_at__gte=period.start)))


def checkpoint_coverage(*, user, period, park=None):
    """The checkpoints of `checkpoint_scope`, each annotated with `visits`, `night_visits`, `first_visit`,
    `last_visit` (the latest before the period's end) and `missed`: one grouped query."""
    in_period = _visits(period, "checkins__")
    missed = CountOf(_missed_in(period, checkpoint=OuterRef("pk")))
    return (checkpoint_scope(user=user, period=period, park=park)
            .select_related("park").defer("park__boundary", "park__description")
            .annotate(visits=Count("checkins", filter=in_period),
                      night_visits=Count("checkins", filter=in_period & _night("checkins__at")),
                      first_visit=Min("checkins__at", filter=in_period),
                      last_visit=Max("checkins__at", filter=Q(checkins__counted=True, checkins__at__lt=period.end)),
                      missed=missed)
            .order_by("park__name", "name", "pk"))


def gaps_between_visits(*, user, period, park=None):
    """{checkpoint id: the longest time in whole seconds between two of its visits in the period}: LAG over
    each checkpoint's visits in one query, one row per checkpoint read back (none for fewer than two visits)."""
    scope = checkpoint_scope(user=user, period=period, park=park).values("pk")
    rows = (CheckIn.objects.filter(checkpoint__in=scope, counted=True, at__gte=period.start, at__lt=period.end)
            .annotate(previous=Window(Lag("at"), partition_by=[F("checkpoint_id")],
                                      order_by=[F("at").asc(), F("id").asc()]))
            .annotate(gap=WholeSeconds("at", "previous")).order_by().values_list("checkpoint_id", "gap"))
    try:
        inner, params = rows.query.sql_with_params()
    except EmptyResultSet:  # a user who sees nothing
        return {}
    with connections[rows.db].cursor() as cursor:
        cursor.execute(f"SELECT gaps.checkpoint_id, MAX(gaps.gap) FROM ({inner}) gaps"  # nosec B608
                       " WHERE gaps.gap IS NOT NULL GROUP BY gaps.checkpoint_id", params)
        return dict(cursor.fetchall())


def longest_gap(period, first_visit, last_visit, between=None, now=None):
    """The longest stretch of the period without a visit, in whole seconds (see the module's note): `between`
    from `gaps_between_visits`, the edges from the first visit in the period and the last before its end."""
    now = now or timezone.now()
    end = min(period.end, max(now, period.start))
    if first_visit is None:
        return int((end - period.start).total_seconds())
    edges = [int((first_visit - period.start).total_seconds()),
             int((end - last_visit).total_seconds()) if last_visit is not None and last_visit < end else 0]
    return max([between or 0, *edges])


def level(visits, missed, days):
    """none / low / good (see the module's note)."""
    if not visits:
        return NONE
    if missed or visits < days * GOOD_VISITS_PER_DAY:
        return LOW
    return GOOD


def share(part, whole):
    """A share in percent to one decimal, None of nothing."""
    return None if not whole else round(100 * part / whole, 1)


def park_coverage(*, user, period, park=None):
    """Per park in scope: checkpoints, checkpoints visited, visits, night visits, last visit and missed checks
    (two grouped queries)."""
    in_period = _visits(period, "checkins__")
    scope = checkpoint_scope(user=user, period=period, park=park).values("pk")
    rows = list(Checkpoint.objects.filter(pk__in=scope).order_by()
                .values("park_id", "park__name")
                .annotate(checkpoints=Count("pk", distinct=True),
                          visited=Count("pk", distinct=True, filter=in_period),
                          visits=Count("checkins", filter=in_period),
                          night_visits=Count("checkins", filter=in_period & _night("checkins__at")),
                          last_visit=Max("checkins__at", filter=in_period))
                .order_by("park__name", "park_id"))
    missed = dict(_missed_in(period, checkpoint__in=scope).order_by()
                  .values("checkpoint__park_id").annotate(n=Count("pk")).values_list("checkpoint__park_id", "n"))
    for row in rows:
        row["missed"] = missed.get(row["park_id"], 0)
        row["coverage_share"] = share(row["visited"], row["checkpoints"])
        row["night_share"] = share(row["night_visits"], row["visits"])
    return rows


def team_coverage(*, user, period, park=None):
    """Per volunteer team called for by a plan of a park in scope: runs started in the period, visits of those
    plans' runs (each counted for every team the plan calls for), night visits, checkpoints reached, last visit
    and missed checks of those plans: two grouped queries."""
    parks = scope_parks(user, park).values("pk")
    visit = "patrol_plans__plan__runs__checkins__"
    in_period = _visits(period, visit) & Q(**{f"{visit}checkpoint__park_id__in": parks})
    # The missed checks per team in a query of their own: as a subquery in this one's SELECT, Django would also
    # GROUP BY it (a values() grouping), and PostgreSQL evaluate it once per joined check-in.
    missed = dict(_missed_in(period, plan__park_id__in=parks, plan__teams__team__isnull=False).order_by()
                  .values("plan__teams__team").annotate(n=Count("pk")).values_list("plan__teams__team", "n"))
    rows = list(VolunteerTeam.objects.filter(patrol_plans__plan__park_id__in=parks).order_by()
                .values("pk", "name", "park__name")
                .annotate(runs=Count("patrol_plans__plan__runs", distinct=True,
                                     filter=Q(patrol_plans__plan__runs__started_at__gte=period.start,
                                              patrol_plans__plan__runs__started_at__lt=period.end)),
                          visits=Count(f"{visit}id", filter=in_period),
                          night_visits=Count(f"{visit}id", filter=in_period & _night(f"{visit}at")),
                          checkpoints_reached=Count(f"{visit}checkpoint_id", distinct=True, filter=in_period),
                          last_visit=Max(f"{visit}at", filter=in_period))
                .order_by("name", "pk"))
    for row in rows:
        row["missed"] = missed.get(row["pk"], 0)
        row["night_share"] = share(row["night_visits"], row["visits"])
    return rows


def coverage(*, user, period, park=None, now=None):
    """Everything the page, the API and the command show: the period, the totals, per park, per team and per
    checkpoint (with its longest gap and level)."""
    now = now or timezone.now()
    between = gaps_between_visits(user=user, period=period, park=park)
    checkpoints = []
    for cp in checkpoint_coverage(user=user, period=period, park=park):
        checkpoints.append({
            "id": cp.pk, "name": cp.name, "park": cp.park_id, "park_name": cp.park.name, "kind": cp.kind,
            "lon": float(cp.lon), "lat": float(cp.lat), "visits": cp.visits, "night_visits": cp.night_visits,
            "night_share": share(cp.night_visits, cp.visits), "last_visit": cp.last_visit, "missed": cp.missed,
            "longest_gap_seconds": longest_gap(period, cp.first_visit, cp.last_visit, between.get(cp.pk), now),
            "level": level(cp.visits, cp.missed, period.days)})
    parks = park_coverage(user=user, period=period, park=park)
    totals = {key: sum(p[key] for p in parks) for key in ("checkpoints", "visited", "visits", "night_visits",
                                                           "missed")}
    totals["coverage_share"] = share(totals["visited"], totals["checkpoints"])
    totals["night_share"] = share(totals["night_visits"], totals["visits"])
    return {"period": period, "totals": totals, "parks": parks,
            "teams": team_coverage(user=user, period=period, park=park), "checkpoints": checkpoints}


def week_figures(*, user, now=None):
    """The workbench's patrol figures: runs going on now, missed checks of the last 7 days and the share of
    checkpoints visited in them (three small queries)."""
    period = last_days(DEFAULT_DAYS, now)
    parks = scope_parks(user).values("pk")
    running = PatrolRun.objects.filter(park_id__in=parks, status=PatrolRun.Status.RUNNING).count()
    missed = _missed_in(period, checkpoint__park_id__in=parks).count()
    visited = (Checkpoint.objects.filter(park_id__in=parks, is_active=True)
               .aggregate(total=Count("pk", distinct=True),
                          visited=Count("pk", distinct=True, filter=_visits(period, "checkins__"))))
    return {"period": period, "running": running, "missed": missed, "checkpoints": visited["total"],
            "visited": visited["visited"], "coverage_share": share(visited["visited"], visited["total"])}
