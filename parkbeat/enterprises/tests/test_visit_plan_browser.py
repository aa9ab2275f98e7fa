"""In Chromium: 应访未访 at desktop and phone width: most overdue first, the coverage above, nothing wider than
the phone."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from parkbeat.core.tests.browser import *  # noqa: F401,F403
from parkbeat.core.tests.browser import login, screenshot
from parkbeat.enterprises.models import Enterprise
from parkbeat.testing import EnterpriseFactory, VisitFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Correct-Horse-9"


@pytest.fixture
def due(world):
    sh = ZoneInfo("Asia/Shanghai")
    for n, (key, visited) in enumerate(((True, datetime(2026, 1, 5, 10, tzinfo=sh)), (False, None),
                                        (False, datetime(2025, 6, 1, 9, tzinfo=sh)))):
        e = EnterpriseFactory(park=world.park, name=f"新马第{n}精密制造有限公司")
        Enterprise.objects.filter(pk=e.pk).update(is_key=key, key_reason="危化品仓储" if key else "",
                                                  created_at=datetime(2024, 3, 1, tzinfo=sh))
        if visited:
            VisitFactory(enterprise=e, visitor=world.officer, visited_at=visited)
    return world


def test_the_visits_due_page_reads_on_the_desktop_and_a_phone(browser_page, phone_page, live_server, due):
    for page, name in ((browser_page, "visits-due-desktop"), (phone_page, "visits-due-phone")):
        page = login(page, live_server.url, due.officer.username, PASSWORD, path="/login/?next=/enterprises/visits/due/")
        first = (page.locator(".visit-plan-card") if name.endswith("phone") else
                 page.locator("#visit-plan-results tbody tr")).first  # cards on a phone, a table on the desktop
        expect(first).to_contain_text("新马第1精密制造有限公司")  # never visited since 2024: most overdue
        expect(page.locator(".visit-coverage")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
        screenshot(page, name)
