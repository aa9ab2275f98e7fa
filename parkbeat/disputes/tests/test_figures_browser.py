"""In Chromium: the figures page's date inputs hold their dates (ISO), and choosing only another park shows
that park's figures for the same period."""
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from parkbeat.core.tests.browser import *  # noqa: F401,F403
from parkbeat.core.tests.browser import login, screenshot
from parkbeat.disputes.tests.factories import open_dispute

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_changing_only_the_park_updates_the_figures(browser_page, live_server, world):
    open_dispute(world, actor=world.leader, began_at=timezone.now() - timedelta(days=3))
    open_dispute(world, actor=world.leader, began_at=timezone.now() - timedelta(days=2))
    open_dispute(world, actor=world.leader, park=world.park2, enterprise=world.park2_enterprise,
                 began_at=timezone.now() - timedelta(days=1))
    page = login(browser_page, live_server.url, world.leader.username, "Correct-Horse-9")
    start = (timezone.localdate() - timedelta(days=60)).isoformat()

    page.goto(f"{live_server.url}/disputes/figures/?start={start}&end={timezone.localdate()}")
    expect(page.locator("input[name=start]")).to_have_value(start)  # the browser accepted the ISO date
    expect(page.locator("#figures-table")).to_contain_text("3")
    expect(page.locator("#figures-period")).to_contain_text(start)

    page.select_option("select[name=park]", str(world.park2.pk))
    page.wait_for_url(f"**park={world.park2.pk}**")

    expect(page.locator("#figures-period")).to_contain_text(world.park2.name)
    expect(page.locator("#figures-period")).to_contain_text(start)
    expect(page.locator("input[name=start]")).to_have_value(start)
    expect(page.locator("#figures-table tr.table-light").first).to_contain_text("1")
    screenshot(page, "dispute-figures-park")
