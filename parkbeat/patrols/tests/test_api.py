"""The API: the schema holds every patrol route, unknown fields are 400 naming them, scans idempotent by header."""
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from parkbeat.patrols import services, tokens
from parkbeat.patrols.models import CheckIn, Checkpoint, PatrolPlan, PatrolRun
from parkbeat.patrols.tests.helpers import all_week_plan, checkpoints, code


@pytest.fixture
def plan(world):
    return all_week_plan(world)


def test_the_schema_documents_every_patrol_path_and_the_idempotency_header(world, api_as):
    schema = api_as(world.officer).get("/api/schema/?format=json").json()

    paths = {p for p in schema["paths"] if "patrol" in p}
    assert {"/api/v1/patrol-checkpoints/", "/api/v1/patrol-checkpoints/{id}/code/",
            "/api/v1/patrol-checkpoints/{id}/retire/", "/api/v1/patrol-routes/", "/api/v1/patrol-plans/",
            "/api/v1/patrol-runs/", "/api/v1/patrol-runs/{id}/scans/", "/api/v1/patrol-runs/{id}/finish/",
            "/api/v1/patrol-runs/{id}/findings/"} <= paths
    scan = schema["paths"]["/api/v1/patrol-runs/{id}/scans/"]["post"]
    assert "Idempotency-Key" in {p["name"] for p in scan["parameters"]}


def test_unknown_fields_are_refused_naming_them(world, api_as, plan):
    api = api_as(world.officer)
    run = services.run_start(actor=world.officer, plan=plan)

    checkpoint = api.post("/api/v1/patrol-checkpoints/", {"park": world.park.pk, "name": "北门", "kind": "gate",
                                                          "lon": "113.1", "lat": "27.8", "token_secret": "x"},
                          format="json")
    scan = api.post(f"/api/v1/patrol-runs/{run.pk}/scans/", {"code": "AAAA-BBBB", "counted": True}, format="json")
    start = api.post("/api/v1/patrol-runs/", {"plan": plan.pk, "status": "finished"}, format="json")

    for response, field in ((checkpoint, "token_secret"), (scan, "counted"), (start, "status")):
        assert response.status_code == 400
        assert field in response.json()["detail"] and field in response.json()
    assert not Checkpoint.objects.filter(name="北门").exists() and not CheckIn.objects.exists()
    assert PatrolRun.objects.count() == 1


def test_a_scan_resent_with_the_same_key_is_stored_once(world, api_as, plan):
    api = api_as(world.volunteer)
    run = services.run_start(actor=world.volunteer, plan=plan, at=timezone.now() - timedelta(minutes=30))
    a = plan.route.ordered_checkpoints()[0]
    body = {"code": code(a), "at": (timezone.now() - timedelta(minutes=10)).isoformat(), "lon": "113.100100",
            "lat": "27.800000"}

    first = api.post(f"/api/v1/patrol-runs/{run.pk}/scans/", body, format="json", HTTP_IDEMPOTENCY_KEY="q-1")
    again = api.post(f"/api/v1/patrol-runs/{run.pk}/scans/", body, format="json", HTTP_IDEMPOTENCY_KEY="q-1")
    other_body = api.post(f"/api/v1/patrol-runs/{run.pk}/scans/", {**body, "lon": "113.1002"}, format="json",
                          HTTP_IDEMPOTENCY_KEY="q-1")

    assert (first.status_code, again.status_code, other_body.status_code) == (201, 201, 409)
    assert again["Idempotent-Replayed"] == "true" and again.json()["id"] == first.json()["id"]
    assert first.json()["counted"] is True and first.json()["distance_m"] == 10
    assert CheckIn.objects.count() == 1


def test_a_forged_or_foreign_code_is_400_naming_the_code(world, api_as, plan):
    api = api_as(world.officer)
    run = services.run_start(actor=world.officer, plan=plan)
    foreign = checkpoints(world, park=world.other_park)[0]

    forged = api.post(f"/api/v1/patrol-runs/{run.pk}/scans/", {"code": code(plan.route.ordered_checkpoints()[0])[:-4]
                                                              + "abcd"}, format="json")
    other = api.post(f"/api/v1/patrol-runs/{run.pk}/scans/", {"code": code(foreign)}, format="json")

    assert forged.status_code == 400 and "code" in forged.json()
    assert other.status_code == 400 and "不在本路线上" in other.json()["code"][0]
    assert not CheckIn.objects.exists()


def test_plan_through_the_api_with_validation(world, api_as, plan):
    api = api_as(world.officer)
    body = {"route": plan.route.pk, "name": "夜巡", "mode": "vehicle", "weekdays": [4, 5], "start_time": "22:00",
            "end_time": "06:00", "overnight": False, "teams": [{"team": world.team.pk, "volunteers": 2}]}

    refused = api.post("/api/v1/patrol-plans/", body, format="json")
    created = api.post("/api/v1/patrol-plans/", {**body, "overnight": True, "is_night": True}, format="json")

    assert refused.status_code == 400 and "end_time" in refused.json()
    assert created.status_code == 201, created.json()
    assert created.json()["teams"] == [{"team": world.team.pk, "volunteers": 2}]
    assert PatrolPlan.objects.get(pk=created.json()["id"]).weekdays == [4, 5]


def test_checkpoint_code_retire_and_finish_through_the_api(world, api_as, plan):
    api = api_as(world.officer)
    a = plan.route.ordered_checkpoints()[0]
    run = services.run_start(actor=world.officer, plan=plan)

    got = api.get(f"/api/v1/patrol-checkpoints/{a.pk}/code/").json()
    retired = api.post(f"/api/v1/patrol-checkpoints/{a.pk}/retire/", {"version": a.version}, format="json")
    scan = api.post(f"/api/v1/patrol-runs/{run.pk}/scans/", {"code": got["token"]}, format="json")
    finish = api.post(f"/api/v1/patrol-runs/{run.pk}/finish/", {"version": run.version}, format="json")
    stale = api.post(f"/api/v1/patrol-runs/{run.pk}/finish/", {"version": run.version}, format="json")

    assert got["short_code"] == tokens.short_code(a)
    assert retired.status_code == 200 and retired.json()["is_active"] is False
    assert scan.status_code == 400 and "已停用" in scan.json()["code"][0]
    assert finish.status_code == 200 and finish.json()["status"] == "finished"
    assert stale.status_code == 409


def test_the_command_runs_the_sweep(world, plan, capsys):
    call_command("sweep_patrols")

    assert "run(s) closed" in capsys.readouterr().out


def test_a_run_id_that_is_not_a_number_is_404_not_an_error(world, api_as):
    for user in (world.officer, world.volunteer):
        client = api_as(user)
        assert client.post("/api/v1/patrol-runs/abc/join/", {}, format="json").status_code == 404
        assert client.get("/api/v1/patrol-runs/abc/track/").status_code == 404
