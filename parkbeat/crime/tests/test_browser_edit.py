"""In Chromium: the leader edits a park into a campus surroundings area; an officer edits a case and changes a lead's
agency; the enterprise page shows the crime panel — at 1366 px and on a 360 px phone (screenshots to look at)."""
import pytest

from parkbeat.core.tests.browser import *  # noqa: F401,F403
from parkbeat.core.tests.browser import login, screenshot
from parkbeat.crime.tests import helpers as h

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Correct-Horse-9"


@pytest.fixture
def narrow_page(chromium_browser):
    context = chromium_browser.new_context(viewport={"width": 360, "height": 780}, is_mobile=True, has_touch=True,
                                           locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    yield page
    context.close()


def test_the_edit_pages_and_the_panel(world, browser_page, narrow_page, live_server):
    case = h.case(world)
    lead = h.lead(world)
    world.agency.parks.add(world.park)
    for page, size in ((browser_page, "1366"), (narrow_page, "360")):
        login(page, live_server.url, world.leader.username, PASSWORD)
        page.goto(f"{live_server.url}/org/parks/{world.park2.pk}/edit/")
        page.select_option("select[name=kind]", "campus")
        screenshot(page, f"crimeorg-park-edit-{size}")
        with page.expect_navigation():
            page.click("#park-save")
        assert page.locator("#park-kind").is_visible()
        screenshot(page, f"crimeorg-park-detail-{size}")
        page.goto(f"{live_server.url}/org/parks/")
        screenshot(page, f"crimeorg-park-list-{size}")
        page.goto(f"{live_server.url}/crime/cases/{case.pk}/edit/")
        page.fill("input[name=loss_items]", f"数控模板 12 套（{size}）")
        screenshot(page, f"crimeorg-case-edit-{size}")
        with page.expect_navigation():
            page.click("#crime-save")
        assert page.locator("#case-edit").is_visible()
        page.goto(f"{live_server.url}/crime/leads/{lead.pk}/agency/")
        page.select_option("select[name=agency]", str(world.agency.pk))
        screenshot(page, f"crimeorg-lead-agency-{size}")
        with page.expect_navigation():
            page.click("#crime-save")
        page.goto(f"{live_server.url}/enterprises/{world.enterprise.pk}/")
        page.locator("#file-crime").scroll_into_view_if_needed()
        screenshot(page, f"crimeorg-enterprise-panel-{size}")
        assert page.locator("#file-crime").is_visible()
    case.refresh_from_db()
    assert case.loss_items == "数控模板 12 套（360）"
