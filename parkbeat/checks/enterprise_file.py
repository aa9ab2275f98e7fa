"""The enterprise's background checks on its page (enterprises.panels): the conclusion only — outcome, post type
and dates, never the candidate — for whoever may see the enterprise's checks (checks.selectors.check_list: the
leader and officers of its park, its own liaisons). Listing them here reads no personal data, so it is not audited."""
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parkbeat.checks.models import BackgroundCheck
from parkbeat.checks.selectors import check_list
from parkbeat.enterprises.panels import FilePanel

LIST = "checks:check_list"
SHOWN = 5


def panel_context(*, user, enterprise):
    checks = check_list(user=user).select_related(None).filter(enterprise=enterprise)
    figures = checks.aggregate(total=Count("id"), open=Count("id", filter=Q(status=BackgroundCheck.Status.REQUESTED)))
    url = f"{reverse(LIST)}?enterprise={enterprise.pk}"
    rows = list(checks.only("id", "status", "outcome", "post_kind", "created_at", "answered_at", "version")
                .order_by("-created_at", "-id")[:SHOWN])
    return {"rows": rows, "total": figures["total"], "open": figures["open"], "all_url": url,
            "open_url": f"{url}&status=requested"}


PANELS = (FilePanel(key="checks", title=_("Background checks"), template="checks/partials/enterprise_file.html",
                    context=panel_context, shown_to=LIST, icon="person-check"),)
