"""Background checks on the workbench: the requests waiting for an answer, for the officers who answer them
and for the liaison who asked (the count only: reading a request is audited, counting is not)."""
from django.utils.translation import gettext_lazy as _

from parkbeat.checks.models import BackgroundCheck
from parkbeat.core.home import Card
from parkbeat.core.permissions import LEADER, LIAISON, OFFICER

CARDS = (
    Card("checks_waiting", _("Background checks awaiting an answer"), "checks:check_list",
         f"?status={BackgroundCheck.Status.REQUESTED}", warn=True, roles=frozenset({LEADER, OFFICER, LIAISON}),
         icon="person-check"),
)


def counts(*, user, now):
    return {"checks_waiting": BackgroundCheck.objects.visible_to(user)
            .filter(status=BackgroundCheck.Status.REQUESTED).count()}
