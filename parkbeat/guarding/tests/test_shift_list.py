"""The guard shifts list: each role sees exactly the shifts it may (another station none), filtered by line,
state and day, each with its status badge; the export writes the same rows as text."""
import csv
import io

import pytest
from django.urls import reverse

from parkbeat.guarding import services
from parkbeat.guarding.tests import helpers as h

COVERS = {"guarding:shift_list"}
URL = reverse("guarding:shift_list")


pytestmark = pytest.mark.usefixtures("english_pages")  # the page texts asserted are the English msgids


@pytest.fixture
def cast(world):
    """Park A's line: an ended shift and a planned one (declined by everyone) on the volunteer's team's segment,
    one under way on the other segment; the other station's shift."""
    line = h.asset(world)
    first, second = h.split(world, line)
    ended = h.shift(world, first, h.hour(-8), h.hour(-4))
    planned = h.shift(world, first, h.hour(6), h.hour(9))
    services.shift_decline(actor=world.volunteer, shift=planned, reason="出差")
    under_way = h.shift(world, second, h.hour(-1), h.hour(3), people=[world.auxiliary])
    other_line = h.asset(world, park=world.other_park)
    other = h.shift(world, h.split(world, other_line)[0], h.hour(1), h.hour(4), people=[world.other_officer],
                    actor=world.other_officer)
    return {"line": line, "ended": ended, "planned": planned, "under_way": under_way, "other_line": other_line,
            "other": other}


def _shown(response):
    return [row.record.pk for row in response.context["table_rows"]]


@pytest.mark.parametrize("role,status,expected", [
    ("officer", 200, ["planned", "under_way", "ended"]),
    ("leader", 200, ["planned", "under_way", "ended"]),
    ("auxiliary", 200, ["planned", "under_way", "ended"]),
    ("volunteer", 200, ["planned", "ended"]),
    ("liaison", 200, ["planned", "ended"]),
    ("officer2", 200, []),
    ("other_officer", 200, ["other"]),
    ("mediator", 403, None),
    ("sysadmin", 403, None),
])
def test_each_role_sees_exactly_its_shifts_latest_first(world, cast, client, role, status, expected):
    client.force_login(getattr(world, role))

    response = client.get(URL)

    assert response.status_code == status
    if expected is not None:
        assert _shown(response) == [cast[name].pk for name in expected]


def test_each_row_has_its_status_badge_and_the_people_still_on_it(world, cast, page_as):
    html = page_as(world.officer).get(URL).content.decode()

    assert ('data-status="planned"' in html and 'data-status="unstaffed"' in html
            and 'data-status="under_way"' in html and 'data-status="ended"' in html)
    assert world.auxiliary.display_name in html and "guarding/guarding.css" in html


@pytest.mark.parametrize("query,expected", [
    ({"state": "under_way"}, ["under_way"]),
    ({"state": "planned"}, ["planned"]),
    ({"state": "ended"}, ["ended"]),
])
def test_the_state_filter(world, cast, page_as, query, expected):
    response = page_as(world.officer).get(URL, query)

    assert _shown(response) == [cast[name].pk for name in expected]


def test_the_asset_filter_offers_only_visible_lines_and_refuses_another_stations(world, cast, page_as):
    client = page_as(world.officer)

    mine = client.get(URL, {"asset": cast["line"].pk})
    foreign = client.get(URL, {"asset": cast["other_line"].pk})

    assert len(_shown(mine)) == 3
    offered = {a.pk for a in mine.context["filter"].form.fields["asset"].queryset}
    assert offered == {cast["line"].pk}
    assert foreign.status_code == 200 and cast["other"].pk not in _shown(foreign)
    assert "asset" in foreign.context["filter"].form.errors


def test_the_export_writes_the_rows_as_text(world, cast, page_as):
    response = page_as(world.officer).get(URL, {"export": "csv", "state": "planned"})

    body = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == ["Starts at", "Ends at", "Guarded asset", "Segment", "Volunteer team", "People on the shift",
                       "Status"]
    assert len(rows) == 2 and rows[1][2] == "高压电缆敷设" and rows[1][5] == ""
    assert rows[1][6] == "Planned · Nobody on it" and "<" not in ",".join(rows[1])


def test_the_asset_page_and_list_link_to_it(world, cast, page_as):
    client = page_as(world.officer)

    detail = client.get(reverse("guarding:asset_detail", args=[cast["line"].pk])).content.decode()
    assets = client.get(reverse("guarding:asset_list")).content.decode()

    assert f'{URL}?asset={cast["line"].pk}' in detail and f'href="{URL}"' in assets


def test_a_phone_gets_one_card_per_shift(world, cast, page_as):
    html = page_as(world.officer).get(URL).content.decode()

    assert html.count('class="list-item guard-shift-item"') == 3
    assert f'href="{cast["under_way"].get_absolute_url()}"' in html
