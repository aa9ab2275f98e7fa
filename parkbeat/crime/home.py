"""Enterprise-related crime on the workbench: the cases under investigation and the leads being worked, each
within the user's scope (a liaison counts only their enterprise's cases, an agency only the leads it joined)."""
from django.utils.translation import gettext_lazy as _

from parkbeat.core.home import Card
from parkbeat.core.permissions import AGENCY, AUXILIARY, LEADER, LIAISON, OFFICER
from parkbeat.crime.models import Case, Lead

CARDS = (
    Card("cases_open", _("Cases under investigation"), "crime:case_list", f"?status={Case.Status.OPEN}",
         roles=frozenset({LEADER, OFFICER, AUXILIARY, LIAISON}), icon="folder2-open"),
    Card("leads_open", _("Leads being worked"), "crime:lead_list", f"?status={Lead.Status.OPEN}",
         roles=frozenset({LEADER, OFFICER, AUXILIARY, AGENCY}), icon="search"),
)


def counts(*, user, now):
    return {"cases_open": Case.objects.visible_to(user).filter(status=Case.Status.OPEN).count(),
            "leads_open": Lead.objects.visible_to(user).filter(status=Lead.Status.OPEN).count()}
