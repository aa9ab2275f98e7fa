"""Hours served, points and rankings of volunteers: declarations the database computes.

Hours are never typed in. They come from HOUR_SOURCES, each a queryset of rows (hour_user, hour_start, hour_end):
the time a person served, as it happened: completed patrol runs, ended guard shifts, lectures held (outreach);
another source is one more entry in the list. Reliability is counted only where a person was assigned (guard shifts). For a
period [start, end) each row counts only its part inside the period (a run across midnight on the 1st counts in
both months), so any period sums exactly. Points are POINTS_PER_HOUR × hours plus each BONUS_SOURCES row × its
points: one table, here.

Who is credited: the user account of a volunteer record that was vetted in (active, suspended or left; not a
nomination or a rejected one). A team's and an enterprise's hours are those of the accounts of its members
(a person in two teams counts in both).
"""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import F, FloatField, Func, IntegerField, OuterRef, QuerySet, Subquery, Value, Window
from django.db.models.functions import Coalesce, Greatest, Least, Rank
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkbeat.core.figures import Seconds
from parkbeat.volunteers.models import Volunteer, VolunteerTeam

CREDITED = (Volunteer.Status.ACTIVE, Volunteer.Status.SUSPENDED, Volunteer.Status.LEFT)
EARLIEST = timezone.make_aware(datetime(2000, 1, 1))
MAX_PERIOD = timedelta(days=366)  # a ranking or an hours read covers at most a year (and a day for leap years)


# ---------------------------------------------------------------- the declarations
@dataclass(frozen=True)
class HourSource:
    """Where served time comes from: `rows()` is a queryset annotated with hour_user, hour_start, hour_end."""

    name: str
    label: str
    rows: Callable[[], QuerySet]


@dataclass(frozen=True)
class BonusSource:
    """Points for things done: `rows()` is a queryset annotated with bonus_user and bonus_at, `points` each."""

    name: str
    label: str
    points: int
    rows: Callable[[], QuerySet]


def _patrol_rows():
    """Each participant of a finished or automatically closed patrol run, from its start to its end, both
    held inside the run's window (a run closed by the sweep ends at its window's end)."""
    from parkbeat.patrols.models import PatrolRun

    done = [PatrolRun.Status.FINISHED, PatrolRun.Status.AUTO_CLOSED]
    return (PatrolRun.participants.through.objects.filter(patrolrun__status__in=done)
            .annotate(hour_user=F("user_id"),
                      hour_start=Greatest("patrolrun__started_at", "patrolrun__window_start"),
                      hour_end=Least("patrolrun__finished_at", "patrolrun__window_end")))


def _guarding_rows():
    """Each person who checked in to a guard shift that has ended, from their arrival (not before the shift
    starts) to the shift's end: a shift still under way credits nothing yet, as a running patrol."""
    from parkbeat.guarding.models import ShiftPerson

    return (ShiftPerson.objects.filter(checked_in_at__isnull=False, shift__ends_at__lte=timezone.now())
            .annotate(hour_user=F("user_id"), hour_start=Greatest("checked_in_at", "shift__starts_at"),
                      hour_end=F("shift__ends_at")))


def _outreach_rows():
    """Each volunteer speaking at a lecture held (outreach), from the lecture's start to its end: the speakers who
    spoke as police (an officer, an auxiliary) are on duty, not volunteering, and are not credited."""
    from parkbeat.outreach.models import Lecture, Speaker

    return (Speaker.objects.filter(lecture__status=Lecture.Status.HELD, kind=Speaker.Kind.VOLUNTEER)
            .annotate(hour_user=F("user_id"), hour_start=F("lecture__starts_at"), hour_end=F("lecture__ends_at")))


def _finding_rows():
    """Each finding reported on a patrol (every finding is reported as an incident), by who reported it."""
    from parkbeat.patrols.models import Finding

    return Finding.objects.annotate(bonus_user=F("reported_by_id"), bonus_at=F("at"))


HOUR_SOURCES = [
    HourSource("patrol", _("Patrols"), _patrol_rows),
    HourSource("guarding", _("Guard shifts"), _guarding_rows),
    HourSource("outreach", _("Publicity lectures"), _outreach_rows),
]
POINTS_PER_HOUR = 10
BONUS_SOURCES = [
    BonusSource("findings", _("Findings reported as incidents"), 5, _finding_rows),
]


