"""Who sees and does what in patrols, through the pages and the API; another station gets 404."""
from datetime import timedelta

import pytest
from django.urls import reverse

from parkbeat.patrols import services
from parkbeat.patrols.models import CheckIn, Checkpoint, PatrolPlan, PatrolRun
from parkbeat.patrols.tests.helpers import all_week_plan, checkpoints, code, route

COVERS = {
    "patrols:field_home", "patrols:checkpoint_list", "patrols:checkpoint_create", "patrols:checkpoint_sheet",
    "patrols:checkpoint_detail", "patrols:checkpoint_update", "patrols:checkpoint_code", "patrols:route_list",
    "patrols:route_create", "patrols:route_detail", "patrols:route_update", "patrols:plan_list",
    "patrols:plan_create", "patrols:plan_detail", "patrols:plan_update", "patrols:run_list", "patrols:run_start",
    "patrols:run_detail", "patrols:run_field", "patrols:run_scan", "patrols:run_finding", "patrols:run_finish", "patrols:run_join", "patrol-run-join",
    "patrol-checkpoint-list", "patrol-checkpoint-detail", "patrol-checkpoint-code", "patrol-checkpoint-reissue",
    "patrol-checkpoint-retire", "patrol-route-list", "patrol-route-detail", "patrol-plan-list", "patrol-plan-detail",
    "patrol-run-list", "patrol-run-detail", "patrol-run-finish", "patrol-run-scans", "patrol-run-findings",
}


@pytest.fixture
def cast(world):
    """Park A: checkpoints, a route, a plan calling for the volunteer's team, a run the volunteer is on and a
    run of the officer alone; the other station: the same, by its officer."""
    plan = all_week_plan(world)
    mine = services.run_start(actor=world.volunteer, plan=plan, at=services.timezone.now() - timedelta(minutes=20))
    services.run_finish(actor=world.volunteer, run=mine)
    alone = services.run_start(actor=world.officer, route=plan.route)
    other_points = checkpoints(world, park=world.other_park)
    other_route = route(world, points=other_points, actor=world.other_officer)
    other_plan = services.plan_create(actor=world.other_officer, route=other_route, name="群丰巡逻", mode="foot",
                                      weekdays=[0, 1, 2, 3, 4, 5, 6], start_time=services.dt_time(0, 0),
                                      end_time=services.dt_time(23, 59))
    other_run = services.run_start(actor=world.other_officer, plan=other_plan)
    return {"plan": plan, "mine": mine, "alone": alone, "checkpoint": plan.route.ordered_checkpoints()[0],
            "other_plan": other_plan, "other_run": other_run, "other_checkpoint": other_points[0],
            "other_route": other_route}


def _pages(cast):
    return {
        "checkpoint": reverse("patrols:checkpoint_detail", args=[cast["checkpoint"].pk]),
        "other_checkpoint": reverse("patrols:checkpoint_detail", args=[cast["other_checkpoint"].pk]),
        "plan": reverse("patrols:plan_detail", args=[cast["plan"].pk]),
        "other_plan": reverse("patrols:plan_detail", args=[cast["other_plan"].pk]),
        "mine": reverse("patrols:run_detail", args=[cast["mine"].pk]),
        "alone": reverse("patrols:run_detail", args=[cast["alone"].pk]),
        "other_run": reverse("patrols:run_detail", args=[cast["other_run"].pk]),
    }


@pytest.mark.parametrize("role,expected", [
    ("officer", {"checkpoint": 200, "other_checkpoint": 404, "plan": 200, "other_plan": 404, "mine": 200,
                 "alone": 200, "other_run": 404}),
    ("leader", {"checkpoint": 200, "other_checkpoint": 404, "plan": 200, "other_plan": 404, "mine": 200,
                "alone": 200, "other_run": 404}),
    ("auxiliary", {"checkpoint": 200, "other_checkpoint": 404, "plan": 200, "other_plan": 404, "mine": 200,
                   "alone": 200, "other_run": 404}),
    ("volunteer", {"checkpoint": 403, "other_checkpoint": 403, "plan": 200, "other_plan": 404, "mine": 200,
                   "alone": 404, "other_run": 404}),
    ("liaison", {"checkpoint": 403, "other_checkpoint": 403, "plan": 403, "other_plan": 403, "mine": 403,
                 "alone": 403, "other_run": 403}),
    ("sysadmin", {"checkpoint": 403, "other_checkpoint": 403, "plan": 403, "other_plan": 403, "mine": 403,
                  "alone": 403, "other_run": 403}),
])
def test_pages_follow_scope(world, cast, client, role, expected):
    client.force_login(getattr(world, role))
    pages = _pages(cast)

    got = {name: client.get(url).status_code for name, url in pages.items()}

    assert got == expected


