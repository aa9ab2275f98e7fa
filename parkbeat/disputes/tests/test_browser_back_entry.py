"""In Chromium: a dispute of last quarter entered today shows each step's two times and the late badge, its
status buttons ask when it happened, and the figures page counts it by when it happened."""
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from parkbeat.core.tests.browser import *  # noqa: F401,F403
from parkbeat.core.tests.browser import login, screenshot
from parkbeat.disputes import services
from parkbeat.disputes.models import Dispute
from parkbeat.disputes.tests.factories import open_dispute

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _back_entered(world):
    """Began 92 days ago; routed, escalated, settled, reopened by the officer today, with the ledger as reason."""
    now = timezone.localtime().replace(second=0, microsecond=0)
    began = now - timedelta(days=92)
    dispute = open_dispute(world, actor=world.leader, began_at=began, level="enterprise", title="新马机械23名农民工讨薪")
    why = {"actor": world.officer, "dispute": dispute, "late_reason": "三季度台账补录"}
    services.dispute_route(**why, mediator=world.mediator, at=began + timedelta(days=1), expected_version=1)
    services.dispute_change_level(**why, to="park", reason="企业内部协商未果", at=began + timedelta(days=2),
                                  expected_version=2)
    services.dispute_transition(**why, to="settled", note="双方和解", at=began + timedelta(days=9, hours=3),
                                expected_version=3)
    services.dispute_transition(**why, to="open", note="企业未按约发放", at=began + timedelta(days=20),
                                expected_version=4)
    return dispute, began


def test_a_back_entered_dispute_on_its_page_and_in_the_figures(browser_page, live_server, world):
    dispute, began = _back_entered(world)
    page = login(browser_page, live_server.url, world.officer.username, "Correct-Horse-9")

    page.goto(live_server.url + dispute.get_absolute_url())
    timeline = page.locator("#dispute-timeline")
    expect(timeline.locator("[data-back-entered]").first).to_contain_text("录入")
    expect(timeline.locator(".badge", has_text="补录")).to_have_count(5)  # every step came in late
    expect(page.locator("#id_settled_at")).to_have_attribute("type", "datetime-local")
    expect(page.locator("#id_settled_at")).to_have_value(re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d$"))
    screenshot(page, "dispute-back-entered-timeline")

    start = timezone.localdate(began)
    page.goto(f"{live_server.url}/disputes/figures/?start={start}&end={start + timedelta(days=30)}")
    expect(page.locator("#fig-settled")).to_have_text("0")  # settled, then reopened within the period
    expect(page.locator("#fig-reopened")).to_have_text("1")
    screenshot(page, "dispute-figures-back-entered")
    page.goto(f"{live_server.url}/disputes/figures/?start={start}&end={start + timedelta(days=15)}")
    expect(page.locator("#fig-settled")).to_have_text("1")
    assert Dispute.objects.get(pk=dispute.pk).reopen_count == 1