# ---------------------------------------------------------------- periods
def default_period(now=None):
    """From the first of this month (Asia/Shanghai) to now."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0), now


class PeriodError(ValueError):
    """A period that cannot be read: `field` names the parameter ("from" or "to")."""

    def __init__(self, field, message):
        super().__init__(message)
        self.field, self.message = field, message


def parse_bound(raw, *, field, end=False):
    """An aware datetime from "YYYY-MM-DD" (a day: its start, or for `end` the start of the next day) or an ISO
    date and time (a time without zone is Asia/Shanghai). PeriodError naming `field` when unreadable."""
    from django.utils.dateparse import parse_date, parse_datetime

    text = (raw or "").strip()
    try:
        day = parse_date(text) if len(text) == 10 else None
        moment = None if day else parse_datetime(text)
    except ValueError:
        day = moment = None
    if day is not None:
        moment = local_day_start(day + timedelta(days=1) if end else day)
    if moment is None:
        raise PeriodError(field, _("Give a date (YYYY-MM-DD) or an ISO date and time."))
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if not EARLIEST <= moment <= timezone.now() + timedelta(days=366):
        raise PeriodError(field, _("Choose a time from 1 January 2000 to a year from now."))
    return moment


def period(raw_from=None, raw_to=None, *, now=None):
    """(start, end) from the raw parameters, each defaulting to default_period; PeriodError when a bound is
    unreadable, the period ends before it starts, or it is longer than MAX_PERIOD."""
    first, last = default_period(now)
    start = parse_bound(raw_from, field="from") if raw_from not in (None, "") else first
    end = parse_bound(raw_to, field="to", end=True) if raw_to not in (None, "") else last
    if end <= start:
        raise PeriodError("to", _("The period ends before it starts."))
    if end - start > MAX_PERIOD:
        raise PeriodError("to", _("A period covers at most 366 days."))
    return start, end


def month_start(now=None):
    return default_period(now)[0]


def year_start(now=None):
    local = timezone.localtime(now or timezone.now())
    return local.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)


def local_day_start(day):
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


# ---------------------------------------------------------------- expressions
def _users_filter(prefix, users):
    """`users`: a queryset of user ids (…__in) or an expression for one user (OuterRef, a value)."""
    return {f"{prefix}__in" if isinstance(users, QuerySet) else prefix: users}


def _clipped(source, start, end):
    """The source's rows overlapping [start, end), each with `_seconds` of its part inside."""
    begin, until = Value(start), Value(end)
    return (source.rows().order_by()
            .annotate(_from=Greatest(F("hour_start"), begin), _until=Least(F("hour_end"), until))
            .filter(hour_start__lt=end, hour_end__gt=start).filter(hour_end__gt=F("hour_start"))
            .annotate(_seconds=Seconds("_until", "_from")))


def _sum_subquery(rows, field, output_field):
    total = rows.annotate(_total=Func(F(field), function="SUM", output_field=output_field)).values("_total")[:1]
    return Coalesce(Subquery(total, output_field=output_field), Value(0, output_field=output_field))


def seconds_expression(start, end, *, users, sources=None):
    """Seconds served in [start, end) by `users`, over every hour source (or those named): one expression."""
    parts = [_sum_subquery(_clipped(source, start, end).filter(**_users_filter("hour_user", users)), "_seconds",
                           FloatField())
             for source in HOUR_SOURCES if sources is None or source.name in sources]
    total = parts[0]
    for part in parts[1:]:
        total = total + part
    return total


def bonus_expression(source, start, end, *, users):
    rows = (source.rows().order_by().filter(bonus_at__gte=start, bonus_at__lt=end)
            .filter(**_users_filter("bonus_user", users)).annotate(_one=Value(1, output_field=IntegerField())))
    return _sum_subquery(rows, "_one", IntegerField())


def _credited_users(**where):
    return Volunteer.objects.filter(status__in=CREDITED, user__isnull=False, **where).values("user_id")


class RoundTenth(Func):
    """A float rounded to one decimal in the database (PostgreSQL rounds numeric only: cast there and back)."""

    function = "ROUND"
    template = "ROUND(%(expressions)s, 1)"
    output_field = FloatField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="ROUND((%(expressions)s)::numeric, 1)::float8", **extra)


