"""In Chromium at phone size: the bell shows the unread count, the inbox opens, a notification leads to its
record and the count goes down; mark all read clears the bell."""
import re

import pytest
from playwright.sync_api import expect

from parkbeat.core.tests.browser import *  # noqa: F401,F403
from parkbeat.core.tests.browser import login, screenshot
from parkbeat.testing import DemandFactory
from parkbeat.notifications.models import Notification
from parkbeat.notifications.services import notify

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Correct-Horse-9"


def test_officer_reads_the_inbox_from_a_phone(phone_page, live_server, world):
    demand = DemandFactory(enterprise=world.enterprise, raised_by=world.liaison)
    notify(recipients=[world.officer], kind=Notification.Kind.OTHER, title="例行提醒", body="本周走访计划")
    notify(recipients=[world.officer], kind=Notification.Kind.DEMAND_OVERDUE, title="诉求逾期：株洲新马机械有限公司",
           body="治安诉求已超过答复期限", obj=demand)
    page = login(phone_page, live_server.url, world.officer.username, PASSWORD)

    bell = page.locator("#inbox-bell")
    expect(bell).to_be_visible()  # outside the collapsed menu on a narrow screen
    expect(page.locator("#inbox-unread-count")).to_have_text("2")
    bell.click()
    page.wait_for_url(re.compile(r"/inbox/$"))
    items = page.locator(".list-cards .inbox-card")  # cards on a phone, not table columns
    expect(items).to_have_count(2)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    screenshot(page, "inbox-phone")

    items.filter(has_text="诉求逾期").click()
    page.wait_for_url(re.compile(rf"/enterprises/demands/{demand.pk}/$"))
    expect(page.locator("#inbox-unread-count")).to_have_text("1")

    page.goto(live_server.url + "/inbox/")
    page.locator("form[action='/inbox/read-all/'] button").click()
    page.wait_for_url(re.compile(r"/inbox/$"))
    expect(page.locator("#inbox-unread-count")).to_have_count(0)
    assert Notification.objects.filter(recipient=world.officer, read_at__isnull=True).count() == 0
