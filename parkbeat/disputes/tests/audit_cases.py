"""Audit cases of the disputes services (collected by audit/tests/test_events.py).

(actor attribute on World, action(world), verb or verbs, object type, number of events); an action
returning (object, do) has its object made first and only do()'s events counted.
"""
from datetime import timedelta

from django.utils import timezone

from parkbeat.disputes import services as s
from parkbeat.disputes.models import DisputeParty


def _dispute(w):
    from parkbeat.disputes.tests.factories import open_dispute
    return open_dispute(w)


def _with_dispute(do):
    def action(w):
        d = _dispute(w)
        return d, lambda: do(w, d)
    return action


def _routed_then(do):
    def action(w):
        d = s.dispute_route(actor=w.officer, dispute=_dispute(w), mediator=w.mediator, expected_version=1)
        return d, lambda: do(w, d)
    return action


def _with_party(do):
    def action(w):
        d = _dispute(w)
        party = DisputeParty.objects.create(dispute=d, side="claimant", kind="person", name="张三")
        return party, lambda: do(w, party)
    return action


def _with_obligation(w):
    from parkbeat.disputes.tests.factories import three_instalments
    ob = three_instalments(w, _dispute(w)).obligations.first()
    return ob, lambda: s.payment_record(actor=w.officer, obligation=ob, paid_on=timezone.localdate(), amount=100,
                                        expected_version=1)


def _agreement(w, d):
    today = timezone.localdate()
    return s.agreement_record(actor=w.officer, dispute=d, terms="分两期", total_amount=300, signed_on=today,
                              obligations=[{"due_on": today + timedelta(days=3), "amount": 100},
                                           {"due_on": today + timedelta(days=33), "amount": 200}])


def _ledger_import(w):
    from parkbeat.disputes.ledger import ledger_import
    from parkbeat.disputes.tests.test_ledger import full_row, xlsx
    return ledger_import(actor=w.officer, fileobj=xlsx([full_row(w)]))


CASES = {
    "disputes.services:dispute_open": ("officer", lambda w: s.dispute_open(
        actor=w.officer, category="labour_wage", title="讨薪", summary="堵门", park=w.park, mediator=w.mediator),
        "create", "disputes.Dispute", 1),
    "disputes.services:dispute_update": ("officer", _with_dispute(lambda w, d: s.dispute_update(
        actor=w.officer, dispute=d, data={"title": "改"}, expected_version=1)), "update", "disputes.Dispute", 1),
    "disputes.services:dispute_route": ("officer", _with_dispute(lambda w, d: s.dispute_route(
        actor=w.officer, dispute=d, mediator=w.mediator, agencies=[w.agency], expected_version=1)),
        "update", "disputes.Dispute", 1),
    "disputes.services:dispute_change_level": ("officer", _with_dispute(lambda w, d: s.dispute_change_level(
        actor=w.officer, dispute=d, to="beyond", reason="申请仲裁", expected_version=1)),
        "transition", "disputes.Dispute", 1),
    "disputes.services:dispute_transition": ("mediator", _routed_then(lambda w, d: s.dispute_transition(
        actor=w.mediator, dispute=d, to="settled", note="双方和解", expected_version=d.version)), "transition", "disputes.Dispute", 1),
    "disputes.services:party_add": ("officer", _with_dispute(lambda w, d: s.party_add(
        actor=w.officer, dispute=d, side="respondent", kind="enterprise", name="新马机械", enterprise=w.enterprise)),
        "create", "disputes.DisputeParty", 1),
    "disputes.services:party_update": ("officer", _with_party(lambda w, p: s.party_update(
        actor=w.officer, party=p, data={"headcount": 3})), "update", "disputes.DisputeParty", 1),
    "disputes.services:party_remove": ("officer", _with_party(lambda w, p: s.party_remove(actor=w.officer, party=p)),
                                       "delete", "disputes.DisputeParty", 1),
    "disputes.services:session_record": ("officer", _with_dispute(lambda w, d: s.session_record(
        actor=w.officer, dispute=d, started_at=timezone.now(), duration_minutes=60, place="调解室",
        outcome="partial")), "create", "disputes.MediationSession", 1),
    # the agreement, its two instalments, the dispute put under it
    "disputes.services:agreement_record": ("officer", _with_dispute(_agreement),
                                           ["create", "create", "create", "transition"], None, 4),
    # the payment and the instalment it reduces
    "disputes.services:payment_record": ("officer", _with_obligation, ["create", "update"], None, 2),
    # incident, dispute, 3 parties, agreement, 2 instalments, 2 payments, ledger entry; then the import
    "disputes.ledger:ledger_import": ("officer", _ledger_import, "import", None, 12),
}
