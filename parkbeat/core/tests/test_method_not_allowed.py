"""A GET on a page's action URL (it takes only the form's POST) shows the house 405 page, not a blank one; the
API keeps its JSON 405; a back link is offered only to a page of this site."""
import pytest

from parkbeat.hazards.tests import helpers as hh


@pytest.mark.django_db
def test_a_get_on_an_action_url_shows_a_page_that_says_so(world, page_as, english_pages):
    hazard = hh.deadline_hazard(world)
    client = page_as(world.officer)
    response = client.get(f"/hazards/{hazard.pk}/review/", HTTP_REFERER=f"http://testserver/hazards/{hazard.pk}/")
    body = response.content.decode()
    assert response.status_code == 405 and "POST" in response["Allow"]
    assert "Submit the form instead" in body and f'href="http://testserver/hazards/{hazard.pk}/"' in body
    assert 'id="inbox-bell"' in body  # the house page, with the navigation
    assert "default-src" in response["Content-Security-Policy"]  # and the house's headers


@pytest.mark.django_db
def test_a_foreign_referer_is_not_offered_as_the_way_back(world, page_as, english_pages):
    hazard = hh.deadline_hazard(world)
    response = page_as(world.officer).get(f"/hazards/{hazard.pk}/review/", HTTP_REFERER="https://evil.example/x")
    assert response.status_code == 405 and "evil.example" not in response.content.decode()


@pytest.mark.django_db
def test_the_api_keeps_its_json_405(world, api_as):
    response = api_as(world.officer).get("/api/v1/auth/token/")
    assert response.status_code == 405 and response.json()["detail"]
