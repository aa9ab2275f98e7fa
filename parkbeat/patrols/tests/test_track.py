"""GPS tracks: batches of positions kept or refused one by one, stored once per device and instant, GCJ-02
converted, check-ins by position, and the API's permissions."""
import math
from datetime import timedelta, timezone as dt_timezone
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from parkbeat.audit.models import AuditEvent
from parkbeat.patrols import geo, services
from parkbeat.patrols.models import CheckIn, Mode, TrackPoint
from parkbeat.patrols.tests.helpers import all_week_plan

# Routes whose permission tests live here (core/tests/test_url_coverage.py).
COVERS = ["patrol-run-track"]

LON, LAT = 113.2, 27.9  # far from the test checkpoints (113.100–113.106, 27.8)


@pytest.fixture
def run(world):
    return services.run_start(actor=world.volunteer, plan=all_week_plan(world),
                              at=timezone.now() - timedelta(minutes=30))


def walk(run, n, *, start_s=60, step_s=10, lon=LON, lat=LAT, step_deg=0.0001):
    """n points of a walk east (about 10 m per step at this latitude), one every step_s seconds."""
    return [{"at": run.started_at + timedelta(seconds=start_s + step_s * i), "lon": lon + step_deg * i, "lat": lat}
            for i in range(n)]


def test_a_batch_is_stored_in_one_insert_with_one_audit_event(world, run):
    points = walk(run, 50)
    before = AuditEvent.objects.count()

    result = services.track_ingest(actor=world.volunteer, run=run, points=points, device="phone-1")

    assert result == {"accepted": 50, "duplicates": 0, "rejected": []}
    stored = list(TrackPoint.objects.filter(run=run).order_by("at"))
    assert len(stored) == 50 and {p.device for p in stored} == {f"u{world.volunteer.pk}:phone-1"}
    assert stored[0].lon == Decimal("113.200000") and stored[-1].lon == Decimal("113.204900")
    assert all(p.speed_ok for p in stored)
    events = AuditEvent.objects.order_by("id")[before:]
    assert [(e.verb, e.object_type, e.object_id) for e in events] == [("import", "patrols.PatrolRun", str(run.pk))]


def test_the_insert_is_one_statement(world, run):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        services.track_ingest(actor=world.volunteer, run=run, points=walk(run, 200), device="phone-1")

    # executemany is logged once, as "200 times: INSERT ..." (SQLite) ; PostgreSQL: one INSERT of 200 rows
    inserts = [q["sql"] for q in queries.captured_queries if 'INTO "patrols_trackpoint"' in q["sql"]]
    assert len(inserts) == 1
    assert TrackPoint.objects.count() == 200


def test_a_resent_batch_is_stored_once(world, run):
    points = walk(run, 20)
    services.track_ingest(actor=world.volunteer, run=run, points=points, device="phone-1")

    again = services.track_ingest(actor=world.volunteer, run=run, points=points, device="phone-1")
    overlapping = services.track_ingest(actor=world.volunteer, run=run, points=walk(run, 30), device="phone-1")

    assert again == {"accepted": 0, "duplicates": 20, "rejected": []}
    assert overlapping == {"accepted": 10, "duplicates": 20, "rejected": []}
    assert TrackPoint.objects.filter(run=run).count() == 30


def test_a_point_stored_by_a_concurrent_resend_meanwhile_is_counted_once_as_a_duplicate(world, run, monkeypatch):
    insert = services._track_insert_values

    def racing(rows):  # the same point arrives from the phone's retry between the lookup and the insert
        TrackPoint.objects.create(run=run, device=rows[2][1], at=rows[2][2], lon=rows[2][4], lat=rows[2][5])
        return insert(rows)

    monkeypatch.setattr(services, "_track_insert_values", racing)
    result = services.track_ingest(actor=world.volunteer, run=run, points=walk(run, 5), device="phone-1")

    assert result == {"accepted": 4, "duplicates": 1, "rejected": []}
    assert TrackPoint.objects.filter(run=run).count() == 5
    assert AuditEvent.objects.filter(verb="import").latest("id").changes["track_points"] == [None, 4]


def test_another_device_of_the_same_user_is_its_own_track(world, run):
    points = walk(run, 5)
    services.track_ingest(actor=world.volunteer, run=run, points=points, device="phone-1")

    other = services.track_ingest(actor=world.volunteer, run=run, points=points, device="phone-2")

    assert other["accepted"] == 5 and TrackPoint.objects.filter(run=run).count() == 10


