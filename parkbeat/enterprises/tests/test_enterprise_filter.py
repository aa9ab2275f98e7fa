"""The enterprise filter of the lists: chosen by name, the id of another station's enterprise is an error."""
import pytest

from parkbeat.testing import DemandFactory, VisitFactory


def _form_and_rows(html):
    """The filter form (up to its end) and what follows it: the table or the empty state."""
    start = html.index('<select name="enterprise"')
    end = html.index("</form>", start)
    return html[:end], html[end:]


@pytest.mark.parametrize("url", ["/enterprises/visits/", "/enterprises/demands/"])
def test_another_stations_enterprise_id_shows_an_error_and_no_rows(world, page_as, url):
    VisitFactory(enterprise=world.other_enterprise, visitor=world.other_officer)
    VisitFactory(enterprise=world.enterprise, visitor=world.officer)
    DemandFactory(enterprise=world.other_enterprise, raised_by=world.other_officer)
    DemandFactory(enterprise=world.enterprise, raised_by=world.officer)

    response = page_as(world.officer).get(url, {"enterprise": world.other_enterprise.pk})
    html = response.content.decode()

    assert response.status_code == 200
    assert "不在您可查看的范围内" in html
    assert world.other_enterprise.name not in html
    assert world.enterprise.name not in _form_and_rows(html)[1]  # no rows at all, not the unfiltered list


@pytest.mark.parametrize("url", ["/enterprises/visits/", "/enterprises/demands/"])
def test_the_chosen_enterprise_is_shown_by_name_and_filters(world, page_as, url):
    VisitFactory(enterprise=world.enterprise, visitor=world.officer, findings="甲")
    VisitFactory(enterprise=world.enterprise2, visitor=world.officer, findings="乙")
    DemandFactory(enterprise=world.enterprise, raised_by=world.officer)
    DemandFactory(enterprise=world.enterprise2, raised_by=world.officer)

    html = page_as(world.officer).get(url, {"enterprise": world.enterprise2.pk}).content.decode()
    form, rows = _form_and_rows(html)

    assert f'<option value="{world.enterprise2.pk}" selected>{world.enterprise2.name}</option>' in form
    assert world.enterprise2.name in rows and world.enterprise.name not in rows


def test_the_api_answers_400_for_another_stations_enterprise(world, api_as):
    DemandFactory(enterprise=world.other_enterprise, raised_by=world.other_officer)

    for url in ("/api/v1/visits/", "/api/v1/demands/"):
        response = api_as(world.officer).get(url, {"enterprise": world.other_enterprise.pk})
        assert response.status_code == 400, url
        assert response.json()["detail"].startswith("enterprise:")


def test_the_enterprise_api_searches_by_name_for_the_picker(world, api_as):
    response = api_as(world.officer).get("/api/v1/enterprises/", {"q": "新马", "page_size": 20})

    names = {row["name"] for row in response.json()["results"]}
    assert names == {world.enterprise.name, world.enterprise2.name}
    assert api_as(world.officer).get("/api/v1/enterprises/", {"q": "群丰"}).json()["results"] == []
