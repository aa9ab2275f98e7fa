"""The incident list in Chromium: columns on a desktop, cards and a collapsed filter on a phone, a filter
change through HTMX that leaves one clean query string; screenshots var/screenshots/incident-list-*.png."""
import pytest

from parkbeat.core.tests.browser import *  # noqa: F401,F403  (fixtures)
from parkbeat.core.tests.browser import login, screenshot
from parkbeat.incidents.models import Incident
from parkbeat.incidents.tests.helpers import report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Correct-Horse-9"


def some_incidents(world):
    kinds = [Incident.Kind.THEFT, Incident.Kind.LABOUR_DISPUTE, Incident.Kind.FIRE_SAFETY, Incident.Kind.FRAUD]
    return [report(world, kind=kinds[i % 4], enterprise=world.enterprise if i % 2 else None,
                   location="新马工业园东门岗亭旁") for i in range(6)]


def test_desktop_columns_and_a_clean_query_string_after_two_filter_changes(world, live_server, browser_page):
    made = some_incidents(world)
    page = browser_page
    login(page, live_server.url, world.officer.username, PASSWORD)
    page.goto(f"{live_server.url}/incidents/")

    assert page.locator("#incident-results").is_visible()
    assert not page.locator(".list-cards").is_visible()
    # no cell wraps onto several lines: every number and time cell is one line high
    heights = page.eval_on_selector_all("#incident-results tbody td.text-nowrap",
                                        "cells => cells.map(c => c.getBoundingClientRect().height)")
    assert heights and max(heights) < 60
    screenshot(page, "incident-list-desktop")

    with page.expect_response(lambda r: "/incidents/?" in r.url):
        page.select_option("#id_kind", "theft")
    page.wait_for_function("() => location.search.includes('kind=theft')")
    with page.expect_response(lambda r: "status=reported" in r.url):
        page.select_option("#id_status", "reported")
    page.wait_for_function("() => location.search.includes('status=reported')")

    query = page.evaluate("() => location.search")
    assert query.count("kind=theft") == 1 and query.count("status=reported") == 1
    shown = page.locator("#incident-results tbody tr").count()
    assert shown == sum(1 for i in made if i.kind == "theft")


def test_phone_shows_cards_and_the_filter_behind_a_button(world, live_server, phone_page):
    made = some_incidents(world)
    page = phone_page
    login(page, live_server.url, world.officer.username, PASSWORD)
    page.goto(f"{live_server.url}/incidents/")

    assert not page.locator("#incident-results").is_visible()
    cards = page.locator(".list-cards .incident-card")
    assert cards.count() == len(made)
    first = cards.first.inner_text()
    assert made[-1].number in first and world.park.name in first
    assert not page.locator("#list-filters form").is_visible()
    screenshot(page, "incident-list-phone")

    page.click("button[data-bs-target='#list-filters']")
    page.wait_for_selector("#list-filters form", state="visible")
    screenshot(page, "incident-list-phone-filters")
