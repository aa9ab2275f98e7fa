"""Services: opening, routing, levels and clocks, transitions, sessions, agreements, payments, sweep, reminders."""
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from parkbeat.audit.models import AuditEvent
from parkbeat.core.services import ConflictError, IllegalTransition
from parkbeat.disputes import services
from parkbeat.disputes.models import Agreement, Dispute, Obligation, Payment
from parkbeat.disputes.tests.factories import open_dispute, png, routed_dispute, three_instalments
from parkbeat.files.models import Attachment
from parkbeat.incidents.models import Incident
from parkbeat.notifications.models import Notification
from parkbeat.org.models import Agency


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _incident(world, **kw):
    kw.setdefault("reported_at", timezone.now() - timedelta(hours=3))
    return Incident.objects.create(source=Incident.Source.LIAISON, kind=Incident.Kind.LABOUR_DISPUTE,
                                   park=world.park, enterprise=world.enterprise, description="工人堵门",
                                   reported_by=world.liaison, **kw)


# ---------------------------------------------------------------- opening
def test_open_writes_the_case_its_first_transition_and_one_audit_event(world):
    before = AuditEvent.objects.count()

    dispute = open_dispute(world)

    assert (dispute.status, dispute.level, dispute.handler, dispute.opened_by) == (
        "open", "park", world.officer, world.officer)
    assert dispute.level_since == dispute.began_at
    assert list(dispute.transitions.values_list("kind", "from_value", "to_value")) == [("status", "", "open")]
    assert AuditEvent.objects.count() - before == 1


def test_open_from_an_incident_takes_park_enterprise_and_start_from_it(world):
    incident = _incident(world)

    dispute = services.dispute_open(actor=world.officer, incident=incident, category="labour_wage",
                                    title="堵门讨薪", summary="见警情")

    assert (dispute.park, dispute.enterprise, dispute.began_at, dispute.incident) == (
        world.park, world.enterprise, incident.reported_at, incident)


def test_open_from_an_incident_of_another_station_is_refused(world):
    incident = _incident(world)

    with pytest.raises(ValidationError) as err:
        services.dispute_open(actor=world.other_officer, incident=incident, category="other", title="x", summary="y")

    assert "incident" in err.value.message_dict
    assert Dispute.objects.count() == 0


@pytest.mark.parametrize("who", ["liaison", "agency_staff", "volunteer", "other_officer", "sysadmin"])
def test_open_without_the_right_is_refused(world, who):
    with pytest.raises(PermissionDenied):
        open_dispute(world, actor=getattr(world, who))
    assert Dispute.objects.count() == 0


def test_open_refuses_a_future_start_and_an_enterprise_of_another_park(world):
    with pytest.raises(ValidationError) as err:
        open_dispute(world, began_at=timezone.now() + timedelta(hours=1), enterprise=world.park2_enterprise)

    assert set(err.value.message_dict) == {"began_at", "enterprise"}
    assert Dispute.objects.count() == 0


def test_open_with_a_mediator_routes_to_the_centre_and_tells_the_mediator(world):
    dispute = open_dispute(world, mediator=world.mediator, parties=[
        {"side": "claimant", "kind": "workers", "name": "二十名工人", "headcount": 20}])

    assert dispute.mediation_centre == world.park.mediation_centre
    assert dispute.parties.get().headcount == 20
    note = Notification.objects.get(recipient=world.mediator)
    assert (note.kind, note.url) == ("dispute_routed", dispute.get_absolute_url())


# ---------------------------------------------------------------- update, route, parties
def test_two_people_editing_the_same_dispute_the_second_gets_a_conflict(world):
    dispute = open_dispute(world)
    stale = Dispute.objects.get(pk=dispute.pk)
    services.dispute_update(actor=world.officer, dispute=dispute, data={"title": "先到者"}, expected_version=1)

    with pytest.raises(ConflictError):
        services.dispute_update(actor=world.leader, dispute=stale, data={"title": "后到者"}, expected_version=1)

    dispute.refresh_from_db()
    assert (dispute.title, dispute.version) == ("先到者", 2)


