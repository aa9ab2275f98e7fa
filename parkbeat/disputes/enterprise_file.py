"""The enterprise's disputes on its page (enterprises.panels): counts, the latest ones, the filtered list.

Only what the viewing user may see (disputes.selectors.dispute_list): a liaison their enterprise's, a
mediator the cases routed to their centre, an agency the ones it joined, the police their parks'."""
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parkbeat.disputes.models import Dispute
from parkbeat.disputes.selectors import dispute_list
from parkbeat.enterprises.panels import FilePanel

LIST = "disputes:dispute_list"
SHOWN = 5


def panel_context(*, user, enterprise):
    disputes = dispute_list(user=user).filter(enterprise=enterprise)
    figures = disputes.aggregate(total=Count("id"), open=Count("id", filter=Q(status__in=Dispute.OPEN_STATUSES)))
    url = f"{reverse(LIST)}?enterprise={enterprise.pk}"
    return {"rows": list(disputes.order_by("-began_at", "-id")[:SHOWN]), "total": figures["total"],
            "open": figures["open"], "all_url": url, "open_url": f"{url}&open=true"}


PANELS = (FilePanel(key="disputes", title=_("Disputes"), template="disputes/partials/enterprise_file.html",
                    context=panel_context, shown_to=LIST, icon="people-fill"),)