def annotate_service(queryset, start, end, *, users):
    """`queryset` with `seconds_<source>` per hour source, their total `seconds`, `<bonus>` counts and `points`
    for [start, end)."""
    fields = {f"seconds_{s.name}": seconds_expression(start, end, users=users, sources={s.name})
              for s in HOUR_SOURCES}
    fields.update({b.name: bonus_expression(b, start, end, users=users) for b in BONUS_SOURCES})
    total = None
    for source in HOUR_SOURCES:
        total = F(f"seconds_{source.name}") if total is None else total + F(f"seconds_{source.name}")
    queryset = queryset.annotate(**fields).annotate(seconds=total)
    points = F("seconds") * Value(POINTS_PER_HOUR / 3600.0)
    for bonus in BONUS_SOURCES:
        points = points + F(bonus.name) * Value(float(bonus.points))
    return queryset.annotate(points=RoundTenth(points))


# ---------------------------------------------------------------- reads
def person_ranking(*, user, start, end, everyone=False):
    """The volunteers the user sees (vetted in, with an account; `everyone`: all, for the operator's command),
    each with hours, bonuses and points in the period, ranked by points (equal points, equal rank)."""
    volunteers = Volunteer.objects.all() if everyone else Volunteer.objects.visible_to(user)
    base = (volunteers.filter(status__in=CREDITED, user__isnull=False).select_related("team", "team__enterprise")
            .only("id", "name", "status", "user_id", "team__name", "team__park_id", "team__enterprise__name"))
    ranked = annotate_service(base, start, end, users=OuterRef("user_id"))
    return ranked.annotate(rank=Window(Rank(), order_by=F("points").desc())).order_by("-points", "team__name",
                                                                                     "name", "id")


def team_ranking(*, user, start, end, everyone=False):
    """The teams the user sees (`everyone`: all), each with the hours, bonuses and points of its members'
    accounts, ranked by points."""
    teams = VolunteerTeam.objects.all() if everyone else VolunteerTeam.objects.visible_to(user)
    base = teams.select_related("enterprise").only("id", "name", "park_id", "enterprise__name")
    members = _credited_users(team_id=OuterRef(OuterRef("pk")))
    ranked = annotate_service(base, start, end, users=members)
    return ranked.annotate(rank=Window(Rank(), order_by=F("points").desc())).order_by("-points", "name", "id")


def ranking(*, user, start, end, by="person", everyone=False):
    return (team_ranking if by == "team" else person_ranking)(user=user, start=start, end=end, everyone=everyone)


def ranking_rows(rows, by):
    """Plain rows of a ranking, as the API, the export, the print page and the command show them."""
    out = []
    for row in rows:
        item = {"rank": row.rank, "id": row.pk, "name": row.name, "hours": hours(row.seconds),
                "seconds": round(float(row.seconds or 0), 3),
                "by_source": {s.name: round(float(getattr(row, f"seconds_{s.name}") or 0), 3) for s in HOUR_SOURCES},
                "bonuses": {b.name: int(getattr(row, b.name) or 0) for b in BONUS_SOURCES},
                "points": float(row.points or 0)}
        if by == "team":
            item["enterprise"] = row.enterprise.name if row.enterprise_id else ""
        else:
            item["team"] = row.team.name
            item["team_id"] = row.team_id
        out.append(item)
    return out


def person_service(volunteer, start, end):
    """{"seconds", "hours", "by_source": {name: seconds}, "bonuses": {name: n}, "points"} of one volunteer's
    account in [start, end): one query. Nothing for a record without an account or not vetted in."""
    if volunteer.user_id is None or volunteer.status not in CREDITED:
        return _empty()
    users = Value(volunteer.user_id)
    row = annotate_service(Volunteer.objects.filter(pk=volunteer.pk), start, end, users=users)
    fields = ["seconds", "points", *(b.name for b in BONUS_SOURCES), *(f"seconds_{s.name}" for s in HOUR_SOURCES)]
    values = row.values(*fields).get()
    return _shaped(values)


def _empty():
    return {"seconds": 0.0, "hours": 0.0, "by_source": {s.name: 0.0 for s in HOUR_SOURCES},
            "bonuses": {b.name: 0 for b in BONUS_SOURCES}, "points": 0.0}


def _shaped(values):
    seconds = float(values["seconds"] or 0)
    by_source = {s.name: round(float(values[f"seconds_{s.name}"] or 0), 3) for s in HOUR_SOURCES}
    return {"seconds": round(seconds, 3), "hours": hours(seconds), "by_source": by_source,
            "bonuses": {b.name: int(values[b.name] or 0) for b in BONUS_SOURCES},
            "points": float(values["points"] or 0)}


def hours(seconds):
    """Hours to one decimal, as shown and exported."""
    return round(float(seconds or 0) / 3600.0, 1)