@pytest.mark.parametrize("role,runs,plans", [
    ("officer", {"mine", "alone"}, {"plan"}),
    ("volunteer", {"mine"}, {"plan"}),
    ("officer2", set(), set()),
    ("other_officer", {"other_run"}, {"other_plan"}),
])
def test_lists_and_api_hold_exactly_what_the_role_sees(world, cast, client, api_as, role, runs, plans):
    user = getattr(world, role)
    client.force_login(user)
    ids = {name: cast[name].pk for name in ("mine", "alone", "other_run")}
    plan_ids = {name: cast[name].pk for name in ("plan", "other_plan")}

    api_runs = {row["id"] for row in api_as(user).get("/api/v1/patrol-runs/").json()["results"]}
    api_plans = {row["id"] for row in api_as(user).get("/api/v1/patrol-plans/").json()["results"]}
    page = client.get(reverse("patrols:run_list")).content.decode()

    assert api_runs == {ids[n] for n in runs}
    assert api_plans == {plan_ids[n] for n in plans}
    for name, pk in ids.items():
        assert (reverse("patrols:run_detail", args=[pk]) in page) == (name in runs)


def test_run_export_holds_only_the_volunteers_runs(world, cast, client):
    client.force_login(world.volunteer)

    response = client.get(reverse("patrols:run_list") + "?export=csv")

    text = response.content.decode("utf-8-sig")
    assert response.status_code == 200
    assert cast["mine"].number in text and cast["alone"].number not in text


def test_another_station_gets_404_on_every_api_record_and_nothing_changes(world, cast, api_as):
    api = api_as(world.officer)
    run, checkpoint = cast["other_run"], cast["other_checkpoint"]

    responses = [
        api.get(f"/api/v1/patrol-runs/{run.pk}/"),
        api.post(f"/api/v1/patrol-runs/{run.pk}/scans/", {"code": code(checkpoint)}, format="json"),
        api.post(f"/api/v1/patrol-runs/{run.pk}/finish/", {"version": run.version}, format="json"),
        api.get(f"/api/v1/patrol-checkpoints/{checkpoint.pk}/"),
        api.post(f"/api/v1/patrol-checkpoints/{checkpoint.pk}/retire/", {"version": checkpoint.version}, format="json"),
        api.get(f"/api/v1/patrol-plans/{cast['other_plan'].pk}/"),
        api.get(f"/api/v1/patrol-routes/{cast['other_route'].pk}/"),
    ]

    assert [r.status_code for r in responses] == [404] * 7
    run.refresh_from_db()
    checkpoint.refresh_from_db()
    assert run.status == PatrolRun.Status.RUNNING and checkpoint.is_active
    assert not CheckIn.objects.filter(run=run).exists()


def test_another_station_gets_404_on_the_pages_that_write(world, cast, client):
    client.force_login(world.officer)
    run, checkpoint = cast["other_run"], cast["other_checkpoint"]

    codes = [
        client.post(reverse("patrols:run_scan", args=[run.pk]), {"code": code(checkpoint)}).status_code,
        client.post(reverse("patrols:run_finish", args=[run.pk]), {"version": run.version}).status_code,
        client.get(reverse("patrols:run_field", args=[run.pk])).status_code,
        client.post(reverse("patrols:checkpoint_code", args=[checkpoint.pk]),
                    {"version": checkpoint.version, "action": "retire"}).status_code,
        client.get(reverse("patrols:checkpoint_update", args=[checkpoint.pk])).status_code,
        client.get(reverse("patrols:checkpoint_sheet") + f"?park={world.other_park.pk}").status_code,
        client.get(reverse("patrols:plan_update", args=[cast["other_plan"].pk])).status_code,
        client.get(reverse("patrols:route_update", args=[cast["other_route"].pk])).status_code,
    ]

    assert codes == [404] * 8
    checkpoint.refresh_from_db()
    assert checkpoint.is_active and not CheckIn.objects.filter(run=run).exists()


def test_a_volunteer_cannot_act_on_a_run_they_are_not_on(world, cast, client, api_as):
    alone = cast["alone"]
    client.force_login(world.volunteer)

    page = client.post(reverse("patrols:run_scan", args=[alone.pk]), {"code": code(cast["checkpoint"])})
    api = api_as(world.volunteer).post(f"/api/v1/patrol-runs/{alone.pk}/scans/", {"code": code(cast["checkpoint"])},
                                       format="json")

    assert (page.status_code, api.status_code) == (404, 404)
    assert not CheckIn.objects.filter(run=alone).exists()


def test_auxiliary_and_volunteer_cannot_plan(world, cast, client, api_as):
    for user in (world.auxiliary, world.volunteer):
        client.force_login(user)
        assert client.get(reverse("patrols:checkpoint_create")).status_code == 403
        assert client.get(reverse("patrols:plan_create")).status_code == 403
        assert client.get(reverse("patrols:route_create")).status_code == 403
        retire = client.post(reverse("patrols:checkpoint_code", args=[cast["checkpoint"].pk]),
                             {"version": cast["checkpoint"].version, "action": "retire"})
        assert retire.status_code in (403, 404)
    response = api_as(world.auxiliary).post("/api/v1/patrol-checkpoints/", {
        "park": world.park.pk, "name": "新点", "kind": "gate", "lon": "113.1", "lat": "27.8"}, format="json")
    assert response.status_code == 403
    assert Checkpoint.objects.filter(park=world.park).count() == 3
    assert PatrolPlan.objects.filter(park=world.park).count() == 1


