"""The reveal action in a real browser: masked on the enterprise page, the full number after a reason (HTMX)."""
import pytest

from parkbeat.audit.models import AuditEvent
from parkbeat.testing import LiaisonFactory
from parkbeat.core.tests.browser import *  # noqa: F401,F403  (fixtures + login/screenshot)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_reveals_a_liaison_mobile_with_a_reason(browser_page, live_server, world):
    LiaisonFactory(enterprise=world.enterprise, name="王保卫", mobile="13812345678")
    page = browser_page
    login(page, live_server.url, "t_officer", "Correct-Horse-9")  # noqa: F405
    page.goto(f"{live_server.url}/enterprises/{world.enterprise.pk}/")

    assert "138****5678" in page.content() and "13812345678" not in page.content()
    screenshot(page, "reveal-form")  # noqa: F405
    page.fill("input[name=reason]", "核实报警人身份")
    page.click(".reveal-form button[type=submit]")
    page.wait_for_selector(".revealed-value")

    assert page.inner_text(".revealed-value") == "13812345678"
    assert page.url.endswith(f"/enterprises/{world.enterprise.pk}/")  # swapped in place, no navigation
    assert list(AuditEvent.objects.filter(verb="reveal").values_list("actor_username", "note")) == [
        ("t_officer", "核实报警人身份")]
    screenshot(page, "reveal-liaison-mobile")  # noqa: F405
