"""What an incident can lead to: each outcome area declares itself here, and the link is kept both ways.

An outcome is a model with a foreign key `incident` (related name: the declared `related_name`). The
incident's page and API list every declared outcome that exists, and each outcome shows its incident.
Adding hazards or criminal cases later is one more `Outcome(...)` line, not a change to incidents.
"""
from dataclasses import dataclass

from django.apps import apps
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Outcome:
    model: str  # "app_label.Model", with a ForeignKey `incident` to incidents.Incident
    related_name: str  # the reverse accessor on Incident, e.g. "disputes"
    label: object  # what the outcome is called, e.g. "dispute case"
    create_url_name: str  # page that opens one from an incident (?incident=<pk>)
    permission: str  # core.permissions name that allows opening one
    actor_field: str = ""  # who opened it (a user foreign key), named on the incident's timeline

    def model_class(self):
        return apps.get_model(self.model)


OUTCOMES = [
    Outcome("disputes.Dispute", "disputes", _("Dispute case"), "disputes:dispute_create", "dispute.add",
            actor_field="opened_by"),
    # reported from a patrol run (patrols.services.finding_report), never opened from an incident: no create page
    Outcome("patrols.Finding", "patrol_findings", _("Found on patrol"), "", "patrol.run", actor_field="reported_by"),
    Outcome("hazards.Hazard", "hazards", _("Hazard"), "hazards:hazard_create", "hazard.add", actor_field="recorded_by"),
    Outcome("crime.Case", "crime_cases", _("Criminal case"), "crime:case_create", "crime.handle",
            actor_field="recorded_by"),
]


def outcomes_of(incident, user):
    """[(outcome, [records the user may see])] for each declared outcome of `incident`."""
    found = []
    for outcome in OUTCOMES:
        qs = outcome.model_class().objects.visible_to(user).filter(incident=incident)
        records = list(qs.select_related(outcome.actor_field) if outcome.actor_field else qs)
        found.append((outcome, records))
    return found
