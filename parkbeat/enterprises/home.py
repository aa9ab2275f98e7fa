"""The registry's figures on the home page, and the demands waiting for the user."""
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkbeat.core.home import Card, Panel
from parkbeat.enterprises.models import Demand, Enterprise, Visit
from parkbeat.enterprises.selectors import my_open_demands

ENTERPRISES, DEMANDS = "enterprises:enterprise_list", "enterprises:demand_list"
CARDS = (
    Card("enterprises", _("Enterprises"), ENTERPRISES, shown_to=None),
    Card("key_enterprises", _("Key enterprises"), ENTERPRISES, "?is_key=true", shown_to=None),
    Card("open_demands", _("Open demands"), DEMANDS, shown_to=None),
    Card("overdue_demands", _("Overdue demands"), DEMANDS, "?overdue=true", warn=True, shown_to=None),
    Card("visits_this_month", _("Visits this month"), shown_to=None),
)
PANELS = (Panel("enterprises/partials/home_demands.html",
                lambda *, user: {"my_demands": my_open_demands(user=user)[:8]}),)


def counts(*, user, now):
    """Active and moved enterprises (closed ones left), open and overdue demands, visits since the 1st."""
    now = timezone.localtime(now)
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
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
        "visits_this_month": Visit.objects.visible_to(user).filter(visited_at__gte=month_start).count(),
    }
