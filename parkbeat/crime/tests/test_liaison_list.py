"""The case list for who sees cases only at the status level: each row links to its (status-level) detail; no park,
enterprise or title search is offered; and a title search never matches a row shown at the status level (its title
is hidden), for a user who holds that level in one park and a higher one elsewhere."""
import pytest
from django.conf import settings

from parkbeat.crime.tests import helpers as h
from parkbeat.org.models import Role
from parkbeat.testing import UserFactory, assign

COVERS = {"crime:case_list", "crime:case_detail"}


@pytest.fixture
def page(page_as):
    def make(user):
        client = page_as(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client
    return make


def test_the_liaisons_rows_link_to_the_status_detail(world, page):
    case = h.case(world)
    client = page(world.liaison)
    html = client.get("/crime/cases/").content.decode()
    assert f'href="/crime/cases/{case.pk}/"' in html
    assert case.title not in html
    detail = client.get(f"/crime/cases/{case.pk}/")
    assert detail.status_code == 200 and case.title not in detail.content.decode()


def test_the_liaison_gets_no_park_enterprise_or_title_filter(world, page):
    h.case(world)
    html = page(world.liaison).get("/crime/cases/").content.decode()
    for name in ("q", "park", "enterprise"):
        assert f'name="{name}"' not in html, name
    assert 'name="status"' in html and 'name="kind"' in html
    officer = page(world.officer).get("/crime/cases/").content.decode()
    assert 'name="q"' in officer and 'name="park"' in officer


def test_the_liaison_cannot_probe_titles_by_search(world, page, api_as):
    h.case(world, title="数控模板被盗")
    client = page(world.liaison)
    found = client.get("/crime/cases/", {"q": "不存在的词"}).content.decode()
    assert "case-results" in found and "No case matches" not in found  # the search is not applied at all
    rows = api_as(world.liaison).get("/api/v1/crime/cases/", {"q": "不存在的词"}).json()["results"]
    assert len(rows) in (0, 1)  # the API either ignores or applies the search, never on the hidden title
    assert not api_as(world.liaison).get("/api/v1/crime/cases/", {"q": "数控模板"}).json()["results"]


def test_a_title_search_skips_rows_at_the_status_level(world, page, api_as):
    user = assign(UserFactory(username="t_mixed2"), Role.PARK_OFFICER, park=world.park)
    assign(user, Role.LIAISON, enterprise=world.other_enterprise)
    mine = h.case(world, title="新马模板被盗")
    hidden = h.case(world, actor=world.other_officer, enterprise=world.other_enterprise, title="群丰模板被盗")
    rows = {r["id"] for r in api_as(user).get("/api/v1/crime/cases/", {"q": "模板"}).json()["results"]}
    assert rows == {mine.pk}
    by_enterprise = {r["id"] for r in api_as(user).get(
        "/api/v1/crime/cases/", {"q": world.other_enterprise.name}).json()["results"]}
    assert hidden.pk in by_enterprise
    html = page(user).get("/crime/cases/", {"q": "模板"}).content.decode()
    assert f'href="/crime/cases/{mine.pk}/"' in html and f'href="/crime/cases/{hidden.pk}/"' not in html


def _crumbs(html):
    start = html.index('<ol class="breadcrumb')
    return html[start:html.index("</ol>", start)]


def test_the_lead_crumbs_show_the_case_list_only_to_who_reaches_it(world, page):
    lead = h.lead(world, agency=world.agency)
    staff = page(world.agency_staff)
    assert staff.get("/crime/cases/").status_code == 403
    for url in ("/crime/leads/", f"/crime/leads/{lead.pk}/"):
        answer = staff.get(url)
        assert answer.status_code == 200, url
        crumbs = _crumbs(answer.content.decode())
        assert "/crime/cases/" not in crumbs and 'href="/crime/leads/"' in crumbs or url == "/crime/leads/", url
    officer = page(world.officer)
    for url in ("/crime/leads/", f"/crime/leads/{lead.pk}/", "/crime/leads/new/"):
        crumbs = _crumbs(officer.get(url).content.decode())
        assert 'href="/crime/cases/"' in crumbs, url
    create = _crumbs(officer.get("/crime/leads/new/").content.decode())
    detail = _crumbs(officer.get(f"/crime/leads/{lead.pk}/").content.decode())
    assert 'href="/crime/leads/"' in create and 'href="/crime/leads/"' in detail
