"""Every read of inspections a user sees starts from `visible_to(user)`; the quarterly rule is computed here."""
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.http import Http404
from django.utils import timezone

from parkbeat.enterprises.models import Enterprise, KeyDesignation
from parkbeat.inspections.models import (Campaign, ChecklistTemplate, ChecklistVersion, Inspection,
                                         InspectionResult, KeyDate)
from parkbeat.inspections.quarters import SHANGHAI, Quarter, quarters_of

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


# ---------------------------------------------------------------- key dates and campaigns
KEY_DATE_SOON_DAYS = 3  # the last days of a key date's window: an enterprise not yet inspected is "due soon"


def shanghai_day(moment):
    return moment.astimezone(SHANGHAI).date()


def day_start(day):
    """Shanghai midnight at the start of `day`, aware."""
    return datetime.combine(day, time.min, tzinfo=SHANGHAI)


def _get(qs, pk):
    try:
        return qs.get(pk=pk)
    except (qs.model.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def keydate_list(*, user):
    return KeyDate.objects.visible_to(user).select_related("station", "park").defer(
        "park__boundary", "park__description")


def keydate_get(*, user, pk):
    return _get(keydate_list(user=user), pk)


def keydate_state(key_date, *, done, today, soon_days=KEY_DATE_SOON_DAYS):
    """One key enterprise before one key date: upcoming (the window has not opened), done (a full inspection
    counting for the rule happened in the window), late (the day has come without one), due soon (the window's
    last `soon_days` days), else due. `today` is a Shanghai date."""
    if done:
        return DONE
    if today >= key_date.day:
        return LATE
    if today < key_date.window_start:
        return UPCOMING
    return DUE_SOON if today >= key_date.day - timedelta(days=soon_days) else DUE


def keydate_enterprises(key_date, *, user=None):
    """The key enterprises the key date applies to (its park, or every park of its station); with `user`, only
    those the user sees."""
    qs = Enterprise.objects.visible_to(user) if user is not None else Enterprise.objects.all()
    qs = qs.filter(is_key=True).exclude(status=Enterprise.Status.CLOSED)
    qs = qs.filter(park_id=key_date.park_id) if key_date.park_id else qs.filter(park__station_id=key_date.station_id)
    return (qs.select_related("park").defer("park__boundary", "park__description", "production_hours")
            .order_by("park__name", "name", "id"))


@dataclass(frozen=True)
class ProgressRow:
    enterprise: Enterprise
    state: str
    inspected_at: object = None  # the inspection that satisfied it, when done
    planned_on: object = None  # the next planned inspection, when not done


def _planned(enterprise_ids, *, start_day, end_day, campaign=None):
    qs = Inspection.objects.filter(enterprise_id__in=enterprise_ids, status=Inspection.Status.PLANNED,
                                   planned_on__gte=start_day, planned_on__lte=end_day)
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    planned = {}
    for pk, day in qs.order_by("planned_on").values_list("enterprise_id", "planned_on"):
        planned.setdefault(pk, day)
    return planned


def keydate_progress(*, key_date, user=None, now=None):
    """Per key enterprise of the key date's scope: its state and the inspection that did it; three queries."""
    today = shanghai_day(now or timezone.now())
    enterprises = list(keydate_enterprises(key_date, user=user))
    ids = [e.pk for e in enterprises]
    done = {}
    for pk, at in (Inspection.objects.filter(enterprise_id__in=ids, counts_for_rule=True,
                                             happened_at__gte=day_start(key_date.window_start),
                                             happened_at__lt=day_start(key_date.day))
                   .order_by("happened_at").values_list("enterprise_id", "happened_at")):
        done.setdefault(pk, at)
    planned = _planned(ids, start_day=max(today, key_date.window_start),
                       end_day=key_date.day - timedelta(days=1))
    return [ProgressRow(enterprise=e, state=keydate_state(key_date, done=e.pk in done, today=today),
                        inspected_at=done.get(e.pk), planned_on=planned.get(e.pk)) for e in enterprises]


def progress_by_park(rows):
    """[(park, {state: count}, total)] in the rows' order, for the per-park summary."""
    parks = {}
    for row in rows:
        park = row.enterprise.park
        entry = parks.setdefault(park.pk, [park, {}, 0])
        entry[1][row.state] = entry[1].get(row.state, 0) + 1
        entry[2] += 1
    return [tuple(entry) for entry in parks.values()]


def progress_counts(rows):
    counts = {}
    for row in rows:
        counts[row.state] = counts.get(row.state, 0) + 1
    return counts


def campaign_list(*, user):
    return Campaign.objects.visible_to(user).select_related("station")


def campaign_get(*, user, pk):
    return _get(campaign_list(user=user), pk)


def campaign_state(campaign, *, done, today):
    """One enterprise of a campaign: done (inspected for the campaign within its period), upcoming (the period
    has not begun), late (the period is over without it), else due (not yet). `today` is a Shanghai date."""
    if done:
        return DONE
    if today > campaign.ends_on:
        return LATE
    if today < campaign.starts_on:
        return UPCOMING
    return DUE


def campaign_progress(*, campaign, user=None, now=None):
    """Per enterprise of the campaign (those the user sees): its state, the inspection of the campaign done within
    the period (Asia/Shanghai days, both ends included) and the next one planned."""
    today = shanghai_day(now or timezone.now())
    qs = Enterprise.objects.visible_to(user) if user is not None else Enterprise.objects.all()
    enterprises = list(qs.filter(campaigns=campaign).select_related("park")
                       .defer("park__boundary", "park__description", "production_hours")
                       .order_by("park__name", "name", "id"))
    ids = [e.pk for e in enterprises]
    done = {}
    for pk, at in (Inspection.objects.filter(
            enterprise_id__in=ids, campaign=campaign, status=Inspection.Status.DONE,
            happened_at__gte=day_start(campaign.starts_on),
            happened_at__lt=day_start(campaign.ends_on + timedelta(days=1)))
            .order_by("happened_at").values_list("enterprise_id", "happened_at")):
        done.setdefault(pk, at)
    planned = _planned(ids, start_day=campaign.starts_on, end_day=campaign.ends_on, campaign=campaign)
    return [ProgressRow(enterprise=e, state=campaign_state(campaign, done=e.pk in done, today=today),
                        inspected_at=done.get(e.pk), planned_on=planned.get(e.pk)) for e in enterprises]
