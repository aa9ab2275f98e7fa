"""Every read of inspections a user sees starts from `visible_to(user)`; the quarterly rule is computed here."""
from dataclasses import dataclass
from datetime import timedelta

from django.http import Http404
from django.utils import timezone

from parkbeat.enterprises.models import Enterprise, KeyDesignation
from parkbeat.inspections.models import ChecklistTemplate, ChecklistVersion, Inspection, InspectionResult
from parkbeat.inspections.quarters import Quarter, quarters_of

DUE_SOON_DAYS = 30  # the last month of a quarter: an enterprise not yet inspected is "due soon"


def inspection_list(*, user):
    return (Inspection.objects.visible_to(user)
            .select_related("enterprise", "park", "led_by", "checklist__template")
            .defer("park__boundary", "park__description", "enterprise__production_hours"))


def inspection_get(*, user, pk):
    try:
        return inspection_list(user=user).get(pk=pk)
    except (Inspection.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def result_list(*, user, inspection):
    return (InspectionResult.objects.visible_to(user).filter(inspection=inspection)
            .select_related("item__area").order_by("item__area__order", "item__order"))


def checklist_list():
    """Checklists are the station's reference, the same for every police user (no case data in them)."""
    return ChecklistTemplate.objects.order_by("name", "id")


def checklist_get(*, pk):
    try:
        return checklist_list().get(pk=pk)
    except (ChecklistTemplate.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def version_areas(version):
    """The areas of a version with their items, in order."""
    return list(version.areas.prefetch_related("items").order_by("order"))


def version_get(*, template, number):
    try:
        return template.versions.get(number=number)
    except (ChecklistVersion.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


# ---------------------------------------------------------------- the quarterly rule
DONE, LATE, DUE, DUE_SOON, UPCOMING, NOT_KEY = "done", "late", "due", "due_soon", "upcoming", "not_key"


@dataclass(frozen=True)
class ComplianceRow:
    enterprise: Enterprise
    cells: tuple  # (Quarter, state) for each quarter of the year


def quarter_state(quarter, *, done, now, key_from=None, soon_days=DUE_SOON_DAYS):
    """One key enterprise in one quarter: done (a full inspection counting for the rule happened in it), late
    (the quarter is over without one), due soon (its last `soon_days` days), due, upcoming (not begun), or
    not key (it became key only after the quarter)."""
    if key_from is not None and quarter.last_day < key_from:
        return NOT_KEY
    if done:
        return DONE
    if now >= quarter.end:
        return LATE
    if now < quarter.start:
        return UPCOMING
    return DUE_SOON if now >= quarter.end - timedelta(days=soon_days) else DUE


def compliance_board(*, user, year, park=None, now=None):
    """Key enterprises (in the user's scope, optionally one park) × the quarters of `year` (Asia/Shanghai):
    three queries whatever the number of enterprises."""
    now = now or timezone.now()
    quarters = quarters_of(year)
    enterprises = (Enterprise.objects.visible_to(user).filter(is_key=True).exclude(status=Enterprise.Status.CLOSED)
                   .select_related("park").defer("park__boundary", "park__description", "production_hours")
                   .order_by("park__name", "name", "id"))
    if park is not None:
        enterprises = enterprises.filter(park=park)
    enterprises = list(enterprises)
    ids = [e.pk for e in enterprises]
    done = {(pk, Quarter.of(at)) for pk, at in Inspection.objects.filter(
        enterprise_id__in=ids, counts_for_rule=True, happened_at__gte=quarters[0].start,
        happened_at__lt=quarters[-1].end).values_list("enterprise_id", "happened_at")}
    key_from = dict(KeyDesignation.objects.filter(enterprise_id__in=ids, ended_on__isnull=True)
                    .values_list("enterprise_id", "starts_on"))
    return [ComplianceRow(enterprise=e, cells=tuple(
        (q, quarter_state(q, done=(e.pk, q) in done, now=now, key_from=key_from.get(e.pk))) for q in quarters))
        for e in enterprises]


def compliance_totals(rows):
    """Per quarter: how many key enterprises are in each state."""
    totals = {}
    for row in rows:
        for quarter, state in row.cells:
            totals.setdefault(quarter, {}).setdefault(state, 0)
            totals[quarter][state] += 1
    return totals
