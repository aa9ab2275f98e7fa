"""Who may be picked, routed and paid, and bounded dates; refused actions change nothing."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from parkbeat.core.services import ConflictError
from parkbeat.testing import UserFactory, assign
from parkbeat.disputes import selectors, services
from parkbeat.disputes.models import Agreement, Dispute, DisputeParty, MediationSession, Obligation, Payment
from parkbeat.disputes.tests.factories import open_dispute, png, routed_dispute, three_instalments
from parkbeat.notifications.models import Notification
from parkbeat.org.models import MediationCentre, Role

CONFLICT_EN = "This record was changed by someone else. Reload it and try again."
with translation.override("zh-hans"):
    CONFLICT_ZH = translation.gettext(CONFLICT_EN)
BOUNDS = "Choose a date between 2000-01-01 and 2100-12-31."
EARLY = "Choose a date from 2000-01-01 on."


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _api(api_as, user):
    client = api_as(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _other_mediator(world):
    MediationCentre.objects.create(park=world.other_park, name="群丰调解中心")
    return assign(UserFactory(username="t_other_mediator", full_name="外所调解员王五"), Role.MEDIATOR,
                  park=world.other_park)


def _state(dispute):
    d = Dispute.objects.get(pk=dispute.pk)
    agencies = sorted(d.agencies.values_list("pk", flat=True))
    return d.version, d.handler_id, d.mediator_id, d.mediation_centre_id, agencies


# ---------------------------------------------------------------- no names read by id across stations
def test_api_handler_of_another_station_does_not_exist(world, api_as):
    dispute = open_dispute(world)
    before = _state(dispute)

    response = _api(api_as, world.officer).patch(f"/api/v1/disputes/{dispute.pk}/", {
        "handler": world.other_officer.pk, "version": 1}, format="json")

    assert response.status_code == 400
    assert response.json()["detail"] == f'handler: Invalid pk "{world.other_officer.pk}" - object does not exist.'
    assert world.other_officer.display_name not in response.content.decode()
    assert _state(dispute) == before


def test_api_handler_may_be_the_station_leader(world, api_as):
    dispute = open_dispute(world)

    response = _api(api_as, world.officer).patch(f"/api/v1/disputes/{dispute.pk}/", {
        "handler": world.leader.pk, "version": 1}, format="json")

    assert (response.status_code, response.json()["handler"], response.json()["version"]) == (200, world.leader.pk, 2)


def test_api_create_with_a_mediator_of_another_station_does_not_exist(world, api_as):
    stranger = _other_mediator(world)

    response = _api(api_as, world.officer).post("/api/v1/disputes/", {
        "park": world.park.pk, "category": "other", "title": "x", "summary": "y", "mediator": stranger.pk},
        format="json")

    assert response.status_code == 400
    assert response.json()["detail"] == f'mediator: Invalid pk "{stranger.pk}" - object does not exist.'
    assert "外所调解员王五" not in response.content.decode()
    assert Dispute.objects.count() == 0


def test_api_route_with_a_mediator_of_another_station_does_not_exist(world, api_as):
    stranger = _other_mediator(world)
    dispute = open_dispute(world)
    before = _state(dispute)

    response = _api(api_as, world.officer).post(f"/api/v1/disputes/{dispute.pk}/route/", {
        "mediator": stranger.pk, "version": 1}, format="json")

    assert response.status_code == 400
    assert response.json()["detail"] == f'mediator: Invalid pk "{stranger.pk}" - object does not exist.'
    assert "外所调解员王五" not in response.content.decode()
    assert _state(dispute) == before


def test_api_session_with_mediators_of_another_station_does_not_exist(world, api_as):
    dispute = open_dispute(world)

    response = _api(api_as, world.officer).post("/api/v1/mediation-sessions/", {
        "dispute": dispute.pk, "started_at": timezone.now().isoformat(), "duration_minutes": 30, "place": "调解室",
        "outcome": "partial", "mediators": [world.mediator.pk, world.other_officer.pk]}, format="json")

    assert response.status_code == 400
    assert response.json()["detail"] == f'mediators: Invalid pk "{world.other_officer.pk}" - object does not exist.'
    assert MediationSession.objects.count() == 0


def test_service_messages_never_name_the_user(world):
    dispute = open_dispute(world)
    stranger = _other_mediator(world)

    with pytest.raises(ValidationError) as handler:
        services.dispute_update(actor=world.officer, dispute=dispute, data={"handler": world.other_officer},
                                expected_version=1)
    with pytest.raises(ValidationError) as mediator:
        services.dispute_route(actor=world.officer, dispute=dispute, mediator=stranger, expected_version=1)
    with pytest.raises(ValidationError) as session:
        services.session_record(actor=world.officer, dispute=dispute, started_at=timezone.now(), duration_minutes=30,
                                place="调解室", outcome="partial", mediators=[world.other_officer])

    assert handler.value.message_dict == {"handler": ["Choose a police officer of this park."]}
    assert mediator.value.message_dict == {"mediator": ["Choose a mediator of this park."]}
    assert session.value.message_dict == {"mediators": ["Choose police of this park or mediators of its station."]}
    assert _state(dispute) == (1, world.officer.pk, None, None, [])
    assert MediationSession.objects.count() == 0


def test_pickable_users_are_those_of_the_requesters_parks(world):
    police = selectors.pickable_users(user=world.officer, roles={"station_leader", "park_officer", "auxiliary"})
    mediators = selectors.pickable_users(user=world.officer, roles={"mediator"})

    assert set(police.values_list("username", flat=True)) == {"t_leader", "t_officer", "t_auxiliary"}
    assert set(mediators.values_list("username", flat=True)) == {"t_mediator"}
    assert set(selectors.pickable_users(user=world.other_officer, roles={"park_officer"}).values_list(
        "username", flat=True)) == {"t_other_officer"}


# ---------------------------------------------------------------- settling needs the right to decide
def test_auxiliary_cannot_record_an_agreement(world):
    dispute = open_dispute(world)

    with pytest.raises(PermissionDenied):
        services.agreement_record(actor=world.auxiliary, dispute=dispute, terms="一次付清", total_amount=0,
                                  signed_on=timezone.localdate())

    dispute.refresh_from_db()
    assert (dispute.status, dispute.version, Agreement.objects.count()) == ("open", 1, 0)


def test_auxiliary_agreement_api_is_403_and_page_hidden(world, api_as, page_as):
    dispute = open_dispute(world)

    response = _api(api_as, world.auxiliary).post("/api/v1/agreements/", {
        "dispute": dispute.pk, "terms": "一次付清", "total_amount": "0", "signed_on": str(timezone.localdate())},
        format="json")
    client = page_as(world.auxiliary)
    page = client.get(reverse("disputes:agreement_create", args=[dispute.pk]))
    detail = client.get(dispute.get_absolute_url()).content.decode()

    assert (response.status_code, page.status_code) == (403, 403)
    assert reverse("disputes:agreement_create", args=[dispute.pk]) not in detail
    assert reverse("disputes:session_create", args=[dispute.pk]) in detail
    assert (Dispute.objects.get(pk=dispute.pk).status, Agreement.objects.count()) == ("open", 0)


# ---------------------------------------------------------------- route is partial
def test_route_with_only_agencies_keeps_centre_and_mediator(world, api_as):
    dispute = routed_dispute(world)
    dispute.agencies.clear()
    version = Dispute.objects.get(pk=dispute.pk).version

    response = _api(api_as, world.officer).post(f"/api/v1/disputes/{dispute.pk}/route/", {
        "agencies": [world.agency.pk], "version": version}, format="json")

    assert response.status_code == 200
    assert _state(dispute) == (version + 1, world.officer.pk, world.mediator.pk, world.park.mediation_centre.pk,
                               [world.agency.pk])


def test_route_with_nothing_but_the_version_changes_nothing_routed(world, api_as):
    dispute = routed_dispute(world)
    version = dispute.version

    response = _api(api_as, world.auxiliary).post(f"/api/v1/disputes/{dispute.pk}/route/", {"version": version},
                                                  format="json")

    assert response.status_code == 200
    assert _state(dispute)[1:] == (world.officer.pk, world.mediator.pk, world.park.mediation_centre.pk,
                                   [world.agency.pk])


def test_auxiliary_cannot_take_the_centre_away(world, api_as):
    dispute = routed_dispute(world)
    before = _state(dispute)

    response = _api(api_as, world.auxiliary).post(f"/api/v1/disputes/{dispute.pk}/route/", {
        "mediation_centre": None, "version": dispute.version}, format="json")

    assert response.status_code == 403
    assert _state(dispute) == before


def test_a_mediator_cannot_unroute_from_their_own_centre(world, api_as):
    dispute = routed_dispute(world)
    before = _state(dispute)

    response = _api(api_as, world.mediator).post(f"/api/v1/disputes/{dispute.pk}/route/", {
        "mediation_centre": None, "version": dispute.version}, format="json")

    assert response.status_code == 400
    assert response.json()["detail"] == ("mediation_centre: A mediator cannot take the dispute away from their own "
                                         "centre; ask the park's police.")
    assert _state(dispute) == before


def test_an_officer_takes_the_centre_and_its_mediator_away_explicitly(world, api_as):
    dispute = routed_dispute(world)
    version = dispute.version

    response = _api(api_as, world.officer).post(f"/api/v1/disputes/{dispute.pk}/route/", {
        "mediation_centre": None, "version": version}, format="json")

    assert (response.status_code, response.json()["mediation_centre"], response.json()["mediator"]) == (
        200, None, None)
    assert _state(dispute) == (version + 1, world.officer.pk, None, None, [world.agency.pk])


# ---------------------------------------------------------------- child filters reveal nothing
def test_filters_by_an_id_of_another_station_are_empty_200(world, api_as):
    other = open_dispute(world, actor=world.other_officer, park=world.other_park, enterprise=None)
    agreement = services.agreement_record(
        actor=world.other_officer, dispute=other, terms="分期", total_amount=100, signed_on=timezone.localdate(),
        obligations=[{"due_on": timezone.localdate() + timedelta(days=9), "amount": 100}])
    services.session_record(actor=world.other_officer, dispute=other, started_at=timezone.now(), duration_minutes=30,
                            place="x", outcome="agreement")
    api = _api(api_as, world.officer)

    for url in (f"/api/v1/mediation-sessions/?dispute={other.pk}", f"/api/v1/agreements/?dispute={other.pk}",
                f"/api/v1/obligations/?agreement={agreement.pk}", "/api/v1/mediation-sessions/?dispute=999999",
                "/api/v1/agreements/?dispute=999999", "/api/v1/obligations/?agreement=999999"):
        response = api.get(url)
        assert (response.status_code, response.json()["count"]) == (200, 0), url


def test_filters_by_an_own_id_list_the_rows(world, api_as):
    mine = open_dispute(world)
    agreement = three_instalments(world, mine)
    open_dispute(world, title="另一件")
    api = _api(api_as, world.officer)

    assert [a["id"] for a in api.get(f"/api/v1/agreements/?dispute={mine.pk}").json()["results"]] == [agreement.pk]
    assert api.get(f"/api/v1/obligations/?agreement={agreement.pk}").json()["count"] == 3
    assert api.get(f"/api/v1/obligations/?dispute={mine.pk}&status=pending").json()["count"] == 3


# ---------------------------------------------------------------- a mediator who opens a case works on it
def test_a_mediator_opening_a_dispute_routes_it_to_their_centre_and_leads_it(world):
    dispute = open_dispute(world, actor=world.mediator)

    assert (dispute.mediation_centre, dispute.mediator, dispute.handler, dispute.opened_by) == (
        world.park.mediation_centre, world.mediator, None, world.mediator)
    assert selectors.dispute_get(user=world.mediator, pk=dispute.pk) == dispute
    services.dispute_update(actor=world.mediator, dispute=dispute, data={"title": "调解员改"}, expected_version=1)
    assert Dispute.objects.get(pk=dispute.pk).title == "调解员改"


def test_a_mediator_of_a_park_without_a_centre_is_refused(world):
    park2_mediator = assign(UserFactory(username="t_park2_mediator"), Role.MEDIATOR, park=world.park2)

    with pytest.raises(ValidationError) as err:
        open_dispute(world, actor=park2_mediator, park=world.park2, enterprise=None)

    assert err.value.message_dict == {"park": ["This park has no mediation centre: a mediator cannot open a dispute "
                                               "here. Ask the park's police to open it."]}
    assert (Dispute.objects.count(), Notification.objects.count()) == (0, 0)


def test_an_officer_opening_a_dispute_is_not_routed(world):
    dispute = open_dispute(world)
    assert (dispute.mediation_centre, dispute.mediator) == (None, None)


# ---------------------------------------------------------------- reminders for breached, not for closed cases
def test_reminders_cover_breached_agreements(world):
    today = timezone.localdate()
    dispute = routed_dispute(world, began_at=timezone.now() - timedelta(days=30), late_reason="台账补录")
    services.agreement_record(actor=world.officer, dispute=dispute, terms="两期", total_amount=200,
                              signed_on=today - timedelta(days=20),
                              obligations=[{"due_on": today - timedelta(days=1), "amount": 100},
                                           {"due_on": today + timedelta(days=2), "amount": 100}])
    services.obligations_sweep(today=today)
    assert Agreement.objects.get().status == "breached"

    assert services.obligation_reminders(today=today) == {"reminded": 1}

    assert Obligation.objects.get(sequence=2).reminded_on == today
    assert Notification.objects.filter(kind="obligation_due").count() == 2  # officer and mediator


@pytest.mark.parametrize("status", ["settled", "withdrawn"])
def test_no_reminders_for_settled_or_withdrawn_disputes(world, status):
    today = timezone.localdate()
    dispute = open_dispute(world)
    three_instalments(world, dispute, signed_on=today, first_due=today + timedelta(days=2))
    if status == "settled":
        # a case settled before settling beside a live agreement was refused (services.settle_refusal)
        Dispute.objects.filter(pk=dispute.pk).update(status="settled", settled_at=timezone.now(),
                                                     settled_level="park")
    else:  # a case withdrawn before withdrawals superseded the agreement
        Dispute.objects.filter(pk=dispute.pk).update(status="withdrawn")
    assert Agreement.objects.get().status == "performing"

    assert services.obligation_reminders(today=today) == {"reminded": 0}

    assert Obligation.objects.filter(reminded_on__isnull=False).count() == 0
    assert Notification.objects.filter(kind="obligation_due").count() == 0


# ---------------------------------------------------------------- withdrawing ends the agreement
def test_withdrawing_supersedes_the_live_agreement_and_refuses_payments(world):
    dispute = open_dispute(world)
    agreement = three_instalments(world, dispute)
    obligation = agreement.obligations.first()

    # a case under an agreement is reopened (as a missed instalment does), then withdrawn
    services.dispute_transition(actor=world.officer, dispute=dispute, to="open", note="企业反悔", expected_version=2)
    services.dispute_transition(actor=world.officer, dispute=dispute, to="withdrawn", note="双方自行和解",
                                expected_version=3)
    agreement.refresh_from_db()
    assert agreement.status == "superseded"
    with pytest.raises(ValidationError) as err:
        services.payment_record(actor=world.officer, obligation=obligation, paid_on=timezone.localdate(),
                                amount=100, expected_version=1)

    assert err.value.messages == ["This dispute was withdrawn: no payments are recorded on it."]
    obligation.refresh_from_db()
    assert (obligation.paid_amount, obligation.version, Payment.objects.count()) == (Decimal("0"), 1, 0)


def test_payment_on_a_withdrawn_dispute_with_a_live_agreement_is_refused(world):
    dispute = open_dispute(world)
    obligation = three_instalments(world, dispute).obligations.first()
    Dispute.objects.filter(pk=dispute.pk).update(status="withdrawn")  # withdrawn before this fix

    with pytest.raises(ValidationError) as err:
        services.payment_record(actor=world.officer, obligation=obligation, paid_on=timezone.localdate(), amount=100)

    assert err.value.messages == ["This dispute was withdrawn: no payments are recorded on it."]
    assert Payment.objects.count() == 0


def test_payment_on_a_superseded_agreement_is_refused(world):
    dispute = open_dispute(world)
    obligation = three_instalments(world, dispute).obligations.first()
    services.agreement_record(actor=world.officer, dispute=dispute, terms="一次付清", total_amount=25000,
                              signed_on=timezone.localdate())

    with pytest.raises(ValidationError) as err:
        services.payment_record(actor=world.officer, obligation=obligation, paid_on=timezone.localdate(), amount=100)

    assert err.value.messages == ["This agreement is “Superseded”: no payments are recorded on it."]
    assert Payment.objects.count() == 0


def test_withdraw_audits_the_agreement(world):
    from parkbeat.audit.models import AuditEvent

    dispute = open_dispute(world)
    agreement = three_instalments(world, dispute)
    services.dispute_transition(actor=world.officer, dispute=dispute, to="open", note="企业反悔", expected_version=2)
    services.dispute_transition(actor=world.officer, dispute=dispute, to="withdrawn", note="撤回",
                                expected_version=3)

    event = AuditEvent.objects.filter(object_type="disputes.Agreement", object_id=str(agreement.pk),
                                      verb="transition").get()
    assert (event.changes, event.note, event.actor_username) == (
        {"status": ["performing", "superseded"]}, "The dispute was withdrawn", "t_officer")


# ---------------------------------------------------------------- double payment submits
def test_pay_without_a_version_is_400_and_records_nothing(world, api_as):
    ob = three_instalments(world, open_dispute(world)).obligations.first()

    response = _api(api_as, world.officer).post(f"/api/v1/obligations/{ob.pk}/pay/", {
        "paid_on": str(timezone.localdate()), "amount": "100"}, format="json")

    assert response.status_code == 400
    assert response.json()["detail"] == "version: This field is required."
    assert (Payment.objects.count(), Obligation.objects.get(pk=ob.pk).version) == (0, 1)


def test_pay_with_an_idempotency_key_is_recorded_once(world, api_as):
    ob = three_instalments(world, open_dispute(world)).obligations.first()
    api = _api(api_as, world.officer)
    body = {"paid_on": str(timezone.localdate()), "amount": "100", "version": 1}

    first = api.post(f"/api/v1/obligations/{ob.pk}/pay/", body, format="json", HTTP_IDEMPOTENCY_KEY="pay-1")
    again = api.post(f"/api/v1/obligations/{ob.pk}/pay/", body, format="json", HTTP_IDEMPOTENCY_KEY="pay-1")
    other = api.post(f"/api/v1/obligations/{ob.pk}/pay/", {**body, "amount": "200"}, format="json",
                     HTTP_IDEMPOTENCY_KEY="pay-1")

    assert (first.status_code, again.status_code, again["Idempotent-Replayed"], other.status_code) == (
        201, 201, "true", 409)
    assert again.json() == first.json()
    assert other.json()["detail"] == "This Idempotency-Key was already used for a different request."
    ob.refresh_from_db()
    assert (Payment.objects.count(), ob.paid_amount, ob.version) == (1, Decimal("100.00"), 2)


def test_a_double_submitted_payment_form_is_refused_with_a_form_error(world, page_as):
    dispute = open_dispute(world)
    ob = three_instalments(world, dispute).obligations.first()
    client = page_as(world.officer)
    url = reverse("disputes:payment_create", args=[dispute.pk, ob.pk])
    form = {"version": ob.version, "paid_on": timezone.localdate(), "amount": "100"}

    first = client.post(url, form)
    second = client.post(url, form)

    assert (first.status_code, second.status_code) == (302, 200)
    assert second.context["form"].non_field_errors() == [CONFLICT_ZH]
    ob.refresh_from_db()
    assert (Payment.objects.count(), ob.paid_amount) == (1, Decimal("100.00"))


# ---------------------------------------------------------------- party edits carry the dispute's version
def test_party_update_with_a_stale_dispute_version_is_refused(world):
    dispute = open_dispute(world)
    party = services.party_add(actor=world.officer, dispute=dispute, side="claimant", kind="person", name="张三")
    services.party_update(actor=world.officer, party=party, data={"name": "张三丰"}, expected_version=1)
    assert Dispute.objects.get(pk=dispute.pk).version == 2

    stale = DisputeParty.objects.get(pk=party.pk)
    with pytest.raises(ConflictError):
        services.party_update(actor=world.auxiliary, party=stale, data={"name": "李四"}, expected_version=1)
    with pytest.raises(ConflictError):
        services.party_remove(actor=world.auxiliary, party=stale, expected_version=1)

    assert DisputeParty.objects.get(pk=party.pk).name == "张三丰"
    assert Dispute.objects.get(pk=dispute.pk).version == 2


def test_party_remove_with_the_current_version_bumps_it(world):
    dispute = open_dispute(world)
    party = services.party_add(actor=world.officer, dispute=dispute, side="claimant", kind="person", name="张三")

    services.party_remove(actor=world.officer, party=party, expected_version=1)

    assert (DisputeParty.objects.count(), Dispute.objects.get(pk=dispute.pk).version) == (0, 2)


def test_two_party_edits_from_the_same_page_the_second_gets_a_form_error(world, page_as):
    dispute = open_dispute(world)
    party = services.party_add(actor=world.officer, dispute=dispute, side="claimant", kind="workers", name="工人",
                               headcount=8)
    client = page_as(world.officer)
    url = reverse("disputes:party_update", args=[dispute.pk, party.pk])
    assert client.get(url).context["form"].initial["version"] == 1
    common = {"side": "claimant", "kind": "workers", "contact_mobile": "", "version": 1}

    first = client.post(url, {**common, "name": "工人甲", "headcount": 9})
    second = client.post(url, {**common, "name": "工人乙", "headcount": 10})

    assert (first.status_code, second.status_code) == (302, 200)
    assert second.context["form"].non_field_errors() == [CONFLICT_ZH]
    party.refresh_from_db()
    assert (party.name, party.headcount, Dispute.objects.get(pk=dispute.pk).version) == ("工人甲", 9, 2)


def test_party_remove_page_needs_the_current_version(world, page_as):
    dispute = open_dispute(world)
    party = services.party_add(actor=world.officer, dispute=dispute, side="claimant", kind="person", name="张三")
    client = page_as(world.officer)
    url = reverse("disputes:party_remove", args=[dispute.pk, party.pk])
    detail = client.get(dispute.get_absolute_url()).content.decode()
    assert '<input type="hidden" name="version" value="1">' in detail

    missing = client.post(url)
    stale = client.post(url, {"version": 7})

    assert (missing.status_code, stale.status_code) == (302, 302)
    assert DisputeParty.objects.filter(pk=party.pk).exists()
    assert client.post(url, {"version": 1}).status_code == 302
    assert not DisputeParty.objects.filter(pk=party.pk).exists()


# ---------------------------------------------------------------- figures with extreme dates
@pytest.mark.parametrize("start,end", [("0001-01-01", "2026-01-01"), ("2026-01-01", "9999-12-31"),
                                       ("1999-12-31", "2000-01-01")])
def test_figures_with_extreme_dates_say_so(world, page_as, api_as, start, end):
    client = page_as(world.leader)
    client.cookies["django_language"] = "en"  # pages follow the user's choice of language, not Accept-Language
    page = client.get(reverse("disputes:dispute_figures"), {"start": start, "end": end})
    api = _api(api_as, world.leader).get("/api/v1/disputes/figures/", {"start": start, "end": end})

    assert page.status_code == 200 and "figures" not in page.context
    assert list(page.context["form"].errors.values()) == [[BOUNDS]]
    assert api.status_code == 400
    assert api.json()["detail"].endswith(BOUNDS)


def test_figures_at_the_bounds_work(world, api_as):
    response = _api(api_as, world.leader).get("/api/v1/disputes/figures/", {"start": "2000-01-01",
                                                                           "end": "2100-12-31"})
    assert (response.status_code, response.json()["period"]["end"]) == (200, "2100-12-31")


# ---------------------------------------------------------------- dates before 2000 are refused by the services
def test_open_page_with_began_at_year_one_is_a_form_error(world, page_as):
    response = page_as(world.officer).post(reverse("disputes:dispute_create"), {
        "category": "other", "title": "x", "summary": "y", "park": world.park.pk, "level": "park",
        "people_involved": 1, "began_at": "0001-01-01T00:00"})

    assert response.status_code == 200
    with translation.override("zh-hans"):
        early = translation.gettext("Choose a date from %(earliest)s on.") % {"earliest": "2000-01-01"}
    assert response.context["form"].errors["began_at"] == [early]
    assert Dispute.objects.count() == 0


def test_api_and_service_refuse_began_at_before_2000(world, api_as):
    response = _api(api_as, world.officer).post("/api/v1/disputes/", {
        "park": world.park.pk, "category": "other", "title": "x", "summary": "y",
        "began_at": "1999-12-31T15:59:00Z"}, format="json")  # 23:59 in Shanghai

    assert (response.status_code, response.json()["detail"]) == (400, f"began_at: {EARLY}")
    with pytest.raises(ValidationError) as err:
        open_dispute(world, began_at=timezone.make_aware(timezone.datetime(1, 1, 1, 0, 0)))
    assert err.value.message_dict == {"began_at": [EARLY]}
    assert Dispute.objects.count() == 0


def test_session_agreement_due_dates_and_payment_dates_are_bounded(world):
    dispute = open_dispute(world)
    with pytest.raises(ValidationError) as session:
        services.session_record(actor=world.officer, dispute=dispute, duration_minutes=30, place="x",
                                outcome="partial", started_at=timezone.make_aware(timezone.datetime(1, 1, 1)))
    with pytest.raises(ValidationError) as signed:
        services.agreement_record(actor=world.officer, dispute=dispute, terms="x", total_amount=0,
                                  signed_on=date(1999, 12, 31))
    for due in (date(1999, 12, 31), date(2101, 1, 1)):
        with pytest.raises(ValidationError) as late:
            services.agreement_record(actor=world.officer, dispute=dispute, terms="x", total_amount=10,
                                      signed_on=timezone.localdate(), obligations=[{"due_on": due, "amount": 10}])
        assert late.value.message_dict == {"obligations": [
            "Instalment 1: choose a due date between 2000-01-01 and 2100-12-31."]}

    assert session.value.message_dict == {"started_at": [EARLY]}
    assert signed.value.message_dict == {"signed_on": [EARLY]}
    assert (MediationSession.objects.count(), Agreement.objects.count()) == (0, 0)

    obligation = three_instalments(world, dispute).obligations.first()
    with pytest.raises(ValidationError) as paid:
        services.payment_record(actor=world.officer, obligation=obligation, paid_on=date(1, 1, 1), amount=100)
    assert paid.value.message_dict == {"paid_on": [EARLY]}
    assert Payment.objects.count() == 0


# ---------------------------------------------------------------- the timeline's evidence in one query
def _timeline_queries(dispute):
    with CaptureQueriesContext(connection) as ctx:
        timeline = selectors.dispute_timeline(dispute=dispute)
    return len(ctx.captured_queries), timeline


def test_timeline_queries_do_not_grow_with_payments(world):
    dispute = open_dispute(world)
    agreement = three_instalments(world, dispute)
    first, second, third = agreement.obligations.all()
    services.payment_record(actor=world.officer, obligation=first, paid_on=timezone.localdate(), amount=100,
                            evidence=png())
    one, _timeline = _timeline_queries(dispute)
    services.payment_record(actor=world.officer, obligation=second, paid_on=timezone.localdate(), amount=100,
                            evidence=png("二.png"))
    services.payment_record(actor=world.officer, obligation=third, paid_on=timezone.localdate(), amount=100)

    three, timeline = _timeline_queries(dispute)

    assert three == one
    payments = [e for e in timeline if e["type"] == "payment"]
    assert [len(e["attachments"]) for e in payments] == [1, 1, 0]
    assert [e["attachments"][0].object_id for e in payments[:2]] == [payments[0]["object"].pk,
                                                                     payments[1]["object"].pk]