def test_route_checks_centre_mediator_and_agencies(world):
    dispute = open_dispute(world)
    foreign = Agency.objects.create(name="外所", kind=world.agency.kind, station=world.other_station)

    with pytest.raises(ValidationError) as err:
        services.dispute_route(actor=world.officer, dispute=dispute, mediator=world.officer, agencies=[foreign],
                               expected_version=1)

    assert set(err.value.message_dict) == {"mediator", "agencies"}
    dispute.refresh_from_db()
    assert (dispute.mediator, dispute.version) == (None, 1)


def test_route_tells_the_newcomers_once(world):
    dispute = routed_dispute(world)
    services.dispute_route(actor=world.officer, dispute=dispute, mediation_centre=world.park.mediation_centre,
                           mediator=world.mediator, agencies=[world.agency], expected_version=dispute.version)

    assert list(dispute.agencies.all()) == [world.agency]
    assert Notification.objects.filter(recipient=world.mediator, kind="dispute_routed").count() == 1
    assert Notification.objects.filter(recipient=world.agency_staff, kind="dispute_routed").count() == 1


def test_parties_add_update_remove(world):
    dispute = open_dispute(world)
    party = services.party_add(actor=world.officer, dispute=dispute, side="respondent", kind="enterprise",
                               name="新马机械", enterprise=world.enterprise)
    services.party_update(actor=world.officer, party=party, data={"representatives": "王经理"})
    party.refresh_from_db()
    assert party.representatives == "王经理"

    services.party_remove(actor=world.officer, party=party)

    assert dispute.parties.count() == 0


def test_a_party_that_signed_stays(world):
    dispute = open_dispute(world)
    party = services.party_add(actor=world.officer, dispute=dispute, side="claimant", kind="person", name="张三")
    services.agreement_record(actor=world.officer, dispute=dispute, terms="道歉", total_amount=0,
                              signed_on=timezone.localdate(), parties=[party])

    with pytest.raises(ValidationError):
        services.party_remove(actor=world.officer, party=party)
    assert dispute.parties.count() == 1


# ---------------------------------------------------------------- levels, transitions, clocks
def test_escalation_closes_the_tier_clock_and_records_the_reason(world):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        dispute = open_dispute(world, level="enterprise", began_at=start)
    with time_machine.travel(start + timedelta(hours=2), tick=False):
        services.dispute_change_level(actor=world.officer, dispute=dispute, to="park", reason="企业内调解不成",
                                      expected_version=1)
    with time_machine.travel(start + timedelta(hours=5), tick=False):
        services.dispute_transition(actor=world.officer, dispute=dispute, to="settled", note="双方和解",
                                    expected_version=2)

    dispute.refresh_from_db()
    assert (dispute.seconds_enterprise, dispute.seconds_park, dispute.seconds_beyond) == (7200, 10800, 0)
    assert (dispute.settled_level, dispute.settled_at) == ("park", start + timedelta(hours=5))
    level = dispute.transitions.get(kind="level")
    assert (level.from_value, level.to_value, level.note) == ("enterprise", "park", "企业内调解不成")


def test_a_level_change_needs_a_reason(world):
    dispute = open_dispute(world)
    with pytest.raises(ValidationError):
        services.dispute_change_level(actor=world.officer, dispute=dispute, to="beyond", reason=" ",
                                      expected_version=1)
    dispute.refresh_from_db()
    assert (dispute.level, dispute.version) == ("park", 1)


def test_withdraw_needs_a_note_and_reopen_a_reason(world):
    dispute = open_dispute(world)
    with pytest.raises(ValidationError):
        services.dispute_transition(actor=world.officer, dispute=dispute, to="withdrawn", note="",
                                    expected_version=1)
    services.dispute_transition(actor=world.officer, dispute=dispute, to="settled", note="双方和解",
                                expected_version=1)
    with pytest.raises(ValidationError):
        services.dispute_transition(actor=world.officer, dispute=dispute, to="open", note="", expected_version=2)

    services.dispute_transition(actor=world.officer, dispute=dispute, to="open", note="企业反悔", expected_version=2)

    dispute.refresh_from_db()
    assert (dispute.status, dispute.reopen_count, dispute.settled_at, dispute.settled_level) == ("open", 1, None, "")


