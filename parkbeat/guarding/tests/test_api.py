"""The guarding API: creating and splitting a line, shifts, check-ins, coverage windows, and the 400s."""
import pytest

from parkbeat.guarding.models import GuardedAsset, GuardShift
from parkbeat.guarding.tests import helpers as h


def _line(world):
    line = h.asset(world)
    first, second = h.split(world, line)
    return line, first, second


def test_create_a_line_by_api_computes_its_length(world, api_as):
    response = api_as(world.officer).post("/api/v1/guarded-assets/", {
        "park": world.park.pk, "name": "输油管线", "kind": "pipeline", "geometry": h.LINE,
        "starts_at": h.hour(0).isoformat(), "ends_at": h.hour(48).isoformat()}, format="json")

    assert response.status_code == 201, response.json()
    assert (response.json()["length_m"], response.json()["version"]) == (3000, 1)


@pytest.mark.parametrize("body,field", [
    ({"geometry": {"type": "LineString", "coordinates": [[113.1, 27.8]]}}, "geometry"),
    ({"length_m": 5}, "length_m"),
    ({"colour": "red"}, "colour"),
    ({"ends_at": "tomorrow"}, "ends_at"),
])
def test_a_bad_line_body_is_400_naming_the_field(world, api_as, body, field):
    data = {"park": world.park.pk, "name": "输油管线", "geometry": h.LINE, "starts_at": h.hour(0).isoformat(),
            "ends_at": h.hour(48).isoformat(), **body}

    response = api_as(world.officer).post("/api/v1/guarded-assets/", data, format="json")

    assert response.status_code == 400 and field in response.json(), response.json()
    assert not GuardedAsset.objects.exists()


def test_split_by_api_with_a_gap_is_400_and_with_pieces_is_200(world, api_as):
    line = h.asset(world)
    api = api_as(world.officer)

    bad = api.post(f"/api/v1/guarded-assets/{line.pk}/split/", {"version": 1, "pieces": [
        {"from_m": 0, "to_m": 1000}, {"from_m": 1100, "to_m": 3000}]}, format="json")
    good = api.post(f"/api/v1/guarded-assets/{line.pk}/split/", {"version": 1, "pieces": [
        {"from_m": 0, "to_m": 1000, "enterprise": world.enterprise.pk, "team": world.team.pk},
        {"from_m": 1000, "to_m": 3000}]}, format="json")

    assert bad.status_code == 400 and "1000–1100 m" in bad.json()["pieces"][0]
    assert good.status_code == 200
    assert good.json()["asset_version"] == 2
    assert [(s["from_m"], s["to_m"], s["team"]) for s in good.json()["segments"]] == [
        (0, 1000, world.team.pk), (1000, 3000, None)]


@pytest.mark.parametrize("query,field", [
    ("?from=not-a-time", "from"),
    ("?from=2026-12-03T20:00&to=2026-12-40T00:00", "to"),
    ("?from=2026-12-01T00:00%2B08:00&to=2027-01-05T00:00%2B08:00", "to"),
    ("?from=2026-12-03T20:00&to=2026-12-03T10:00", "to"),
    ("?from=0993-01-15T01:47:52Z", "from"),
])
@pytest.mark.parametrize("action", ["coverage", "gaps"])
def test_a_malformed_or_too_long_window_is_400(world, api_as, query, field, action):
    line, _first, _second = _line(world)

    response = api_as(world.officer).get(f"/api/v1/guarded-assets/{line.pk}/{action}/{query}")

    assert response.status_code == 400 and field in response.json(), response.json()


def test_coverage_lists_gaps_covered_and_who_has_not_checked_in(world, api_as):
    line, first, second = _line(world)
    h.shift(world, first, h.hour(-1), h.hour(2))
    lo, hi = h.hour(0), h.hour(4)

    body = api_as(world.officer).get(f"/api/v1/guarded-assets/{line.pk}/coverage/",
                                     {"from": lo.isoformat(), "to": hi.isoformat()}).json()

    def rows(key):
        return [(r["segment"], r["start"], r["end"]) for r in body[key]]
    iso = lambda t: t.astimezone(h.timezone.get_default_timezone()).isoformat()  # noqa: E731
    assert rows("covered") == [(first.pk, iso(lo), iso(h.hour(2)))]
    assert rows("gaps") == [(first.pk, iso(h.hour(2)), iso(hi)), (second.pk, iso(lo), iso(hi))]
    assert [r["user"] for r in body["not_checked_in"]] == [world.volunteer.pk]


def test_overlapping_shift_by_api_is_400_naming_the_person(world, api_as):
    _line_, first, second = _line(world)
    h.shift(world, first, h.hour(1), h.hour(4), people=[world.auxiliary])

    response = api_as(world.officer).post("/api/v1/guard-shifts/", {
        "segment": second.pk, "starts_at": h.hour(3).isoformat(), "ends_at": h.hour(6).isoformat(),
        "people": [world.auxiliary.pk]}, format="json")

    assert response.status_code == 400 and world.auxiliary.display_name in response.json()["people"][0]
    assert GuardShift.objects.count() == 1


def test_check_in_by_api_twice_keeps_the_first_time(world, api_as):
    _line_, first, _second = _line(world)
    shift = h.shift(world, first, h.hour(0), h.hour(3))
    api = api_as(world.volunteer)

    one = api.post(f"/api/v1/guard-shifts/{shift.pk}/checkin/", {}, format="json")
    two = api.post(f"/api/v1/guard-shifts/{shift.pk}/checkin/", {}, format="json")
    unknown = api.post(f"/api/v1/guard-shifts/{shift.pk}/checkin/", {"where": "gate"}, format="json")

    assert (one.status_code, two.status_code, unknown.status_code) == (200, 200, 400)
    assert one.json()["roster"][0]["checked_in_at"] == two.json()["roster"][0]["checked_in_at"] is not None


def test_cancel_by_api_needs_the_version(world, api_as):
    _line_, first, _second = _line(world)
    shift = h.shift(world, first, h.hour(5), h.hour(8))
    api = api_as(world.officer)

    missing = api.delete(f"/api/v1/guard-shifts/{shift.pk}/")
    done = api.delete(f"/api/v1/guard-shifts/{shift.pk}/?version={shift.version}")

    assert (missing.status_code, done.status_code) == (400, 204)
    assert not GuardShift.objects.exists()


def test_every_guarding_endpoint_is_in_the_schema(world, api_as):
    schema = api_as(world.officer).get("/api/schema/", HTTP_ACCEPT="application/json").json()

    paths = {p for p in schema["paths"] if "guard" in p}
    assert {"/api/v1/guarded-assets/", "/api/v1/guarded-assets/{id}/", "/api/v1/guarded-assets/{id}/split/",
            "/api/v1/guarded-assets/{id}/coverage/", "/api/v1/guarded-assets/{id}/gaps/",
            "/api/v1/guard-segments/", "/api/v1/guard-segments/{id}/", "/api/v1/guard-shifts/",
            "/api/v1/guard-shifts/{id}/", "/api/v1/guard-shifts/{id}/checkin/",
            "/api/v1/guard-shifts/{id}/decline/", "/api/v1/guard-fixed-points/",
            "/api/v1/guard-fixed-points/{id}/"} == paths
