"""The incidents on the workbench: figures for the police, the incidents waiting for them with the time left
to accept, the agency's and the enterprise's incidents, and the quick-report button for the field."""
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parkbeat.core.home import Card, Panel, remaining
from parkbeat.core.pagination import keyed_page
from parkbeat.core.permissions import AGENCY, AUXILIARY, LIAISON, OFFICER, POLICE, VOLUNTEER
from parkbeat.core.scoping import access_for
from parkbeat.incidents.models import Incident
from parkbeat.incidents.selectors import incident_list

LIST = "incidents:incident_list"
CSS = ("incidents/incidents.css",)
SHOWN = 8  # rows per panel; the panel links to the whole list

CARDS = (
    Card("open_incidents", _("Open incidents"), LIST, "?open=true", row="home-cases",
         roles=POLICE | {AGENCY, LIAISON}, icon="broadcast"),
    Card("incidents_awaiting", _("Awaiting acceptance"), LIST, "?status=reported", row="home-cases", roles=POLICE,
         icon="hourglass-split"),
    Card("incidents_overdue", _("Acceptance overdue"), LIST, "?overdue=true", warn=True, row="home-cases",
         roles=POLICE, icon="alarm"),
)


def counts(*, user, now):
    """Open incidents, those awaiting acceptance and those overdue for it, as the list's `open`, `status` and
    `overdue` filters count them: all three are open, so only the open rows are read (an index on status)."""
    incidents = Incident.objects.visible_to(user).filter(status__in=Incident.OPEN_STATUSES).aggregate(
        open=Count("id"),
        awaiting=Count("id", filter=Q(status=Incident.Status.REPORTED)),
        overdue=Count("id", filter=Q(status=Incident.Status.REPORTED, accept_due_at__lt=now)))
    return {"open_incidents": incidents["open"], "incidents_awaiting": incidents["awaiting"],
            "incidents_overdue": incidents["overdue"]}


def _rows(queryset, now, countdown=False):
    """The first rows; for the police, each waiting one with the time left to accept it."""
    rows = list(keyed_page(queryset, 0, SHOWN))
    for incident in rows:
        incident.countdown = (remaining(incident.accept_due_at, now)
                              if countdown and incident.status == Incident.Status.REPORTED else None)
    return rows


def waiting(*, user, now):
    """Dispatched to the user's parks and not yet accepted, the nearest acceptance deadline first."""
    qs = (incident_list(user=user).filter(status=Incident.Status.REPORTED)
          .order_by("accept_due_at", "reported_at", "id"))
    return {"title": _("Incidents waiting for acceptance"), "rows": _rows(qs, now, countdown=True), "total": qs.count(),
            "more": reverse(LIST) + "?status=reported", "countdown": True, "id": "wb-incidents-waiting",
            "empty": _("No incident is waiting for acceptance.")}


def held(*, user, now):
    """What the user holds now: accepted or on scene, oldest first."""
    qs = (incident_list(user=user).filter(holder_id=user.pk,
                                          status__in=(Incident.Status.ACCEPTED, Incident.Status.ON_SCENE))
          .order_by("reported_at", "id"))
    return {"title": _("Incidents I am handling"), "rows": _rows(qs, now), "total": qs.count(),
            "more": reverse(LIST) + "?holder=me&handling=true", "id": "wb-incidents-held",
            "empty": _("You hold no open incident.")}


def agency_joined(*, user, now):
    """The incidents the user's agency was brought into, open ones first."""
    agencies = access_for(user).agencies
    qs = (incident_list(user=user).filter(pk__in=Incident.objects.filter(agencies__in=agencies).values("pk"))
          .filter(status__in=Incident.OPEN_STATUSES).order_by("-reported_at", "-id"))
    return {"title": _("Incidents your agency joined"), "rows": _rows(qs, now), "total": qs.count(),
            "more": reverse(LIST) + "?open=true", "id": "wb-incidents-agency",
            "empty": _("Your agency has not been brought into an open incident.")}


def enterprise_open(*, user, now):
    """The liaison's enterprise: its incidents not yet closed (and those the liaison reported)."""
    qs = incident_list(user=user).filter(status__in=Incident.OPEN_STATUSES).order_by("-reported_at", "-id")
    return {"title": _("Your enterprise's open incidents"), "rows": _rows(qs, now), "total": qs.count(),
            "more": reverse(LIST) + "?open=true", "id": "wb-incidents-enterprise",
            "empty": _("Your enterprise has no open incident.")}


def my_reports(*, user, now):
    """What the volunteer reported, newest first, with where each one stands."""
    qs = incident_list(user=user).filter(reported_by_id=user.pk).order_by("-reported_at", "-id")
    return {"title": _("What I reported"), "rows": _rows(qs, now), "total": qs.count(),
            "more": reverse(LIST), "id": "wb-incidents-mine", "empty": _("You have not reported anything yet.")}


def quick_report(*, user, now):
    return {"url": reverse("incidents:quick_report"), "icon": "megaphone-fill", "id": "wb-quick-report",
            "label": _("Quick report"),
            "hint": _("Seen something? Report it in a few taps: what, where, a photo. The park's police "
                      "are told at once.")}


ROWS = "incidents/partials/home_incidents.html"
PANELS = (
    Panel("quick_report", "core/partials/action_panel.html", quick_report, roles=frozenset({LIAISON, VOLUNTEER}),
          shown_to="incidents:quick_report", order=0, width="full"),
    Panel("incidents_waiting", ROWS, waiting, roles=POLICE, order=10, css=CSS),
    Panel("incidents_held", ROWS, held, roles=frozenset({OFFICER, AUXILIARY}), order=11, css=CSS),
    Panel("incidents_agency", ROWS, agency_joined, roles=frozenset({AGENCY}), order=10, css=CSS),
    Panel("incidents_enterprise", ROWS, enterprise_open, roles=frozenset({LIAISON}), order=10, css=CSS),
    Panel("incidents_mine", ROWS, my_reports, roles=frozenset({VOLUNTEER}), order=20, css=CSS),
)
