"""Status badges on the guarding pages: the asset's status on the list (its label in the export), a shift's state
(planned, under way, ended, nobody left on it) on the asset page, the shift page and "my guard shifts"."""
import re

import pytest
from django.urls import reverse

from parkbeat.guarding import services
from parkbeat.guarding.tests import helpers as h


pytestmark = pytest.mark.usefixtures("english_pages")  # the page texts asserted are the English msgids


def _statuses(html):
    return re.findall(r'class="badge badge-guard-[a-z_]+" data-status="([a-z_]+)"', html)


def test_the_asset_list_shows_the_status_as_a_badge_and_exports_its_label(world, page_as):
    h.asset(world)
    finished = h.asset(world, name="光缆敷设")
    services.asset_update(actor=world.officer, asset=finished, data={"status": "finished"},
                          expected_version=finished.version)
    client = page_as(world.officer)

    html = client.get(reverse("guarding:asset_list")).content.decode()
    export = client.get(reverse("guarding:asset_list"), {"export": "csv"})

    # once in the table's row and once in the phone card of each asset
    assert sorted(_statuses(html)) == ["active", "active", "finished", "finished"]
    assert html.count('class="list-item guard-asset-item"') == 2
    assert "guarding/guarding.css" in html
    text = b"".join(export.streaming_content).decode("utf-8-sig") if export.streaming else export.content.decode(
        "utf-8-sig")
    assert "Being guarded" in text and "Finished" in text and "badge" not in text


def test_shift_states_on_the_asset_page_the_shift_page_and_my_shifts(world, page_as):
    first, _second = h.split(world, h.asset(world))
    ended = h.shift(world, first, h.hour(-6), h.hour(-2))
    under_way = h.shift(world, first, h.hour(-1), h.hour(2))
    planned = h.shift(world, first, h.hour(5), h.hour(8))
    services.shift_decline(actor=world.volunteer, shift=planned, reason="出差")

    officer = page_as(world.officer)
    asset_page = officer.get(reverse("guarding:asset_detail", args=[first.asset_id]), {
        "from": h.timezone.localtime(h.hour(-12)).strftime("%Y-%m-%dT%H:%M")}).content.decode()
    shift_pages = {s: _statuses(officer.get(reverse("guarding:shift_detail", args=[s.pk])).content.decode())
                   for s in (ended, under_way, planned)}
    mine = page_as(world.volunteer).get(reverse("guarding:my_shifts")).content.decode()

    assert _statuses(asset_page) == ["active", "ended", "under_way", "planned", "unstaffed"]
    assert shift_pages == {ended: ["ended"], under_way: ["under_way"], planned: ["planned", "unstaffed"]}
    assert _statuses(mine) == ["under_way", "planned", "unstaffed"]
