"""In Chromium: the officer opens the case list with its figures and a case's timeline, and turns a lead worked with
the agency into a case after the observations (plain form posts); the liaison on a phone sees only the status and
the value recovered."""
from datetime import timedelta

import pytest
from django.utils import timezone

from parkbeat.core.tests.browser import *  # noqa: F401,F403
from parkbeat.core.tests.browser import login, screenshot
from parkbeat.crime import services as s
from parkbeat.crime.models import Case, Lead
from parkbeat.crime.tests import helpers as h

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Correct-Horse-9"


def test_cases_and_a_lead_in_the_browser(browser_page, phone_page, live_server, world):
    case = h.case(world, hours_ago=60)
    s.suspect_add(actor=world.officer, case=case, name="周某某")
    s.case_key_time(actor=world.officer, case=case, kind="identified", at=timezone.now() - timedelta(hours=20),
                    expected_version=case.version)
    s.case_key_time(actor=world.officer, case=case, kind="recovered", recovered_yuan="86000", cross_region=True,
                    expected_version=case.version)
    lead = h.lead(world, agency=world.agency, received_at=timezone.now() - timedelta(days=3))
    s.lead_observe(actor=world.officer, lead=lead, note="放学时段蹲守", at=timezone.now() - timedelta(days=2))
    page = login(browser_page, live_server.url, world.officer.username, PASSWORD)
    page.goto(f"{live_server.url}/crime/cases/")
    assert page.locator("#case-figures").is_visible()
    screenshot(page, "crime-case-list-desktop")
    page.goto(f"{live_server.url}/crime/cases/{case.pk}/")
    assert page.locator("#case-timeline li").count() == 3
    screenshot(page, "crime-case-detail-desktop")
    page.goto(f"{live_server.url}/crime/leads/{lead.pk}/")
    screenshot(page, "crime-lead-detail-desktop")
    page.click("#lead-convert")
    page.select_option("#id_kind", "illegal_business")
    page.fill("#id_title", "校园周边非法经营卷烟")
    with page.expect_navigation():
        page.click("#crime-save")
    assert Lead.objects.get(pk=lead.pk).status == "case"
    assert Case.objects.filter(lead=lead).exists()

    phone = login(phone_page, live_server.url, world.liaison.username, PASSWORD)
    phone.goto(f"{live_server.url}/crime/cases/{case.pk}/")
    assert "86,000.00" in phone.inner_text("#case-recovered") and phone.locator("#case-loss").count() == 0
    screenshot(phone, "crime-case-liaison-phone")
