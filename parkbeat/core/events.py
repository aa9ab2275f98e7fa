"""When an event happened, as opposed to when it was recorded: the one check every recorded event goes through.

A park officer settles a blockade at 11:02 and writes it up in the evening; a station brings last
quarter's ledger. Every event (reported, accepted, on scene, closed, level changed, settled, checked
in…) therefore carries the time it happened (`at`, which clocks and figures read) beside the time it
was recorded and by whom (which the audit trail keeps). `event_time` decides whether a given time is
acceptable:
- never in the future beyond CLOCK_SKEW (a phone a little ahead is forgiven and read as now);
- never before EARLIEST (a typo, before ParkBeat's parks existed);
- never before the events it follows (on scene after accepted after reported; settled after began);
- older than settings.PARKBEAT_BACK_ENTRY_DAYS: only by a station leader, by the system (sweeps dating
  by rule), or with a reason; such an entry is marked as entered late.
Refusals are ValidationErrors keyed by the field that carried the time, so the API answers 400 naming it.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from parkbeat.core.permissions import LEADER, has_role

CLOCK_SKEW = timedelta(minutes=5)
EARLIEST = datetime(2000, 1, 1, tzinfo=dt_timezone.utc)


@dataclass(frozen=True)
class EventTime:
    """A checked event time: when it happened, when it was recorded, and whether it came in late."""

    at: datetime
    recorded_at: datetime
    late: bool = False
    reason: str = ""

    def late_fields(self):
        """Whether it came in late and why: the fields of a record carrying `core.models.LateEntry`."""
        return {"entered_late": self.late, "late_reason": self.reason if self.late else ""}

    def row_fields(self):
        """The fields a transition row (`core.models.EventRow`) stores for this event."""
        return {"at": self.at, "recorded_at": self.recorded_at, **self.late_fields()}


def row_fields(when=None):
    """An event row's time fields: from a checked EventTime, or now for a step taken as it happens (a sweep,
    a reminder, a step whose time nobody gives)."""
    if when is not None:
        return when.row_fields()
    now = timezone.now()
    return {"at": now, "recorded_at": now}


def back_entry_window():
    return timedelta(days=settings.PARKBEAT_BACK_ENTRY_DAYS)


def _shown(moment):
    return date_format(timezone.localtime(moment), "Y-m-d H:i")


def event_time(at=None, *, actor, field="at", now=None, after=(), reason=""):
    """The checked time of an event that `actor` records now; `at` None means "just now".

    `after` lists (time or None, what it is) of the events this one follows; a time before any of them
    is refused, naming it. Returns an EventTime.
    """
    now = now or timezone.now()
    if at is None:
        at = now
    if not isinstance(at, datetime):
        raise ValidationError({field: _("Give a date and time.")})
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    if at < EARLIEST:
        raise ValidationError({field: _("The time cannot lie before 1 January 2000.")})
    if at > now + CLOCK_SKEW:
        raise ValidationError({field: _("The time cannot lie in the future.")})
    at = min(at, now)  # a clock a little ahead: read as now, so that no clock runs backwards
    for earlier, label in after:
        if earlier is not None and at < earlier:
            raise ValidationError({field: _("The time cannot lie before %(event)s (%(at)s).") % {
                "event": label, "at": _shown(earlier)}})
    reason = (reason or "").strip()
    late = now - at > back_entry_window()
    if late and actor is not None and not reason and not has_role(actor, LEADER):
        raise ValidationError({field: _(
            "This happened more than %(days)s days ago: say why it is entered only now, or ask a station "
            "leader to enter it.") % {"days": settings.PARKBEAT_BACK_ENTRY_DAYS}})
    return EventTime(at=at, recorded_at=now, late=late, reason=reason)
