"""The enterprise's incidents on its page (enterprises.panels): counts, the latest ones, the filtered list.

Only what the viewing user may see (incidents.selectors.incident_list): a liaison their enterprise's,
an agency the ones it was brought into, the police their parks'."""
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkbeat.enterprises.panels import FilePanel
from parkbeat.incidents.models import Incident
from parkbeat.incidents.selectors import incident_list

LIST = "incidents:incident_list"
SHOWN = 5


def panel_context(*, user, enterprise):
    incidents = incident_list(user=user).filter(enterprise=enterprise)
    figures = incidents.aggregate(total=Count("id"), open=Count("id", filter=Q(status__in=Incident.OPEN_STATUSES)))
    url = f"{reverse(LIST)}?enterprise={enterprise.pk}"
    return {"rows": list(incidents.order_by("-reported_at", "-id")[:SHOWN]), "total": figures["total"],
            "open": figures["open"], "all_url": url, "open_url": f"{url}&open=true", "now": timezone.now()}


PANELS = (FilePanel(key="incidents", title=_("Incidents"), template="incidents/partials/enterprise_file.html",
                    context=panel_context, shown_to=LIST, icon="broadcast"),)
