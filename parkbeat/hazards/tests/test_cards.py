"""On a phone the hazard list is cards (HazardTable.card_template) with the state badge (and overdue); the hazard's
description has its own msgid (隐患描述), not the incident's 警情描述."""
from parkbeat.hazards.forms import HazardForm
from parkbeat.hazards.tables import HazardTable
from parkbeat.hazards.tests import helpers as h


def test_the_hazard_list_renders_a_card_per_row(world, page_as, english_pages):
    hazard = h.deadline_hazard(world)
    html = page_as(world.officer).get("/hazards/").content.decode()
    assert html.count('class="list-item hazard-card"') == 1
    start = html.index('class="list-item hazard-card"')
    card = html[start:html.index("</a>", start)]
    assert f'href="/hazards/{hazard.pk}/"' in card and hazard.state_badge in card and "Rectify by" in card


def test_the_hazard_description_has_its_own_msgid(world, page_as, english_pages):
    assert str(HazardForm.base_fields["description"].label) == "Hazard description"
    assert str(HazardTable.base_columns["description"].verbose_name) == "Hazard description"
    hazard = h.deadline_hazard(world)
    assert "Hazard description" in page_as(world.officer).get(f"/hazards/{hazard.pk}/").content.decode()
