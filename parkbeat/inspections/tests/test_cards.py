"""On a phone the inspection list is cards (InspectionTable.card_template) with the status badge; the checklist's
own note has its own msgid (说明), not the incident's 警情描述."""
from parkbeat.inspections.forms import ChecklistForm
from parkbeat.inspections.tests import helpers as h


def test_the_inspection_list_renders_a_card_per_row(world, page_as, english_pages):
    h.make_key(world)
    inspection = h.plan(world)
    html = page_as(world.officer).get("/inspections/").content.decode()
    assert html.count('class="list-item inspection-card"') == 1
    start = html.index('class="list-item inspection-card"')
    card = html[start:html.index("</a>", start)]
    assert inspection.get_absolute_url() in card and f"badge-status-{inspection.status}" in card
    assert world.enterprise.name in card


def test_the_checklist_note_has_its_own_msgid(world, page_as, english_pages):
    assert str(ChecklistForm.base_fields["description"].label) == "Checklist note"
    template = h.general().template
    html = page_as(world.leader).get(f"/inspections/checklists/{template.pk}/edit/").content.decode()
    assert "Checklist note" in html
