"""The disputes on the workbench: figures for the police and mediators, each one's open cases, the mediator's
sessions, the agency's cases and the instalments overdue or falling due."""
from datetime import timedelta

from django.db.models import Case, Count, Q, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkbeat.core.home import Card, Panel
from parkbeat.core.pagination import keyed_page
from parkbeat.core.permissions import AGENCY, AUXILIARY, LEADER, LIAISON, MEDIATOR, OFFICER, POLICE
from parkbeat.disputes.filters import DisputeFilterSet, taking_part
from parkbeat.disputes.models import Agreement, Dispute, MediationSession, Obligation
from parkbeat.disputes.selectors import dispute_list, obligation_list

LIST = "disputes:dispute_list"
CSS = ("disputes/disputes.css",)
SHOWN = 8
DUE_SOON_DAYS = 7  # an instalment falling due within a week shows on the workbench

CARDS = (
    Card("unsettled_disputes", _("Unsettled disputes"), LIST, "?open=true", row="home-cases",
         roles=POLICE | {MEDIATOR, AGENCY, LIAISON}, icon="people-fill"),
    Card("agreements_performing", _("Agreements being kept"), LIST, "?status=performing", row="home-cases",
         roles=POLICE | {MEDIATOR}, icon="file-earmark-check"),
    Card("instalments_overdue", _("Disputes with instalments overdue"), LIST, "?overdue=true", warn=True,
         row="home-cases", roles=POLICE | {MEDIATOR}, icon="cash-coin"),
)


def counts(*, user, now):
    """Unsettled disputes, those whose agreement is being kept, and those with an instalment overdue, counted
    by the list's own `open`, `status` and `overdue` filters."""
    visible = Dispute.objects.visible_to(user)
    disputes = visible.filter(status__in=Dispute.OPEN_STATUSES).aggregate(  # performing is open: read open rows only
        unsettled=Count("id"),
        performing=Count("id", filter=Q(status=Dispute.Status.PERFORMING)))
    overdue = DisputeFilterSet().filter_overdue(visible, "overdue", True).count()
    return {"unsettled_disputes": disputes["unsettled"], "agreements_performing": disputes["performing"],
            "instalments_overdue": overdue}


MINE = "?open=true&mine=true"  # the list filtered to exactly what the "my cases" panels count


def _open(user):
    return dispute_list(user=user).filter(status__in=Dispute.OPEN_STATUSES)


def _panel(qs, *, title, more, id, empty):
    return {"title": title, "rows": list(keyed_page(qs, 0, SHOWN)), "total": qs.count(), "more": more, "id": id, "empty": empty}


def mine(*, user, now):
    """The officer's cases: those they handle or opened, not yet settled, the longest-running first."""
    qs = _open(user).filter(taking_part(user)).order_by("began_at", "id")
    return _panel(qs, title=_("My open disputes"), more=reverse(LIST) + MINE, id="wb-disputes-mine",
                  empty=_("You have no open dispute case."))


def station(*, user, now):
    """The leader's view: the unsettled cases of the station, those gone beyond the park first."""
    beyond = Case(When(level=Dispute.Level.BEYOND, then=0), default=1)
    qs = _open(user).order_by(beyond, "began_at", "id")
    return _panel(qs, title=_("Unsettled disputes"), more=reverse(LIST) + "?open=true", id="wb-disputes-station",
                  empty=_("No dispute is waiting to be settled."))


def mediator_cases(*, user, now):
    """The mediator's cases: routed to her by name or with her in a session, not yet settled."""
    qs = _open(user).filter(taking_part(user)).order_by("began_at", "id")
    return _panel(qs, title=_("My cases"), more=reverse(LIST) + MINE, id="wb-disputes-mediator",
                  empty=_("No case has been routed to you."))


def sessions(*, user, now):
    """The mediator's sessions: those to come first (nearest first), then the last ones held."""
    mine_q = Q(mediators=user) | Q(dispute__mediator_id=user.pk)
    visible = Dispute.objects.visible_to(user).values("pk")
    qs = (MediationSession.objects.filter(mine_q, dispute__in=visible).select_related("dispute").distinct())
    upcoming = list(qs.filter(started_at__gte=now).order_by("started_at", "id")[:SHOWN])
    past = list(qs.filter(started_at__lt=now).order_by("-started_at", "-id")[:max(SHOWN - len(upcoming), 3)])
    return {"title": _("My mediation sessions"), "upcoming": upcoming, "past": past, "id": "wb-sessions",
            "more": reverse(LIST) + "?open=true", "empty": _("No mediation session with you yet.")}


def agency_joined(*, user, now):
    """The cases the user's agency was brought into, not yet settled."""
    qs = _open(user).filter(taking_part(user)).order_by("began_at", "id")
    return _panel(qs, title=_("Disputes your agency joined"), more=reverse(LIST) + MINE,
                  id="wb-disputes-agency", empty=_("Your agency has not been brought into an open case."))


def enterprise_cases(*, user, now):
    qs = _open(user).order_by("began_at", "id")
    return _panel(qs, title=_("Your enterprise's open disputes"), more=reverse(LIST) + "?open=true",
                  id="wb-disputes-enterprise", empty=_("Your enterprise has no open dispute."))


def instalments(*, user, now):
    """Instalments unpaid past their due date (or missed) and those falling due within a week, earliest first."""
    today = timezone.localdate(now)
    qs = (obligation_list(user=user).outstanding().filter(due_on__lte=today + timedelta(days=DUE_SOON_DAYS))
          .exclude(agreement__status=Agreement.Status.SUPERSEDED)
          .select_related("agreement__dispute__park").order_by("due_on", "id"))
    rows = list(keyed_page(qs, 0, SHOWN))
    for ob in rows:
        ob.overdue = ob.status == Obligation.Status.MISSED or ob.due_on < today
        ob.days = (ob.due_on - today).days
        ob.days_overdue = max(-ob.days, 0)
    return {"title": _("Instalments overdue or falling due"), "rows": rows, "total": qs.count(),
            "more": reverse(LIST) + "?overdue=true", "id": "wb-instalments",
            "empty": _("No instalment is overdue or due within a week.")}


ROWS = "disputes/partials/home_disputes.html"
PANELS = (
    Panel("disputes_mine", ROWS, mine, roles=frozenset({OFFICER, AUXILIARY}), order=12, css=CSS),
    Panel("disputes_station", ROWS, station, roles=frozenset({LEADER}), order=12, css=CSS),
    Panel("disputes_mediator", ROWS, mediator_cases, roles=frozenset({MEDIATOR}), order=10, css=CSS),
    Panel("sessions", "disputes/partials/home_sessions.html", sessions, roles=frozenset({MEDIATOR}), order=11,
          css=CSS),
    Panel("disputes_agency", ROWS, agency_joined, roles=frozenset({AGENCY}), order=11, css=CSS),
    Panel("disputes_enterprise", ROWS, enterprise_cases, roles=frozenset({LIAISON}), order=11, css=CSS),
    Panel("instalments", "disputes/partials/home_instalments.html", instalments,
          roles=POLICE | {MEDIATOR}, order=14, css=CSS),
)