def test_bad_points_are_refused_with_their_reasons(world, run):
    now = timezone.now()
    good = walk(run, 3)
    points = [
        good[0],
        {"at": good[1]["at"], "lon": 181, "lat": LAT},  # 1 out of range
        {"at": good[1]["at"], "lon": LON, "lat": -90.5},  # 2 out of range
        {"at": now + timedelta(minutes=10), "lon": LON, "lat": LAT},  # 3 future beyond the skew
        {"at": run.started_at - timedelta(minutes=1), "lon": LON, "lat": LAT},  # 4 before the run
        good[2],
        {"at": good[1]["at"], "lon": LON + 0.0001, "lat": LAT},  # 6 older than the point before it
        {"at": good[2]["at"] + timedelta(seconds=10), "lon": LON + 0.05, "lat": LAT},  # 7 5 km in 10 s on foot
        {"at": "not a time", "lon": LON, "lat": LAT},  # 8
        {"at": good[2]["at"] + timedelta(seconds=20), "lon": "east", "lat": LAT},  # 9
        {"at": good[2]["at"] + timedelta(seconds=30), "lon": LON + 0.0003, "lat": LAT},  # kept
    ]

    result = services.track_ingest(actor=world.volunteer, run=run, points=points)

    assert result["accepted"] == 3 and result["duplicates"] == 0
    assert [(r["index"], r["reason"]) for r in result["rejected"]] == [
        (1, "out_of_range"), (2, "out_of_range"), (3, "future"), (4, "before_start"), (6, "out_of_order"),
        (7, "too_fast"), (8, "invalid_time"), (9, "invalid_position")]
    with translation.override("en"):
        assert str(result["rejected"][5]["message"]) == "Reached faster than the mode allows."
    assert TrackPoint.objects.filter(run=run).count() == 3


def test_points_after_the_run_finished_are_refused(world, run):
    services.run_finish(actor=world.volunteer, run=run, at=timezone.now() - timedelta(minutes=10),
                        expected_version=run.version)
    run.refresh_from_db()
    points = [{"at": run.finished_at - timedelta(minutes=1), "lon": LON, "lat": LAT},
              {"at": run.finished_at + timedelta(minutes=1), "lon": LON, "lat": LAT}]

    result = services.track_ingest(actor=world.volunteer, run=run, points=points)

    assert result["accepted"] == 1 and [(r["index"], r["reason"]) for r in result["rejected"]] == [(1, "after_finish")]


def test_a_vehicle_may_go_faster_than_a_walker(world, run):
    run.mode = Mode.VEHICLE
    fast = walk(run, 5, step_deg=0.002)  # about 200 m per 10 s: 72 km/h

    vehicle = services.track_ingest(actor=world.volunteer, run=run, points=fast, device="car")
    run.mode = Mode.FOOT
    foot = services.track_ingest(actor=world.volunteer, run=run, points=walk(run, 5, step_deg=0.002, start_s=600),
                                 device="feet")

    assert vehicle["accepted"] == 5 and vehicle["rejected"] == []
    assert foot["accepted"] == 1 and {r["reason"] for r in foot["rejected"]} == {"too_fast"}


def test_a_batch_starting_far_from_the_last_stored_point_is_kept_but_flagged(world, run):
    services.track_ingest(actor=world.volunteer, run=run, points=walk(run, 3), device="phone-1")

    jump = services.track_ingest(actor=world.volunteer, run=run, device="phone-1",
                                 points=walk(run, 3, start_s=100, lon=LON + 0.1))

    assert jump["accepted"] == 3
    flags = list(TrackPoint.objects.filter(run=run).order_by("at").values_list("speed_ok", flat=True))
    assert flags == [True, True, True, False, True, True]


def test_gcj02_positions_are_stored_as_wgs84(world, run):
    wgs = (121.5272106, 31.1774276)
    gcj = geo.wgs84_to_gcj02(*wgs)

    services.track_ingest(actor=world.volunteer, run=run, coords="gcj02",
                          points=[{"at": run.started_at + timedelta(minutes=1), "lon": gcj[0], "lat": gcj[1]}])

    point = TrackPoint.objects.get(run=run)
    assert (point.lon, point.lat) == (Decimal("121.527211"), Decimal("31.177428"))


