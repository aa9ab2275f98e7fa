"""Hypothesis: no sequence of actions (with the clock moving) reaches an illegal state.

Invariants after every step: status and level are valid; settled ⇔ settled_at and settled_level set;
every status change followed Dispute.TRANSITIONS; tier seconds are never negative and their sum
(running span included) never exceeds the time since the dispute began; refused actions change nothing.
"""
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parkbeat.core.services import ConflictError
from parkbeat.testing import World
from parkbeat.disputes import services
from parkbeat.disputes.models import Dispute, Obligation

ACTIONS = st.lists(st.tuples(
    st.sampled_from(["level", "settle", "withdraw", "reopen", "open", "agreement", "agreement0", "pay", "sweep",
                     "stale"]),
    st.sampled_from(list(Dispute.Level)),
    st.integers(min_value=0, max_value=72)), min_size=1, max_size=12)


def check(dispute, now):
    dispute.refresh_from_db()
    assert dispute.status in Dispute.Status.values and dispute.level in Dispute.Level.values
    assert (dispute.status == "settled") == (dispute.settled_at is not None)
    assert (dispute.status == "settled") == (dispute.settled_level != "")
    secs = [dispute.seconds_at(level, now) for level in Dispute.Level.values]
    assert all(s >= 0 for s in secs)
    assert sum(secs) <= (now - dispute.began_at).total_seconds()
    steps = list(dispute.transitions.filter(kind="status").values_list("from_value", "to_value"))
    assert steps[0] == ("", "open")
    for before, after in steps[1:]:
        assert after in Dispute.TRANSITIONS[before], (before, after)


@pytest.mark.django_db(transaction=False)
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(actions=ACTIONS)
def test_no_sequence_of_actions_reaches_an_illegal_state(django_db_blocker, actions):
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        w = World()
        now = timezone.now() - timedelta(days=60)
        with time_machine.travel(now, tick=False):
            dispute = services.dispute_open(actor=w.officer, category="other", title="t", summary="s", park=w.park,
                                            began_at=now, mediator=w.mediator)
        for action, level, hours in actions:
            now += timedelta(hours=hours)
            with time_machine.travel(now, tick=False):
                dispute.refresh_from_db()
                v = dispute.version
                try:
                    if action == "level":
                        services.dispute_change_level(actor=w.officer, dispute=dispute, to=level, reason="r",
                                                      expected_version=v)
                    elif action in ("settle", "withdraw", "reopen", "open"):
                        to = {"settle": "settled", "withdraw": "withdrawn", "reopen": "open", "open": "open"}[action]
                        services.dispute_transition(actor=w.mediator, dispute=dispute, to=to, note="n",
                                                    expected_version=v)
                    elif action == "agreement":
                        today = timezone.localdate()
                        services.agreement_record(actor=w.officer, dispute=dispute, terms="t", total_amount=200,
                                                  signed_on=today, obligations=[
                                                      {"due_on": today + timedelta(days=1), "amount": 100},
                                                      {"due_on": today + timedelta(days=2), "amount": 100}])
                    elif action == "agreement0":
                        services.agreement_record(actor=w.officer, dispute=dispute, terms="t", total_amount=0,
                                                  signed_on=timezone.localdate())
                    elif action == "pay":
                        ob = Obligation.objects.filter(agreement__dispute=dispute, agreement__status__in=(
                            "performing", "breached")).exclude(status__in=("paid", "paid_late")).first()
                        if ob:
                            services.payment_record(actor=w.officer, obligation=ob, paid_on=timezone.localdate(),
                                                    amount=Decimal("100"))
                    elif action == "sweep":
                        services.obligations_sweep()
                    elif action == "stale":
                        before = Dispute.objects.get(pk=dispute.pk)
                        with pytest.raises(ConflictError):
                            services.dispute_update(actor=w.officer, dispute=dispute, data={"title": "x"},
                                                    expected_version=v - 1 if v > 1 else v + 1)
                        after = Dispute.objects.get(pk=dispute.pk)
                        assert (after.title, after.version) == (before.title, before.version)
                except (ValidationError, ConflictError):
                    pass  # refused: the invariants below must still hold
                check(dispute, now)
        transaction.set_rollback(True)
