"""In Chromium: the parks, accounts and role lists on the shared list pattern, each for its own role."""
import pytest
from playwright.sync_api import expect

from parkbeat.core.tests.browser import *  # noqa: F401,F403
from parkbeat.core.tests.browser import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Correct-Horse-9"


@pytest.mark.parametrize("role, url, table, count", [
    ("leader", "/org/parks/", "park-results", 2),
    ("sysadmin", "/org/users/", "account-results", 13),
    ("secadmin", "/org/roles/", "role-results", 12),  # every user of the world but t_nobody
])
def test_each_administrative_list_for_its_role(browser_page, live_server, world, role, url, table, count):
    page = login(browser_page, live_server.url, getattr(world, role).username, PASSWORD, path=f"/login/?next={url}")

    expect(page.locator(f"#{table} tbody tr")).to_have_count(count)
    expect(page.locator("#export-xlsx")).to_be_visible()
    assert "---------" not in page.content()
    screenshot(page, f"list-{table}")
