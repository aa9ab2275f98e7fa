"""Hypothesis: a quarter of disputes entered after the fact, every step with the time it happened, gives the
same figures as the same quarter entered live, with the clock moved to each step's time (time_machine).

Each example builds the two-station world twice, in two rolled-back transactions: once live, once on
1 December by an officer giving a reason (most steps lie beyond the back-entry window). The same plan runs in
both; a step refused in one must be refused in the other."""
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parkbeat.core.services import ConflictError
from parkbeat.disputes import services
from parkbeat.disputes.models import Dispute
from parkbeat.disputes.selectors import dispute_figures
from parkbeat.testing import World

TZ = ZoneInfo("Asia/Shanghai")
ENTERED = datetime(2026, 12, 1, 20, 0, tzinfo=TZ)  # the day the station brings its ledger
FIRST = datetime(2026, 6, 20, 0, 0, tzinfo=TZ)  # some disputes began before the quarter
PERIODS = ((date(2026, 7, 1), date(2026, 9, 30)), (date(2026, 8, 1), date(2026, 8, 31)),
           (date(2026, 10, 1), date(2026, 12, 31)))

STEP = st.tuples(st.sampled_from(["level", "route", "unroute", "settle", "withdraw", "reopen"]),
                 st.sampled_from(list(Dispute.Level)), st.integers(min_value=1, max_value=400))
DISPUTE = st.tuples(st.integers(min_value=0, max_value=102 * 24), st.sampled_from(list(Dispute.Level)),
                    st.lists(STEP, max_size=6))
QUARTER = st.lists(DISPUTE, min_size=1, max_size=4)


def _step(w, dispute, action, level, *, at, late_reason):
    dispute.refresh_from_db()
    when = {"at": at, "late_reason": late_reason, "expected_version": dispute.version}
    if action == "level":
        services.dispute_change_level(actor=w.officer, dispute=dispute, to=level, reason="台账记载", **when)
    elif action == "route":
        services.dispute_route(actor=w.officer, dispute=dispute, mediation_centre=w.park.mediation_centre,
                               mediator=w.mediator, **when)
    elif action == "unroute":
        services.dispute_route(actor=w.officer, dispute=dispute, mediation_centre=None, **when)
    else:
        to = {"settle": "settled", "withdraw": "withdrawn", "reopen": "open"}[action]
        services.dispute_transition(actor=w.officer, dispute=dispute, to=to, note="台账记载", **when)


def _enter(plan, *, live):
    """Enter the plan and return (what was refused, the figures of each period as of ENTERED)."""
    w = World()
    outcomes = []
    for start_hours, level, steps in plan:
        at = FIRST + timedelta(hours=start_hours)
        with time_machine.travel(at if live else ENTERED, tick=False):
            dispute = services.dispute_open(actor=w.officer, category="labour_wage", title="t", summary="s",
                                            park=w.park, level=level, began_at=None if live else at,
                                            late_reason="" if live else "台账补录")
        for action, to_level, gap in steps:
            at += timedelta(hours=gap)
            if at >= ENTERED:
                break  # not happened yet
            with time_machine.travel(at if live else ENTERED, tick=False):
                try:
                    _step(w, dispute, action, to_level, at=None if live else at,
                          late_reason="" if live else "台账补录")
                    outcomes.append("done")
                except (ValidationError, ConflictError) as refused:  # IllegalTransition is a ConflictError
                    outcomes.append(type(refused).__name__)
    figures = [dispute_figures(user=w.leader, start=start, end=end, now=ENTERED) for start, end in PERIODS]
    return outcomes, figures


@pytest.mark.django_db(transaction=False)
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(plan=QUARTER)
def test_a_quarter_entered_after_the_fact_gives_the_figures_of_the_quarter_entered_live(django_db_blocker, plan):
    with django_db_blocker.unblock():
        with transaction.atomic():
            live = _enter(plan, live=True)
            transaction.set_rollback(True)
        with transaction.atomic():
            later = _enter(plan, live=False)
            transaction.set_rollback(True)

    assert later == live
