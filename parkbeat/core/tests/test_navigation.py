"""Exactly one navigation entry lights up: the section the page belongs to (issue 10, readable records), and
in the bar its area's menu; an area's entries share one menu, a menu of one entry is that entry."""
import re

import pytest
from django.test import RequestFactory
from django.urls import reverse

from parkbeat.core.context_processors import GROUPS, NAV, current_section, navigation
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
    for path in (reverse("enterprises:visit_list"), reverse("disputes:dispute_figures"), reverse("org:duty_list")):
        page = client.get(path).content.decode()
        current = re.findall(r'<a class="(?:nav-link|dropdown-item) active" href="([^"]*)" aria-current="page">', page)
        assert current == [path], path
        lit = re.findall(r'<a class="nav-link[^"]*active"', page)
        assert len(lit) == 1, path


def bar(user, path="/"):
    request = RequestFactory().get(path)
    request.user = user
    return navigation(request)["nav_menu"]


@pytest.mark.django_db
def test_an_area_is_one_menu_holding_its_entries_in_order(world):
    menu = bar(world.officer, reverse("patrols:coverage"))
    labels = [str(entry["label"]) for entry in menu]
    patrols = next(entry for entry in menu
                   if entry.get("children") and entry["children"][0]["name"] == "patrols:field_home")
    assert [item["name"] for item in patrols["children"]] == [
        "patrols:field_home", "patrols:run_list", "patrols:plan_list", "patrols:checkpoint_list", "patrols:coverage",
        "patrols:map", "guarding:asset_list", "guarding:shift_list"]
    assert patrols["active"] and [entry for entry in menu if entry["active"]] == [patrols]
    assert len(labels) == len(set(labels))
    # every entry the officer sees is in the bar exactly once, alone or in its area's menu, in NAV's order
    shown = [item["name"] for entry in menu for item in entry.get("children", [entry])]
    assert shown == [name for name, *_ in NAV if name in {item["name"] for item in navigation_items(world.officer)}]
    assert len(menu) <= 8


def navigation_items(user):
    request = RequestFactory().get("/")
    request.user = user
    return navigation(request)["nav_items"]


@pytest.mark.django_db
def test_an_area_of_which_the_user_sees_one_entry_is_that_entry_not_a_menu(world):
    for user in (world.leader, world.officer, world.liaison, world.volunteer, world.mediator):
        assert all(len(entry["children"]) >= 2 for entry in bar(user) if entry.get("children")), user
    alone = [entry["name"] for entry in bar(world.liaison) if not entry.get("children")]
    assert "guarding:asset_list" in alone  # the liaison's only patrol-area entry stands alone
    grouped = {name for _label, _icon, names in GROUPS for name in names}
    assert set(alone) & grouped


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
    lit = browser_page.locator("#mainnav a.nav-link.active")
    assert lit.count() == 1 and lit.inner_text().strip() == "园区与企业"
    current = browser_page.locator("#mainnav a[aria-current=page]")
    assert current.count() == 1 and current.get_attribute("href") == reverse("enterprises:visit_list")
    assert not current.is_visible()  # inside the closed menu
    lit.click()
    current.wait_for(state="visible")
    screenshot(browser_page, "navbar-one-active", full_page=False)
    current.click()
    browser_page.wait_for_url("**" + reverse("enterprises:visit_list"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_on_a_phone_a_volunteer_reaches_an_entry_through_the_menu_and_its_area(phone_page, live_server, world):
    from parkbeat.core.tests.browser import login, screenshot

    page = login(phone_page, live_server.url, world.volunteer.username, "Correct-Horse-9")
    assert not page.locator("#mainnav").is_visible()
    page.locator("button.navbar-toggler").click()
    page.locator("#mainnav.collapse.show").wait_for()  # opened (its transition over)
    area = page.locator("#mainnav a.dropdown-toggle", has_text="巡防与守护")
    area.wait_for(state="visible")
    area.click()
    entry = page.locator("#mainnav .dropdown-menu a", has_text="我的巡逻")
    entry.wait_for(state="visible")
    screenshot(page, "navbar-phone-volunteer")
    entry.click()
    page.wait_for_url("**" + reverse("patrols:field_home"))