@pytest.mark.parametrize(("wgs", "gcj"), [
    # (lon, lat) pairs: the reference values of the eviltransform project's tests
    ((121.5272106, 31.1774276), (121.531541859215, 31.17530398364597)),  # Shanghai
    ((113.912316, 22.543847), (113.9171764808363, 22.540796131694766)),  # Shenzhen
    ((116.377817, 39.911954), (116.38404722455657, 39.91334545536069)),  # Beijing
])
def test_gcj02_conversion_matches_reference_values(wgs, gcj):
    assert geo.wgs84_to_gcj02(*wgs) == pytest.approx(gcj, abs=1e-9)
    back = geo.gcj02_to_wgs84(*gcj)
    assert geo.haversine_m(*back, *wgs) < 0.01


def test_outside_china_gcj02_is_wgs84():
    assert geo.gcj02_to_wgs84(2.3522, 48.8566) == (2.3522, 48.8566)


def test_batch_size_and_coords_are_checked(world, run):
    with pytest.raises(Exception) as too_many:
        services.track_ingest(actor=world.volunteer, run=run, points=walk(run, 1001))
    with pytest.raises(Exception) as coords:
        services.track_ingest(actor=world.volunteer, run=run, points=walk(run, 1), coords="bd09")

    assert "points" in too_many.value.message_dict and "coords" in coords.value.message_dict
    assert not TrackPoint.objects.exists()


def test_a_point_near_a_checkpoint_not_yet_reached_checks_in_there(world, run):
    first, second = run.route.ordered_checkpoints()[:2]
    # walk from 100 m west of the first checkpoint towards it, passing within 30 m; resent: still once
    points = walk(run, 12, lon=float(first.lon) - 0.001, lat=float(first.lat))

    services.track_ingest(actor=world.volunteer, run=run, points=points, device="phone-1")
    services.track_ingest(actor=world.volunteer, run=run, points=walk(run, 12, start_s=200, lon=float(first.lon)),
                          device="phone-1")

    checkins = list(CheckIn.objects.filter(run=run))
    assert [(c.checkpoint_id, c.method, c.counted) for c in checkins] == [(first.pk, "gps", True)]
    assert checkins[0].distance_m <= 30 and checkins[0].recorded_by == world.volunteer
    assert not CheckIn.objects.filter(checkpoint=second).exists()


def test_a_checkpoint_already_reached_gets_no_gps_check_in(world, run):
    from parkbeat.patrols.tests.helpers import code

    first = run.route.ordered_checkpoints()[0]
    services.checkin_record(actor=world.volunteer, run=run, code=code(first), at=run.started_at + timedelta(minutes=1))

    services.track_ingest(actor=world.volunteer, run=run, points=walk(run, 3, start_s=120, lon=float(first.lon),
                                                                      lat=float(first.lat), step_deg=0.00001))

    assert list(CheckIn.objects.filter(run=run).values_list("method", flat=True)) == ["qr"]


# ---------------------------------------------------------------- API
def url(run):
    return f"/api/v1/patrol-runs/{run.pk}/track/"


def body(run, n=3, **extra):
    return {"device": "phone-1", "points": [{**p, "at": p["at"].isoformat()} for p in walk(run, n)], **extra}


def test_api_ingest_and_read_the_track_in_order(world, run, api_as):
    api = api_as(world.volunteer)

    sent = api.post(url(run), body(run, 5), format="json")
    resent = api.post(url(run), body(run, 5), format="json")
    read = api.get(url(run))

    assert (sent.status_code, sent.json()) == (200, {"accepted": 5, "duplicates": 0, "rejected": []})
    assert resent.json() == {"accepted": 0, "duplicates": 5, "rejected": []}
    rows = read.json()
    assert read.status_code == 200 and len(rows) == 5
    assert [r["at"] for r in rows] == sorted(r["at"] for r in rows) and rows[0]["lon"] == "113.200000"
    assert set(rows[0]) == {"id", "device", "at", "recorded_at", "lon", "lat", "accuracy_m", "speed_ok"}


