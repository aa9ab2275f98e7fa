"""The duty roster's Excel export, through the shared mechanism (core.exports): scoped by the caller, row
limit, hourly quota, formula cells escaped, the export on the audit trail."""
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkbeat.core.exports import Export
from parkbeat.org.models import DutyShiftQuerySet, Role

WEEKDAYS = (_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun"))


def _cells(row):
    starts_at, ends_at, park, full_name, username, role, note, _pk = row
    start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    return [f"{start:%Y-%m-%d}", str(WEEKDAYS[start.weekday()]), park, full_name or username, str(Role(role).label),
            f"{start:%H:%M}", f"{end:%Y-%m-%d %H:%M}" if end.date() != start.date() else f"{end:%H:%M}", note]


DUTY_EXPORT = Export(
    object_type="org.DutyShift", sheet="值班表",
    # The paths fetch what `_cells` needs; the titles name the cells it writes, position by position.
    columns=(("starts_at", _("Date")), ("ends_at", _("Weekday")), ("park__name", _("Park")),
             ("user__full_name", _("On duty")), ("user__username", _("Role")), ("role", _("Starts at")),
             ("note", _("Ends at")), ("id", _("Note"))),
    convert=_cells, widths=(12, 8, 18, 14, 8, 10, 16, 24), order_by=("starts_at", "park__name", "id"),
    noun=_("%(count)s duty shifts"),
    too_many=_("%(count)s duty shifts match; at most %(max)s can be exported at once. Narrow the filters."))


def duty_export(queryset, *, user, filters=None):
    """An .xlsx of the given shifts, re-narrowed to the roster `user` sees (raises ExportTooLarge or
    ExportRateLimited)."""
    return DUTY_EXPORT.render(queryset.visible_to(user, roles=DutyShiftQuerySet.scope_park_roles), user=user,
                              filters=filters)
