"""The dispute, session and agreement lists in Chromium (desktop): screenshots var/screenshots/dispute-lists-*.png."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from parkbeat.core.tests.browser import *  # noqa: F401,F403  (fixtures)
from parkbeat.core.tests.browser import login, screenshot
from parkbeat.disputes.models import Agreement, MediationSession
from parkbeat.disputes.tests.factories import open_dispute, routed_dispute

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_three_dispute_lists_render_with_rows(world, live_server, browser_page):
    for i in range(3):
        dispute = routed_dispute(world) if i % 2 else open_dispute(world, enterprise=world.enterprise2)
        MediationSession.objects.create(dispute=dispute, started_at=timezone.now() - timedelta(days=i + 1),
                                        duration_minutes=90, place="园区调解室", level=dispute.level,
                                        outcome="agreement", recorded_by=world.officer)
        Agreement.objects.create(dispute=dispute, terms="分期支付", total_amount=Decimal("1234567.5"),
                                 signed_on=timezone.localdate(), recorded_by=world.officer)
    page = browser_page
    login(page, live_server.url, world.officer.username, "Correct-Horse-9")
    for path, name, table in (("/disputes/", "disputes", "#dispute-results"),
                              ("/disputes/sessions/", "sessions", "#session-results"),
                              ("/disputes/agreements/", "agreements", "#agreement-results")):
        page.goto(live_server.url + path)
        assert page.locator(f"{table} tbody tr").count() == 3
        screenshot(page, f"dispute-lists-{name}")
    assert "1,234,567.50" in page.locator("#agreement-results").inner_text()
