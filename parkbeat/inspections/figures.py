"""Inspection figures for any period and the user's scope, computed in the database (core.figures): inspections
done (full, partial, joint with partner agencies), planned and cancelled, and the compliance rate of the quarterly
rule per Asia/Shanghai quarter and for the period. One query for the inspections, one for the rule."""
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import timezone

from parkbeat.core.figures import count_by, counted
from parkbeat.enterprises.models import Enterprise, KeyDesignation
from parkbeat.inspections.models import Inspection
from parkbeat.inspections.quarters import SHANGHAI, Quarter


def _start(day):
    return datetime.combine(day, time.min, tzinfo=SHANGHAI)


@dataclass
class QuarterRate:
    quarter: Quarter
    key: int  # key enterprises the rule applied to in the quarter
    done: int  # of them, with a full-coverage inspection counting for the rule in it

    @property
    def rate(self):
        return round(100 * self.done / self.key, 1) if self.key else None


@dataclass
class Figures:
    start: object
    end: object
    done: int = 0
    full: int = 0
    partial: int = 0
    joint: int = 0
    planned: int = 0
    cancelled: int = 0
    quarters: list = field(default_factory=list)

    @property
    def key(self):
        return sum(q.key for q in self.quarters)

    @property
    def key_done(self):
        return sum(q.done for q in self.quarters)

    @property
    def rate(self):
        """Key enterprise-quarters done / due over the period's quarters, in percent (None when none was due)."""
        return round(100 * self.key_done / self.key, 1) if self.key else None


def quarters_between(start, end):
    """The Asia/Shanghai quarters the days `start`…`end` touch, in order."""
    quarter, last, found = Quarter.of(start), Quarter.of(end), []
    while quarter <= last:
        found.append(quarter)
        quarter = quarter.next()
    return found


def inspection_figures(*, user, start, end, park=None, now=None):
    """Figures of the days `start`…`end` (both included, Asia/Shanghai) in the user's scope, optionally one park.
    Done inspections count by when they happened; planned and cancelled ones by the day they were planned for.
    The rule counts the quarters the period touches that have begun by `now` (the current one so far)."""
    now = now or timezone.now()
    inspections = Inspection.objects.visible_to(user)
    if park is not None:
        inspections = inspections.filter(park=park)
    happened = Q(status=Inspection.Status.DONE, happened_at__gte=_start(start),
                 happened_at__lt=_start(end + timedelta(days=1)))
    planned_in = Q(planned_on__gte=start, planned_on__lte=end)
    joint = Inspection.agencies.through.objects.filter(inspection_id=OuterRef("pk"))
    row = (inspections.annotate(is_joint=Exists(joint)).aggregate(
        done=Count("pk", filter=happened), joint=Count("pk", filter=happened & Q(is_joint=True)),
        **count_by("coverage", Inspection.Coverage.values, filter=happened),
        **count_by("status", [Inspection.Status.PLANNED, Inspection.Status.CANCELLED], filter=planned_in)))
    coverage = counted(row, "coverage", Inspection.Coverage.values)
    status = counted(row, "status", [Inspection.Status.PLANNED, Inspection.Status.CANCELLED])
    figures = Figures(start=start, end=end, done=row["done"], joint=row["joint"],
                      full=coverage[Inspection.Coverage.FULL], partial=coverage[Inspection.Coverage.PARTIAL],
                      planned=status[Inspection.Status.PLANNED], cancelled=status[Inspection.Status.CANCELLED])
    figures.quarters = compliance_rates(user=user, quarters=[q for q in quarters_between(start, end)
                                                             if q.start <= now], park=park)
    return figures


def compliance_rates(*, user, quarters, park=None):
    """Per quarter: the key enterprises (in scope, open, key by the quarter's last day by their current
    designation) and how many of them had an inspection counting for the rule in it; one query."""
    if not quarters:
        return []
    enterprises = Enterprise.objects.visible_to(user).filter(is_key=True).exclude(status=Enterprise.Status.CLOSED)
    if park is not None:
        enterprises = enterprises.filter(park=park)
    key_from = KeyDesignation.objects.filter(enterprise=OuterRef("pk"), ended_on__isnull=True).values("starts_on")[:1]
    enterprises = enterprises.annotate(key_from=Subquery(key_from))
    aggregates = {}
    for n, quarter in enumerate(quarters):
        counting = Inspection.objects.filter(enterprise=OuterRef("pk"), counts_for_rule=True,
                                             happened_at__gte=quarter.start, happened_at__lt=quarter.end)
        enterprises = enterprises.annotate(**{f"inspected_{n}": Exists(counting)})
        was_key = Q(key_from__isnull=True) | Q(key_from__lte=quarter.last_day)
        aggregates[f"key_{n}"] = Count("pk", filter=was_key)
        aggregates[f"done_{n}"] = Count("pk", filter=was_key & Q(**{f"inspected_{n}": True}))
    row = enterprises.aggregate(**aggregates)
    return [QuarterRate(quarter=q, key=row[f"key_{n}"], done=row[f"done_{n}"]) for n, q in enumerate(quarters)]
