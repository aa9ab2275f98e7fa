"""In Chromium, at desktop and phone width: every planning page (key dates, campaigns, the calendar, the board
with its figures, the edit pages) as the leader, an officer and an auxiliary, and what agency staff reach; nothing
scrolls sideways on a 390 px phone. Screenshots kept as var/screenshots/inspections-<page>-<who>-<size>.png."""
from datetime import timedelta

import pytest
from django.utils import timezone

from parkbeat.core.tests.browser import *  # noqa: F401,F403
from parkbeat.core.tests.browser import login, screenshot
from parkbeat.inspections import services
from parkbeat.inspections.tests import helpers as h

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Correct-Horse-9"


@pytest.fixture
def planning(world):
    from parkbeat.inspections.demo import ensure_default_checklists

    ensure_default_checklists()  # a transactional test's flush removed the migration's
    h.make_key(world)
    h.make_key(world, enterprise=world.enterprise2, category="fire")
    today = timezone.localdate()
    key_date = services.keydate_create(actor=world.leader, station=world.station, name="元旦",
                                       day=today + timedelta(days=10), note="节前安全大检查")
    campaign = services.campaign_create(actor=world.officer, theme="冬季防火专项", starts_on=today - timedelta(days=5),
                                        ends_on=today + timedelta(days=20),
                                        enterprises=[world.enterprise, world.enterprise2])
    done = h.plan(world, campaign=campaign, planned_on=today, agencies=[world.agency],
                  agency_staff=[world.agency_staff])
    h.record(world, done, timezone.now() - timedelta(hours=3))
    planned = h.plan(world, enterprise=world.enterprise2, planned_on=today + timedelta(days=2), campaign=campaign)
    return {"key_date": key_date, "campaign": campaign, "done": done, "planned": planned,
            "checklist": h.general().template}


def _pages(p):
    return {
        "keydates": "/inspections/key-dates/", "keydate": p["key_date"].get_absolute_url(),
        "keydate-edit": f"/inspections/key-dates/{p['key_date'].pk}/edit/",
        "keydate-remove": f"/inspections/key-dates/{p['key_date'].pk}/remove/",
        "keydate-new": "/inspections/key-dates/new/",
        "campaigns": "/inspections/campaigns/", "campaign": p["campaign"].get_absolute_url(),
        "campaign-edit": f"/inspections/campaigns/{p['campaign'].pk}/edit/", "campaign-new": "/inspections/campaigns/new/",
        "calendar": "/inspections/calendar/", "compliance": "/inspections/compliance/",
        "inspection-edit": f"/inspections/{p['planned'].pk}/edit/", "plan": "/inspections/new/",
        "checklist-edit": f"/inspections/checklists/{p['checklist'].pk}/edit/",
        "checklist-revise": f"/inspections/checklists/{p['checklist'].pk}/revise/",
        "list": "/inspections/", "detail": p["done"].get_absolute_url(),
    }


LEADERS_ONLY = {("keydate-edit", "officer"), ("keydate-remove", "officer")}  # a key date of every park
REACH = {  # which pages each role opens (the others answer 403)
    "leader": None, "officer": None,
    "auxiliary": {"keydates", "keydate", "campaigns", "campaign", "calendar", "compliance", "list", "detail"},
    "agency_staff": {"list", "detail"},
}


@pytest.mark.parametrize("who", ["leader", "officer", "auxiliary", "agency_staff"])
def test_every_planning_page_at_both_widths(browser_page, phone_page, live_server, world, planning, who):
    user = getattr(world, who)
    pages = _pages(planning)
    reach = REACH[who]
    for size, page in (("desktop", browser_page), ("phone", phone_page)):
        login(page, live_server.url, user.username, PASSWORD)
        for name, path in pages.items():
            response = page.goto(live_server.url + path)
            expected = 200 if (reach is None or name in reach) and (name, who) not in LEADERS_ONLY else 403
            assert response.status == expected, (who, name, response.status)
            if expected != 200:
                continue
            if size == "phone":
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= 392, (who, name, width)
            screenshot(page, f"inspections-{name}-{who}-{size}")


def test_the_calendar_grid_on_a_tablet_and_days_on_a_phone(browser_page, phone_page, live_server, world, planning):
    login(browser_page, live_server.url, world.officer.username, PASSWORD)
    browser_page.goto(live_server.url + "/inspections/calendar/")
    assert browser_page.locator("#inspection-calendar").is_visible()
    assert browser_page.locator("#inspection-calendar [data-kind=done]").count() >= 1
    login(phone_page, live_server.url, world.officer.username, PASSWORD)
    phone_page.goto(live_server.url + "/inspections/calendar/")
    assert not phone_page.locator("#inspection-calendar").is_visible()
    assert phone_page.locator("#calendar-days [data-kind=planned]").count() >= 1


def test_removing_a_key_date_asks_first(browser_page, live_server, world, planning):
    login(browser_page, live_server.url, world.leader.username, PASSWORD)
    browser_page.goto(live_server.url + planning["key_date"].get_absolute_url())
    browser_page.click("a[href$='/remove/']")
    assert "/remove/" in browser_page.url and planning["key_date"].__class__.objects.exists()
    with browser_page.expect_navigation():
        browser_page.click("#confirm-remove")
    assert browser_page.url.endswith("/inspections/key-dates/")
    assert not planning["key_date"].__class__.objects.exists()