def test_an_illegal_transition_is_a_conflict_and_changes_nothing(world):
    dispute = open_dispute(world)
    services.dispute_transition(actor=world.officer, dispute=dispute, to="withdrawn", note="撤回",
                                expected_version=1)

    with pytest.raises(IllegalTransition, match="cannot become"):
        services.dispute_transition(actor=world.officer, dispute=dispute, to="open", note="x", expected_version=2)

    dispute.refresh_from_db()
    assert (dispute.status, dispute.version) == ("withdrawn", 2)


def test_auxiliary_may_not_decide(world):
    dispute = open_dispute(world)
    with pytest.raises(PermissionDenied):
        services.dispute_transition(actor=world.auxiliary, dispute=dispute, to="settled", expected_version=1)


# ---------------------------------------------------------------- sessions
def test_session_dates_are_checked_and_the_level_is_the_disputes(world):
    dispute = open_dispute(world)
    common = {"duration_minutes": 90, "place": "调解室", "outcome": "partial", "participants": "双方"}
    with pytest.raises(ValidationError, match="before the dispute began"):
        services.session_record(actor=world.officer, dispute=dispute,
                                started_at=dispute.began_at - timedelta(minutes=1), **common)
    with pytest.raises(ValidationError, match="future"):
        services.session_record(actor=world.officer, dispute=dispute,
                                started_at=timezone.now() + timedelta(hours=1), **common)

    session = services.session_record(actor=world.officer, dispute=dispute, started_at=timezone.now(),
                                      mediators=[world.mediator], agencies=[world.agency], **common)

    assert (session.level, list(session.mediators.all()), dispute.sessions.count()) == ("park", [world.mediator], 1)


# ---------------------------------------------------------------- agreements
def test_agreement_with_three_instalments_puts_the_dispute_under_it(world):
    dispute = open_dispute(world)

    agreement = three_instalments(world, dispute)

    dispute.refresh_from_db()
    assert (dispute.status, agreement.status) == ("performing", "performing")
    assert list(agreement.obligations.values_list("sequence", "amount")) == [
        (1, Decimal("10000.00")), (2, Decimal("10000.00")), (3, Decimal("10000.00"))]


def test_agreement_declared_instalments_but_none_given_is_refused(world):
    dispute = open_dispute(world)

    with pytest.raises(ValidationError) as err:
        services.agreement_record(actor=world.officer, dispute=dispute, terms="分期", total_amount=30000,
                                  signed_on=timezone.localdate(), instalments_declared=3, obligations=[])

    assert err.value.message_dict["obligations"] == ["3 instalments were declared but none was given."]
    assert Agreement.objects.count() == 0
    dispute.refresh_from_db()
    assert dispute.status == "open"


def test_agreement_signed_before_the_dispute_began_or_not_adding_up_is_refused(world):
    dispute = open_dispute(world)
    began = timezone.localdate(dispute.began_at)

    with pytest.raises(ValidationError) as err:
        services.agreement_record(actor=world.officer, dispute=dispute, terms="分期", total_amount=100,
                                  signed_on=began - timedelta(days=1),
                                  obligations=[{"due_on": began, "amount": 60, "description": ""}])

    assert set(err.value.message_dict) == {"signed_on", "total_amount"}
    assert Agreement.objects.count() == 0


def test_an_instalment_due_before_signing_is_refused(world):
    dispute = open_dispute(world)
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="due before"):
        services.agreement_record(actor=world.officer, dispute=dispute, terms="x", total_amount=10, signed_on=today,
                                  obligations=[{"due_on": today - timedelta(days=1), "amount": 10}])


