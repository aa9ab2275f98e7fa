"""On a phone the lead and case lists are cards (the table's card_template), each with its key facts and the status
badge; a status-level card (an enterprise's liaison) shows the type, never the title or the loss."""
from parkbeat.crime.tests import helpers as h


def _cards(html, css):
    return html.count(f'class="list-item {css}"')


def test_the_case_and_lead_lists_render_cards(world, page_as, english_pages):
    case, lead = h.case(world), h.lead(world)
    client = page_as(world.officer)
    html = client.get("/crime/cases/").content.decode()
    assert _cards(html, "case-card") == 1 and case.title in html and f'href="/crime/cases/{case.pk}/"' in html
    start = html.index('class="list-item case-card"')
    card = html[start:html.index("</a>", start)]
    assert "badge-status-in_progress" in card and "86,000.00" in card
    leads = client.get("/crime/leads/").content.decode()
    assert _cards(leads, "lead-card") == 1 and f'href="/crime/leads/{lead.pk}/"' in leads


def test_a_liaisons_card_holds_no_title_or_loss(world, page_as, english_pages):
    case = h.case(world)
    html = page_as(world.liaison).get("/crime/cases/").content.decode()
    assert _cards(html, "case-card") == 1
    start = html.index('class="list-item case-card"')
    card = html[start:html.index("</a>", start)]
    assert case.title not in card and "86,000" not in card and "Theft" in card and "badge" in card
