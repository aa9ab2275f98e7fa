"""Every read of special guarding a user sees starts from `visible_to(user)`; coverage is computed here from
the shifts (coverage.py does the arithmetic)."""
import re
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from parkbeat.core.bounds import plausible
from parkbeat.guarding import coverage
from parkbeat.guarding.models import FixedPoint, GuardedAsset, GuardShift, Segment, ShiftPerson

HEAVY_PARK_FIELDS = ("park__boundary", "park__description")
DEFAULT_WINDOW = timedelta(hours=72)
MAX_WINDOW = timedelta(days=31)
# Colours of the teams on the map and the grid legend (colour-blind safe, Okabe–Ito), by team order.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
UNASSIGNED = "#9aa0a6"


def asset_list(*, user):
    return GuardedAsset.objects.visible_to(user).select_related("park").defer("geometry", *HEAVY_PARK_FIELDS)


def segment_list(*, user):
    return Segment.objects.visible_to(user).select_related("asset", "team", "enterprise")


def shift_list(*, user):
    return (GuardShift.objects.visible_to(user).select_related("segment__asset", "segment__team", "created_by")
            .prefetch_related("roster__user"))


def fixed_point_list(*, user):
    return FixedPoint.objects.visible_to(user).select_related("asset", "officer")


def get_visible(queryset, pk):
    """One row of `queryset` (already scoped), else 404: never a hint that it exists elsewhere."""
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def my_shifts(user, now=None):
    """The shifts `user` is on that have not ended, soonest first, each with the user's roster row."""
    now = now or timezone.now()
    rows = (ShiftPerson.objects.filter(user=user, shift__ends_at__gt=now)
            .select_related("shift__segment__asset", "shift__segment__team").prefetch_related("shift__roster")
            .order_by("shift__starts_at")[:50])
    return [{"shift": row.shift, "row": row, "started": row.shift.starts_at <= now,
             "opens_at": row.shift.starts_at - timedelta(minutes=30),
             "can_check_in": row.checked_in_at is None and row.declined_at is None
             and row.shift.starts_at - timedelta(minutes=30) <= now,
             "can_decline": row.checked_in_at is None and row.declined_at is None and row.shift.starts_at > now}
            for row in rows]


# ---------------------------------------------------------------- windows and coverage
def _parse_time(value, field):
    # A "+08:00" offset sent unencoded in a query string arrives as " 08:00".
    text = re.sub(r" (\d{2}:?\d{2})$", r"+\1", value.strip()) if isinstance(value, str) else ""
    try:
        moment = parse_datetime(text) if text else None
    except ValueError:
        moment = None
    if moment is None:
        raise ValidationError({field: _("Give a date and time as ISO 8601, e.g. 2026-12-03T20:00+08:00.")})
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def parse_window(start=None, end=None, *, now=None, default=DEFAULT_WINDOW, max_window=MAX_WINDOW):
    """The window [from, to) asked for by `?from=&to=` (text, either may be left out: from now, for the default
    length); a malformed time, an end before the start, or a window longer than `max_window` is a
    ValidationError naming the parameter."""
    now = now or timezone.now()
    lo = _parse_time(start, "from") if start not in (None, "") else None
    hi = _parse_time(end, "to") if end not in (None, "") else None
    if lo is None:
        lo = (hi - default) if hi is not None else now.replace(minute=0, second=0, microsecond=0)
    if hi is None:
        hi = lo + default
    for moment, field in ((lo, "from"), (hi, "to")):
        try:
            plausible(moment)  # a year 0993 or 9999 is a typing error, and has no offset the schema can carry
        except ValidationError as exc:
            raise ValidationError({field: exc.messages}) from None
    if hi <= lo:
        raise ValidationError({"to": _("The window ends after it starts.")})
    if hi - lo > max_window:
        raise ValidationError({"to": _("A window is at most %(days)s days long.") % {"days": max_window.days}})
    return lo, hi


