"""In Chromium: the registry's lists at desktop and phone size: sortable headers, export, no page wider than
the phone."""
import re

import pytest
from playwright.sync_api import expect

from parkbeat.core.tests.browser import *  # noqa: F401,F403
from parkbeat.core.tests.browser import login, screenshot
from parkbeat.testing import DemandFactory, EnterpriseFactory, VisitFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Correct-Horse-9"


@pytest.fixture
def registry(world):
    for n, headcount in enumerate((40, 900, 250)):
        EnterpriseFactory(park=world.park, name=f"新马第{n}精密制造有限公司", headcount=headcount)
    for enterprise in (world.enterprise, world.enterprise2):
        VisitFactory(enterprise=enterprise, visitor=world.officer, met_with="保卫科 张科长",
                     findings="消防通道畅通，夜班门岗在岗，监控室值守正常，已提醒补充灭火器。")
        DemandFactory(enterprise=enterprise, raised_by=world.liaison, assignee=world.officer,
                      content="希望在厂区门口增设减速带并加强夜间巡逻")
    return world


def test_officer_sorts_the_register_by_headcount_and_sees_the_lists(browser_page, live_server, registry):
    page = login(browser_page, live_server.url, registry.officer.username, PASSWORD,
                 path="/login/?next=/enterprises/")
    rows = page.locator("#enterprise-results tbody tr")
    expect(rows).to_have_count(5)

    page.locator("#enterprise-results th a.sort-link", has_text="员工").click()
    page.wait_for_url(re.compile(r"sort=headcount"))
    expect(rows.first).to_contain_text("新马第0精密制造有限公司")  # 40, the fewest
    page.locator("#enterprise-results th a.sort-link", has_text="员工").click()
    page.wait_for_url(re.compile(r"sort=-headcount"))
    expect(rows.first).to_contain_text("新马第1精密制造有限公司")  # 900
    expect(page.locator("#export-xlsx")).to_be_visible()
    expect(page.locator("#roster-export")).to_be_visible()  # the roster's own export stays
    screenshot(page, "list-enterprises")

    for url, name in (("/enterprises/visits/", "list-visits"), ("/enterprises/demands/", "list-demands")):
        page.goto(live_server.url + url)
        expect(page.locator("table tbody tr")).to_have_count(2)
        screenshot(page, name)


def test_the_lists_fit_a_phone(phone_page, live_server, registry):
    page = login(phone_page, live_server.url, registry.officer.username, PASSWORD, path="/login/?next=/enterprises/")
    for url, shown, name in (("/enterprises/", "table tbody tr", "list-enterprises-phone"),
                             ("/enterprises/demands/", ".demand-card", "list-demands-phone"),
                             ("/enterprises/visits/", ".visit-card", "list-visits-phone")):
        page.goto(live_server.url + url)
        expect(page.locator(shown).first).to_be_visible()  # demands and visits read as cards, not columns
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, url
        screenshot(page, name)
