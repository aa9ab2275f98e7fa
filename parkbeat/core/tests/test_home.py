"""The workbench is what the apps declare in their home.py: core discovers them, in INSTALLED_APPS order, and
shows each role the figures and panels of its own work."""
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from parkbeat.core.home import home_counts, home_modules, home_page, remaining


def _keys(page):
    return {row: [card.key for card, _value, _href in cards] for row, cards in page["rows"].items()}


def _panels(page):
    return [p["key"] for p in page["panels"]]


def test_the_apps_that_declare_home_cards_are_found_in_installed_apps_order():
    apps = [m.app for m in home_modules()]
    assert [a for a in apps if a in ("org", "enterprises", "incidents", "disputes")] == [
        "org", "enterprises", "incidents", "disputes"]
    assert all(m.counts is not None for m in home_modules() if m.cards)


def test_the_leader_sees_the_case_figures_first_then_the_registry_with_links_to_the_filtered_lists(world):
    page = home_page(user=world.leader)

    assert _keys(page) == {
        "home-cases": ["open_incidents", "incidents_awaiting", "incidents_overdue", "unsettled_disputes",
                       "agreements_performing", "instalments_overdue"],
        "home-counts": ["parks", "enterprises", "key_enterprises", "open_demands", "overdue_demands",
                        "visits_this_month", "visits_due", "inspections_this_week", "inspections_past_due",
                        "hazards_to_review", "hazards_rectifying", "hazards_overdue", "checks_waiting",
                        "cases_open", "leads_open", "lectures_upcoming"],
    }
    links = {card.key: href for cards in page["rows"].values() for card, _value, href in cards}
    assert links["incidents_overdue"] == reverse("incidents:incident_list") + "?overdue=true"
    assert links["open_incidents"] == reverse("incidents:incident_list") + "?open=true"
    assert links["unsettled_disputes"] == reverse("disputes:dispute_list") + "?open=true"
    assert links["enterprises"] == reverse("enterprises:enterprise_list") + "?current=true"
    month = timezone.localdate().replace(day=1)
    assert links["visits_this_month"] == reverse("enterprises:visit_list") + f"?date_from={month:%Y-%m-%d}"
    assert links["visits_due"] == reverse("enterprises:visit_plan")
    assert page["counts"]["parks"] == 2
    assert _panels(page)[:2] == ["incidents_waiting", "disputes_station"]


def test_each_role_gets_its_own_work_and_pays_only_for_the_figures_it_sees(world):
    mediator = home_page(user=world.mediator)
    assert _keys(mediator) == {"home-cases": ["unsettled_disputes", "agreements_performing", "instalments_overdue"]}
    assert "open_incidents" not in mediator["counts"]  # the incidents' figures were not computed
    assert "open_incidents" in home_counts(user=world.mediator)  # though they can be asked for
    assert _panels(mediator) == ["disputes_mediator", "sessions", "instalments"]

    volunteer = home_page(user=world.volunteer)
    assert volunteer["rows"] == {}  # no row of zeros
    assert _panels(volunteer) == ["quick_report", "team", "incidents_mine"]

    liaison = home_page(user=world.liaison)
    assert _panels(liaison)[0] == "quick_report"
    assert set(_panels(liaison)) == {"quick_report", "incidents_enterprise", "disputes_enterprise", "demands"}

    assert _panels(home_page(user=world.agency_staff)) == ["incidents_agency", "disputes_agency"]
    assert _panels(home_page(user=world.officer))[:2] == ["incidents_waiting", "incidents_held"]


def test_the_administrators_get_their_own_work_and_no_case_card(world):
    expected = {world.sysadmin: (["accounts_active", "accounts_disabled"], ["accounts"]),
                world.secadmin: (["role_assignments"], ["roles"]),
                world.auditor: (["audit_today", "logins_failed_today", "exports_today"], ["audit_latest"])}
    for user, (cards, panels) in expected.items():
        page = home_page(user=user)
        assert _keys(page) == {"home-admin": cards}, user
        assert _panels(page) == panels, user
    assert home_page(user=world.nobody) == {"rows": {}, "panels": [], "counts": {}, "css": []}


def test_the_page_renders_the_workbench_with_its_figures_and_panels(world, page_as):
    html = page_as(world.leader).get(reverse("home")).content.decode()

    assert "<h1 class=\"h5 mb-0\">工作台</h1>" in html
    assert 'id="home-counts"' in html and 'id="home-cases"' in html
    assert 'data-count="parks">2<' in html
    assert "我的待办诉求" in html and 'id="wb-incidents-waiting"' in html
    assert "/static/core/workbench.js" in html and "/static/incidents/incidents.css" in html


def test_a_role_without_any_role_sees_a_plain_message(world, page_as):
    html = page_as(world.nobody).get(reverse("home")).content.decode()
    assert "安全管理员" in html and 'id="home-cases"' not in html


def test_remaining_time_reads_as_left_or_overdue_with_a_tone():
    now = timezone.now()
    assert remaining(None, now) is None
    soon = remaining(now + timedelta(minutes=12, seconds=5), now)
    assert (soon["seconds"], soon["tone"]) == (725, "soon")
    assert remaining(now + timedelta(hours=3, minutes=4), now)["tone"] == "ok"
    late = remaining(now - timedelta(days=1, hours=2), now)
    assert late["seconds"] < 0 and late["tone"] == "overdue"
