"""Visits planned by risk (应访未访): each enterprise is due a visit so many days after the last recorded one (key
enterprises every `PARKBEAT_VISIT_DAYS_KEY` days, default 30; the others every `PARKBEAT_VISIT_DAYS_OTHER`, default
90), counted in Asia/Shanghai days from the day the visit happened; an enterprise never visited is counted from
its registration (the day its record was made). Due on that day, overdue by the days since.

Only active enterprises are planned (moved away and closed ones are not visited). Everything is worked out in
the database: one query with a subquery for the last visit, filtered and ordered by the due date; Python only
turns the page's rows' due dates into days overdue. The responsible officers of an enterprise are the park
officers of its park.
"""
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import (Case, Count, DateTimeField, Exists, ExpressionWrapper, F, OuterRef, Q, Subquery,
                              Value, When)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from parkbeat.enterprises.models import Enterprise, Visit

SHANGHAI = ZoneInfo("Asia/Shanghai")


def visit_days():
    """(key, other): the days between two visits, from the settings (whole days, 1 to 366)."""
    found = []
    for name, default in (("PARKBEAT_VISIT_DAYS_KEY", 30), ("PARKBEAT_VISIT_DAYS_OTHER", 90)):
        value = getattr(settings, name, default)
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 366:
            raise ImproperlyConfigured(f"{name} must be a whole number of days from 1 to 366")
        found.append(value)
    return tuple(found)


def local_today(now=None):
    return timezone.localtime(now or timezone.now(), SHANGHAI).date()


def planned(queryset):
    """`queryset` (enterprises) annotated with `last_visit_at` (None: never), `counted_from` (that or the
    registration), `due_at` (counted_from + the class's days) and `due_on` (its Asia/Shanghai date)."""
    key_days, other_days = visit_days()
    last = Subquery(Visit.objects.filter(enterprise=OuterRef("pk")).order_by("-visited_at").values("visited_at")[:1])
    return (queryset.filter(status=Enterprise.Status.ACTIVE)
            .annotate(last_visit_at=last)
            .annotate(counted_from=Coalesce(F("last_visit_at"), F("created_at"), output_field=DateTimeField()))
            .annotate(due_at=Case(
                When(is_key=True, then=ExpressionWrapper(F("counted_from") + Value(timedelta(days=key_days)),
                                                         output_field=DateTimeField())),
                default=ExpressionWrapper(F("counted_from") + Value(timedelta(days=other_days)),
                                          output_field=DateTimeField()),
                output_field=DateTimeField()))
            .annotate(due_on=TruncDate("due_at", tzinfo=SHANGHAI)))


def due_list(*, user, now=None):
    """The user's enterprises due a visit and not visited (due today or before), most overdue first."""
    today = local_today(now)
    return (planned(Enterprise.objects.visible_to(user)).filter(due_on__lte=today)
            .select_related("park").order_by("due_on", "-is_key", "name", "pk"))


def due_date(enterprise):
    """The annotated `due_on` as a date (SQLite may hand it back as text)."""
    due = enterprise.due_on
    if isinstance(due, datetime):
        return due.date()
    if isinstance(due, str):
        return date.fromisoformat(due[:10])
    return due


def overdue_days(enterprise, today):
    """Days since the enterprise fell due (0: due today)."""
    return (today - due_date(enterprise)).days


def responsible_officers(park_ids):
    """{park id: [user]} of the park officers (active accounts) of the parks."""
    from parkbeat.org.models import Role, RoleAssignment

    found = {}
    for a in (RoleAssignment.objects.filter(park_id__in=park_ids, role=Role.PARK_OFFICER, user__is_active=True)
              .select_related("user").order_by("user_id")):
        found.setdefault(a.park_id, []).append(a.user)
    return found


def officer_filter(queryset, officer):
    """Only the enterprises of the parks where `officer` is a park officer."""
    from parkbeat.org.models import Role, RoleAssignment

    parks = RoleAssignment.objects.filter(user=officer, role=Role.PARK_OFFICER).values("park_id")
    return queryset.filter(park_id__in=parks)


def period_bounds(start, end):
    """[start, end] Asia/Shanghai dates as an aware [lo, hi) datetime range."""
    lo = datetime.combine(start, time.min, tzinfo=SHANGHAI)
    hi = datetime.combine(end + timedelta(days=1), time.min, tzinfo=SHANGHAI)
    return lo, hi


def coverage(*, user, start, end):
    """Visit coverage of the period [start, end] (Asia/Shanghai dates): of the active enterprises in the user's
    scope (registered before the period ends), how many had at least one visit in it, key and other; one
    aggregate query. Returns {"key": (visited, total), "other": (...), "all": (...)} and the shares."""
    if end < start:
        raise ValueError("the period ends before it starts")
    lo, hi = period_bounds(start, end)
    visited = Exists(Visit.objects.filter(enterprise=OuterRef("pk"), visited_at__gte=lo, visited_at__lt=hi))
    rows = (Enterprise.objects.visible_to(user).filter(status=Enterprise.Status.ACTIVE, created_at__lt=hi)
            .annotate(visited=visited)
            .aggregate(key_total=Count("id", filter=Q(is_key=True)),
                       key_visited=Count("id", filter=Q(is_key=True, visited=True)),
                       other_total=Count("id", filter=Q(is_key=False)),
                       other_visited=Count("id", filter=Q(is_key=False, visited=True))))
    out = {"key": (rows["key_visited"], rows["key_total"]), "other": (rows["other_visited"], rows["other_total"])}
    out["all"] = (out["key"][0] + out["other"][0], out["key"][1] + out["other"][1])
    out["shares"] = {k: (v / t if t else None) for k, (v, t) in out.items() if k != "shares"}
    return out


def quarter_of(day):
    first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    last = (date(first.year + (first.month + 2) // 12, (first.month + 2) % 12 + 1, 1) - timedelta(days=1))
    return first, last


# ---------------------------------------------------------------- the daily reminder
def remind_due_visits(*, now=None):
    """Tell each responsible officer (a park officer of the enterprise's park) of the enterprises of their parks
    due a visit today or overdue: one notification per officer and day, naming how many and the most overdue.
    Two queries per officer with something due (never a loop over the enterprises). Safe to run twice a day (the
    dedupe key is the officer and the day). Returns how many were told."""
    from django.urls import reverse

    from parkbeat.notifications.models import Notification
    from parkbeat.notifications.services import notify

    today = local_today(now)
    parks = list(planned(Enterprise.objects.all()).filter(due_on__lte=today).values_list("park_id", flat=True)
                 .distinct().order_by("park_id"))
    url = reverse("enterprises:visit_plan")
    told, seen = 0, set()
    for users in responsible_officers(parks).values():
        for user in users:
            if user.pk in seen:
                continue
            seen.add(user.pk)
            due = officer_filter(due_list(user=user, now=now), user)
            count = due.count()
            first = due.first() if count else None
            if first is None:
                continue
            body = _("Most overdue: %(name)s, %(days)s days overdue.") % {
                "name": first.name, "days": overdue_days(first, today)}
            told += len(notify(recipients=[user], kind=Notification.Kind.VISIT_DUE, url=url,
                               title=_("Visit due: %(n)s enterprises not visited") % {"n": count}, body=body,
                               dedupe_key=f"visit-due:{user.pk}:{today.isoformat()}"))
    return told
