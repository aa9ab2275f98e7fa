"""Amounts on the crime pages read as the house writes them ("86,000.00 yuan"), in the list, the detail and the
figures line; the figures line is one translatable sentence per part, its punctuation inside the msgids."""
import pytest
from django.conf import settings

from parkbeat.crime import services as s
from parkbeat.crime.tests import helpers as h

COVERS = set()


@pytest.fixture
def page(page_as):
    def make(user):
        client = page_as(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client
    return make


def test_amounts_read_with_separators_and_yuan(world, page):
    case = h.case(world)
    s.case_key_time(actor=world.officer, case=case, kind="recovered", recovered_yuan="63800",
                    expected_version=case.version)
    client = page(world.officer)
    html = client.get("/crime/cases/").content.decode()
    assert "86,000.00" in html and "63,800.00" in html and "86000.00" not in html
    start = html.index('id="case-figures"')
    figures = html[start:html.index("</div>", start)]
    assert "loss 86,000.00 yuan, recovered 63,800.00 yuan;" in figures
    assert "1 cases, 0 solved (0%);" in figures and "no suspect identified yet." in figures
    detail = client.get(f"/crime/cases/{case.pk}/").content.decode()
    assert "86,000.00 yuan" in detail and "63,800.00 yuan" in detail
    liaison = page(world.liaison).get("/crime/cases/").content.decode()
    assert "63,800.00 yuan" in liaison and "86,000.00" not in liaison