def run_history(*, viewer, volunteer, limit=20):
    """The completed patrol runs the volunteer's account took part in (as the viewer may see them), newest
    first, each with the seconds it credits."""
    from parkbeat.patrols.models import PatrolRun

    if volunteer.user_id is None:
        return []
    done = [PatrolRun.Status.FINISHED, PatrolRun.Status.AUTO_CLOSED]
    runs = (PatrolRun.objects.visible_to(viewer).filter(participants=volunteer.user_id, status__in=done)
            .select_related("route", "plan").only("id", "started_at", "finished_at", "window_start", "window_end",
                                                  "status", "route__name", "plan__name", "park_id")
            .annotate(credited=Seconds(Least("finished_at", "window_end"), Greatest("started_at", "window_start")))
            .order_by("-started_at", "-id"))
    return list(runs[:limit])


def shift_history(*, viewer, volunteer, limit=20):
    """The guard shifts the volunteer's account was put on that have ended (as the viewer may see them), newest
    first, each with whether they checked in and the seconds it credits."""
    from parkbeat.guarding.models import GuardShift, ShiftPerson

    if volunteer.user_id is None:
        return []
    now = timezone.now()
    visible = GuardShift.objects.visible_to(viewer).filter(ends_at__lte=now).values("pk")
    rows = (ShiftPerson.objects.filter(user_id=volunteer.user_id, shift__in=visible)
            .select_related("shift", "shift__segment").order_by("-shift__starts_at", "-id")
            .annotate(credited=Seconds("shift__ends_at", Greatest("checked_in_at", "shift__starts_at"))))
    return list(rows[:limit])


def upcoming_shifts(*, viewer, volunteer, limit=10):
    """The guard shifts the volunteer's account is put on that have not ended yet, soonest first."""
    from parkbeat.guarding.models import GuardShift, ShiftPerson

    if volunteer.user_id is None:
        return []
    visible = GuardShift.objects.visible_to(viewer).filter(ends_at__gt=timezone.now()).values("pk")
    return list(ShiftPerson.objects.filter(user_id=volunteer.user_id, shift__in=visible)
                .select_related("shift", "shift__segment").order_by("shift__starts_at", "id")[:limit])


def upcoming_windows(*, team, now=None, days=7, limit=10):
    """The next windows of the active patrol plans that call for `team`, soonest first."""
    from parkbeat.patrols.models import PatrolPlan
    from parkbeat.patrols.services import plan_windows

    now = now or timezone.now()
    found = []
    for plan in PatrolPlan.objects.filter(is_active=True, teams__team=team).select_related("route").distinct():
        found += [(opens, closes, plan) for opens, closes in plan_windows(plan, now, now + timedelta(days=days))
                  if closes > now]
    found.sort(key=lambda item: (item[0], item[2].pk))
    return found[:limit]


def reliability(volunteer, start, end):
    """Only where the person was assigned: the guard shifts they were put on that ended in [start, end).
    A shift they never checked in to nor declined is a no-show; one declined less than
    GUARDING_LATE_DECLINE_HOURS before it started is a late decline (counted as assigned, beside the no-shows);
    one declined in good time counts for nothing. None when they had no such shift (patrols are joined, not
    assigned, and count for nothing here); else {"assigned", "attended", "no_shows", "rate"}, with
    "late_declines" when there were any, in one query. A person taken off a shift leaves no row to count."""
    from django.db.models import Count, Q

    from parkbeat.guarding.models import ShiftPerson

    if volunteer.user_id is None:
        return None
    until = min(end, timezone.now())
    counts = (ShiftPerson.objects.filter(user_id=volunteer.user_id, shift__ends_at__gte=start,
                                         shift__ends_at__lt=until)
              .exclude(declined_at__isnull=False, declined_late=False)
              .aggregate(assigned=Count("pk"), attended=Count("pk", filter=Q(checked_in_at__isnull=False)),
                         late_declines=Count("pk", filter=Q(declined_at__isnull=False))))
    if not counts["assigned"]:
        return None
    late = counts.pop("late_declines")
    result = {**counts, "no_shows": counts["assigned"] - counts["attended"] - late,
              "rate": round(counts["attended"] / counts["assigned"], 3)}
    if late:
        result["late_declines"] = late
    return result


def points_rules():
    """The rules in one sentence, as the pages print them."""
    from django.utils.translation import gettext

    parts = [gettext("%(points)s per hour served") % {"points": POINTS_PER_HOUR}]
    parts += [gettext("%(points)s for each of the %(what)s") % {"points": b.points, "what": b.label}
              for b in BONUS_SOURCES]
    return gettext("Points: %(rules)s.") % {"rules": gettext(", ").join(parts)}
