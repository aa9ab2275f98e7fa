"""The registry on the workbench: the police's figures (enterprises, demands, visits) and the demands waiting
for the user — the police's own, or the liaison's enterprise's."""
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkbeat.core.home import Card, Panel
from parkbeat.core.pagination import keyed_page
from parkbeat.core.permissions import LEADER, LIAISON, OFFICER, POLICE, has_role
from parkbeat.enterprises.models import Demand, Enterprise, Visit
from parkbeat.enterprises.selectors import my_open_demands
from parkbeat.enterprises.visit_plan import due_list

ENTERPRISES, DEMANDS, VISITS = "enterprises:enterprise_list", "enterprises:demand_list", "enterprises:visit_list"
SHOWN = 8


def _month_start(now):
    return timezone.localtime(now).replace(day=1, hour=0, minute=0, second=0, microsecond=0)


CARDS = (
    Card("enterprises", _("Enterprises"), ENTERPRISES, "?current=true", roles=POLICE, icon="building"),
    Card("key_enterprises", _("Key enterprises"), ENTERPRISES, "?current=true&is_key=true", roles=POLICE,
         icon="star"),
    # The demand list shows the open ones when no status is asked for.
    Card("open_demands", _("Open demands"), DEMANDS, roles=POLICE | {LIAISON}, icon="chat-square-text"),
    Card("overdue_demands", _("Overdue demands"), DEMANDS, "?overdue=true", warn=True, roles=POLICE | {LIAISON},
         icon="exclamation-octagon"),
    Card("visits_this_month", _("Visits this month"), VISITS,
         lambda now: f"?date_from={_month_start(now):%Y-%m-%d}", roles=POLICE, icon="clipboard-check"),
    # 应访未访: due a visit and not visited (enterprises.visit_plan), for those who make the visits
    Card("visits_due", _("Visits due"), "enterprises:visit_plan", warn=True, roles=frozenset({OFFICER, LEADER}),
         shown_to=VISITS, icon="calendar-x"),  # the page is reached from the visits list
)


def counts(*, user, now):
    """Enterprises in the register (closed ones left), open and overdue demands, visits since the 1st."""
    enterprises = Enterprise.objects.visible_to(user).exclude(status=Enterprise.Status.CLOSED).aggregate(
        total=Count("id"), key=Count("id", filter=Q(is_key=True)))
    demands = Demand.objects.visible_to(user).aggregate(
        open=Count("id", filter=Q(status__in=Demand.OPEN_STATUSES)),
        overdue=Count("id", filter=Q(status__in=Demand.OPEN_STATUSES, due_at__lt=now)))
    return {
        "enterprises": enterprises["total"],
        "key_enterprises": enterprises["key"],
        "open_demands": demands["open"],
        "overdue_demands": demands["overdue"],
        "visits_this_month": Visit.objects.visible_to(user).filter(visited_at__gte=_month_start(now)).count(),
        "visits_due": due_list(user=user, now=now).count() if has_role(user, OFFICER, LEADER) else 0,
    }


def demands(*, user, now):
    """Open demands the user must act on (the police's, or the liaison's enterprise's), nearest deadline first."""
    qs = my_open_demands(user=user)
    rows = list(keyed_page(qs, 0, SHOWN))
    for demand in rows:
        demand.overdue = demand.due_at is not None and demand.due_at < now
    return {"title": _("My open demands") if has_role(user, *POLICE) else _("Your enterprise's open demands"),
            "rows": rows, "total": qs.count(), "more": reverse(DEMANDS), "id": "wb-demands",
            "overdue_more": reverse(DEMANDS) + "?overdue=true",
            "empty": _("No open demands. Well done.")}


PANELS = (Panel("demands", "enterprises/partials/home_demands.html", demands, roles=POLICE | {LIAISON}, order=13),)
