"""Inspections on the workbench: this week's planned inspections (Monday to Sunday, Shanghai days) and the
planned ones whose day has passed without a record, for the police and the agencies that join them."""
from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkbeat.core.home import Card
from parkbeat.core.permissions import AGENCY, AUXILIARY, LEADER, OFFICER
from parkbeat.inspections.models import Inspection

LIST = "inspections:inspection_list"
ROLES = frozenset({LEADER, OFFICER, AUXILIARY, AGENCY})
PLANNED = Inspection.Status.PLANNED


def _week(now):
    monday = timezone.localdate(now) - timedelta(days=timezone.localdate(now).weekday())
    return monday, monday + timedelta(days=6)


def _this_week(now):
    monday, sunday = _week(now)
    return f"?status={PLANNED}&planned_from={monday:%Y-%m-%d}&planned_to={sunday:%Y-%m-%d}"


def _past_their_day(now):
    return f"?status={PLANNED}&planned_to={timezone.localdate(now) - timedelta(days=1):%Y-%m-%d}"


CARDS = (
    Card("inspections_this_week", _("Inspections planned this week"), LIST, _this_week, roles=ROLES,
         icon="clipboard2-pulse"),
    Card("inspections_past_due", _("Planned inspections past their day"), LIST, _past_their_day, warn=True,
         roles=ROLES, icon="calendar-x"),
)


def counts(*, user, now):
    monday, sunday = _week(now)
    yesterday = timezone.localdate(now) - timedelta(days=1)
    return Inspection.objects.visible_to(user).filter(status=PLANNED).aggregate(
        inspections_this_week=Count("id", filter=Q(planned_on__gte=monday, planned_on__lte=sunday)),
        inspections_past_due=Count("id", filter=Q(planned_on__lte=yesterday)))
