"""In Chromium at phone size: the liaison nominates a colleague for the enterprise's team, the park officer finds
the nomination on the workbench and approves it, and the liaison is told; the volunteer reads their own record."""
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from parkbeat.core.tests.browser import *  # noqa: F401,F403
from parkbeat.core.tests.browser import login, screenshot
from parkbeat.core.tests.scanner import leaks
from parkbeat.notifications.models import Notification
from parkbeat.volunteers.models import Volunteer
from parkbeat.volunteers.tests.factories import CANDIDATE_ID, Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Correct-Horse-9"


def test_liaison_nominates_and_officer_approves_on_a_phone(phone_page, live_server, world):
    cast = Cast(world)
    page = phone_page
    page.on("dialog", lambda dialog: dialog.accept())  # the confirmations before submitting

    login(page, live_server.url, world.liaison.username, PASSWORD)
    page.goto(f"{live_server.url}/volunteers/teams/{cast.team.pk}/")
    screenshot(page, "volunteers-team-liaison")
    page.locator("#nominate-link").click()
    page.wait_for_url(re.compile(r"/nominate/$"))
    page.fill("#id_name", "赵六")
    page.fill("#id_resident_id", CANDIDATE_ID)
    page.fill("#id_mobile", "13912345678")
    page.fill("#id_post", "仓库管理员")
    page.check("input[name=duties][value=patrol]")
    page.check("input[name=duties][value=hazard]")
    page.fill("#id_consent_date", timezone.localdate().isoformat())
    page.check("#id_consent_confirmed")
    screenshot(page, "volunteers-nominate-form")
    page.locator("#volunteer-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/volunteers/\d+/$"))
    expect(page.locator("main .card-header [data-status=nominated]")).to_have_count(1)
    assert not leaks(page.content())
    nominee = Volunteer.objects.get(name="赵六")
    assert (nominee.status, nominee.nominated_by_id, nominee.duties) == ("nominated", world.liaison.pk,
                                                                       ["patrol", "hazard"])

    page.context.clear_cookies()
    login(page, live_server.url, world.officer.username, PASSWORD)
    panel = page.locator("#wb-volunteers")
    expect(panel).to_contain_text("赵六")
    screenshot(page, "volunteers-workbench-officer")
    panel.get_by_role("link", name="赵六").click()
    page.wait_for_url(re.compile(rf"/volunteers/{nominee.pk}/$"))
    screenshot(page, "volunteers-detail-vetting")
    page.locator("#approve-btn").click()
    page.wait_for_url(re.compile(rf"/volunteers/{nominee.pk}/$"))
    expect(page.locator("main .card-header [data-status=active]")).to_have_count(1)
    expect(page.locator("#volunteer-history li[data-from=nominated][data-to=active]")).to_have_count(1)
    screenshot(page, "volunteers-detail-approved")
    assert Volunteer.objects.get(pk=nominee.pk).status == "active"
    assert Notification.objects.filter(recipient=world.liaison, title__contains="赵六").count() == 1

    page.goto(f"{live_server.url}/volunteers/?status=active")
    expect(page.locator("main")).to_contain_text("赵六")
    screenshot(page, "volunteers-list-officer")


def test_the_volunteer_reads_their_record_and_the_roster(phone_page, live_server, world):
    cast = Cast(world)
    page = login(phone_page, live_server.url, world.volunteer.username, PASSWORD)

    page.goto(f"{live_server.url}/volunteers/mine/")

    expect(page.locator("#my-roster")).to_contain_text("队员李")
    expect(page.locator("main")).to_contain_text(cast.captain.resident_id_masked)
    assert cast.member.resident_id_masked not in page.content() and not leaks(page.content())
    screenshot(page, "volunteers-mine")
