"""Exactly one navigation entry lights up: the section the page belongs to (issue 10, readable records)."""
import re

import pytest
from django.test import RequestFactory
from django.urls import reverse

from parkbeat.core.context_processors import NAV, current_section, navigation
from parkbeat.core.tests.browser import *  # noqa: F401,F403  (browser fixtures)

URLS = [reverse(name) for name, *_ in NAV]


def active_urls(user, path):
    request = RequestFactory().get(path)
    request.user = user
    return [item["url"] for item in navigation(request)["nav_items"] if item["active"]]


@pytest.mark.parametrize("url", URLS)
def test_each_entry_lights_only_itself(url):
    assert current_section(url, URLS) == url


@pytest.mark.parametrize("path,section", [
    ("/enterprises/visits/new/", "enterprises:visit_list"),
    ("/enterprises/demands/12/", "enterprises:demand_list"),
    ("/enterprises/12/", "enterprises:enterprise_list"),
    ("/incidents/report/", "incidents:quick_report"),
    ("/incidents/7/", "incidents:incident_list"),
    ("/disputes/figures/", "disputes:dispute_figures"),
    ("/disputes/3/", "disputes:dispute_list"),
    ("/org/duty/", "org:duty_list"),
])
def test_a_page_lights_its_own_section(path, section):
    assert current_section(path, URLS) == reverse(section)


def test_a_page_of_no_section_lights_nothing_and_home_only_itself():
    assert current_section("/inbox/", URLS) is None
    assert current_section("/security/", URLS) is None
    assert current_section("/", URLS) == "/"


@pytest.mark.django_db
def test_the_rendered_navbar_has_one_active_entry(world, page_as):
    client = page_as(world.officer)
    for path in (reverse("enterprises:visit_list"), reverse("disputes:dispute_figures")):
        page = client.get(path).content.decode()
        active = re.findall(r'<a class="nav-link active" href="([^"]*)" aria-current="page">', page)
        assert active == [path], path


@pytest.mark.django_db
def test_every_role_sees_exactly_its_entry_lit_on_each_entry_page(world):
    for user in (world.leader, world.officer, world.liaison, world.volunteer, world.mediator):
        request = RequestFactory().get("/")
        request.user = user
        for item in navigation(request)["nav_items"]:
            assert active_urls(user, item["url"]) == [item["url"]], (user, item["url"])


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_navbar_in_chromium_lights_one_entry(browser_page, live_server, world):
    from parkbeat.core.tests.browser import login, screenshot

    login(browser_page, live_server.url, world.officer.username, "Correct-Horse-9")
    browser_page.goto(live_server.url + reverse("enterprises:visit_list"))
    active = browser_page.locator("#mainnav a.nav-link.active")
    assert active.count() == 1 and active.get_attribute("href") == reverse("enterprises:visit_list")
    screenshot(browser_page, "navbar-one-active", full_page=False)
