"""Reads of the organisation a user sees: parks and duty shifts start from `visible_to(user)`.

Accounts and role assignments are read only by the system and security administrators; they hold no
case data, so they are not scoped (the views guard them with `user.manage` / `role.assign`).
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from parkbeat.core.permissions import LEADER, OFFICER
from parkbeat.core.scoping import access_for
from parkbeat.org.models import DutyShift, DutyShiftQuerySet, Park, Role, RoleAssignment, User

MAP_MARKER_LIMIT = 2000
PARK_TEAM_ROLES = (Role.PARK_OFFICER, Role.AUXILIARY)


def _police_assignments():
    """Officers and auxiliaries of a park (active accounts), for a prefetch into `team_assignments`."""
    return Prefetch(
        "roleassignment_set",
        queryset=RoleAssignment.objects.filter(role__in=PARK_TEAM_ROLES, user__is_active=True)
        .select_related("user").order_by("role", "user__full_name", "user__username"),
        to_attr="team_assignments",
    )


def park_list(*, user):
    """Visible parks with their enterprise figures and police team, in a constant number of queries.

    Closed enterprises are not counted (as on the home page).
    """
    from parkbeat.enterprises.models import Enterprise

    open_enterprise = ~Q(enterprises__status=Enterprise.Status.CLOSED)
    return (
        Park.objects.visible_to(user)
        .select_related("station")
        .annotate(
            enterprise_count=Count("enterprises", filter=open_enterprise),
            key_enterprise_count=Count("enterprises", filter=open_enterprise & Q(enterprises__is_key=True)),
        )
        .prefetch_related(_police_assignments())
        .order_by("station__path", "name")
    )


def park_get(*, user, pk):
    """The park if the user may see it, else 404 (never a hint that it exists)."""
    try:
        return Park.objects.visible_to(user).select_related("station").get(pk=pk)
    except (Park.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def park_team(*, user, park):
    """The park's 1+1+1+N: officers, auxiliaries, mediation centre and mediators, agencies, volunteer teams."""
    from parkbeat.org.models import MediationCentre
    from parkbeat.volunteers.models import Volunteer, VolunteerTeam

    people = {Role.PARK_OFFICER: [], Role.AUXILIARY: [], Role.MEDIATOR: []}
    assignments = (RoleAssignment.objects.filter(park=park, role__in=list(people), user__is_active=True)
                   .select_related("user").order_by("user__full_name", "user__username"))
    for assignment in assignments:
        people[assignment.role].append(assignment.user)
    centre = MediationCentre.objects.filter(park=park).first()
    teams = (VolunteerTeam.objects.visible_to(user).filter(park=park).select_related("enterprise")
             .annotate(active_members=Count("members", filter=Q(members__status=Volunteer.Status.ACTIVE)),
                       all_members=Count("members", filter=~Q(members__status=Volunteer.Status.LEFT)))
             .order_by("name"))
    return {
        "officers": people[Role.PARK_OFFICER],
        "auxiliaries": people[Role.AUXILIARY],
        "mediators": people[Role.MEDIATOR],
        "mediation_centre": centre,
        "agencies": list(park.agencies.order_by("kind", "name")),
        "volunteer_teams": list(teams),
    }


def park_enterprise_stats(*, user, park):
    from parkbeat.enterprises.models import Enterprise

    return Enterprise.objects.visible_to(user).filter(park=park).aggregate(
        total=Count("id", filter=~Q(status=Enterprise.Status.CLOSED)),
        key=Count("id", filter=Q(is_key=True) & ~Q(status=Enterprise.Status.CLOSED)),
        active=Count("id", filter=Q(status=Enterprise.Status.ACTIVE)),
        located=Count("id", filter=Q(lat__isnull=False) & ~Q(status=Enterprise.Status.CLOSED)),
    )


def park_map_data(*, user, park, limit=MAP_MARKER_LIMIT):
    """What the park map draws: the outline and up to `limit` visible enterprises (key ones first)."""
    from parkbeat.enterprises.models import Enterprise

    rows = (Enterprise.objects.visible_to(user).filter(park=park, lat__isnull=False, lon__isnull=False)
            .exclude(status=Enterprise.Status.CLOSED).order_by("-is_key", "name", "id")
            .values_list("id", "name", "lat", "lon", "is_key")[:limit])
    return {
        "boundary": park.boundary,
        # The page builds each link from this pattern, so 2000 markers cost no 2000 reverse() calls.
        "detail_url": reverse("enterprises:enterprise_detail", args=[0]),
        "limit": limit,
        "enterprises": [{"id": pk, "name": name, "lat": float(lat), "lon": float(lon), "key": is_key}
                        for pk, name, lat, lon, is_key in rows],
    }


