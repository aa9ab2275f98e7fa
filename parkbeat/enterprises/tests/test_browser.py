"""In Chromium: an officer finds an enterprise, records a visit with a demand and sees it counted;
a liaison can neither see nor open another enterprise."""
import re

import pytest
from playwright.sync_api import expect

from parkbeat.core.tests.browser import *  # noqa: F401,F403
from parkbeat.core.tests.browser import login, screenshot
from parkbeat.enterprises.models import Demand, Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Correct-Horse-9"


def _count(page, name):
    return int(page.locator(f"[data-count={name}]").inner_text())


def test_officer_records_a_visit_with_a_demand_and_sees_it_on_home(browser_page, live_server, world):
    page = login(browser_page, live_server.url, world.officer.username, PASSWORD)
    open_before, visits_before = _count(page, "open_demands"), _count(page, "visits_this_month")

    page.goto(live_server.url + "/enterprises/")
    page.fill("#id_q", "新马机械")
    page.locator("form.filter-bar button[type=submit]").click()
    page.wait_for_url(re.compile(r"q="))
    rows = page.locator("#enterprise-results tbody tr")
    expect(rows).to_have_count(1)
    screenshot(page, "enterprise-list-search")
    rows.first.locator("a").first.click()
    page.wait_for_url(re.compile(r"/enterprises/\d+/$"))
    assert world.enterprise.name in page.locator("h1").inner_text()

    page.locator(f"a[href='/enterprises/{world.enterprise.pk}/visits/new/']").click()
    page.fill("#id_met_with", "保卫科 张科长")
    page.fill("#id_findings", "消防通道畅通，夜班门岗在岗。")
    page.select_option("#id_demand_category", "traffic")
    page.fill("#id_demand_content", "申请在厂区门口增设减速带")
    screenshot(page, "visit-form")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/enterprises/{world.enterprise.pk}/$"))
    assert "申请在厂区门口增设减速带" in page.content()

    page.goto(live_server.url + "/")
    assert _count(page, "open_demands") == open_before + 1
    assert _count(page, "visits_this_month") == visits_before + 1
    screenshot(page, "home-officer")
    assert Visit.objects.filter(enterprise=world.enterprise, visitor=world.officer).count() == 1
    assert Demand.objects.get().content == "申请在厂区门口增设减速带"


def test_liaison_sees_only_own_enterprise_and_cannot_open_another(browser_page, live_server, world):
    page = login(browser_page, live_server.url, world.liaison.username, PASSWORD)

    page.goto(live_server.url + "/enterprises/")
    names = page.locator("#enterprise-results tbody tr td:first-child a").all_inner_texts()
    assert names == [world.enterprise.name]
    screenshot(page, "enterprise-list-liaison")

    response = page.goto(f"{live_server.url}/enterprises/{world.enterprise2.pk}/")
    assert response.status == 404
    assert world.enterprise2.name not in page.content()
    response = page.goto(f"{live_server.url}/enterprises/{world.other_enterprise.pk}/")
    assert response.status == 404


def test_phone_layout_of_enterprise_page(phone_page, live_server, world):
    page = login(phone_page, live_server.url, world.liaison.username, PASSWORD)

    page.goto(f"{live_server.url}/enterprises/{world.enterprise.pk}/")

    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(page, "enterprise-detail-phone")
