"""The guarding pages: the line's map data and hours grid, creating a line from a .geojson file, splitting with
a confirmation, planning a shift, and "my guard shifts" with its check-in button."""
import json

import pytest

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from parkbeat.guarding.models import GuardedAsset, GuardShift, ShiftPerson
from parkbeat.guarding.tests import helpers as h


pytestmark = pytest.mark.usefixtures("english_pages")  # the page texts asserted are the English msgids


def test_the_detail_page_shows_the_map_data_and_a_72_hour_grid(world, page_as):
    line = h.asset(world)
    first, second = h.split(world, line)
    for day in range(3):
        h.shift(world, first, h.hour(24 * day), h.hour(24 * day + 24))

    response = page_as(world.officer).get(reverse("guarding:asset_detail", args=[line.pk]))

    assert response.status_code == 200
    grid = response.context["grid"]
    assert len(grid["columns"]) == 72 and [len(r["cells"]) for r in grid["rows"]] == [72, 72]
    assert {state for _s, state in grid["rows"][0]["cells"]} == {"covered"}
    assert {state for _s, state in grid["rows"][1]["cells"]} == {"uncovered"}
    data = response.context["map_data"]
    assert [s["id"] for s in data["segments"]] == [first.pk, second.pk]
    assert data["segments"][0]["colour"] != data["segments"][1]["colour"]
    html = response.content.decode()
    assert 'id="guard-map-data"' in html and "guarding/asset_map.js" in html and "<script>" not in html
    assert f"{reverse('guarding:shift_create')}?segment={second.pk}&amp;start=" in html


def test_a_window_from_the_query_moves_the_grid_and_a_bad_one_says_so(world, page_as):
    line = h.asset(world)
    h.split(world, line)
    client = page_as(world.officer)

    moved = client.get(reverse("guarding:asset_detail", args=[line.pk]), {"from": "2026-12-10T08:00"})
    bad = client.get(reverse("guarding:asset_detail", args=[line.pk]), {"from": "soon"})

    assert h.timezone.localtime(moved.context["window_from"]).strftime("%m-%d %H:%M") == "12-10 08:00"
    assert bad.status_code == 200 and "ISO 8601" in bad.content.decode()


def test_a_line_is_created_from_a_geojson_file(world, page_as):
    upload = SimpleUploadedFile("cable.geojson", json.dumps({"type": "Feature", "geometry": h.LINE}).encode(),
                                content_type="application/geo+json")

    response = page_as(world.officer).post(reverse("guarding:asset_create"), {
        "park": world.park.pk, "name": "光缆", "kind": "cable", "starts_at": "2026-12-01T00:00",
        "ends_at": "2026-12-31T00:00", "geometry_file": upload})

    line = GuardedAsset.objects.get()
    assert response.status_code == 302 and response["Location"] == line.get_absolute_url()
    assert line.length_m == 3000


def test_the_create_page_offers_the_drawing_map(world, page_as):
    html = page_as(world.officer).get(reverse("guarding:asset_create")).content.decode()

    assert 'id="draw-map"' in html and "guarding/draw_line.js" in html and 'id="id_geometry_text"' in html


def test_a_pasted_line_that_is_no_linestring_is_a_form_error(world, page_as):
    response = page_as(world.officer).post(reverse("guarding:asset_create"), {
        "park": world.park.pk, "name": "光缆", "kind": "cable", "starts_at": "2026-12-01T00:00",
        "ends_at": "2026-12-31T00:00", "geometry_text": '{"type": "Point", "coordinates": [113.1, 27.8]}'})

    assert response.status_code == 200 and "Give a GeoJSON LineString" in response.content.decode()
    assert not GuardedAsset.objects.exists()


def test_splitting_again_asks_for_confirmation_and_a_gap_is_a_form_error(world, page_as):
    line = h.asset(world)
    h.split(world, line)
    line.refresh_from_db()
    client = page_as(world.officer)
    url = reverse("guarding:asset_split", args=[line.pk])

    page = client.get(url).content.decode()
    bad = client.post(url, {"version": line.version, "pieces": "0-1000 株洲新马机械有限公司\n1200-3000"})
    good = client.post(url, {"version": line.version, "every_m": 1000})

    assert "data-confirm=" in page
    assert bad.status_code == 200 and "1000–1200 m" in bad.content.decode()
    assert good.status_code == 302 and line.segments.count() == 3


