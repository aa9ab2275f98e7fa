"""Bodies no client should send still get a readable 400, and an error of ours under /api/ is JSON (SECURITY F).

Found from outside: JSON nested 5,000 deep answered 500 (RecursionError) even on the token endpoint, and a
lone surrogate in a choice field answered 500 (UnicodeEncodeError). Both are refused where bodies are parsed.
"""
import pytest
from django.test import RequestFactory
from rest_framework.test import APIClient

from parkbeat.core.api import server_error
from parkbeat.core.parsers import MAX_DEPTH, too_deep
from parkbeat.incidents.models import Incident

pytestmark = pytest.mark.django_db


def nested(depth):
    return "[" * depth + "]" * depth


def post_raw(client, path, text):
    return client.generic("POST", path, text.encode("utf-8", "surrogatepass"), content_type="application/json")


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 1000, 5000])
def test_deep_json_on_the_token_endpoint_is_a_400_without_logging_in(depth):
    response = post_raw(APIClient(), "/api/v1/auth/token/", f'{{"username": {nested(depth)}}}')

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]


def test_deep_json_on_a_write_endpoint_is_a_400_and_stores_nothing(world, api_as):
    response = post_raw(api_as(world.officer), "/api/v1/incidents/", f'{{"kind": "theft", "x": {nested(5000)}}}')

    assert response.status_code == 400
    assert "32" in response.json()["detail"]
    assert not Incident.objects.exists()


@pytest.mark.parametrize("field", ["kind", "source", "description"])
def test_a_lone_surrogate_in_any_field_is_a_400(world, api_as, field):
    response = post_raw(api_as(world.officer), "/api/v1/incidents/",
                        f'{{"kind": "theft", "park": {world.park.pk}, "{field}": "\\ud800"}}')

    assert response.status_code == 400
    assert "surrogate" in response.json()["detail"]
    assert not Incident.objects.exists()


def test_a_raw_lone_surrogate_byte_sequence_is_a_400(world, api_as):
    body = b'{"kind": "\xed\xa0\x80"}'  # the surrogate written as (invalid) UTF-8 rather than escaped

    response = api_as(world.officer).generic("POST", "/api/v1/incidents/", body, content_type="application/json")

    assert response.status_code == 400


def test_a_body_over_the_upload_limit_is_a_400(world, api_as, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024

    response = post_raw(api_as(world.officer), "/api/v1/incidents/", f'{{"description": "{"x" * 2000}"}}')

    assert response.status_code == 400
    assert "1.0" in response.json()["detail"]


def test_a_json_body_that_is_not_an_object_is_a_400_not_a_500(world, api_as):
    for text in ("[1, 2]", '"text"', "NaN", "{", "   "):
        response = post_raw(api_as(world.officer), "/api/v1/incidents/", text)
        assert response.status_code == 400, (text, response.content)


def test_the_depth_check_counts_levels_and_needs_no_recursion():
    assert not too_deep({"a": [{"b": 1}]}, limit=3)
    assert too_deep({"a": [{"b": []}]}, limit=3)
    value = []
    for _ in range(100_000):  # deeper than Python's recursion limit
        value = [value]
    assert too_deep(value)


def test_an_error_of_ours_in_an_api_view_answers_json_with_the_request_id(world, api_as, monkeypatch):
    from parkbeat.incidents import selectors

    def broken(**kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(selectors, "incident_figures", broken)
    client = api_as(world.leader)
    client.raise_request_exception = False

    response = client.get("/api/v1/incidents/figures/?start=2026-11-01&end=2026-11-30", HTTP_X_REQUEST_ID="req-42")

    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["request_id"] == "req-42"
    assert "a bug" not in response.content.decode()


def test_an_error_outside_any_view_under_api_is_json_and_a_page_elsewhere():
    factory = RequestFactory()

    api = server_error(factory.get("/api/v1/incidents/"))
    page = server_error(factory.get("/incidents/"))

    assert (api.status_code, api["Content-Type"]) == (500, "application/json")
    assert "detail" in api.content.decode()
    assert page.status_code == 500 and page["Content-Type"].startswith("text/html")


def test_an_agreement_without_its_total_is_a_400_naming_the_field(world, api_as):
    from parkbeat.disputes.tests.factories import open_dispute

    dispute = open_dispute(world)
    client = api_as(world.officer)
    client.raise_request_exception = False

    response = client.post("/api/v1/agreements/", {
        "dispute": dispute.pk, "terms": "分两期支付", "signed_on": "2026-11-01",
        "obligations": [{"due_on": "2026-12-30", "amount": "100"}]}, format="json")

    assert response.status_code == 400
    assert "total_amount" in response.json()


def test_a_database_that_cannot_be_reached_is_a_503_to_retry(world, api_as, monkeypatch):
    from django.db import OperationalError

    from parkbeat.incidents import selectors

    def unreachable(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(selectors, "incident_figures", unreachable)
    client = api_as(world.leader)
    client.raise_request_exception = False

    response = client.get("/api/v1/incidents/figures/?start=2026-11-01&end=2026-11-30")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json()["detail"]


def test_outside_any_view_an_unreachable_database_is_a_503_page_or_json():
    import sys

    from django.db import OperationalError

    factory = RequestFactory()
    try:
        raise OperationalError("connection refused")
    except OperationalError:
        assert sys.exc_info()[0] is OperationalError
        api, page = server_error(factory.get("/api/v1/x/")), server_error(factory.get("/incidents/"))

    assert (api.status_code, page.status_code) == (503, 503)
    assert api["Content-Type"] == "application/json" and "数据库" in page.content.decode()


def test_another_disputes_session_or_party_in_an_agreement_does_not_exist(world, api_as):
    """As an id that exists nowhere: the answer must not tell that it is another case's."""
    from datetime import timedelta

    from django.utils import timezone

    from parkbeat.disputes import services
    from parkbeat.disputes.models import Agreement
    from parkbeat.disputes.tests.factories import open_dispute

    mine, other = open_dispute(world), open_dispute(world, title="另一起纠纷")
    party = services.party_add(actor=world.officer, dispute=other, side="claimant", kind="person", name="王五")
    session = services.session_record(actor=world.officer, dispute=other, started_at=timezone.now() - timedelta(hours=1),
                                      duration_minutes=30, place="调解室", outcome="adjourned")
    body = {"dispute": mine.pk, "terms": "一次付清", "total_amount": "100", "signed_on": "2026-11-01",
            "obligations": [{"due_on": "2026-12-30", "amount": "100"}]}
    client = api_as(world.officer)

    for extra, field, missing_id in (({"parties": [party.pk]}, "parties", 999_999),
                                     ({"session": session.pk}, "session", 999_999)):
        answer = client.post("/api/v1/agreements/", {**body, **extra}, format="json")
        nowhere = client.post("/api/v1/agreements/", {**body, field: [missing_id] if field == "parties"
                                                      else missing_id}, format="json")
        assert answer.status_code == nowhere.status_code == 400
        assert str(answer.json()[field]).replace(str(extra[field]).strip("[]"), "#") == \
            str(nowhere.json()[field]).replace(str(missing_id), "#")
    assert not Agreement.objects.exists()
