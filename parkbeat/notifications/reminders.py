"""Periodic reminders built on notify(): each carries a dedupe key, so running a reminder twice sends nothing new."""
from django.utils import timezone
from django.utils.translation import gettext as _

from parkbeat.notifications.models import Notification
from parkbeat.notifications.services import notify


def park_officers(park_ids):
    """{park id: [active park officers]}; a park without any falls back to the leaders over its station."""
    from parkbeat.org.models import Park, Role, RoleAssignment

    officers = {park_id: [] for park_id in park_ids}
    for assignment in (RoleAssignment.objects.filter(role=Role.PARK_OFFICER, park_id__in=park_ids,
                                                     user__is_active=True)
                       .select_related("user").order_by("user_id")):
        officers[assignment.park_id].append(assignment.user)
    orphans = [park_id for park_id, users in officers.items() if not users]
    if orphans:
        leaders = list(RoleAssignment.objects.filter(role=Role.STATION_LEADER, user__is_active=True)
                       .select_related("user", "unit").order_by("user_id"))
        for park in Park.objects.filter(pk__in=orphans).select_related("station"):
            officers[park.pk] = [a.user for a in leaders if park.station.path.startswith(a.unit.path)]
    return officers


def remind_overdue_demands(*, now=None):
    """Tell the assignee of each overdue open demand (unassigned: the park's officers) once per day.

    Returns the number of notifications created; a second run on the same day creates none.
    """
    from parkbeat.enterprises.models import Demand

    now = now or timezone.now()
    day = timezone.localdate(now).isoformat()
    demands = list(Demand.objects.overdue(now).select_related("enterprise", "assignee").order_by("due_at", "id"))
    officers = park_officers({d.enterprise.park_id for d in demands})
    created = 0
    for demand in demands:
        if demand.assignee is not None and demand.assignee.is_active:
            recipients = [demand.assignee]
        else:
            recipients = officers.get(demand.enterprise.park_id, [])
        due = timezone.localtime(demand.due_at)
        created += len(notify(
            recipients=recipients, kind=Notification.Kind.DEMAND_OVERDUE, obj=demand,
            title=_("Demand overdue: %(enterprise)s") % {"enterprise": demand.enterprise.name},
            body=_("%(category)s demand, answer was due %(due)s.") % {
                "category": demand.get_category_display(), "due": f"{due:%Y-%m-%d %H:%M}"},
            dedupe_key=f"demand-overdue:{demand.pk}:{day}"))
    return created
