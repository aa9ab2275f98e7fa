"""The enterprise page's criminal cases panel: officers and the leader the whole row (title, loss and items,
recovered value), an auxiliary the summary (no items), the enterprise's own liaison only type, status and recovered
value; another enterprise's liaison and agency staff see nothing of it."""
import pytest
from django.conf import settings

from parkbeat.crime import services as s
from parkbeat.crime.tests import helpers as h
from parkbeat.org.models import Role
from parkbeat.testing import UserFactory, assign


@pytest.fixture
def page(page_as):
    def make(user):
        client = page_as(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client
    return make


@pytest.fixture
def recovered(world):
    case = h.case(world, title="数控模板被盗案")
    s.case_key_time(actor=world.officer, case=case, kind="recovered", recovered_yuan="12000",
                    expected_version=case.version)
    return case


def _panel(page, user, enterprise):
    answer = page(user).get(f"/enterprises/{enterprise.pk}/")
    assert answer.status_code in (200, 404)
    body = answer.content.decode()
    start = body.find('id="file-crime"')
    return None if start < 0 else body[start:body.find("</table>", start)]


def test_officers_and_the_leader_see_the_whole_row(world, recovered, page):
    for user in (world.officer, world.leader):
        panel = _panel(page, user, world.enterprise)
        assert "数控模板被盗案" in panel and "数控模板 12 套" in panel and "86,000.00" in panel
        assert "12,000.00" in panel and 'data-level="full"' in panel


def test_an_auxiliary_sees_the_summary(world, recovered, page):
    panel = _panel(page, world.auxiliary, world.enterprise)
    assert "数控模板被盗案" in panel and "86,000.00" in panel and "数控模板 12 套" not in panel
    assert 'data-level="summary"' in panel


def test_the_liaison_sees_only_status_and_recovered_value(world, recovered, page):
    panel = _panel(page, world.liaison, world.enterprise)
    assert "Theft" in panel and "12,000.00" in panel and "Under investigation" in panel
    assert "数控模板被盗案" not in panel and "86,000.00" not in panel and "数控模板 12 套" not in panel


def test_another_enterprises_liaison_and_agency_staff_see_nothing(world, recovered, page):
    other = assign(UserFactory(username="t_liaison2"), Role.LIAISON, enterprise=world.enterprise2)
    assert _panel(page, other, world.enterprise) is None
    assert _panel(page, other, world.enterprise2) is not None  # its own enterprise: the empty panel
    assert "数控模板被盗案" not in page(other).get(f"/enterprises/{world.enterprise2.pk}/").content.decode()
    for user in (world.agency_staff, world.mediator, world.other_officer):
        assert _panel(page, user, world.enterprise) is None
