"""F3: a create resent with the same Idempotency-Key is stored once and answered with the first result."""
from datetime import timedelta

import pytest
from django.utils import timezone

from parkbeat.audit.models import AuditEvent
from parkbeat.core.models import IdempotencyKey
from parkbeat.enterprises.models import Demand, Visit

ENDPOINTS = {
    "visits": (Visit, lambda world: {"enterprise": world.enterprise.pk, "findings": "夜间巡查，门岗正常",
                                     "demands": [{"category": "traffic", "content": "货车乱停"}]}),
    "demands": (Demand, lambda world: {"enterprise": world.enterprise.pk, "category": "security",
                                       "content": "希望加强夜间巡逻"}),
}


def post(client, endpoint, body, key):
    headers = {} if key is None else {"HTTP_IDEMPOTENCY_KEY": key}
    return client.post(f"/api/v1/{endpoint}/", body, format="json", **headers)


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
def test_a_resent_create_with_the_same_key_returns_the_first_object_and_creates_nothing(world, api_as, endpoint):
    model, body = ENDPOINTS[endpoint]
    client = api_as(world.officer)
    first = post(client, endpoint, body(world), "9b1f6c1e-batch-1")
    counts = (model.objects.count(), Demand.objects.count(), AuditEvent.objects.count())

    again = post(client, endpoint, body(world), "9b1f6c1e-batch-1")

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert (model.objects.count(), Demand.objects.count(), AuditEvent.objects.count()) == counts
    assert IdempotencyKey.objects.filter(user=world.officer, key="9b1f6c1e-batch-1").count() == 1


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
def test_different_keys_and_no_key_create_separate_objects(world, api_as, endpoint):
    model, body = ENDPOINTS[endpoint]
    client = api_as(world.officer)

    responses = [post(client, endpoint, body(world), key) for key in ("k-1", "k-2", None, None)]

    assert [r.status_code for r in responses] == [201] * 4
    assert len({r.json()["id"] for r in responses}) == 4
    assert model.objects.count() == 4


def test_the_same_key_with_a_different_body_is_409_and_creates_nothing(world, api_as):
    client = api_as(world.officer)
    post(client, "demands", ENDPOINTS["demands"][1](world), "k-1")

    response = post(client, "demands", {**ENDPOINTS["demands"][1](world), "content": "另一件事"}, "k-1")

    assert response.status_code == 409
    assert response.json() == {"detail": "该 Idempotency-Key 已用于另一个不同的请求。"}  # zh-hans is the default language
    assert list(Demand.objects.values_list("content", flat=True)) == ["希望加强夜间巡逻"]


def test_keys_belong_to_one_user(world, api_as):
    body = ENDPOINTS["demands"][1](world)
    first = post(api_as(world.officer), "demands", body, "shared-key")

    second = post(api_as(world.leader), "demands", body, "shared-key")

    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["id"] != second.json()["id"]
    assert Demand.objects.count() == 2


def test_a_refused_create_does_not_use_up_the_key(world, api_as):
    client = api_as(world.officer)
    past = (timezone.now() - timedelta(days=1)).isoformat()

    refused = post(client, "demands", {**ENDPOINTS["demands"][1](world), "due_at": past}, "k-1")
    accepted = post(client, "demands", ENDPOINTS["demands"][1](world), "k-1")

    assert (refused.status_code, accepted.status_code) == (400, 201)
    assert Demand.objects.count() == 1


@pytest.mark.parametrize("key", ["", "x" * 101, "含中文", "with space", "tab\tkey"])
def test_a_malformed_key_is_400_and_creates_nothing(world, api_as, key):
    response = api_as(world.officer).post("/api/v1/demands/", ENDPOINTS["demands"][1](world), format="json",
                                          HTTP_IDEMPOTENCY_KEY=key.encode().decode("latin-1"))

    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["detail"]
    assert Demand.objects.count() == 0


def test_the_header_is_documented_on_the_create_endpoints(world, api_as):
    schema = api_as(world.leader).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    for path in ("/api/v1/visits/", "/api/v1/demands/"):
        names = [p["name"] for p in schema["paths"][path]["post"].get("parameters", [])]
        assert "Idempotency-Key" in names, path
