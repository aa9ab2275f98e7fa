"""The enterprise's publicity on its page (enterprises.panels): its coverage (people reached / headcount), the latest
lectures and the rules it adopted, to the police of its park and its liaisons (outreach.selectors)."""
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parkbeat.core.permissions import can
from parkbeat.enterprises.panels import FilePanel
from parkbeat.outreach.figures import coverage_rows, shown_percent
from parkbeat.outreach.selectors import adoption_list, lecture_list

SHOWN = 5


def panel_context(*, user, enterprise):
    if not can(user, "outreach.coverage"):
        return None
    lectures = lecture_list(user=user).filter(enterprise=enterprise)
    row = coverage_rows(user=user).filter(pk=enterprise.pk).first()
    url = f"{reverse('outreach:lecture_list')}?enterprise={enterprise.pk}"
    return {"rows": list(lectures.order_by("-starts_at", "-id")[:SHOWN]), "total": lectures.count(),
            "coverage": row, "percent": shown_percent(row.coverage) if row else None, "all_url": url,
            "adoptions": list(adoption_list(user=user).filter(enterprise=enterprise, ended_on__isnull=True)
                              .order_by("-since", "-id")[:SHOWN]),
            "schedule_url": f"{reverse('outreach:lecture_create')}?enterprise={enterprise.pk}"
            if can(user, "outreach.manage", enterprise) else None}


PANELS = (FilePanel(key="outreach", title=_("Publicity"), template="outreach/partials/enterprise_file.html",
                    context=panel_context, shown_to="outreach:coverage", icon="megaphone"),)
