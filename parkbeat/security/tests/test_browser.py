"""A7 in a real browser: the login page, an htmx page and Swagger UI work under the CSP, with no violation."""
import pytest

from parkbeat.core.tests.browser import *  # noqa: F401,F403
from parkbeat.core.tests.browser import login
from parkbeat.security.tests.utils import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _watch_csp(page):
    """Collect Chromium's CSP violation reports from the console."""
    violations = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    return violations


def test_login_and_a_list_page_run_under_the_csp(browser_page, live_server, park_officer):
    violations = _watch_csp(browser_page)

    login(browser_page, live_server.url, park_officer.username, PASSWORD)
    browser_page.goto(live_server.url + "/enterprises/")
    browser_page.wait_for_load_state("networkidle")

    assert "/login/" not in browser_page.url
    assert browser_page.evaluate("() => typeof htmx") == "object"
    assert violations == []


def test_swagger_ui_renders_under_the_csp(browser_page, live_server, park_officer):
    violations = _watch_csp(browser_page)
    login(browser_page, live_server.url, park_officer.username, PASSWORD)

    response = browser_page.goto(live_server.url + "/api/docs/")
    browser_page.wait_for_selector(".opblock", timeout=15_000)

    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert browser_page.locator(".opblock").count() > 10
    # drf-spectacular's page keeps a cosmetic inline <style>; scripts are never refused.
    assert [v for v in violations if "script" in v] == []

