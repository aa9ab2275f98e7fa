"""Every read of background checks starts from `visible_to(user)`: the leader and officers of the park and the
liaisons of the enterprise that asked; anyone else gets a 404 (a single check) or nothing (lists, figures).
Figures are computed by the database (core.figures) and count erased checks too: they keep no personal data."""
from django.db.models import Count, Q
from django.http import Http404

from parkbeat.checks.models import BackgroundCheck, PostKind
from parkbeat.core.figures import Seconds, count_by, counted, percentiles


def check_list(*, user):
    return (BackgroundCheck.objects.visible_to(user)
            .select_related("enterprise", "park", "requested_by", "answered_by")
            .defer("park__boundary", "park__description", "enterprise__production_hours"))


def check_get(*, user, pk):
    try:
        return check_list(user=user).get(pk=pk)
    except (BackgroundCheck.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def check_figures(*, user, start=None, end=None, park=None):
    """Requests, answered, median answer time (hours) and outcomes per post type, of the checks asked for in
    [start, end) (dates or datetimes; None: open) that `user` may see, optionally of one park.

    {"requests", "answered", "open", "median_answer_hours", "outcomes": {post_kind: {outcome: n}}}"""
    rows = BackgroundCheck.objects.visible_to(user)
    if start is not None:
        rows = rows.filter(created_at__gte=start)
    if end is not None:
        rows = rows.filter(created_at__lt=end)
    if park is not None:
        rows = rows.filter(park=park)
    aggregates = {"requests": Count("pk"), "answered": Count("pk", filter=Q(status=BackgroundCheck.Status.ANSWERED))}
    for kind in PostKind.values:  # one query: a Count per (post type, outcome)
        for key, aggregate in count_by("outcome", BackgroundCheck.Outcome.values, filter=Q(post_kind=kind)).items():
            aggregates[f"{kind}__{key}"] = aggregate
    result = rows.order_by().aggregate(**aggregates)
    answer = percentiles(rows.filter(answered_at__isnull=False), Seconds("answered_at", "created_at"), ps=(50,))
    median = answer[50]
    outcomes = {kind: counted({key.split("__", 1)[1]: value for key, value in result.items()
                               if key.startswith(f"{kind}__")}, "outcome", BackgroundCheck.Outcome.values)
                for kind in PostKind.values}
    return {"requests": result["requests"], "answered": result["answered"],
            "open": result["requests"] - result["answered"],
            "median_answer_hours": None if median is None else round(median / 3600, 2),
            "outcomes": outcomes}
