"""Where one English word has two Chinese meanings, each use has its own msgid: a lead's description (线索描述),
a case's summary (简要案情), the kind of key time (关键节点类型), never the incident's 警情描述 or the disputes' 纠纷经过."""
from parkbeat.crime.forms import CaseEditForm, CaseForm, KeyTimeForm, LeadForm
from parkbeat.crime.tables import LeadTable


def test_crime_labels_have_their_own_msgids():
    assert str(LeadForm.base_fields["description"].label) == "Lead description"
    assert str(LeadTable.base_columns["description"].verbose_name) == "Lead description"
    assert str(CaseForm.base_fields["description"].label) == "Case summary"
    assert str(CaseEditForm.base_fields["description"].label) == "Case summary"
    assert str(KeyTimeForm.base_fields["kind"].label) == "Kind of key time"


def test_the_detail_pages_use_them(world, page_as, settings):
    from parkbeat.crime.tests import helpers as h

    client = page_as(world.officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    case, lead = h.case(world), h.lead(world)
    assert "Case summary" in client.get(f"/crime/cases/{case.pk}/").content.decode()
    assert "Lead description" in client.get(f"/crime/leads/{lead.pk}/").content.decode()
