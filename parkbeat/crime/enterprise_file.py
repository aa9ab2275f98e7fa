"""The enterprise's criminal cases on its page (enterprises.panels): each case at the level of the viewing user's
role in its park (crime.selectors.case_list) — leaders and officers the whole row (title, status, loss and items,
recovered value), auxiliaries the summary (title, status, loss and recovered totals), the enterprise's own liaison
only each case's type, status and recovered value. Another enterprise's liaison and agency staff see nothing of it."""
from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parkbeat.core.permissions import can
from parkbeat.crime.models import Case
from parkbeat.crime.selectors import STATUS, case_list, row_view
from parkbeat.enterprises.panels import FilePanel

LIST = "crime:case_list"
SHOWN = 5


def panel_context(*, user, enterprise):
    if not can(user, "crime.view"):
        return None
    cases = case_list(user=user).filter(enterprise=enterprise)
    figures = cases.order_by().aggregate(
        total=Count("id"), open=Count("id", filter=Q(status=Case.Status.OPEN)), recovered=Sum("recovered_yuan"),
        loss=Sum("loss_yuan", filter=~Q(crime_view=STATUS)), detailed=Count("id", filter=~Q(crime_view=STATUS)))
    if not figures["total"]:
        figures.update(loss=None, recovered=None)
    rows = list(cases.order_by("-reported_at", "-id")[:SHOWN])
    for row in rows:
        row.level = row_view(row)
    url = f"{reverse(LIST)}?enterprise={enterprise.pk}"
    return {"rows": rows, **figures, "all_url": url, "open_url": f"{url}&status=open",
            "show_loss": bool(figures["detailed"])}


PANELS = (FilePanel(key="crime", title=_("Criminal cases"), template="crime/partials/enterprise_file.html",
                    context=panel_context, shown_to=LIST, icon="shield-exclamation"),)
