"""The home page's figures: the registry's (enterprises.selectors.home_counts) and the case work's, each
within the user's scope and counted in a fixed handful of queries."""
from django.db.models import Count, Q
from django.utils import timezone

from parkbeat.disputes.models import Agreement, Dispute, Obligation
from parkbeat.enterprises.selectors import home_counts as registry_counts
from parkbeat.incidents.models import Incident


def case_counts(*, user, now=None):
    """Open incidents, those awaiting acceptance and overdue for it; unsettled disputes, those whose
    agreement is being kept, and instalments past their due date (missed, or due and still unpaid).
    The home page links them to the incident list (`status=reported`, `overdue=true`) and the dispute list
    (`status=performing`, `overdue=true`: the disputes with such an instalment)."""
    now = now or timezone.now()
    incidents = Incident.objects.visible_to(user).aggregate(
        open=Count("id", filter=~Q(status__in=Incident.FINAL_STATUSES)),
        awaiting=Count("id", filter=Q(status=Incident.Status.REPORTED)),
        overdue=Count("id", filter=Q(status=Incident.Status.REPORTED, accept_due_at__lt=now)))
    disputes = Dispute.objects.visible_to(user).aggregate(
        unsettled=Count("id", filter=Q(status__in=Dispute.OPEN_STATUSES)),
        performing=Count("id", filter=Q(status=Dispute.Status.PERFORMING)))
    # As the dispute list's `overdue` filter: a superseded agreement's instalments no longer count.
    overdue_instalments = (Obligation.objects.visible_to(user).outstanding()
                           .filter(due_on__lt=timezone.localdate(now))
                           .exclude(agreement__status=Agreement.Status.SUPERSEDED).count())
    return {
        "open_incidents": incidents["open"],
        "incidents_awaiting": incidents["awaiting"],
        "incidents_overdue": incidents["overdue"],
        "unsettled_disputes": disputes["unsettled"],
        "agreements_performing": disputes["performing"],
        "instalments_overdue": overdue_instalments,
    }


def home_counts(*, user, now=None):
    return {**registry_counts(user=user, now=now), **case_counts(user=user, now=now)}