def test_a_shift_is_planned_on_the_page_and_an_overlap_is_a_form_error(world, page_as):
    line = h.asset(world)
    first, second = h.split(world, line)
    client = page_as(world.officer)
    url = reverse("guarding:shift_create") + f"?segment={first.pk}"
    fmt = "%Y-%m-%dT%H:%M"
    local = h.timezone.localtime

    made = client.post(url, {"segment": first.pk, "starts_at": local(h.hour(2)).strftime(fmt),
                             "ends_at": local(h.hour(6)).strftime(fmt), "people": [world.auxiliary.pk]})
    clash = client.post(reverse("guarding:shift_create") + f"?segment={second.pk}", {
        "segment": second.pk, "starts_at": local(h.hour(4)).strftime(fmt), "ends_at": local(h.hour(8)).strftime(fmt),
        "people": [world.auxiliary.pk]})

    assert made.status_code == 302 and GuardShift.objects.count() == 1
    assert clash.status_code == 200 and "is already on another shift" in clash.content.decode()


def test_my_guard_shifts_checks_in_with_one_tap_and_twice_is_harmless(world, page_as):
    line = h.asset(world)
    first, _second = h.split(world, line)
    shift = h.shift(world, first, h.hour(0), h.hour(4))
    client = page_as(world.volunteer)

    page = client.get(reverse("guarding:my_shifts")).content.decode()
    client.post(reverse("guarding:shift_checkin", args=[shift.pk]), {"next": "mine"})
    again = client.post(reverse("guarding:shift_checkin", args=[shift.pk]), {"next": "mine"}, follow=True)

    assert "I have arrived" in page
    row = ShiftPerson.objects.get(shift=shift)
    assert row.checked_in_at is not None and "Already checked in." in again.content.decode()


def test_cancelling_a_shift_asks_first(world, page_as):
    line = h.asset(world)
    first, _second = h.split(world, line)
    shift = h.shift(world, first, h.hour(3), h.hour(6))
    client = page_as(world.officer)

    page = client.get(reverse("guarding:shift_detail", args=[shift.pk])).content.decode()
    done = client.post(reverse("guarding:shift_cancel", args=[shift.pk]), {"version": shift.version})

    assert "data-confirm=" in page and done.status_code == 302 and not GuardShift.objects.exists()


def test_empty_states(world, page_as):
    line = h.asset(world)
    client = page_as(world.volunteer)

    mine = client.get(reverse("guarding:my_shifts")).content.decode()
    detail = page_as(world.officer).get(reverse("guarding:asset_detail", args=[line.pk])).content.decode()

    assert "You have no guard shift coming up." in mine
    assert "The line is not split into segments yet." in detail


def test_check_in_is_offered_only_once_it_opens(world, page_as):
    first, _second = h.split(world, h.asset(world))
    later = h.shift(world, first, h.hour(5), h.hour(8))
    soon = h.shift(world, first, h.hour(0) + h.timedelta(minutes=20), h.hour(3))
    checkin = reverse("guarding:shift_checkin", args=[later.pk])

    officer_page = page_as(world.officer).get(reverse("guarding:shift_detail", args=[later.pk])).content.decode()
    mine = page_as(world.volunteer).get(reverse("guarding:my_shifts")).content.decode()
    opens = h.timezone.localtime(h.hour(5) - h.timedelta(minutes=30)).strftime("%m-%d %H:%M")

    assert checkin not in officer_page and f"Check-in opens at {opens}, half an hour" in officer_page
    assert f"Check-in opens at {opens}" in mine and checkin not in mine
    assert reverse("guarding:shift_checkin", args=[soon.pk]) in mine


def test_the_map_legend_names_only_what_the_map_shows(world, page_as):
    line = h.asset(world)
    h.split(world, line)  # both segments have a team
    url = reverse("guarding:asset_detail", args=[line.pk])

    officer = page_as(world.officer).get(url)
    volunteer = page_as(world.volunteer).get(url)

    assert not officer.context["has_unassigned"] and not officer.context["segments_hidden"]
    assert "No team yet" not in officer.content.decode()
    assert volunteer.context["segments_hidden"] and "Stretches watched by other teams" in volunteer.content.decode()
