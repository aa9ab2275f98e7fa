"""The incidents' figures on the home page, for the roles that see the incident list."""
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from parkbeat.core.home import Card
from parkbeat.incidents.models import Incident

LIST = "incidents:incident_list"
CARDS = (
    Card("open_incidents", _("Open incidents"), LIST, row="home-cases"),
    Card("incidents_awaiting", _("Awaiting acceptance"), LIST, "?status=reported", row="home-cases"),
    Card("incidents_overdue", _("Acceptance overdue"), LIST, "?overdue=true", warn=True, row="home-cases"),
)


def counts(*, user, now):
    """Open incidents, those awaiting acceptance and those overdue for it (the list's `overdue` filter)."""
    incidents = Incident.objects.visible_to(user).aggregate(
        open=Count("id", filter=~Q(status__in=Incident.FINAL_STATUSES)),
        awaiting=Count("id", filter=Q(status=Incident.Status.REPORTED)),
        overdue=Count("id", filter=Q(status=Incident.Status.REPORTED, accept_due_at__lt=now)))
    return {"open_incidents": incidents["open"], "incidents_awaiting": incidents["awaiting"],
            "incidents_overdue": incidents["overdue"]}
