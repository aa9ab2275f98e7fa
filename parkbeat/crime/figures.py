"""Crime figures for any period and the user's scope, computed by the database (core.figures): cases by type, the
time from report to the suspect identified (median hours, and the share within 48 hours: exactly 48 h is within,
48 h 10 min is not), loss and recovered value in yuan, and the clearance rate (cases solved, including those
closed after being solved, over all cases). The period reads the time each case was reported."""
from decimal import Decimal

from django.db.models import Count, Q, Sum

from parkbeat.core.figures import Seconds, count_by, counted, percentiles
from parkbeat.crime.models import Case

HOUR = 3600
WITHIN = 48 * HOUR


def case_figures(*, user, start=None, end=None, park=None, queryset=None):
    """{"cases", "by_kind", "identified", "median_hours_to_identify", "within_48h", "share_within_48h",
    "loss_yuan", "recovered_yuan", "recovered_share", "solved", "clearance_rate"} of the cases reported in
    [start, end) that `user` sees (or of `queryset`, already scoped, e.g. a filtered list)."""
    qs = Case.objects.visible_to(user) if queryset is None else queryset
    if start is not None:
        qs = qs.filter(reported_at__gte=start)
    if end is not None:
        qs = qs.filter(reported_at__lt=end)
    if park is not None:
        qs = qs.filter(park=park)
    kinds = Case.Kind.values
    span = Seconds("suspect_identified_at", "reported_at")
    identified = Q(suspect_identified_at__isnull=False)
    result = qs.order_by().annotate(to_identify=span).aggregate(
        cases=Count("pk"), **count_by("kind", kinds),
        identified=Count("pk", filter=identified),
        within=Count("pk", filter=identified & Q(to_identify__lte=WITHIN)),
        solved=Count("pk", filter=Q(solved_at__isnull=False)),
        loss=Sum("loss_yuan"), recovered=Sum("recovered_yuan"))
    median = percentiles(qs, span, ps=(50,), filter=identified)[50]
    loss, recovered = result["loss"] or Decimal("0"), result["recovered"] or Decimal("0")
    cases, n_identified = result["cases"], result["identified"]
    return {
        "cases": cases, "by_kind": counted(result, "kind", kinds),
        "identified": n_identified, "within_48h": result["within"],
        "median_hours_to_identify": None if median is None else round(median / HOUR, 1),
        "share_within_48h": round(result["within"] / n_identified, 3) if n_identified else None,
        "loss_yuan": loss, "recovered_yuan": recovered,
        "recovered_share": round(float(recovered / loss), 3) if loss else None,
        "solved": result["solved"], "clearance_rate": round(result["solved"] / cases, 3) if cases else None,
    }