def test_officer_writes_through_the_pages(world, client):
    points = checkpoints(world)
    client.force_login(world.officer)

    created = client.post(reverse("patrols:checkpoint_create"), {
        "park": world.park.pk, "name": "北门", "kind": "gate", "lon": "113.107000", "lat": "27.801000"})
    route_page = client.post(reverse("patrols:route_create") + f"?park={world.park.pk}", {
        "park": world.park.pk, "name": "白班线", "is_active": "on", "stop_1": points[2].pk, "stop_2": points[0].pk})
    route_ = world.park.patrol_routes.get(name="白班线")
    plan_page = client.post(reverse("patrols:plan_create"), {
        "route": route_.pk, "name": "夜巡", "mode": "vehicle", "weekdays": ["4", "5"], "start_time": "22:00",
        "end_time": "06:00", "overnight": "on", "is_night": "on", "officers_required": 1, "auxiliaries_required": 1,
        "is_active": "on", "team_1": world.team.pk, "count_1": 3})
    bad_plan = client.post(reverse("patrols:plan_create"), {
        "route": route_.pk, "name": "坏计划", "mode": "foot", "weekdays": [], "start_time": "22:00",
        "end_time": "06:00", "officers_required": 1, "auxiliaries_required": 0, "is_active": "on"})

    assert created.status_code == 302 and route_page.status_code == 302 and plan_page.status_code == 302
    assert route_.ordered_checkpoints() == [points[2], points[0]]
    plan = PatrolPlan.objects.get(name="夜巡")
    assert plan.weekdays == [4, 5] and plan.overnight and [(t.team, t.volunteers) for t in plan.teams.all()] == [
        (world.team, 3)]
    assert bad_plan.status_code == 200
    errors = bad_plan.context["form"].errors
    assert "weekdays" in errors and "end_time" in errors


def test_checkpoint_sheet_is_a_pdf_for_the_police_of_the_park(world, cast, client):
    client.force_login(world.auxiliary)

    response = client.get(reverse("patrols:checkpoint_sheet") + f"?park={world.park.pk}")

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_phone_page_scan_and_finding_and_finish(world, cast, client):
    plan = cast["plan"]
    run = services.run_start(actor=world.volunteer, plan=plan)
    a, b, _c = plan.route.ordered_checkpoints()
    client.force_login(world.volunteer)

    page = client.get(reverse("patrols:run_field", args=[run.pk]))
    scan = client.post(reverse("patrols:run_scan", args=[run.pk]), {"code": services.tokens.short_code(a),
                                                                    "client_key": "k1"})
    again = client.post(reverse("patrols:run_scan", args=[run.pk]), {"code": services.tokens.short_code(a),
                                                                     "client_key": "k1"})
    wrong = client.post(reverse("patrols:run_scan", args=[run.pk]), {"code": "AAAA-BBBB"})
    finding = client.post(reverse("patrols:run_finding", args=[run.pk]), {
        "kind": "fire_safety", "checkpoint": b.pk, "description": "围栏破损"})
    finish = client.post(reverse("patrols:run_finish", args=[run.pk]), {"version": run.version})

    assert page.status_code == 200 and b"camera-scan" in page.content
    assert (scan.status_code, again.status_code, wrong.status_code) == (302, 302, 400)
    assert "本路线没有使用该编码的巡防点。" in wrong.content.decode()
    assert finding.status_code == 302 and run.findings.get().incident.location == b.name
    assert finish.status_code == 302
    run.refresh_from_db()
    assert run.status == PatrolRun.Status.FINISHED and run.checkins.count() == 1


def test_a_volunteer_of_the_plans_team_joins_a_running_patrol_and_others_cannot(world, cast, client, api_as):
    run = services.run_start(actor=world.officer, plan=cast["plan"])
    client.force_login(world.volunteer)

    home = client.get(reverse("patrols:field_home"))
    joined = client.post(reverse("patrols:run_join", args=[run.pk]))
    other = api_as(world.volunteer).post(f"/api/v1/patrol-runs/{cast['other_run'].pk}/join/")
    stranger = api_as(world.officer2).post(f"/api/v1/patrol-runs/{run.pk}/join/")

    assert reverse("patrols:run_join", args=[run.pk]) in home.content.decode()
    assert joined.status_code == 302 and run.participants.filter(pk=world.volunteer.pk).exists()
    assert (other.status_code, stranger.status_code) == (404, 404)
    assert not cast["other_run"].participants.filter(pk=world.volunteer.pk).exists()