def test_api_refuses_unknown_fields_naming_them(world, run, api_as):
    api = api_as(world.volunteer)
    top = api.post(url(run), body(run, speed=3), format="json")
    inner = body(run)
    inner["points"][1]["heading"] = 90
    nested = api.post(url(run), inner, format="json")
    bad_coords = api.post(url(run), body(run, coords="bd09"), format="json")

    assert top.status_code == 400 and "speed" in top.json()
    assert nested.status_code == 400 and "heading" in str(nested.json()["points"])
    assert bad_coords.status_code == 400 and "coords" in bad_coords.json()
    assert not TrackPoint.objects.exists()


def test_api_refuses_a_batch_too_large(world, run, api_as):
    big = {"points": [{"at": (run.started_at + timedelta(seconds=i)).isoformat(), "lon": LON, "lat": LAT}
                      for i in range(1001)]}

    response = api_as(world.volunteer).post(url(run), big, format="json")

    assert response.status_code == 400 and "points" in response.json()
    assert not TrackPoint.objects.exists()


def test_a_device_with_a_bearer_token_sends_its_track(world, run, client):
    token = client.post("/api/v1/auth/token/", {"username": world.volunteer.username, "password": "Correct-Horse-9"},
                        content_type="application/json")
    assert token.status_code == 200, token.content
    key = token.json()["token"]

    response = client.post(url(run), body(run, 2, device=""), content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {key}")

    assert response.status_code == 200 and response.json()["accepted"] == 2
    assert TrackPoint.objects.get(at=run.started_at + timedelta(seconds=60)).device.startswith(f"u{world.volunteer.pk}:token")


def test_a_volunteer_not_on_the_run_is_refused_and_another_station_sees_nothing(world, run, api_as):
    from parkbeat.org.models import Role
    from parkbeat.testing import UserFactory, assign

    teammate = assign(UserFactory(username="t_volunteer_2"), Role.VOLUNTEER, team=world.team)

    not_on_run = api_as(teammate).post(url(run), body(run), format="json")
    other_station = api_as(world.other_officer).post(url(run), body(run), format="json")
    other_station_get = api_as(world.other_officer).get(url(run))

    assert not_on_run.status_code == 403 and other_station.status_code == 404
    assert other_station_get.status_code == 404
    assert not TrackPoint.objects.exists()
    # the officer of the park may send (a patrol car's device), as may the volunteer once joined
    assert api_as(world.officer).post(url(run), body(run, 1, device="car"), format="json").status_code == 200
    services.run_join(actor=teammate, run=run)
    assert api_as(teammate).post(url(run), body(run, 1), format="json").status_code == 200
    assert TrackPoint.objects.filter(run=run).count() == 2


def test_api_reads_points_the_plain_loop_declines_as_drf_does(world, run, api_as):
    api = api_as(world.volunteer)
    sent = body(run, 4)
    sent["points"][0]["lon"] = "113.2"  # a number as text: DRF's FloatField takes it, so the batch does
    sent["points"][1]["accuracy"] = None
    sent["points"][2]["at"] = sent["points"][2]["at"].replace("+00:00", "Z")
    sent["points"][3]["at"] = timezone.localtime(run.started_at + timedelta(seconds=90)).replace(tzinfo=None).isoformat()

    ok = api.post(url(run), sent, format="json")
    bad_time = api.post(url(run), {"points": [{**sent["points"][1], "at": "2026-02-30T10:00:00+08:00"}]}, format="json")
    negative = api.post(url(run), {"points": [{**sent["points"][1], "accuracy": -1}]}, format="json")
    missing = api.post(url(run), {"points": [{"at": sent["points"][1]["at"], "lon": LON}]}, format="json")

    assert (ok.status_code, ok.json()) == (200, {"accepted": 4, "duplicates": 0, "rejected": []})
    local = TrackPoint.objects.get(at=run.started_at + timedelta(seconds=90))  # a local time: Asia/Shanghai
    assert local.lon == Decimal("113.200300")
    assert bad_time.status_code == 400 and "at" in bad_time.json()["points"]["0"]
    assert negative.status_code == 400 and "accuracy" in negative.json()["points"]["0"]
    assert missing.status_code == 400 and "lat" in missing.json()["points"]["0"]
    assert TrackPoint.objects.count() == 4


# ---------------------------------------------------------------- properties
point_strategy = st.fixed_dictionaries({
    "s": st.integers(-120, 3000),  # seconds after the run started (before it, in the future: refused)
    "lon": st.one_of(st.floats(113.19, 113.21, allow_nan=False), st.sampled_from([-181.0, 180.5, 200.0])),
    "lat": st.one_of(st.floats(27.89, 27.91, allow_nan=False), st.sampled_from([-91.0, 95.0])),
    "accuracy": st.one_of(st.none(), st.floats(0, 80)),
})
examples = iter(range(10**6))


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.lists(point_strategy, max_size=40), coords=st.sampled_from(["wgs84", "gcj02"]))
def test_every_point_is_accounted_for_and_a_resend_changes_nothing(world, run, raw, coords):
    device = f"prop-{next(examples)}"  # each example its own device: examples share the database
    points = [{"at": run.started_at + timedelta(seconds=p["s"]), "lon": p["lon"], "lat": p["lat"],
               "accuracy": p["accuracy"]} for p in raw]
    stored_before = TrackPoint.objects.count()

    first = services.track_ingest(actor=world.volunteer, run=run, points=points, device=device, coords=coords)
    stored = list(TrackPoint.objects.order_by("id").values_list("id", "at", "lon", "lat"))
    second = services.track_ingest(actor=world.volunteer, run=run, points=points, device=device, coords=coords)

    for result in (first, second):
        assert result["accepted"] + result["duplicates"] + len(result["rejected"]) == len(points)
        assert len({r["index"] for r in result["rejected"]}) == len(result["rejected"])
    assert len(stored) == stored_before + first["accepted"]
    assert second["accepted"] == 0 and second["rejected"] == first["rejected"]
    assert list(TrackPoint.objects.order_by("id").values_list("id", "at", "lon", "lat")) == stored


