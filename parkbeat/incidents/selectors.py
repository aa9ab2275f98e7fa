"""Every read of incidents a user sees starts from `visible_to(user)`."""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from parkbeat.core.figures import Seconds, count_by, counted, percentiles_each
from parkbeat.files.models import Attachment
from parkbeat.incidents.links import outcomes_of
from parkbeat.incidents.models import Incident

HEAVY_PARK_FIELDS = ("park__boundary", "park__description")


def incident_list(*, user):
    return (Incident.objects.visible_to(user).select_related("park", "enterprise", "holder", "reported_by")
            .defer(*HEAVY_PARK_FIELDS))


def incident_get(*, user, pk):
    """The incident if the user may see it, else 404 (never a hint that it exists)."""
    try:
        return incident_list(user=user).get(pk=pk)
    except (Incident.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


BACK_ENTERED_AFTER = timedelta(minutes=1)  # a step entered this much after it happened shows both times


@dataclass(frozen=True)
class TimelineEntry:
    """One line of an incident's history: a transition, a photo or a linked outcome, at when it happened."""

    at: datetime
    kind: str  # "transition", "photo", "outcome"
    item: object
    label: str = ""
    recorded_at: datetime | None = None  # a transition: when it was entered
    actor: object = None  # an outcome: who opened it (Outcome.actor_field)

    @property
    def back_entered(self):
        """Entered after the fact: the page shows when it happened and when it was entered."""
        return self.recorded_at is not None and self.recorded_at - self.at >= BACK_ENTERED_AFTER


def incident_timeline(incident, user=None):
    """Transitions (at when they happened), photos and (for `user`) the linked outcomes they may see, oldest
    first."""
    entries = [TimelineEntry(t.at, "transition", t, recorded_at=t.recorded_at) for t in
               incident.transitions.select_related("actor", "holder").order_by("at", "id")]
    entries += [TimelineEntry(a.created_at, "photo", a) for a in
                Attachment.objects.for_object(incident).select_related("uploaded_by")]
    if user is not None:
        for outcome, records in outcomes_of(incident, user):
            for obj in records:
                at = getattr(obj, "created_at", None) or incident.reported_at
                actor = getattr(obj, outcome.actor_field) if outcome.actor_field else None
                entries.append(TimelineEntry(at, "outcome", obj, str(outcome.label), actor=actor))
    return sorted(entries, key=lambda e: (e.at, e.kind != "transition"))


def _minutes(start, end):
    if start is None or end is None:
        return None
    return round((end - start).total_seconds() / 60, 1)


def incident_clocks(incident):
    """Minutes (and `<name>_seconds`) from report to acceptance, to arrival on scene and to closing
    (None while not reached)."""
    ends = {"to_accept": incident.accepted_at, "to_scene": incident.on_scene_at, "to_close": incident.closed_at}
    clocks = {name: _minutes(incident.reported_at, end) for name, end in ends.items()}
    clocks.update({f"{name}_seconds": None if end is None else (end - incident.reported_at).total_seconds()
                   for name, end in ends.items()})
    return clocks


def holder_candidates(*, incident):
    """Whom an incident may be handed to: police of its park and leaders of its station."""
    from django.contrib.auth import get_user_model

    from parkbeat.org.models import Role

    park = incident.park
    return get_user_model().objects.filter(is_active=True).filter(
        Q(role_assignments__role__in=[Role.PARK_OFFICER, Role.AUXILIARY], role_assignments__park=park)
        | Q(role_assignments__role=Role.STATION_LEADER, role_assignments__unit_id=park.station_id)
    ).distinct().order_by("full_name", "username")


def agency_candidates(*, incident):
    """Agencies that may join: those serving the park or belonging to its station, not yet involved."""
    from django.db.models import Q

    from parkbeat.org.models import Agency

    park = incident.park
    return (Agency.objects.filter(Q(parks=park) | Q(station_id=park.station_id)).distinct()
            .exclude(pk__in=incident.agencies.values("pk")).order_by("kind", "name"))


# ---------------------------------------------------------------- figures
FIGURES_FIRST_DAY, FIGURES_LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)
CLOCKS = {"to_accept": "accepted_at", "to_scene": "on_scene_at", "to_close": "closed_at"}


def _day_bounds(start, end):
    """[start 00:00, the day after end 00:00) in the station's time zone: both dates count."""
    tz = timezone.get_current_timezone()
    return (timezone.make_aware(datetime.combine(start, time.min), tz),
            timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), tz))


def _clock(span):
    """Count, median and 90th percentile in minutes (one decimal) of the clocks that were reached."""
    def minutes(value):
        return None if value is None else round(value / 60, 1)

    return {"count": span["count"], "median_minutes": minutes(span[50]), "p90_minutes": minutes(span[90])}


def incident_figures(*, user, start, end, park=None, enterprise=None, now=None):
    """Figures for the incidents the user sees that were reported from `start` to `end` (dates, both
    included; clamped to 2000-01-01 … 2100-12-31), in one park or all (and one enterprise or all):

    - total, by kind and by source (every choice present, zero when none);
    - to_accept / to_scene / to_close: count, median and 90th percentile in minutes from the report
      (linear interpolation, core.figures.percentiles) over the incidents that reached the step;
    - escalated: incidents escalated at least once; acceptance_overdue: of those, awaiting acceptance
      past their deadline `now`.

    Computed in the database: one aggregate query, plus one for the clocks' percentiles on PostgreSQL (one per
    clock on SQLite).
    """
    now = now or timezone.now()
    start, end = max(start, FIGURES_FIRST_DAY), min(end, FIGURES_LAST_DAY)
    lo, hi = _day_bounds(start, end)
    rows = Incident.objects.visible_to(user).filter(reported_at__gte=lo, reported_at__lt=hi)
    if park is not None:
        rows = rows.filter(park=park)
    if enterprise is not None:
        rows = rows.filter(enterprise=enterprise)
    counts = rows.order_by().aggregate(
        total=Count("pk"),
        **count_by("kind", Incident.Kind.values), **count_by("source", Incident.Source.values),
        escalated=Count("pk", filter=Q(escalation_level__gt=0)),
        acceptance_overdue=Count("pk", filter=Q(status=Incident.Status.REPORTED, accept_due_at__lt=now)))
    return {
        "period": {"start": start.isoformat(), "end": end.isoformat(), "park": park.pk if park else None},
        "total": counts["total"],
        "by_kind": counted(counts, "kind", Incident.Kind.values),
        "by_source": counted(counts, "source", Incident.Source.values),
        **{name: _clock(clock) for name, clock in percentiles_each(
            rows, {name: Seconds(field, "reported_at") for name, field in CLOCKS.items()}).items()},
        "escalated": counts["escalated"],
        "acceptance_overdue": counts["acceptance_overdue"],
    }
