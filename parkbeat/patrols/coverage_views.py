"""Patrol coverage pages: the figures of a period (per park, per team, per checkpoint, exported as shown) and the
patrol map (park outlines, checkpoints coloured by coverage, running patrols' positions refreshed by the page)."""
from datetime import timedelta

import django_filters
from django.conf import settings
from django.db.models import OuterRef, Q, Subquery
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from parkbeat.core.filters import ListFilterSet, visible_parks
from parkbeat.core.forms import FilterForm
from parkbeat.core.permissions import POLICE
from parkbeat.core.tables import local_time
from parkbeat.core.views import PermissionRequiredMixin, ScopedListView
from parkbeat.patrols import coverage
from parkbeat.patrols.coverage_tables import (
    CheckpointCoverageTable,
    ParkCoverageTable,
    TeamCoverageTable,
)
from parkbeat.patrols.models import CheckIn, Checkpoint, PatrolRun, TrackPoint

MAP_CHECKPOINTS = 2000  # drawn at most; the page says so beyond


class CoveragePeriodForm(FilterForm):
    """The period as two dates, both included, at most `coverage.MAX_PERIOD` long."""

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        for name, value in (("date_from", start), ("date_to", end)):
            if value and not coverage.within_bounds(value):
                self.add_error(name, _("Choose a date from 2000-01-01 to 2100-12-31."))
                data.pop(name, None)
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and (end - start) + timedelta(days=1) > coverage.MAX_PERIOD:
            self.add_error("date_to", _("Choose a period of at most %(days)s days.") % {
                "days": coverage.MAX_PERIOD.days})
        return data


def _keep(queryset, name, value):
    return queryset  # the period is applied by the selector (coverage.checkpoint_coverage)


class CoverageFilterSet(ListFilterSet):
    park = django_filters.ModelChoiceFilter(queryset=visible_parks, label=gettext_lazy("Park"))
    date_from = django_filters.DateFilter(method=_keep, label=gettext_lazy("From"))
    date_to = django_filters.DateFilter(method=_keep, label=gettext_lazy("To"))

    class Meta:
        model = Checkpoint
        fields = ["park", "date_from", "date_to"]
        form = CoveragePeriodForm


def chosen_period(data, now=None):
    """The period of the valid `date_from` / `date_to` (both included): the last 7 days when neither is given,
    7 days from or up to the one given."""
    first, last = data.get("date_from"), data.get("date_to")
    if first is None and last is None:
        return coverage.last_days(coverage.DEFAULT_DAYS, now)
    first = first or last - timedelta(days=coverage.DEFAULT_DAYS - 1)
    last = last or first + timedelta(days=coverage.DEFAULT_DAYS - 1)
    if last < first or (last - first) + timedelta(days=1) > coverage.MAX_PERIOD:
        return coverage.last_days(coverage.DEFAULT_DAYS, now)
    return coverage.period_of_days(first, last)


class PeriodMixin:
    @cached_property
    def period_filter(self):
        filterset = CoverageFilterSet(self.request.GET or None, request=self.request)
        if not filterset.is_bound:
            return filterset, {}
        filterset.form.is_valid()  # the valid fields apply; the others are shown as errors
        return filterset, filterset.form.cleaned_data

    @cached_property
    def period(self):
        return chosen_period(self.period_filter[1])

    @cached_property
    def park(self):
        return self.period_filter[1].get("park")

    def period_context(self):
        last_day = timezone.localdate(self.period.end - timedelta(seconds=1), coverage.SHANGHAI)
        first_day = timezone.localdate(self.period.start, coverage.SHANGHAI)
        return {"period": self.period, "first_day": first_day, "last_day": last_day}


class CoverageView(PeriodMixin, ScopedListView):
    """Per park, per volunteer team and per checkpoint (sortable, exported as shown) for the chosen period."""

    model = Checkpoint
    required_perm = "patrol.places"
    filterset_class = CoverageFilterSet
    table_class = CheckpointCoverageTable
    template_name = "patrols/coverage.html"
    partial_template_name = "patrols/partials/coverage_results.html"

    def get_base_queryset(self):
        return coverage.checkpoint_coverage(user=self.request.user, period=self.period, park=self.park)

    def get_table(self, queryset):
        table = super().get_table(queryset)
        table.period, table.as_of = self.period, timezone.now()
        table.between = coverage.gaps_between_visits(user=self.request.user, period=self.period, park=self.park)
        return table

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        parks = coverage.park_coverage(user=user, period=self.period, park=self.park)
        teams = coverage.team_coverage(user=user, period=self.period, park=self.park)
        totals = {key: sum(p[key] for p in parks) for key in ("checkpoints", "visited", "visits", "missed")}
        totals["coverage_share"] = coverage.share(totals["visited"], totals["checkpoints"])
        query = self.request.GET.copy()
        for key in ("page", "page_size", "sort", "export"):
            query.pop(key, None)
        ctx.update(self.period_context())
        ctx.update({"park_table": ParkCoverageTable(parks, user=user),
                    "team_table": TeamCoverageTable(teams, user=user),
                    "parks": parks, "teams": teams, "totals": totals, "results_id": "coverage-results",
                    "map_url": reverse("patrols:map") + (f"?{query.urlencode()}" if query else "")})
        return ctx


