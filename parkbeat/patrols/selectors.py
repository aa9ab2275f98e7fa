"""Every read of patrols a user sees starts from `visible_to(user)`."""
from django.db.models import Q
from django.http import Http404

from parkbeat.patrols.models import CheckIn, Checkpoint, Finding, MissedCheck, PatrolPlan, PatrolRun, Route

HEAVY_PARK_FIELDS = ("park__boundary", "park__description")


def checkpoint_list(*, user):
    return Checkpoint.objects.visible_to(user).select_related("park").defer(*HEAVY_PARK_FIELDS)


def route_list(*, user):
    return Route.objects.visible_to(user).select_related("park").defer(*HEAVY_PARK_FIELDS)


def plan_list(*, user):
    return (PatrolPlan.objects.visible_to(user).select_related("park", "route", "officer")
            .defer(*HEAVY_PARK_FIELDS))


def run_list(*, user):
    return (PatrolRun.objects.visible_to(user).select_related("park", "route", "plan", "started_by")
            .defer(*HEAVY_PARK_FIELDS))


def startable_plans(user):
    """The active plans `user` may start a run of (their park's, or their team's)."""
    return (PatrolPlan.objects.visible_to(user, roles=("station_leader", "park_officer", "auxiliary", "volunteer"))
            .filter(is_active=True).select_related("route", "park").order_by("start_time", "name"))


def joinable_runs(user):
    """Running patrols of the plans `user` may start (and, for the police, of their parks)."""
    plans = startable_plans(user).values("pk")
    police = PatrolRun.objects.visible_to(user, roles=("station_leader", "park_officer", "auxiliary")).values("pk")
    return (PatrolRun.objects.filter(status=PatrolRun.Status.RUNNING).filter(Q(plan__in=plans) | Q(pk__in=police))
            .select_related("route", "park", "plan").order_by("-started_at"))


def get_visible(queryset, pk):
    """One row of `queryset` (already scoped), else 404: never a hint that it exists elsewhere."""
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def run_checkins(run):
    return list(CheckIn.objects.filter(run=run).select_related("checkpoint", "recorded_by").order_by("at", "id"))


def run_progress(run):
    """The route's checkpoints in order, each with its counted check-in (or None), the flagged scans, the
    findings and the missed checks recorded for the run's window."""
    checkins = run_checkins(run)
    reached = {}
    for c in checkins:
        if c.counted:
            reached.setdefault(c.checkpoint_id, c)
    stops = [{"checkpoint": cp, "checkin": reached.get(cp.pk)} for cp in run.route.ordered_checkpoints()]
    missed = (MissedCheck.objects.filter(plan_id=run.plan_id, window_start=run.window_start)
              .select_related("checkpoint") if run.plan_id else MissedCheck.objects.none())
    return {
        "stops": stops, "checkins": checkins, "flagged": [c for c in checkins if not c.counted],
        "reached_count": len(reached), "missed": list(missed),
        "findings": list(Finding.objects.filter(run=run).select_related("incident", "checkpoint", "reported_by")),
    }