# ---------------------------------------------------------------- the run's page
def test_the_run_page_maps_the_track_with_the_checkpoints_or_says_there_is_none(world, run, page_as):
    import json

    page = page_as(world.officer)
    empty = page.get(run.get_absolute_url()).content.decode()
    first = run.route.ordered_checkpoints()[0]
    services.track_ingest(actor=world.volunteer, run=run, device="phone-1",
                          points=walk(run, 12, lon=float(first.lon) - 0.001, lat=float(first.lat)))
    html = page.get(run.get_absolute_url()).content.decode()

    assert "本次巡逻暂无 GPS 轨迹。" in empty and 'id="run-map"' not in empty and "run_map.js" not in empty
    assert 'id="run-map"' in html and "patrols/run_map.js" in html and "leaflet.js" in html
    data = json.loads(html.split('<script id="run-map-data" type="application/json">')[1].split("</script>")[0])
    assert data["points"] == 12 and len(data["tracks"]) == 1 and len(data["tracks"][0]) == 12
    assert data["tracks"][0][0] == [float(first.lat), round(float(first.lon) - 0.001, 6)]
    assert [c["reached"] for c in data["checkpoints"]] == [True, False, False]
    assert [(c["name"], c["method"], c["counted"]) for c in data["checkins"]] == [(first.name, "gps", True)]


