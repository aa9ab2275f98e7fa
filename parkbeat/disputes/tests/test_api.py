"""API: create, update with versions, actions, nested agreements, payments with evidence, figures, schema."""
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from parkbeat.disputes.models import Dispute, Obligation, Payment
from parkbeat.disputes.tests.factories import open_dispute, png, three_instalments
from parkbeat.files.models import Attachment


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_create_with_parties_and_idempotency_key(world, api_as):
    api = api_as(world.officer)
    body = {"park": world.park.pk, "enterprise": world.enterprise.pk, "category": "labour_wage", "title": "讨薪",
            "summary": "堵门", "level": "enterprise", "parties": [
                {"side": "claimant", "kind": "workers", "name": "工人", "headcount": 12,
                 "contact_mobile": "13812345678"}]}

    first = api.post("/api/v1/disputes/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = api.post("/api/v1/disputes/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert (first.status_code, again.status_code, again["Idempotent-Replayed"]) == (201, 201, "true")
    assert Dispute.objects.count() == 1
    data = first.json()
    assert (data["level"], data["status"], data["parties"][0]["contact_mobile"]) == (
        "enterprise", "open", "138****5678")


def test_create_with_bad_input_is_400_with_detail(world, api_as):
    response = api_as(world.officer).post("/api/v1/disputes/", {
        "park": world.park.pk, "enterprise": world.park2_enterprise.pk, "category": "other", "title": "x",
        "summary": "y", "began_at": (timezone.now() + timedelta(days=1)).isoformat()}, format="json")

    assert response.status_code == 400
    assert response.json()["detail"]
    assert Dispute.objects.count() == 0


def test_update_with_a_stale_version_is_409(world, api_as):
    dispute = open_dispute(world)
    api = api_as(world.officer)
    assert api.patch(f"/api/v1/disputes/{dispute.pk}/", {"title": "一", "version": 1}, format="json").status_code == 200

    stale = api.patch(f"/api/v1/disputes/{dispute.pk}/", {"title": "二", "version": 1}, format="json",
                      HTTP_ACCEPT_LANGUAGE="en")

    assert stale.status_code == 409
    assert stale.json()["detail"] == "This record was changed by someone else. Reload it and try again."
    assert Dispute.objects.get(pk=dispute.pk).title == "一"


def test_level_and_transitions_through_actions(world, api_as):
    dispute = open_dispute(world)
    api = api_as(world.officer)
    url = f"/api/v1/disputes/{dispute.pk}/"

    assert api.post(url + "level/", {"to": "beyond", "reason": "", "version": 1}, format="json").status_code == 400
    up = api.post(url + "level/", {"to": "beyond", "reason": "转仲裁", "version": 1}, format="json")
    assert (up.status_code, up.json()["level"]) == (200, "beyond")
    settled = api.post(url + "transition/", {"to": "settled", "note": "仲裁调解成功", "version": 2}, format="json")
    assert (settled.json()["status"], settled.json()["settled_level"]) == ("settled", "beyond")
    illegal = api.post(url + "transition/", {"to": "withdrawn", "note": "x", "version": 3}, format="json")
    assert illegal.status_code == 409
    assert illegal.json()["detail"] == "纠纷不能从“已化解”变为“已撤回”。"
    reopened = api.post(url + "transition/", {"to": "open", "note": "反悔", "version": 3}, format="json")
    assert (reopened.json()["status"], reopened.json()["reopen_count"]) == ("open", 1)
    assert [t["to_value"] for t in reopened.json()["transitions"]] == ["open", "beyond", "settled", "open"]


def test_route_action_validates_the_mediator(world, api_as):
    dispute = open_dispute(world)
    api = api_as(world.officer)
    bad = api.post(f"/api/v1/disputes/{dispute.pk}/route/", {"mediator": world.officer.pk, "version": 1},
                   format="json")
    assert bad.status_code == 400 and bad.json()["detail"].startswith("mediator")
    good = api.post(f"/api/v1/disputes/{dispute.pk}/route/", {"mediator": world.mediator.pk,
                                                              "agencies": [world.agency.pk], "version": 1},
                    format="json")
    assert (good.status_code, good.json()["agencies"]) == (200, [world.agency.pk])


def test_agreement_with_nested_obligations_and_declared_instalments(world, api_as):
    dispute = open_dispute(world)
    api = api_as(world.officer)
    today = timezone.localdate()
    missing = api.post("/api/v1/agreements/", {"dispute": dispute.pk, "terms": "分期", "total_amount": "300",
                                                "signed_on": str(today), "instalments_declared": 3}, format="json",
                       HTTP_ACCEPT_LANGUAGE="en")
    assert missing.status_code == 400
    assert missing.json()["detail"] == "obligations: 3 instalments were declared but none was given."

    ok = api.post("/api/v1/agreements/", {
        "dispute": dispute.pk, "terms": "分期", "total_amount": "300", "signed_on": str(today),
        "instalments_declared": 2, "obligations": [{"due_on": str(today + timedelta(days=5)), "amount": "100"},
                                                   {"due_on": str(today + timedelta(days=35)), "amount": "200"}]},
        format="json")

    assert ok.status_code == 201
    assert [(o["sequence"], o["amount"]) for o in ok.json()["instalments"]] == [(1, "100.00"), (2, "200.00")]
    assert Dispute.objects.get(pk=dispute.pk).status == "performing"


def test_pay_multipart_with_evidence_then_a_double_submit_is_409(world, api_as):
    dispute = open_dispute(world)
    ob = three_instalments(world, dispute).obligations.first()
    api = api_as(world.officer)
    body = {"paid_on": str(timezone.localdate()), "amount": "4000", "version": ob.version}

    first = api.post(f"/api/v1/obligations/{ob.pk}/pay/", {**body, "evidence": png()}, format="multipart")
    second = api.post(f"/api/v1/obligations/{ob.pk}/pay/", body, format="multipart")

    assert (first.status_code, second.status_code) == (201, 409)
    payment = Payment.objects.get()
    assert Attachment.objects.for_object(payment).count() == 1
    assert Obligation.objects.get(pk=ob.pk).paid_amount == 4000


def test_pay_more_than_due_is_400(world, api_as):
    dispute = open_dispute(world)
    ob = three_instalments(world, dispute).obligations.first()
    response = api_as(world.officer).post(f"/api/v1/obligations/{ob.pk}/pay/", {
        "paid_on": str(timezone.localdate()), "amount": "10000.01", "version": 1}, format="json",
        HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("amount: 10000.01 is more than")
    assert Payment.objects.count() == 0


def test_figures_api_and_its_bad_input(world, api_as):
    open_dispute(world)
    api = api_as(world.leader)
    today = timezone.localdate()
    ok = api.get("/api/v1/disputes/figures/", {"start": str(today - timedelta(days=30)), "end": str(today),
                                               "park": world.park.pk})
    assert ok.status_code == 200
    assert (ok.json()["opened"]["total"], ok.json()["opened"]["by_category"]["labour_wage"]) == (1, 1)
    assert api.get("/api/v1/disputes/figures/", {"start": str(today), "end": str(today - timedelta(days=1))}
                   ).status_code == 400
    assert api.get("/api/v1/disputes/figures/", {"start": str(today), "end": str(today),
                                                 "park": world.other_park.pk}).status_code == 404


def test_every_route_is_in_the_schema(world, api_as):
    schema = api_as(world.officer).get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    for path in ("/api/v1/disputes/", "/api/v1/disputes/{id}/level/", "/api/v1/disputes/{id}/transition/",
                 "/api/v1/disputes/{id}/route/", "/api/v1/disputes/{id}/parties/", "/api/v1/disputes/figures/",
                 "/api/v1/mediation-sessions/", "/api/v1/agreements/", "/api/v1/obligations/{id}/pay/"):
        assert path in schema, path
