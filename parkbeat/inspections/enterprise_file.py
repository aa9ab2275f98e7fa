"""The enterprise's inspections on its page (enterprises.panels): counts, the latest ones, the filtered list.

Only what the viewing user may see (inspections.selectors.inspection_list): the police their parks', agency
staff the inspections they joined."""
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parkbeat.enterprises.panels import FilePanel
from parkbeat.inspections.models import Inspection
from parkbeat.inspections.selectors import inspection_list

LIST = "inspections:inspection_list"
SHOWN = 5


def panel_context(*, user, enterprise):
    inspections = inspection_list(user=user).filter(enterprise=enterprise)
    figures = inspections.aggregate(total=Count("id"), open=Count("id", filter=Q(status=Inspection.Status.PLANNED)))
    url = f"{reverse(LIST)}?enterprise={enterprise.pk}"
    return {"rows": list(inspections.order_by("-planned_on", "-id")[:SHOWN]), "total": figures["total"],
            "open": figures["open"], "all_url": url, "open_url": f"{url}&status=planned"}


PANELS = (FilePanel(key="inspections", title=_("Safety inspections"),
                    template="inspections/partials/enterprise_file.html", context=panel_context, shown_to=LIST,
                    icon="clipboard2-pulse"),)
