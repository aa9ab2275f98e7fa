"""The home page is what the apps declare in their home.py: core discovers them, in INSTALLED_APPS order."""
from django.urls import reverse

from parkbeat.core.home import home_counts, home_modules, home_page


def test_the_apps_that_declare_home_cards_are_found_in_installed_apps_order():
    assert [m.app for m in home_modules()][:4] == ["org", "enterprises", "incidents", "disputes"]
    assert all(m.counts is not None for m in home_modules() if m.cards)


def test_the_leader_sees_every_card_in_declaration_order_with_links_to_the_lists(world):
    page = home_page(user=world.leader)

    assert {row: [card.key for card, _value, _href in cards] for row, cards in page["rows"].items()} == {
        "home-counts": ["parks", "enterprises", "key_enterprises", "open_demands", "overdue_demands",
                        "visits_this_month"],
        "home-cases": ["open_incidents", "incidents_awaiting", "incidents_overdue", "unsettled_disputes",
                       "agreements_performing", "instalments_overdue"],
    }
    links = {card.key: href for cards in page["rows"].values() for card, _value, href in cards}
    assert links["incidents_overdue"] == reverse("incidents:incident_list") + "?overdue=true"
    assert links["key_enterprises"] == reverse("enterprises:enterprise_list") + "?is_key=true"
    assert links["parks"] == ""
    assert page["counts"]["parks"] == 2


def test_a_role_gets_only_the_cards_of_the_lists_it_reaches_and_pays_only_for_those(world):
    mediator = home_page(user=world.mediator)  # mediators see disputes, not incidents

    keys = {card.key for cards in mediator["rows"].values() for card, _value, _href in cards}
    assert "unsettled_disputes" in keys and "open_incidents" not in keys
    assert "open_incidents" not in mediator["counts"]  # the incidents' figures were not computed
    assert "open_incidents" in home_counts(user=world.mediator)  # though they can be asked for


def test_the_page_renders_each_declared_card_with_its_count(world, page_as):
    html = page_as(world.leader).get(reverse("home")).content.decode()

    assert 'id="home-counts"' in html and 'id="home-cases"' in html
    assert 'data-count="parks">2<' in html
    assert "我的待办诉求" in html  # the enterprises app's panel, in the default language