def test_the_schema_documents_the_track_with_summaries(world, api_as):
    with translation.override("en"):
        schema = api_as(world.officer).get("/api/schema/?format=json&lang=en").json()

    track = schema["paths"]["/api/v1/patrol-runs/{id}/track/"]
    assert track["post"]["summary"] == "上报轨迹 / Send GPS positions of the run"
    assert track["get"]["summary"] == "巡逻轨迹 / The run's GPS track"
    body = track["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert set(schema["components"]["schemas"][body]["properties"]) == {"device", "coords", "points"}


START = timezone.now().replace(microsecond=0)
# the texts a phone may send for a time: offsets, Z, fractions, a local time (Asia/Shanghai)
times = st.builds(lambda s, micro, form: form((START + timedelta(seconds=s, microseconds=micro))),
                  st.integers(0, 86_400 * 400), st.sampled_from([0, 1, 500_000, 999_999]),
                  st.sampled_from([lambda t: t.isoformat(), lambda t: t.isoformat().replace("+00:00", "Z"),
                                   lambda t: t.astimezone(dt_timezone(timedelta(hours=8))).isoformat(),
                                   lambda t: t.astimezone(dt_timezone(timedelta(hours=-3, minutes=-30))).isoformat(),
                                   lambda t: timezone.localtime(t).replace(tzinfo=None).isoformat(),
                                   lambda t: t.strftime("%Y-%m-%dT%H:%M:%S+0800")]))
numbers = st.one_of(st.integers(-200, 200), st.floats(-200, 200, allow_nan=False))
plain_points = st.lists(st.fixed_dictionaries(
    {"at": times, "lon": numbers, "lat": numbers},
    optional={"accuracy": st.one_of(st.none(), st.integers(0, 500), st.floats(0, 500))}), min_size=1, max_size=20)


@hsettings(max_examples=150, deadline=None)
@given(points=plain_points)
def test_the_plain_loop_reads_a_batch_exactly_as_the_child_serializer(points):
    from parkbeat.patrols.api.serializers import TrackIngestSerializer

    field = TrackIngestSerializer().fields["points"]
    fast = field._read_plain(points)
    slow = super(type(field), field).run_child_validation(points)

    assert fast is not None
    assert [dict(p) for p in slow] == fast  # aware times compare as instants
    assert [p["at"].utcoffset() is not None for p in fast] == [True] * len(fast)


@pytest.mark.parametrize("point", [
    {"at": "2026-12-01T10:00:00+08:00", "lon": "113.2", "lat": 27.9},  # text: DRF decides
    {"at": "2026-12-01T10:00:00+08:00", "lon": True, "lat": 27.9},
    {"at": "2026-12-01T10:00:00+08:00", "lon": 113.2, "lat": 27.9, "heading": 3},
    {"at": "2026-12-01T10:00:00+08:00", "lon": 113.2},
    {"at": "yesterday", "lon": 113.2, "lat": 27.9},
    {"at": "9999-12-31T23:00:00+00:00", "lon": 113.2, "lat": 27.9},  # overflows Asia/Shanghai
    {"at": "2026-12-01T10:00:00+08:00", "lon": 113.2, "lat": 27.9, "accuracy": -1},
    {"at": "2026-12-01T10:00:00+08:00", "lon": 113.2, "lat": 27.9, "accuracy": "5"},
    ["2026-12-01T10:00:00+08:00", 113.2, 27.9],
])
def test_anything_else_goes_through_the_child_serializer(point):
    from parkbeat.patrols.api.serializers import TrackIngestSerializer

    field = TrackIngestSerializer().fields["points"]
    assert field._read_plain([{"at": "2026-12-01T10:00:00+08:00", "lon": 113.2, "lat": 27.9}, point]) is None


near_points = st.tuples(st.floats(-180, 180), st.floats(-90, 90), st.floats(0.5, 500),
                        st.floats(-1.5, 1.5), st.floats(-1.5, 1.5))


@hsettings(max_examples=500, deadline=None)
@given(case=near_points)
def test_a_near_box_never_leaves_out_a_point_within_its_radius(case):
    lon, lat, metres, east, north = case
    box = geo.NearBox(lon, lat, metres)
    # a point up to 1.5 radii away in each direction (wrapped round the antimeridian, clipped at the poles)
    dlat = north * metres / 111_000
    plat = max(-90.0, min(90.0, lat + dlat))
    scale = max(math.cos(math.radians(plat)), 1e-6)
    plon = (lon + east * metres / (111_000 * scale) + 180) % 360 - 180
    inside = geo.haversine_m(plon, plat, lon, lat) <= metres
    if inside:
        assert box.holds(plon, plat) and box.meets_latitudes(plat, plat)


@hsettings(max_examples=300, deadline=None)
@given(a=st.tuples(st.floats(-180, 180), st.floats(-90, 90)), b=st.tuples(st.floats(-180, 180), st.floats(-90, 90)))
def test_distance_between_points_on_the_sphere_is_haversine_to_the_bit(a, b):
    assert geo.haversine_between(geo.on_sphere(*a), geo.on_sphere(*b)) == geo.haversine_m(*a, *b)


def test_a_near_box_reaches_across_the_antimeridian_and_has_no_width_at_a_pole():
    box = geo.NearBox(179.99999, 60.0, 30)
    assert box.holds(-179.99999, 60.0) and geo.haversine_m(-179.99999, 60.0, 179.99999, 60.0) < 30
    assert not box.holds(-179.999, 60.0)
    assert geo.NearBox(0, 89.99999, 30).dlon is None  # at a pole every longitude may be near
