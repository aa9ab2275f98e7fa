"""The coverage page, its export and the map: scoped to the police of the parks (an officer of station B sees
nothing of station A's), period picker errors shown, the map's live positions (track point, else check-in)."""
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from parkbeat.patrols.models import CheckIn, PatrolRun, TrackPoint
from parkbeat.patrols.tests.coverage_data import build

# Routes whose permission tests live here (core/tests/test_url_coverage.py).
COVERS = ["patrols:coverage", "patrols:map", "patrols:map_live"]

PERIOD_QUERY = "?date_from=2026-11-02&date_to=2026-11-08"


@pytest.fixture
def week(world):
    return build(world)


def test_the_page_shows_parks_teams_and_checkpoints_of_the_period(world, week, page_as):
    response = page_as(world.officer).get(reverse("patrols:coverage") + PERIOD_QUERY)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-figure="visits">5<' in html and 'data-figure="missed">1<' in html
    assert 'data-figure="coverage_share">66.7%<' in html
    assert world.team.name in html and "coverage-teams" in html and "coverage-parks" in html
    table = response.context["table"]
    rows = {r.record.name: r.record for r in response.context["table_rows"]}
    assert {name: cp.visits for name, cp in rows.items()} == {"东大门": 3, "一号仓库": 2, "变电站": 0}
    assert table.value_longest_gap(rows["变电站"]) == 168.0 == float(table.render_longest_gap(rows["变电站"]))


def test_the_checkpoint_table_sorts_by_visits(world, week, page_as):
    response = page_as(world.officer).get(reverse("patrols:coverage") + PERIOD_QUERY + "&sort=-visits")
    assert [r.record.name for r in response.context["table_rows"]] == ["东大门", "一号仓库", "变电站"]
    response = page_as(world.officer).get(reverse("patrols:coverage") + PERIOD_QUERY + "&sort=visits")
    assert [r.record.name for r in response.context["table_rows"]] == ["变电站", "一号仓库", "东大门"]


def test_the_export_writes_the_checkpoints_as_shown(world, week, page_as):
    response = page_as(world.officer).get(reverse("patrols:coverage") + PERIOD_QUERY + "&export=xlsx")

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows[0]) == 9  # name, park, visits, night visits and share, last visit, missed, gap, coverage
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {"东大门", "一号仓库", "变电站"}
    assert by_name["一号仓库"][2:5] == (2, 2, 100)
    assert by_name["变电站"][6:] == (1, 168, "未巡到")


def test_an_officer_of_station_b_sees_nothing_of_station_a(world, week, page_as):
    client = page_as(world.other_officer)
    page = client.get(reverse("patrols:coverage") + PERIOD_QUERY)
    export = client.get(reverse("patrols:coverage") + PERIOD_QUERY + "&export=xlsx")
    map_page = client.get(reverse("patrols:map") + PERIOD_QUERY)
    foreign = client.get(reverse("patrols:coverage") + PERIOD_QUERY + f"&park={world.park.pk}")

    assert world.park.name not in page.content.decode()
    assert {r.record.park_id for r in page.context["table_rows"]} == {world.other_park.pk}
    names = {row[1] for row in list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))[1:]}
    assert names == {world.other_park.name}
    assert {c["id"] for c in map_page.context["map_data"]["checkpoints"]} == {
        cp.pk for cp in week.d.park.checkpoints.all()}
    assert world.park.name not in map_page.content.decode()
    assert "park" in foreign.context["filter"].errors  # another station's park is not a choice


@pytest.mark.parametrize("name", ["volunteer", "liaison", "mediator", "sysadmin"])
def test_roles_without_patrol_places_get_403(world, page_as, name):
    client = page_as(getattr(world, name))
    for url in ("patrols:coverage", "patrols:map", "patrols:map_live"):
        assert client.get(reverse(url)).status_code == 403


def test_an_empty_scope_says_so(world, page_as):
    response = page_as(world.officer2).get(reverse("patrols:coverage"))
    assert response.status_code == 200
    assert "该时间段和范围内没有巡防点。" in response.content.decode()


def test_a_period_too_long_or_backwards_is_an_error_and_the_default_week_applies(world, week, page_as):
    client = page_as(world.officer)
    long = client.get(reverse("patrols:coverage") + "?date_from=2024-01-01&date_to=2026-01-01")
    backwards = client.get(reverse("patrols:coverage") + "?date_from=2026-11-08&date_to=2026-11-02")

    ancient = client.get(reverse("patrols:coverage") + "?date_from=0993-01-01")
    assert "date_from" in ancient.context["filter"].errors
    assert "date_to" in long.context["filter"].errors
    assert "date_to" in backwards.context["filter"].errors
    for response in (long, backwards, ancient):
        period = response.context["period"]
        assert period.end - period.start == timedelta(days=7)


def test_the_map_draws_outlines_coloured_checkpoints_and_live_runs(world, week, page_as):
    world.park.boundary = {"type": "Polygon", "coordinates": [[[113.09, 27.79], [113.11, 27.79], [113.11, 27.81],
                                                               [113.09, 27.79]]]}
    world.park.save(update_fields=["boundary"])
    now = timezone.now()
    run = PatrolRun.objects.create(route=week.plan.route, park=world.park, started_at=now - timedelta(minutes=20),
                                   window_start=now - timedelta(minutes=20), window_end=now + timedelta(hours=2),
                                   started_by=world.officer)
    CheckIn.objects.create(run=run, checkpoint=week.b, at=now - timedelta(minutes=10), recorded_by=world.officer)
    client = page_as(world.officer)

    page = client.get(reverse("patrols:map") + PERIOD_QUERY)
    data = page.context["map_data"]
    assert page.status_code == 200
    assert [p["boundary"] is not None for p in data["parks"] if p["id"] == world.park.pk] == [True]
    assert {c["name"]: c["level"] for c in data["checkpoints"]} == {"东大门": "low", "一号仓库": "low", "变电站": "none"}
    assert [(r["id"], r["source"], r["lon"]) for r in data["runs"]] == [(run.pk, "checkin", float(week.b.lon))]
    html = page.content.decode()
    assert 'id="patrol-map-data"' in html and "patrols/patrol_map.js" in html and "<script>" not in html

    TrackPoint.objects.create(run=run, device="phone-1", at=now - timedelta(minutes=1), lon="113.104500",
                              lat="27.800500")
    live = client.get(reverse("patrols:map_live")).json()
    assert [(r["id"], r["source"], r["lon"], r["lat"]) for r in live["runs"]] == [(run.pk, "track", 113.1045, 27.8005)]
    assert page_as(world.other_officer).get(reverse("patrols:map_live")).json()["runs"] == []


def test_the_navigation_offers_the_pages_to_the_police_only(world, page_as):
    officer = page_as(world.officer).get(reverse("patrols:coverage")).content.decode()
    assert reverse("patrols:map") in officer
    volunteer = page_as(world.volunteer).get(reverse("home")).content.decode()
    assert reverse("patrols:coverage") not in volunteer and reverse("patrols:map") not in volunteer


def test_a_filter_change_fetches_only_the_results(world, week, page_as):
    response = page_as(world.officer).get(reverse("patrols:coverage") + PERIOD_QUERY, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "coverage-parks" in html and "coverage-checkpoints" in html and "<form" not in html