def test_agreement_without_obligations_settles_and_a_new_one_supersedes(world):
    dispute = open_dispute(world)
    first = three_instalments(world, dispute)
    second = services.agreement_record(actor=world.officer, dispute=dispute, terms="一次付清", total_amount=25000,
                                       signed_on=timezone.localdate())

    first.refresh_from_db()
    dispute.refresh_from_db()
    assert (first.status, second.status, dispute.status, dispute.settled_level) == (
        "superseded", "fulfilled", "settled", "park")


# ---------------------------------------------------------------- payments
def test_payment_larger_than_due_is_refused_and_changes_nothing(world):
    dispute = open_dispute(world)
    obligation = three_instalments(world, dispute).obligations.first()

    with pytest.raises(ValidationError) as err:
        services.payment_record(actor=world.officer, obligation=obligation, paid_on=timezone.localdate(),
                                amount=Decimal("10000.01"), expected_version=1)

    assert err.value.message_dict["amount"] == ["10000.01 is more than the 10000.00 still due on this instalment."]
    obligation.refresh_from_db()
    assert (obligation.paid_amount, obligation.version, Payment.objects.count()) == (Decimal("0"), 1, 0)


def test_payment_dated_before_the_dispute_began_or_in_the_future_is_refused(world):
    dispute = open_dispute(world)
    obligation = three_instalments(world, dispute).obligations.first()
    for day in (timezone.localdate(dispute.began_at) - timedelta(days=1), timezone.localdate() + timedelta(days=1)):
        with pytest.raises(ValidationError) as err:
            services.payment_record(actor=world.officer, obligation=obligation, paid_on=day, amount=100)
        assert "paid_on" in err.value.message_dict
    assert Payment.objects.count() == 0


def test_double_payment_submit_the_second_is_a_conflict(world):
    dispute = open_dispute(world)
    obligation = three_instalments(world, dispute).obligations.first()
    stale = Obligation.objects.get(pk=obligation.pk)
    services.payment_record(actor=world.officer, obligation=obligation, paid_on=timezone.localdate(),
                            amount=4000, expected_version=1)

    with pytest.raises(ConflictError):
        services.payment_record(actor=world.officer, obligation=stale, paid_on=timezone.localdate(),
                                amount=4000, expected_version=1)

    obligation.refresh_from_db()
    assert (obligation.paid_amount, obligation.status, Payment.objects.count()) == (Decimal("4000.00"), "pending", 1)


def test_partial_then_full_payment_with_evidence(world):
    dispute = open_dispute(world)
    obligation = three_instalments(world, dispute).obligations.first()
    payment = services.payment_record(actor=world.officer, obligation=obligation, paid_on=timezone.localdate(),
                                      amount=4000, evidence=png())
    services.payment_record(actor=world.officer, obligation=obligation, paid_on=timezone.localdate(), amount=6000)

    obligation.refresh_from_db()
    assert (obligation.status, obligation.paid_amount, obligation.paid_on) == (
        "paid", Decimal("10000.00"), timezone.localdate())
    assert Attachment.objects.for_object(payment).get().kind == "image"
    with pytest.raises(IllegalTransition, match="already paid"):
        services.payment_record(actor=world.officer, obligation=obligation, paid_on=timezone.localdate(), amount=1)


def test_paying_every_instalment_fulfils_the_agreement_and_settles_the_dispute(world):
    dispute = open_dispute(world)
    agreement = three_instalments(world, dispute)
    for obligation in agreement.obligations.all():
        services.payment_record(actor=world.officer, obligation=obligation, paid_on=timezone.localdate(),
                                amount=obligation.amount)

    agreement.refresh_from_db()
    dispute.refresh_from_db()
    assert (agreement.status, dispute.status, dispute.settled_level) == ("fulfilled", "settled", "park")
    last = dispute.transitions.last()
    assert (last.actor, last.to_value) == (None, "settled")
    assert "settled automatically" in last.note


