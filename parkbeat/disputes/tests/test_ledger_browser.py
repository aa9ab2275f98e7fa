"""In Chromium: an officer uploads last quarter's ledger, sees every bad row with its reason, then imports the good
rows (screenshots of both in var/screenshots/)."""
import pytest
import time_machine
from playwright.sync_api import expect

from parkbeat.core.tests.browser import *  # noqa: F401,F403
from parkbeat.core.tests.browser import login, screenshot
from parkbeat.disputes.models import LedgerEntry
from parkbeat.disputes.tests.test_ledger import NOW, bad_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def december():
    with time_machine.travel(NOW, tick=True):
        yield


def test_the_import_page_lists_the_bad_rows_then_imports_the_good_ones(december, browser_page, live_server, world,
                                                                       tmp_path):
    path = tmp_path / "三季度台账.xlsx"
    path.write_bytes(bad_file(world).getvalue())
    page = login(browser_page, live_server.url, "t_officer", "Correct-Horse-9")

    page.goto(f"{live_server.url}/disputes/ledger/import/")
    page.set_input_files("input[name=file]", str(path))
    with page.expect_navigation():
        page.click("#ledger-import-form button[type=submit]")

    table = page.locator("#import-error-table tbody tr")
    expect(table).to_have_count(7)
    expect(page.locator("#import-result .card-header")).to_have_text("未导入任何数据")
    expect(table.nth(1)).to_contain_text("您可导入的园区内没有这家企业。")
    expect(table.nth(3)).to_contain_text("时间不能早于接报时间（2026-07-06 09:10）。")
    screenshot(page, "ledger-import-errors")
    assert LedgerEntry.objects.count() == 0

    page.set_input_files("input[name=file]", str(path))
    page.check("input[name=import_good_rows]")
    with page.expect_navigation():
        page.click("#ledger-import-form button[type=submit]")

    expect(page.locator("#import-created")).to_have_text("1")
    screenshot(page, "ledger-import-good-rows")
    assert list(LedgerEntry.objects.values_list("number", flat=True)) == ["Q3-009"]
