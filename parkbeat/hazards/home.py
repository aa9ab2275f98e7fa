"""Hazards on the workbench: for the police and the agencies, what waits for a strike-off, what is being
rectified and what is past its deadline; for the liaison, their enterprise's open hazards (我的隐患)."""
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parkbeat.core.home import Card, Panel
from parkbeat.core.permissions import AGENCY, AUXILIARY, LEADER, LIAISON, OFFICER
from parkbeat.hazards.models import Hazard
from parkbeat.hazards.services import today_in_shanghai

LIST = "hazards:hazard_list"
REVIEWERS = frozenset({LEADER, OFFICER})
WATCHERS = frozenset({LEADER, OFFICER, AUXILIARY, AGENCY})
SHOWN = 6
State = Hazard.State

CARDS = (
    Card("hazards_to_review", _("Hazards to strike off"), LIST, f"?state={State.SUBMITTED}", roles=REVIEWERS,
         icon="clipboard-check"),
    Card("hazards_rectifying", _("Hazards being rectified"), LIST, f"?state={State.RECTIFYING}", roles=WATCHERS,
         icon="exclamation-triangle"),
    Card("hazards_overdue", _("Hazards past their deadline"), LIST, "?overdue=true", warn=True, roles=WATCHERS,
         icon="alarm"),
)


def counts(*, user, now):
    """One aggregate over the hazards the user sees (the same scope as the list the cards open)."""
    today = today_in_shanghai(now)
    return Hazard.objects.visible_to(user).aggregate(
        hazards_to_review=Count("id", filter=Q(state=State.SUBMITTED)),
        hazards_rectifying=Count("id", filter=Q(state=State.RECTIFYING)),
        hazards_overdue=Count("id", filter=Q(state=State.RECTIFYING, deadline__lt=today)))


def my_hazards(*, user, now):
    """The liaison's enterprise's hazards not yet struck off, the most urgent first; nothing when none."""
    today = today_in_shanghai(now)
    qs = (Hazard.objects.visible_to(user, roles={LIAISON}).exclude(state=State.STRUCK_OFF)
          .select_related("enterprise").order_by("state", "deadline", "id"))
    rows = list(qs[:SHOWN])
    if not rows:
        return None
    for hazard in rows:
        hazard.overdue = hazard.is_overdue(today)
    return {"id": "wb-my-hazards", "title": _("Your enterprise's open hazards"), "rows": rows, "total": qs.count(),
            "overdue": sum(1 for h in rows if h.overdue), "mine": reverse("hazards:my_hazards")}


PANELS = (Panel("my_hazards", "hazards/partials/home_my_hazards.html", my_hazards, roles=frozenset({LIAISON}),
                shown_to="hazards:my_hazards", order=12),)
