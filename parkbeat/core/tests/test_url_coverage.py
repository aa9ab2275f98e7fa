"""Deny by default (SECURITY B1), checked against the URL configuration itself.

Every route must be claimed by some test module's `COVERS` (a permission test for it), every claim must
name a real route, and anonymous callers get 302 to the login page (pages) or 401 (API) on every route
except the few that are public by design.
"""
import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from rest_framework.test import APIClient

from parkbeat.core.tests.routes import all_routes, declared_coverage

# Reachable without logging in, by design (set_language and static files are not walked at all).
PUBLIC = {"login": "get", "health": "get", "health_report": "get", "auth_token": "post"}


def test_every_route_has_a_permission_test():
    covered = declared_coverage()

    missing = sorted(route.name for route in all_routes() if route.name not in covered)

    assert not missing, (
        f"{len(missing)} route(s) have no permission test; add one and list the route name in that test "
        f"module's COVERS: {missing}")


def test_every_declared_coverage_names_a_real_route():
    names = {route.name for route in all_routes()}

    unknown = {name: sorted(modules) for name, modules in declared_coverage().items() if name not in names}

    assert not unknown, f"COVERS names routes that do not exist: {unknown}"


def test_routes_covered_figure(capsys):
    """The closing note's figure: routes covered by permission tests / total routes."""
    routes = all_routes()
    covered = declared_coverage()

    count = sum(route.name in covered for route in routes)

    with capsys.disabled():
        print(f"\n[figure] routes covered by permission tests: {count}/{len(routes)}")
    assert count == len(routes)


def _anonymous_cases():
    cases = []
    for route in all_routes():
        if route.name in PUBLIC:
            continue
        for method in sorted(route.methods - {"put"} if not route.is_api else route.methods):
            cases.append(pytest.param(route, method, id=f"{method.upper()} {route.name}"))
    return cases


@pytest.mark.parametrize("route,method", _anonymous_cases())
def test_anonymous_is_sent_to_login_or_gets_401(db, route, method):
    client = APIClient()  # no CSRF enforcement: the refusal must come from the login check itself

    response = getattr(client, method)(route.sample_path())

    if route.is_api:
        assert response.status_code == 401, (route.name, response.status_code)
    else:
        assert response.status_code == 302, (route.name, response.status_code)
        assert response["Location"].startswith(resolve_url(settings.LOGIN_URL)), response["Location"]


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_public_routes_answer_anonymous_callers(db, name):
    route = next(route for route in all_routes() if route.name == name)

    response = getattr(APIClient(), PUBLIC[name])(route.sample_path(), {}, format="json")

    # The page or the answer itself: 200, or for the token endpoint without credentials a 400 naming them.
    assert response.status_code == (400 if name == "auth_token" else 200)


def test_schema_and_docs_require_login(db):
    client = APIClient()

    for path in ("/api/schema/", "/api/docs/"):
        assert client.get(path).status_code == 401, path


def test_there_is_no_redoc_page(world, api_as):
    """drf-spectacular's Redoc page needs an inline script the CSP refuses and fonts from the internet: the API
    documentation is Swagger UI at /api/docs/, served locally."""
    assert api_as(world.officer).get("/api/redoc/").status_code == 404


def test_an_unmatched_api_path_answers_json_and_a_page_path_the_page(world, client, api_as):
    api = api_as(world.officer).get("/api/v1/demands/-1/")
    client.force_login(world.officer)
    page = client.get("/enterprises/demands/-1/")

    assert (api.status_code, api["Content-Type"], set(api.json())) == (404, "application/json", {"detail"})
    assert (page.status_code, page["Content-Type"]) == (404, "text/html; charset=utf-8")


def test_a_number_too_large_for_the_database_is_a_400_not_a_500(world, api_as):
    response = api_as(world.officer).get("/api/v1/visits/", {"enterprise": "1e30"})

    assert response.status_code == 400
    assert response.json()["detail"].startswith("enterprise:")  # the filter names the bad field
