"""The enterprise's hazards on its page (to every role holding hazard.view: the liaison reaches it from 我的隐患) (enterprises.panels): counts, the latest ones, the filtered list.

Only what the viewing user may see (hazards.selectors.hazard_list): the police their parks', the liaison their
enterprise's, agency staff those referred to them or found on inspections they joined."""
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parkbeat.core.permissions import can
from parkbeat.enterprises.panels import FilePanel
from parkbeat.hazards.models import Hazard
from parkbeat.hazards.selectors import hazard_list
from parkbeat.hazards.services import today_in_shanghai

LIST = "hazards:hazard_list"
SHOWN = 5


def panel_context(*, user, enterprise):
    if not can(user, "hazard.view"):
        return None
    hazards = hazard_list(user=user).filter(enterprise=enterprise)
    figures = hazards.order_by().aggregate(
        total=Count("id"), open=Count("id", filter=~Q(state=Hazard.State.STRUCK_OFF)),
        overdue=Count("id", filter=Q(state=Hazard.State.RECTIFYING, deadline__lt=today_in_shanghai())))
    url = f"{reverse(LIST)}?enterprise={enterprise.pk}"
    return {"rows": list(hazards.order_by("-found_at", "-id")[:SHOWN]), **figures, "all_url": url,
            "open_url": f"{url}&state=rectifying", "overdue_url": f"{url}&overdue=true"}


PANELS = (FilePanel(key="hazards", title=_("Hazards"), template="hazards/partials/enterprise_file.html",
                    context=panel_context, icon="exclamation-triangle"),)
