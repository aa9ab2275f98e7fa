"""Publicity figures and coverage for any period and the user's scope, computed by the database (core.figures).

Coverage of an enterprise: the people reached (the attendance of the lectures held there, in the period or of the
campaign) over its headcount, shown capped at 100 %. Bands: never reached (no one reached), under half, half and
over. An enterprise with no headcount on record that was reached counts as half and over. Closed enterprises are
left out. The period reads each lecture's start.
"""
from django.db.models import Case, Count, F, FloatField, IntegerField, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, Greatest

from parkbeat.core.figures import count_by, counted
from parkbeat.core.permissions import LIAISON, POLICE
from parkbeat.enterprises.models import Enterprise
from parkbeat.outreach.models import Lecture, Theme

NEVER, UNDER_HALF, HALF_AND_OVER = "never", "under_half", "half_and_over"
BANDS = (NEVER, UNDER_HALF, HALF_AND_OVER)
COVERAGE_ROLES = POLICE | {LIAISON}


def held_lectures(*, start=None, end=None, campaign=None):
    """The lectures held in [start, end) (datetimes; None: unbounded), of `campaign` when given (unscoped: the
    callers scope the enterprises or the lectures)."""
    rows = Lecture.objects.filter(status=Lecture.Status.HELD)
    if start is not None:
        rows = rows.filter(starts_at__gte=start)
    if end is not None:
        rows = rows.filter(starts_at__lt=end)
    if campaign is not None:
        rows = rows.filter(campaign=campaign)
    return rows


def coverage_rows(*, user, start=None, end=None, campaign=None, park=None, band=None, enterprises=None):
    """The enterprises `user` sees (the police: of their parks; a liaison: their own), not closed, each annotated
    with `reached` (people), `lectures_held`, `coverage` (reached / headcount, a fraction, not capped) and `band`.
    With `campaign`: its targets and its lectures only. `enterprises`: an already scoped queryset to start from."""
    from parkbeat.outreach.services import campaign_targets

    qs = Enterprise.objects.visible_to(user, roles=COVERAGE_ROLES) if enterprises is None else enterprises
    qs = qs.exclude(status=Enterprise.Status.CLOSED)
    if campaign is not None:
        qs = qs.filter(pk__in=campaign_targets(campaign).values("pk"))
    if park is not None:
        qs = qs.filter(park=park)
    lectures = held_lectures(start=start, end=end, campaign=campaign).filter(enterprise=OuterRef("pk")).order_by()
    reached = lectures.values("enterprise").annotate(total=Sum("attendance")).values("total")[:1]
    held = lectures.values("enterprise").annotate(n=Count("pk")).values("n")[:1]
    qs = (qs.select_related("park").only("id", "name", "headcount", "park_id", "park__name", "lon", "lat",
                                          "is_key", "status")
          .annotate(reached=Coalesce(Subquery(reached, output_field=IntegerField()), Value(0)),
                    lectures_held=Coalesce(Subquery(held, output_field=IntegerField()), Value(0)))
          .annotate(coverage=Case(When(headcount__gt=0, then=F("reached") * Value(1.0) / Greatest(
              F("headcount"), Value(1))), default=Value(None), output_field=FloatField()))
          .annotate(band=Case(When(reached__lte=0, then=Value(NEVER)),
                              When(headcount__gt=0, reached__lt=F("headcount") * Value(0.5), then=Value(UNDER_HALF)),
                              default=Value(HALF_AND_OVER))))
    if band in BANDS:
        qs = qs.filter(band=band)
    return qs


def shown_percent(coverage):
    """The coverage as a whole percent, capped at 100 (None: no headcount)."""
    return None if coverage is None else min(100, int(round(coverage * 100)))


def outreach_figures(*, user, start=None, end=None, park=None, campaign=None):
    """{"lectures_held", "lectures_planned", "people_reached", "enterprises_reached", "enterprises_in_scope",
    "by_theme": {theme: lectures held}, "reached_by_theme": {theme: people}, "by_campaign": [{"campaign", "title",
    "lectures_held", "people_reached", "enterprises_reached"}]} of what `user` sees in [start, end)."""
    lectures = Lecture.objects.visible_to(user)
    if start is not None:
        lectures = lectures.filter(starts_at__gte=start)
    if end is not None:
        lectures = lectures.filter(starts_at__lt=end)
    if park is not None:
        lectures = lectures.filter(park=park)
    if campaign is not None:
        lectures = lectures.filter(campaign=campaign)
    held = Q(status=Lecture.Status.HELD)
    themes = Theme.values
    result = lectures.order_by().aggregate(
        n_held=Count("pk", filter=held), n_planned=Count("pk", filter=Q(status=Lecture.Status.PLANNED)),
        people=Coalesce(Sum("attendance", filter=held), Value(0)),
        reached=Count("enterprise", filter=held & Q(attendance__gt=0), distinct=True),
        **count_by("theme", themes, filter=held),
        **{f"people_{t}": Coalesce(Sum("attendance", filter=held & Q(theme=t)), Value(0)) for t in themes})
    scope = coverage_rows(user=user, start=start, end=end, campaign=campaign, park=park)
    in_scope = scope.order_by().aggregate(n=Count("pk"))["n"]
    by_campaign = list(lectures.filter(held, campaign__isnull=False).order_by().values("campaign", "campaign__title")
                       .annotate(lectures_held=Count("pk"), people_reached=Coalesce(Sum("attendance"), Value(0)),
                                 enterprises_reached=Count("enterprise", distinct=True, filter=Q(attendance__gt=0)))
                       .order_by("campaign__title", "campaign"))
    return {"lectures_held": result["n_held"], "lectures_planned": result["n_planned"],
            "people_reached": result["people"], "enterprises_reached": result["reached"],
            "enterprises_in_scope": in_scope, "by_theme": counted(result, "theme", themes),
            "reached_by_theme": {t: result[f"people_{t}"] for t in themes},
            "by_campaign": [{"campaign": row["campaign"], "title": row["campaign__title"],
                             "lectures_held": row["lectures_held"], "people_reached": row["people_reached"],
                             "enterprises_reached": row["enterprises_reached"]} for row in by_campaign]}
