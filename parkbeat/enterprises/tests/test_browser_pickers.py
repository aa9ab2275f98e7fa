"""In Chromium: an enterprise is chosen in a list filter by typing part of its name, never its id."""
import re

import pytest
from playwright.sync_api import expect

from parkbeat.core.tests.browser import *  # noqa: F401,F403
from parkbeat.core.tests.browser import login, screenshot
from parkbeat.testing import VisitFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Correct-Horse-9"


def test_officer_types_part_of_a_name_into_the_enterprise_picker_and_the_list_follows(browser_page, live_server,
                                                                                      world):
    VisitFactory(enterprise=world.enterprise, visitor=world.officer, findings="机械厂消防通道畅通")
    VisitFactory(enterprise=world.enterprise2, visitor=world.officer, findings="电子厂门岗在岗")
    VisitFactory(enterprise=world.other_enterprise, visitor=world.other_officer, findings="群丰食品")
    errors = []
    browser_page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page = login(browser_page, live_server.url, world.officer.username, PASSWORD,
                 path="/login/?next=/enterprises/visits/")
    expect(page.locator("#visit-results tbody tr")).to_have_count(2)
    page.locator("#id_enterprise-ts-control").click()
    page.locator("#id_enterprise-ts-control").fill("电子")
    option = page.locator(".ts-dropdown .option", has_text=world.enterprise2.name)
    expect(option).to_be_visible()
    expect(page.locator(".ts-wrapper.loading")).to_have_count(0)
    expect(page.locator(".ts-dropdown .option", has_text=world.enterprise.name)).to_have_count(0)  # 机械 ≠ 电子
    expect(page.locator(".ts-dropdown .option", has_text=world.other_enterprise.name)).to_have_count(0)
    screenshot(page, "picker-enterprise-typing")
    option.click()  # the filter form reloads its results on change (HTMX) and keeps the address

    page.wait_for_url(re.compile(rf"enterprise={world.enterprise2.pk}"))
    rows = page.locator("#visit-results tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(world.enterprise2.name)
    # Loaded afresh from that address, the picker names the enterprise; its id is nowhere on screen.
    page.reload()
    chosen = page.locator(".ts-control:has(#id_enterprise-ts-control) .item")
    expect(chosen).to_have_text(world.enterprise2.name)
    expect(page.locator("#visit-results tbody tr")).to_have_count(1)
    screenshot(page, "picker-enterprise-filtered")
    assert not [e for e in errors if "Content Security Policy" in e or "TomSelect" in e], errors
