"""The interface is Chinese even when the browser asks for English; English is the navbar's one click away."""
import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_are_chinese_when_the_browser_asks_for_english(client):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()

    assert '<html lang="zh-hans">' in page and "用户名" in page and "Username" not in page


def test_the_switch_on_the_login_page_turns_english_on_and_off(client):
    page = client.get(reverse("login")).content.decode()
    assert f'action="{reverse("set_language")}"' in page and 'value="en"' in page

    response = client.post(reverse("set_language"), {"language": "en"}, HTTP_REFERER="http://testserver/login/")
    assert response.status_code == 302 and response.url.endswith(reverse("login"))
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert '<html lang="en">' in page and "Username" in page and 'value="zh-hans"' in page

    client.post(reverse("set_language"), {"language": "zh-hans"}, HTTP_REFERER="http://testserver/login/")
    assert '<html lang="zh-hans">' in client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_a_logged_in_page_follows_the_choice_not_the_browser(world, page_as):
    client = page_as(world.officer)
    page = client.get(reverse("incidents:incident_list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="zh-hans">' in page and 'name="language" value="en"' in page

    client.post(reverse("set_language"), {"language": "en"})
    assert '<html lang="en">' in client.get(reverse("incidents:incident_list")).content.decode()


def test_an_unknown_language_cookie_falls_back_to_chinese(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert '<html lang="zh-hans">' in client.get(reverse("login")).content.decode()


def test_the_api_still_answers_in_the_language_it_is_asked_for(client):
    english = client.get("/api/v1/incidents/", HTTP_ACCEPT_LANGUAGE="en").json()["detail"]
    chinese = client.get("/api/v1/incidents/").json()["detail"]

    assert english.startswith("Authentication credentials") and english != chinese