def test_a_liaison_cannot_record_a_payment(world):
    dispute = open_dispute(world)
    obligation = three_instalments(world, dispute).obligations.first()
    with pytest.raises(PermissionDenied):
        services.payment_record(actor=world.liaison, obligation=obligation, paid_on=timezone.localdate(), amount=1)
    assert Payment.objects.count() == 0


# ---------------------------------------------------------------- the instalment story, sweep and reminders
def test_the_instalment_story_one_paid_the_next_missed_reopens_and_tells_handler_and_mediator(world):
    today = timezone.localdate()
    dispute = routed_dispute(world, began_at=timezone.now() - timedelta(days=60), late_reason="台账补录")
    agreement = services.agreement_record(
        actor=world.officer, dispute=dispute, terms="分三期", total_amount=Decimal("30000"),
        signed_on=today - timedelta(days=50), instalments_declared=3,
        obligations=[{"due_on": today - timedelta(days=40), "amount": 10000, "description": "一"},
                     {"due_on": today - timedelta(days=10), "amount": 10000, "description": "二"},
                     {"due_on": today + timedelta(days=20), "amount": 10000, "description": "三"}])
    first, second, third = agreement.obligations.all()
    services.payment_record(actor=world.officer, obligation=first, paid_on=today - timedelta(days=41), amount=10000)

    counts = services.obligations_sweep(today=today)

    assert counts == {"missed": 1, "breached": 1, "reopened": 1}
    for row in (first, second, third, agreement, dispute):
        row.refresh_from_db()
    assert (first.status, second.status, third.status) == ("paid", "missed", "pending")
    assert (agreement.status, dispute.status, dispute.reopen_count) == ("breached", "open", 1)
    reopen = dispute.transitions.last()
    assert (reopen.actor, reopen.from_value, reopen.to_value) == (None, "performing", "open")
    assert "Instalment 2" in reopen.note
    for user in (world.officer, world.mediator):
        assert Notification.objects.filter(recipient=user, kind="dispute_reopened").count() == 1
    # safe to run twice
    assert services.obligations_sweep(today=today) == {"missed": 0, "breached": 0, "reopened": 0}
    assert Notification.objects.filter(kind="dispute_reopened").count() == 2


def test_a_late_payment_on_a_missed_instalment_is_paid_late(world):
    today = timezone.localdate()
    dispute = open_dispute(world, began_at=timezone.now() - timedelta(days=30), late_reason="台账补录")
    agreement = services.agreement_record(actor=world.officer, dispute=dispute, terms="一期", total_amount=500,
                                          signed_on=today - timedelta(days=20),
                                          obligations=[{"due_on": today - timedelta(days=5), "amount": 500}])
    services.obligations_sweep(today=today)
    obligation = agreement.obligations.get()

    services.payment_record(actor=world.officer, obligation=obligation, paid_on=today, amount=500)

    obligation.refresh_from_db()
    dispute.refresh_from_db()
    assert (obligation.status, dispute.status) == ("paid_late", "settled")


def test_reminders_go_once_to_handler_mediator_and_liaisons_with_accounts(world):
    from parkbeat.testing import LiaisonFactory

    LiaisonFactory(enterprise=world.enterprise, user=world.liaison)
    LiaisonFactory(enterprise=world.enterprise, kind="admin_head")  # no account: nobody to tell
    today = timezone.localdate()
    dispute = routed_dispute(world)
    three_instalments(world, dispute, signed_on=today, first_due=today + timedelta(days=3))

    assert services.obligation_reminders(today=today) == {"reminded": 1}
    assert services.obligation_reminders(today=today) == {"reminded": 0}

    got = set(Notification.objects.filter(kind="obligation_due").values_list("recipient__username", flat=True))
    assert got == {"t_officer", "t_mediator", "t_liaison"}
    first = Obligation.objects.get(sequence=1)
    assert first.reminded_on == today
    assert Obligation.objects.filter(reminded_on__isnull=True).count() == 2
