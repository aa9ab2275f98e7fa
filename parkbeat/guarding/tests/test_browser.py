"""In Chromium: the asset page's segments at desktop and phone width. On a 390 px phone each segment is a
stacked block (name, enterprise, the team picker, the new-shift button), nothing scrolls sideways but the
hours grid inside its own frame; a reassignment that would drop an old-team volunteer asks first."""
import pytest
from playwright.sync_api import expect

from parkbeat.core.tests.browser import *  # noqa: F401,F403
from parkbeat.core.tests.browser import login, screenshot
from parkbeat.guarding.models import ShiftPerson
from parkbeat.guarding.tests import helpers as h

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Correct-Horse-9"


@pytest.fixture
def line(world):
    asset = h.asset(world)
    first, second = h.split(world, asset)
    shift = h.shift(world, first, h.hour(3), h.hour(7), people=[world.volunteer, world.auxiliary])
    return {"asset": asset, "first": first, "second": second, "shift": shift}


def _row_boxes(page):
    return page.evaluate("""() => [...document.querySelectorAll('.guard-segments tbody tr')].map(tr => {
        const r = tr.getBoundingClientRect(); return [r.left, r.right]; })""")


def test_the_segments_read_as_blocks_on_a_phone_and_as_a_table_on_the_desktop(phone_page, browser_page,
                                                                                live_server, world, line):
    url = line["asset"].get_absolute_url()
    page = login(phone_page, live_server.url, world.officer.username, PASSWORD, path=f"/login/?next={url}")
    expect(page.locator(".guard-segments tbody tr")).to_have_count(2)
    expect(page.locator(".guard-segments thead")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    wrap = page.locator(".guard-segments").locator("xpath=..")
    assert wrap.evaluate("el => el.scrollWidth <= el.clientWidth")  # the table itself does not scroll sideways
    assert all(0 <= left and right <= 390 for left, right in _row_boxes(page))
    select = page.locator(f"#segment-{line['first'].pk} select[name=team]")
    button = page.locator(f"#segment-{line['first'].pk} .guard-seg-actions a")
    assert select.bounding_box()["width"] > 200 and button.bounding_box()["width"] > 300  # thumb-sized
    screenshot(page, "guarding-segments-phone")

    desk = login(browser_page, live_server.url, world.officer.username, PASSWORD, path=f"/login/?next={url}")
    expect(desk.locator(".guard-segments thead")).to_be_visible()
    heights = desk.evaluate("[...document.querySelectorAll('.guard-segments tbody tr')].map(r => r.offsetHeight)")
    assert max(heights) < 60  # one line per segment
    # the map's own controls speak the page's language (Leaflet ships "Zoom in")
    expect(desk.locator(".leaflet-control-zoom-in")).to_have_attribute("title", "放大")
    screenshot(desk, "guarding-segments-desktop")


def test_a_reassignment_on_the_phone_asks_first_then_releases(phone_page, live_server, world, line):
    url = line["asset"].get_absolute_url()
    page = login(phone_page, live_server.url, world.officer.username, PASSWORD, path=f"/login/?next={url}")
    row = page.locator(f"#segment-{line['first'].pk}")
    row.locator("select[name=team]").select_option(str(line["second"].team_id))
    row.locator("button[type=submit]").click()

    expect(page.locator(".release-list li")).to_have_count(1)
    expect(page.locator(".release-list")).to_contain_text(world.volunteer.display_name)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "guarding-release-confirm-phone")
    page.locator("button.btn-danger").click()
    expect(page.locator(".guard-segments")).to_be_visible()
    assert list(ShiftPerson.objects.filter(shift=line["shift"]).values_list("user_id", flat=True)) == [
        world.auxiliary.pk]
