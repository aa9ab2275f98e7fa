"""Issue 17: the schema declares what the API really reads and answers, and the suite holds answers to it."""
import pytest
from django.http import JsonResponse

from parkbeat.core.tests.contract import ContractViolation, schema_dict, violation

UPLOADS = {"/api/v1/incidents/", "/api/v1/incidents/{id}/photos/", "/api/v1/obligations/{id}/pay/",
           "/api/v1/enterprises/import/", "/api/v1/disputes/ledger-import/",
           "/api/v1/background-checks/",  # a check is requested with its consent file
           "/api/v1/hazards/", "/api/v1/hazards/{id}/evidence/",  # a hazard fixed on the spot comes with evidence
           "/api/v1/outreach/lectures/",  # a lecture inside production hours comes with the written agreement
           "/api/v1/outreach/lectures/{id}/",  # ... and one moved into production hours with a fresh one
           "/api/v1/outreach/campaigns/{id}/materials/"}


def report(world):
    return {"kind": "theft", "park": world.park.pk, "location": "3 号门", "description": "电动车被盗"}


def operations():
    for path, methods in schema_dict()["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_bodies_are_json_and_multipart_only_where_files_are_uploaded():
    for path, method, operation in operations():
        content = set(operation.get("requestBody", {}).get("content", {}))
        assert "application/x-www-form-urlencoded" not in content, (method, path)
        if "multipart/form-data" in content:
            assert path in UPLOADS, (method, path, content)
        json_ref = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
        multipart_ref = operation.get("requestBody", {}).get("content", {}).get("multipart/form-data", {}).get("schema")
        assert not (json_ref and json_ref == multipart_ref), f"{method} {path}: one component for JSON and multipart"


def test_no_enum_offers_an_empty_string_and_every_error_is_declared():
    for name, component in schema_dict()["components"]["schemas"].items():
        assert "" not in component.get("enum", []), name
    for path, method, operation in operations():
        for code in ("400", "401", "403", "404", "409", "429", "503"):
            ref = operation["responses"][code]["content"]["application/json"]["schema"]["$ref"]
            body = schema_dict()["components"]["schemas"][ref.rsplit("/", 1)[-1]]
            assert "detail" in body["required"], (method, path, code)  # Error, or an import's refusal


def test_the_schema_has_a_version_and_bilingual_descriptions():
    schema = schema_dict()
    assert schema["info"]["version"]
    for path, method, operation in operations():
        assert " / " in operation.get("summary", ""), (method, path)
    incident = schema["components"]["schemas"]["Incident"]["properties"]
    assert "Asia/Shanghai" in incident["reported_at"]["description"] and "时区" in incident["reported_at"]["description"]
    assert "元" in schema["components"]["schemas"]["Payment"]["properties"]["amount"]["description"]
    assert "110警情流转 / 110 dispatch transfer" in schema["components"]["schemas"]["IncidentSourceEnum"]["description"]


def test_a_form_body_on_a_json_endpoint_is_415_with_detail(world, api_as):
    response = api_as(world.officer).post("/api/v1/incidents/", report(world), format="multipart")
    assert response.status_code == 201  # a report may carry photos: multipart is declared there
    incident = response.json()["id"]
    for body_format in ("multipart",):
        refused = api_as(world.officer).post(f"/api/v1/incidents/{incident}/accept/", {"version": 1},
                                             format=body_format)
        assert refused.status_code == 415 and refused.json()["detail"]
    form = api_as(world.officer).generic("POST", "/api/v1/disputes/", "title=x",
                                         content_type="application/x-www-form-urlencoded")
    assert form.status_code == 415 and form.json()["detail"]


def test_unsettled_dispute_and_open_incident_answer_null_not_an_empty_string(world, api_as):
    from parkbeat.disputes import services
    from parkbeat.disputes.models import Dispute

    services.dispute_open(actor=world.officer, category=Dispute.Category.values[0], title="欠薪", summary="反映欠薪",
                          park=world.park)
    row = api_as(world.officer).get("/api/v1/disputes/").json()["results"][0]
    assert row["settled_level"] is None


def test_a_response_off_the_schema_is_reported_with_operation_and_field(world, api_as):
    real = api_as(world.officer).get("/api/v1/incidents/")
    bad = JsonResponse({"count": "many", "count_exact": True, "next": None, "previous": None, "results": []})
    reason = violation({"PATH_INFO": "/api/v1/incidents/", "REQUEST_METHOD": "GET"}, bad)
    assert real.status_code == 200 and reason and "at count" in reason and "integer" in reason


def test_the_wrapped_client_fails_a_test_on_a_violation(world, api_as, monkeypatch):
    from parkbeat.incidents.api import serializers

    original = serializers.IncidentDetailSerializer.to_representation
    monkeypatch.setattr(serializers.IncidentDetailSerializer, "to_representation",
                        lambda self, obj: {**original(self, obj), "version": "one"})
    created = api_as(world.officer).post("/api/v1/incidents/", report(world), format="json").json()
    with pytest.raises(ContractViolation, match=r"v1_incidents_retrieve.*at version"):
        api_as(world.officer).get(f"/api/v1/incidents/{created['id']}/")


def test_undocumented_paths_and_non_json_answers_pass_through(world, api_as):
    assert api_as(world.officer).get("/api/v1/no-such-thing/").status_code == 404
    export = api_as(world.leader).get("/api/v1/enterprises/export/?format=xlsx")
    assert export.status_code == 200 and "spreadsheet" in export["Content-Type"]
