"""GET /api/v1/patrol-coverage/: the selector's figures, scoped; malformed or oversized periods are 400 naming the
parameter; unknown parameters refused; in the schema."""
import pytest

from parkbeat.patrols.tests.coverage_data import build

# Routes whose permission tests live here (core/tests/test_url_coverage.py).
COVERS = ["patrol-coverage"]

URL = "/api/v1/patrol-coverage/"
WEEK = {"from": "2026-11-02T00:00:00+08:00", "to": "2026-11-09T00:00:00+08:00"}


@pytest.fixture
def week(world):
    return build(world)


def test_the_figures_of_the_period(world, week, api_as):
    response = api_as(world.officer).get(URL, WEEK)

    assert response.status_code == 200
    body = response.json()
    assert body["period"] == {"start": "2026-11-02T00:00:00+08:00", "end": "2026-11-09T00:00:00+08:00"}
    assert body["totals"] == {"checkpoints": 3, "visited": 2, "coverage_share": 66.7, "visits": 5, "night_visits": 4,
                              "night_share": 80.0, "missed": 1}
    by_name = {c["name"]: c for c in body["checkpoints"]}
    assert by_name["一号仓库"]["last_visit"] == "2026-11-08T23:00:00+08:00"
    assert (by_name["变电站"]["level"], by_name["变电站"]["longest_gap_seconds"]) == ("none", 7 * 86400)
    assert body["teams"][0]["team"] == world.team.pk and body["teams"][0]["visits"] == 3
    assert body["parks"][0]["park"] == world.park.pk


def test_a_time_without_a_zone_is_shanghai_time(world, week, api_as):
    body = api_as(world.officer).get(URL, {"from": "2026-11-02", "to": "2026-11-03"}).json()
    assert {c["name"]: c["visits"] for c in body["checkpoints"]}["东大门"] == 1


@pytest.mark.parametrize("query, field", [
    ({"from": "yesterday"}, "from"), ({"to": "2026-13-40"}, "to"), ({"park": "x"}, "park"),
    ({"from": "2026-11-09", "to": "2026-11-02"}, "to"), ({"from": "2024-01-01", "to": "2026-01-01"}, "to"),
    ({"since": "2026-11-01"}, "since"), ({"to": "0993-01-15T01:47:52Z"}, "to"), ({"from": "2101-01-01"}, "from")])
def test_bad_periods_are_400_naming_the_parameter(world, api_as, query, field):
    response = api_as(world.officer).get(URL, query)
    assert response.status_code == 400
    assert field in response.json()


def test_station_b_sees_none_of_station_a(world, week, api_as):
    api = api_as(world.other_officer)
    body = api.get(URL, WEEK).json()

    assert {c["park"] for c in body["checkpoints"]} == {world.other_park.pk}
    assert [p["park"] for p in body["parks"]] == [world.other_park.pk] and body["teams"] == []
    assert api.get(URL, {**WEEK, "park": world.park.pk}).status_code == 404


@pytest.mark.parametrize("name", ["volunteer", "liaison", "auditor"])
def test_roles_without_patrol_places_get_403(world, api_as, name):
    assert api_as(getattr(world, name)).get(URL).status_code == 403


def test_anonymous_is_refused(world, api_as):
    assert api_as(None).get(URL).status_code in (401, 403)


def test_the_schema_documents_it(world, api_as):
    schema = api_as(world.officer).get("/api/schema/?format=json").json()
    operation = schema["paths"][URL]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"from", "to", "park"}
