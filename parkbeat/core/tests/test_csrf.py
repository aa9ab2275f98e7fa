"""SECURITY E3: every state-changing page refuses a POST without the CSRF token, and changes nothing.

The POST routes come from the URL configuration (core.tests.routes), so a new form is checked the day
it is added. Django's CSRF failure view is replaced in these tests by one that answers with a marker,
so a refusal is known to come from the CSRF check and not from a permission or a missing object.
The API: with a session cookie it needs the token too; with a bearer token (no cookie) it does not.
"""
import re
import secrets
from datetime import timedelta

import pytest
from django.http import HttpResponseForbidden
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from parkbeat.core.authentication import hash_token
from parkbeat.core.tests.routes import all_routes
from parkbeat.core.tests.test_permission_matrix import fingerprint
from parkbeat.enterprises.models import Demand, Enterprise
from parkbeat.org.models import ApiToken, RoleAssignment

CSRF_REFUSED = "csrf-refused-by-test"
TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

# The user who may do what each form does (so "nothing changed" means something), and the object in its
# path; routes not listed are posted as the leader to their sample path (the CSRF check comes first).
POSTER = {
    "org:duty_create": "officer", "org:duty_delete": "officer", "org:user_create": "sysadmin",
    "org:user_toggle": "sysadmin", "org:user_password": "sysadmin", "org:role_create": "secadmin",
    "org:role_delete": "secadmin", "enterprises:liaison_create": "liaison", "enterprises:liaison_update": "liaison",
}


def csrf_refused(request, reason=""):
    return HttpResponseForbidden(CSRF_REFUSED)


@pytest.fixture(autouse=True)
def _marked_csrf_failures(settings):
    settings.CSRF_FAILURE_VIEW = "parkbeat.core.tests.test_csrf.csrf_refused"


def _path(route, world):
    """A real object in the path where the form needs one; otherwise the sample path (the CSRF check
    answers before any lookup, so a missing object cannot hide a missing check)."""
    objects = {
        "org:user_toggle": {"pk": world.nobody.pk}, "org:user_password": {"pk": world.nobody.pk},
        "org:role_delete": {"pk": RoleAssignment.objects.get(user=world.volunteer).pk},
    }
    kwargs = objects.get(route.name)
    if kwargs is None and route.converters:
        names = {name for name, _converter in route.converters}
        if names == {"pk"} and route.name.startswith("enterprises:demand"):
            kwargs = {"pk": Demand.objects.filter(enterprise=world.enterprise).first().pk}
        elif names == {"pk"} and route.name.startswith("enterprises:"):
            kwargs = {"pk": world.enterprise.pk}
    return reverse(route.name, kwargs=kwargs) if kwargs else route.sample_path()


def _page_post_routes():
    return [pytest.param(route, id=route.name) for route in all_routes()
            if not route.is_api and "post" in route.methods]


def _token(client):
    """The CSRF token a page hands out (hidden form field), as a browser would use it."""
    page = client.get(reverse("home"), follow=True).content.decode()
    return TOKEN_RE.search(page).group(1)


@pytest.fixture
def demand(world):
    from parkbeat.testing import DemandFactory

    return DemandFactory(enterprise=world.enterprise, raised_by=world.officer2)


@pytest.mark.parametrize("route", _page_post_routes())
def test_every_page_post_without_the_token_is_refused_and_changes_nothing(world, demand, route):
    client = Client(enforce_csrf_checks=True)
    if route.name != "login":
        client.force_login(world.role_users()[POSTER.get(route.name, "leader")])
    before = fingerprint()
    sessions_before = client.session.session_key

    response = client.post(_path(route, world), {"version": 1, "action": "close", "active": ""})

    assert (response.status_code, response.content.decode()) == (403, CSRF_REFUSED), route.name
    assert fingerprint() == before
    assert client.session.session_key == sessions_before  # logout and login did not happen either


@pytest.mark.parametrize("route", _page_post_routes())
def test_every_page_post_with_the_token_passes_the_csrf_check(world, demand, route):
    client = Client(enforce_csrf_checks=True)
    if route.name != "login":
        client.force_login(world.role_users()[POSTER.get(route.name, "leader")])
    token = _token(client)

    response = client.post(_path(route, world), {"csrfmiddlewaretoken": token})

    assert response.content.decode() != CSRF_REFUSED, route.name


def test_a_form_with_the_token_does_its_work(world, client):
    """The token a page hands out is the one that works: an edit goes through."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.officer)
    url = reverse("enterprises:enterprise_update", args=[world.enterprise.pk])
    form = browser.get(url).content.decode()
    token = TOKEN_RE.search(form).group(1)

    response = browser.post(url, {
        "csrfmiddlewaretoken": token, "version": 1, "name": world.enterprise.name,
        "credit_code": world.enterprise.credit_code, "park": world.park.pk, "industry": "machinery",
        "headcount": 222, "status": "active"})

    assert response.status_code == 302, response.content.decode()[:2000]
    assert Enterprise.objects.get(pk=world.enterprise.pk).headcount == 222


def test_logout_without_the_token_keeps_the_session(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.officer)

    client.post(reverse("logout"))

    assert client.get(reverse("home")).status_code == 200  # still logged in


# ---------------------------------------------------------------- the API
BODY = {"category": "security", "content": "请加强夜间巡逻"}


def test_api_with_a_session_cookie_needs_the_csrf_token(world):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.officer)  # a real session cookie, as the pages' JavaScript would have

    refused = client.post("/api/v1/demands/", {**BODY, "enterprise": world.enterprise.pk}, format="json")
    token = _token(client)
    accepted = client.post("/api/v1/demands/", {**BODY, "enterprise": world.enterprise.pk}, format="json",
                           HTTP_X_CSRFTOKEN=token)

    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert accepted.status_code == 201, accepted.content
    assert Demand.objects.filter(content=BODY["content"]).count() == 1


def test_api_with_a_bearer_token_needs_no_csrf_token(world):
    key = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=world.officer, key_hash=hash_token(key),
                            expires_at=timezone.now() + timedelta(hours=1))
    client = APIClient(enforce_csrf_checks=True)

    response = client.post("/api/v1/demands/", {**BODY, "enterprise": world.enterprise.pk}, format="json",
                           HTTP_AUTHORIZATION=f"Bearer {key}")

    assert response.status_code == 201, response.content
