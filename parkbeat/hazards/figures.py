"""Hazard figures for any period and the user's scope, computed by the database (core.figures): found by severity,
fixed on the spot, under a deadline, struck off, overdue (as of today, Asia/Shanghai) and the median days from
found to struck off. The period reads the time each hazard was found."""
from django.db.models import Count, Q

from parkbeat.core.figures import count_by, counted, percentiles, Seconds
from parkbeat.hazards.models import Hazard
from parkbeat.hazards.services import today_in_shanghai

HOUR = 3600
DAY = 86400


def hazard_figures(*, user, start=None, end=None, park=None, now=None, queryset=None):
    """{"found", "by_severity": {general, major}, "on_spot", "deadline", "struck_off", "open", "overdue",
    "median_days_to_strike_off"} of the hazards found in [start, end) (datetimes; None: unbounded) that `user`
    sees (or of `queryset`, already scoped, e.g. a filtered list)."""
    qs = Hazard.objects.visible_to(user) if queryset is None else queryset
    if start is not None:
        qs = qs.filter(found_at__gte=start)
    if end is not None:
        qs = qs.filter(found_at__lt=end)
    if park is not None:
        qs = qs.filter(park=park)
    today = today_in_shanghai(now)
    severities = Hazard.Severity.values
    result = qs.order_by().aggregate(
        found=Count("pk"), **count_by("severity", severities),
        n_on_spot=Count("pk", filter=Q(disposition=Hazard.Disposition.ON_SPOT)),
        n_deadline=Count("pk", filter=Q(disposition=Hazard.Disposition.DEADLINE)),
        n_struck_off=Count("pk", filter=Q(state=Hazard.State.STRUCK_OFF)),
        n_open=Count("pk", filter=~Q(state=Hazard.State.STRUCK_OFF)),
        n_overdue=Count("pk", filter=Q(state=Hazard.State.RECTIFYING, deadline__lt=today)))
    spans = percentiles(qs, Seconds("struck_off_at", "found_at"), ps=(50,),
                        filter=Q(state=Hazard.State.STRUCK_OFF))
    median = spans[50]
    return {"found": result["found"], "by_severity": counted(result, "severity", severities),
            "on_spot": result["n_on_spot"], "deadline": result["n_deadline"], "struck_off": result["n_struck_off"],
            "open": result["n_open"], "overdue": result["n_overdue"],
            "median_days_to_strike_off": None if median is None else round(median / DAY, 1),
            # the page words a same-day strike-off in hours ("0.0 days" reads as nothing happened)
            "median_hours_to_strike_off": None if median is None else round(median / HOUR, 1)}
