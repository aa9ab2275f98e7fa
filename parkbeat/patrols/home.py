"""Patrols on the workbench: for the police, one card of the week's patrol coverage in their parks (running now,
missed checks of the last 7 days, share of checkpoints visited in them), linked to the pages behind each."""
from datetime import timedelta

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parkbeat.core.home import Panel
from parkbeat.core.permissions import POLICE
from parkbeat.patrols import coverage


def week(*, user, now):
    """None for police without a checkpoint in their parks (nothing to cover yet)."""
    figures = coverage.week_figures(user=user, now=now)
    if not figures["checkpoints"] and not figures["running"]:
        return None
    period = figures["period"]
    first = period.start.date()
    last = (period.end - timedelta(days=1)).date()
    dates = f"?date_from={first:%Y-%m-%d}&date_to={last:%Y-%m-%d}"
    return {**figures, "id": "wb-patrols", "title": _("Patrols this week"),
            "running_url": reverse("patrols:run_list") + "?status=running",
            "coverage_url": reverse("patrols:coverage") + dates,
            "missed_url": reverse("patrols:coverage") + dates + "&sort=-missed",
            "map_url": reverse("patrols:map")}


PANELS = (
    Panel("patrols_week", "patrols/partials/home_patrols.html", week, roles=POLICE, shown_to="patrols:coverage",
          order=40),
)
