"""In Chromium: settling asks for confirmation and a note in a dialog (no inline script), a live agreement
shows why settling is not offered, and the agreement form warns while typing when the rows do not add up."""
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from parkbeat.core.tests.browser import *  # noqa: F401,F403
from parkbeat.core.tests.browser import login, screenshot
from parkbeat.disputes.models import Dispute
from parkbeat.disputes.tests.factories import open_dispute, three_instalments

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_settling_asks_for_confirmation_and_a_note(browser_page, live_server, world):
    dispute = open_dispute(world, amount_in_dispute=Decimal("86500"), title="新马机械23名农民工讨薪")
    page = login(browser_page, live_server.url, world.officer.username, "Correct-Horse-9")
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(live_server.url + dispute.get_absolute_url())
    screenshot(page, "dispute-detail")

    page.locator("#settle-open").click()
    modal = page.locator("#settle-modal")
    expect(modal).to_be_visible()
    page.locator("#settle-confirm").click()  # no note yet: the browser keeps the dialog open
    expect(modal).to_be_visible()
    assert Dispute.objects.get(pk=dispute.pk).status == "open"
    page.fill("#id_settled_note", "企业当场足额支付，双方签字确认")
    screenshot(page, "dispute-settle-confirm", full_page=False)
    page.locator("#settle-confirm").click()

    page.wait_for_url(re.compile(rf"/disputes/{dispute.pk}/$"))
    expect(page.locator("#dispute-timeline")).to_contain_text("企业当场足额支付")
    assert Dispute.objects.get(pk=dispute.pk).status == "settled"
    assert not [e for e in errors if "Content Security Policy" in e]


def test_a_live_agreement_shows_why_settling_is_not_offered(browser_page, live_server, world):
    dispute = open_dispute(world)
    three_instalments(world, dispute)
    page = login(browser_page, live_server.url, world.officer.username, "Correct-Horse-9")
    page.goto(live_server.url + dispute.get_absolute_url())

    expect(page.locator("#settle-action button")).to_be_disabled()
    expect(page.locator("#settle-refusal")).to_contain_text("3")
    screenshot(page, "dispute-detail-agreement-kept")


def test_the_agreement_and_session_forms(browser_page, live_server, world):
    dispute = open_dispute(world)
    page = login(browser_page, live_server.url, world.officer.username, "Correct-Horse-9")
    today = timezone.localdate()

    page.goto(f"{live_server.url}/disputes/{dispute.pk}/sessions/new/")
    expect(page.locator("#id_started_at")).to_have_value(re.compile(rf"^{today.isoformat()}T\d\d:\d\d$"))
    expect(page.locator("#new-parties")).to_be_visible()
    screenshot(page, "dispute-session-form")

    page.goto(f"{live_server.url}/disputes/{dispute.pk}/agreements/new/")
    expect(page.locator("#id_signed_on")).to_have_value(today.isoformat())
    page.fill("#id_terms", "分两期支付")
    page.fill("#id_total_amount", "20000")
    page.locator("#add-instalment").click()
    rows = page.locator(".instalment-rows tbody tr")
    for i in range(2):
        rows.nth(i).locator("input.due").fill((today + timedelta(days=30 * (i + 1))).isoformat())
        rows.nth(i).locator("input.amount").fill("8000")
    expect(page.locator(".instalment-warning")).to_be_visible()
    expect(page.locator(".instalment-warning")).to_contain_text("16,000.00")
    screenshot(page, "dispute-agreement-form-mismatch")
    rows.nth(1).locator("input.amount").fill("12000")
    expect(page.locator(".instalment-warning")).to_be_hidden()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/disputes/{dispute.pk}/$"))
    assert Dispute.objects.get(pk=dispute.pk).status == "performing"
