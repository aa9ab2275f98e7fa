"""The disputes' figures on the home page, for the roles that see the dispute list."""
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkbeat.core.home import Card
from parkbeat.disputes.models import Agreement, Dispute, Obligation

LIST = "disputes:dispute_list"
CARDS = (
    Card("unsettled_disputes", _("Unsettled disputes"), LIST, row="home-cases"),
    Card("agreements_performing", _("Agreements being kept"), LIST, "?status=performing", row="home-cases"),
    Card("instalments_overdue", _("Instalments overdue"), LIST, "?overdue=true", warn=True, row="home-cases"),
)


def counts(*, user, now):
    """Unsettled disputes, those whose agreement is being kept, and instalments past their due date (missed,
    or due and still unpaid), as the list's `status=performing` and `overdue=true` filters count them."""
    disputes = Dispute.objects.visible_to(user).aggregate(
        unsettled=Count("id", filter=Q(status__in=Dispute.OPEN_STATUSES)),
        performing=Count("id", filter=Q(status=Dispute.Status.PERFORMING)))
    # As the dispute list's `overdue` filter: a superseded agreement's instalments no longer count.
    overdue = (Obligation.objects.visible_to(user).outstanding().filter(due_on__lt=timezone.localdate(now))
               .exclude(agreement__status=Agreement.Status.SUPERSEDED).count())
    return {"unsettled_disputes": disputes["unsettled"], "agreements_performing": disputes["performing"],
            "instalments_overdue": overdue}