def _windows(asset, segments, lo, hi):
    """Each segment's watched window: [lo, hi) within the asset's period (nothing once it is finished)."""
    if asset.status != GuardedAsset.Status.ACTIVE:
        return []
    start, end = max(lo, asset.starts_at), min(hi, asset.ends_at)
    return [(s.pk, start, end) for s in segments] if start < end else []


def _staffed_shifts(segment_ids, lo, hi):
    """(segment id, start, end) of the shifts with at least one person (who has not declined) overlapping
    [lo, hi)."""
    staffed = Exists(ShiftPerson.objects.filter(shift_id=OuterRef("pk"), declined_at__isnull=True))
    return list(GuardShift.objects.filter(segment_id__in=segment_ids, starts_at__lt=hi, ends_at__gt=lo)
                .filter(staffed).values_list("segment_id", "starts_at", "ends_at"))


def asset_gaps(asset, segments, lo, hi):
    """[(segment id, start, end)] of the times within [lo, hi) when nobody is on shift on each segment."""
    windows = _windows(asset, segments, lo, hi)
    return coverage.compute_gaps(windows, _staffed_shifts([w[0] for w in windows], lo, hi))


def asset_coverage(asset, segments, lo, hi, now=None):
    """For the window: each segment with its gaps and covered stretches, and the people of the shifts under way
    who have not checked in (real time)."""
    now = now or timezone.now()
    windows = _windows(asset, segments, lo, hi)
    shifts = _staffed_shifts([w[0] for w in windows], lo, hi)
    gaps, covered = coverage.compute_gaps(windows, shifts), coverage.compute_covered(windows, shifts)
    missing = (ShiftPerson.objects.filter(shift__segment__in=segments, shift__starts_at__lte=now,
                                          shift__ends_at__gt=now, checked_in_at__isnull=True,
                                          declined_at__isnull=True)
               .select_related("user", "shift__segment").order_by("shift__starts_at", "id"))
    return {"gaps": gaps, "covered": covered, "not_checked_in": list(missing)}


def no_shows(segments, since, now=None):
    """The roster rows of the shifts on `segments` that ended in [since, now) with the person neither checked
    in nor declining: the no-shows, latest shift first."""
    now = now or timezone.now()
    return list(ShiftPerson.objects.filter(shift__segment__in=segments, shift__ends_at__gte=since,
                                           shift__ends_at__lte=now, checked_in_at__isnull=True,
                                           declined_at__isnull=True)
                .select_related("user", "shift__segment").order_by("-shift__ends_at", "id")[:200])


def sees_attendance(user, segments):
    """The police of the park and the captains of the segments' teams see who did not come."""
    from parkbeat.core.permissions import POLICE, has_role
    from parkbeat.volunteers.models import Volunteer

    if has_role(user, *POLICE):
        return True
    teams = {s.team_id for s in segments if s.team_id}
    return bool(teams) and Volunteer.objects.filter(user=user, is_captain=True, team_id__in=teams,
                                                    status=Volunteer.Status.ACTIVE).exists()


def team_colours(segments):
    """{team id: colour} in the order the teams first appear along the line."""
    colours = {}
    for segment in segments:
        if segment.team_id and segment.team_id not in colours:
            colours[segment.team_id] = PALETTE[len(colours) % len(PALETTE)]
    return colours


def coverage_grid(asset, segments, lo, hours=72, now=None):
    """Rows of the segments × hours grid from `lo`: each cell past, off (outside the period), covered or
    uncovered."""
    now = now or timezone.now()
    step = timedelta(hours=1)
    hi = lo + step * hours
    gaps = asset_gaps(asset, segments, lo, hi)
    by_segment = {}
    for segment_id, start, end in gaps:
        by_segment.setdefault(segment_id, []).append((start, end))
    period = (asset.starts_at, asset.ends_at) if asset.status == GuardedAsset.Status.ACTIVE else (hi, hi)
    rows = [{"segment": s, "cells": coverage.hour_cells(lo, hours, step, by_segment.get(s.pk, []), now, period)}
            for s in segments]
    columns = [lo + step * i for i in range(hours)]
    return {"rows": rows, "columns": columns, "gaps": [(s, start, end) for s in segments
                                                         for start, end in by_segment.get(s.pk, [])]}