# ------------------------------------------------------------------ duty roster
ROSTER_FIRST_DAY, ROSTER_LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)  # the weeks a roster can show


def week_refusal():
    return _("Choose a week between %(first)s and %(last)s.") % {
        "first": ROSTER_FIRST_DAY.isoformat(), "last": ROSTER_LAST_DAY.isoformat()}


def week_bounds(day):
    """Monday 00:00 to the next Monday 00:00 (local time) of the week holding `day`.

    A day outside the roster's range (2000 to 2099) is refused with a ValidationError: 9999-12-31 would
    otherwise overflow the next Monday, and no station plans shifts for that year."""
    if not ROSTER_FIRST_DAY <= day <= ROSTER_LAST_DAY:
        raise ValidationError(week_refusal(), code="week_range")
    monday = day - timedelta(days=day.weekday())
    start = timezone.make_aware(datetime.combine(monday, time.min))
    return start, start + timedelta(days=7)


@dataclass
class DutyWeek:
    """A week of the roster as a grid: one row per park, one cell per day (Monday to Sunday)."""

    monday: date
    days: list
    rows: list  # [(park, [(day, [shift, ...]) x 7])]
    shifts: list
    editable_park_ids: frozenset

    @property
    def sunday(self):
        return self.days[-1]


def duty_week(*, user, day, park=None, now=None):
    """The week holding `day` in the parks whose roster `user` sees (one park with `park`).

    A shift sits in the cell of the day it starts (one begun the Sunday before sits on Monday); each gets
    `is_now`, `ends_next_day` and `editable`. Three queries, whatever the number of shifts."""
    start, end = week_bounds(day)
    now = now or timezone.now()
    monday = timezone.localdate(start)
    days = [monday + timedelta(days=k) for k in range(7)]
    parks = Park.objects.visible_to(user, roles=DutyShiftQuerySet.scope_park_roles).select_related("station")
    shifts = duty_list(user=user).filter(starts_at__lt=end, ends_at__gt=start)
    if park is not None:
        parks, shifts = parks.filter(pk=park.pk), shifts.filter(park=park)
    shifts = list(shifts)
    by_park = {p.pk: p for p in parks.order_by("station__path", "name")}
    for shift in shifts:  # a shift seen as its own (owner) in a park the user does not police
        by_park.setdefault(shift.park_id, shift.park)
    editable = frozenset(duty_editable_park_ids(user=user))
    cells = {pk: [[] for _day in days] for pk in by_park}
    for shift in shifts:
        first, last = timezone.localdate(shift.starts_at), timezone.localdate(shift.ends_at - timedelta(seconds=1))
        shift.is_now = shift.starts_at <= now < shift.ends_at
        shift.ends_next_day = last > first
        shift.editable = shift.park_id in editable
        cells[shift.park_id][min(max((first - monday).days, 0), 6)].append(shift)
    rows = [(p, list(zip(days, cells[pk]))) for pk, p in by_park.items()]
    return DutyWeek(monday=monday, days=days, rows=rows, shifts=shifts, editable_park_ids=editable)


def duty_week_parks(*, user):
    """The parks offered in the roster's park filter: those whose roster `user` sees."""
    return (Park.objects.visible_to(user, roles=DutyShiftQuerySet.scope_park_roles)
            .select_related("station").order_by("station__path", "name"))


def duty_list(*, user):
    return DutyShift.objects.visible_to(user).select_related("park", "user").order_by("starts_at", "park_id", "id")


def duty_get(*, user, pk):
    try:
        return duty_list(user=user).get(pk=pk)
    except (DutyShift.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def duty_parks(*, user):
    """The parks where the user may plan shifts ("duty.change")."""
    return Park.objects.visible_to(user, roles=(LEADER, OFFICER)).order_by("station__path", "name")


def duty_editable_park_ids(*, user):
    """Park ids where the user may add or remove shifts, computed without a query per row."""
    return access_for(user).park_ids({LEADER, OFFICER})


def duty_candidates(*, parks):
    """Who may be put on the roster: active officers and auxiliaries of `parks`."""
    return (User.objects.filter(is_active=True, role_assignments__role__in=PARK_TEAM_ROLES,
                                role_assignments__park__in=parks)
            .distinct().order_by("full_name", "username"))


# ------------------------------------------------------------------ administrators
def account_list():
    """Accounts only (the system administrator never sees case data through them)."""
    return User.objects.only("id", "username", "full_name", "mobile", "is_active", "last_login",
                             "date_joined").order_by("username")


def account_get(*, pk):
    try:
        return User.objects.get(pk=pk)
    except (User.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def role_assignment_list():
    return (RoleAssignment.objects.select_related("user", "unit", "park", "agency", "enterprise", "team")
            .order_by("user__username", "role", "id"))