# ---------------------------------------------------------------- the map
def live_positions(user):
    """The running patrols of the parks `user` covers as police, each at its latest track point or, for a run
    that sent none, at the checkpoint of its latest counted check-in: one query."""
    track = TrackPoint.objects.filter(run=OuterRef("pk")).order_by("-at", "-id")
    checkin = CheckIn.objects.filter(run=OuterRef("pk"), counted=True).order_by("-at", "-id")
    runs = (PatrolRun.objects.visible_to(user, roles=POLICE).filter(status=PatrolRun.Status.RUNNING)
            .annotate(track_lon=Subquery(track.values("lon")[:1]), track_lat=Subquery(track.values("lat")[:1]),
                      track_at=Subquery(track.values("at")[:1]),
                      check_lon=Subquery(checkin.values("checkpoint__lon")[:1]),
                      check_lat=Subquery(checkin.values("checkpoint__lat")[:1]),
                      check_at=Subquery(checkin.values("at")[:1]))
            .filter(Q(track_lon__isnull=False) | Q(check_lon__isnull=False))
            .select_related("route").only("id", "started_at", "park_id", "route__name", "mode")
            .order_by("-started_at", "-id"))
    found = []
    for run in runs[:500]:
        tracked = run.track_lon is not None
        found.append({"id": run.pk, "number": run.number, "route": run.route.name,
                      "lon": float(run.track_lon if tracked else run.check_lon),
                      "lat": float(run.track_lat if tracked else run.check_lat),
                      "at": local_time(run.track_at if tracked else run.check_at, "H:i"),
                      "source": "track" if tracked else "checkin", "url": run.get_absolute_url()})
    return found


class CoverageMapView(PeriodMixin, PermissionRequiredMixin, TemplateView):
    required_perm = "patrol.places"
    template_name = "patrols/coverage_map.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        figures = coverage.checkpoint_coverage(user=user, period=self.period, park=self.park)
        rows = list(figures.values("pk", "name", "park_id", "lon", "lat", "visits", "missed", "last_visit")
                    [:MAP_CHECKPOINTS])
        park_rows = list(coverage.scope_parks(user, self.park).order_by("name")
                         .values("id", "name", "boundary")[:MAP_CHECKPOINTS])
        points = [{"id": r["pk"], "name": r["name"], "lon": float(r["lon"]), "lat": float(r["lat"]),
                   "visits": r["visits"], "missed": r["missed"], "last": local_time(r["last_visit"]),
                   "level": coverage.level(r["visits"], r["missed"], self.period.days)} for r in rows]
        filterset = self.period_filter[0]
        query = self.request.GET.urlencode()
        ctx = {**super().get_context_data(**kwargs), **self.period_context(), "filter": filterset,
               "truncated": len(rows) >= MAP_CHECKPOINTS,
               "counts": {level: sum(1 for p in points if p["level"] == level)
                          for level in (coverage.NONE, coverage.LOW, coverage.GOOD)},
               "coverage_url": reverse("patrols:coverage") + (f"?{query}" if query else ""),
               "map_data": {"parks": [{"id": p["id"], "name": p["name"], "boundary": p["boundary"]}
                                      for p in park_rows],
                            "checkpoints": points, "live_url": reverse("patrols:map_live"),
                            "run_url": reverse("patrols:run_detail", args=[0]),
                            "checkpoint_url": reverse("patrols:checkpoint_detail", args=[0]),
                            "refresh_seconds": 30, "runs": live_positions(user),
                            "labels": {"none": _("Not visited"), "low": _("Low"), "good": _("Good"),
                                       "visits": _("Counted visits"), "missed": _("Missed checks"),
                                       "last": _("Last visit"), "track": _("Track point"),
                                       "checkin": _("Last check-in")}},
               "MAP_TILE_URL": settings.MAP_TILE_URL}
        return ctx


class CoverageLiveView(PermissionRequiredMixin, TemplateView):
    """GET: the running patrols' positions as JSON, which the map fetches every 30 seconds."""

    required_perm = "patrol.places"

    def get(self, request, *args, **kwargs):
        response = JsonResponse({"runs": live_positions(request.user), "at": timezone.now().isoformat()})
        response["Cache-Control"] = "no-store"
        return response
