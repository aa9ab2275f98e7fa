"""The service page (我的义警), the rankings with print, PDF and export, and their API: who sees what."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from parkbeat.audit.models import AuditEvent
from parkbeat.volunteers.tests.test_hours import Crew

# Routes whose permission tests live here (core/tests/test_url_coverage.py).
COVERS = ["volunteers:my_service", "volunteers:volunteer_service", "volunteers:ranking", "volunteers:ranking_export",
          "volunteers:ranking_print", "volunteers:ranking_pdf", "volunteer-hours", "volunteer-ranking"]


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_pages")]


@pytest.fixture
def crew(world):
    crew = Crew(world)
    now = timezone.now()
    crew.run([world.volunteer, crew.mate_user], now - timedelta(hours=3), now - timedelta(hours=1))  # 2 h each
    crew.run([crew.other_user], now - timedelta(hours=3), now - timedelta(hours=2))
    return crew


def service_url(volunteer):
    return reverse("volunteers:volunteer_service", args=[volunteer.pk])


# ---------------------------------------------------------------- the service page
def test_my_service_page_shows_my_hours_and_points(crew, world, page_as):
    response = page_as(crew.mate_user).get(reverse("volunteers:my_service"))
    assert response.status_code == 200
    page = response.content.decode()
    assert '<div class="fs-4 fw-semibold" id="hours-month">2.0</div>' in page or timezone.localtime().day == 1
    assert 'id="hours-year">2.0<' in page and 'id="points-year">20.0<' in page
    assert "No assigned shifts yet" in page
    assert "队员李" in page


def test_the_navigation_offers_my_service_to_a_volunteer_and_the_ranking_to_the_police(crew, world, page_as):
    page = page_as(crew.mate_user).get(reverse("volunteers:my_service")).content.decode()
    assert f'href="{reverse("volunteers:my_service")}"' in page
    assert f'href="{reverse("volunteers:ranking")}"' not in page
    page = page_as(world.officer).get(reverse("volunteers:ranking")).content.decode()
    assert f'href="{reverse("volunteers:ranking")}"' in page


def test_an_account_without_a_record_is_told_so(world, page_as):
    from parkbeat.core.roles import Role
    from parkbeat.testing import UserFactory, assign

    lone = assign(UserFactory(username="t_lone"), Role.VOLUNTEER, team=world.team)
    response = page_as(lone).get(reverse("volunteers:my_service"))
    assert response.status_code == 200 and 'id="service-unlinked"' in response.content.decode()


def test_a_volunteer_cannot_open_another_volunteers_page(crew, page_as):
    client = page_as(crew.mate_user)  # an ordinary member, not the captain
    assert client.get(service_url(crew.mate)).status_code == 200
    assert client.get(service_url(crew.captain)).status_code == 404
    assert client.get(service_url(crew.vol2)).status_code == 404


def test_the_captain_opens_a_member_of_their_team_without_trainings_and_support(crew, world, page_as):
    client = page_as(world.volunteer)
    page = client.get(service_url(crew.mate)).content.decode()
    assert 'id="hours-year">2.0<' in page and 'id="service-limited"' in page and 'id="service-support"' not in page
    assert client.get(service_url(crew.vol2)).status_code == 404  # another team


def test_the_officer_opens_it_from_the_detail_page_and_another_station_gets_404(crew, world, page_as):
    client = page_as(world.officer)
    detail = client.get(crew.mate.get_absolute_url()).content.decode()
    assert service_url(crew.mate) in detail
    summary = detail.split('id="volunteer-service-summary"')[1].split("</div></div>")[0]
    assert "2.0 h served, 20 points" in summary and service_url(crew.mate) in summary
    page = client.get(service_url(crew.mate)).content.decode()
    assert 'id="service-support"' in page and 'id="hours-year">2.0<' in page
    assert page_as(world.other_officer).get(service_url(crew.mate)).status_code == 404


def test_the_liaison_sees_only_their_enterprises_volunteers(crew, world, page_as):
    client = page_as(world.liaison)
    assert client.get(service_url(crew.mate)).status_code == 200
    assert client.get(service_url(crew.vol2)).status_code == 404  # the second enterprise's team


def test_the_page_lists_the_teams_next_patrol_windows(crew, world, page_as):
    from parkbeat.patrols.tests.helpers import all_week_plan

    all_week_plan(world, route_=crew.route)
    page = page_as(crew.mate_user).get(reverse("volunteers:my_service")).content.decode()
    assert "全天巡逻" in page


def test_the_workbench_tells_a_volunteer_their_next_patrol_and_this_months_hours(crew, world, page_as):
    from parkbeat.patrols.tests.helpers import all_week_plan

    panel = page_as(crew.mate_user).get(reverse("home")).content.decode()
    assert 'id="wb-no-duty"' in panel and 'id="wb-next-patrol"' not in panel
    all_week_plan(world, route_=crew.route)
    panel = page_as(crew.mate_user).get(reverse("home")).content.decode()
    assert 'id="wb-next-patrol"' in panel and "全天巡逻" in panel and 'id="wb-no-duty"' not in panel
    served = panel.split('id="wb-month-service">')[1].split("</span>")[0]
    if timezone.localtime().day > 1 or timezone.localtime().hour >= 3:  # the 2 h run lies inside this month
        assert served == "This month: 2.0 h served, 20 points"
    assert reverse("volunteers:my_service") in panel
    # an account with no volunteer record keeps the team panel without a duty footer
    from parkbeat.core.roles import Role
    from parkbeat.testing import UserFactory, assign

    lone = assign(UserFactory(username="t_lone_home"), Role.VOLUNTEER, team=world.team)
    assert 'id="wb-team-duty"' not in page_as(lone).get(reverse("home")).content.decode()


# ---------------------------------------------------------------- rankings
def period_query():
    today = timezone.localdate()
    return {"from": (today - timedelta(days=2)).isoformat(), "to": today.isoformat()}


def test_ranking_page_print_and_export(crew, world, page_as):
    client = page_as(world.leader)
    page = client.get(reverse("volunteers:ranking"), period_query()).content.decode()
    assert "队员李" in page and "外所义警" not in page
    printed = client.get(reverse("volunteers:ranking_print"), {**period_query(), "by": "team"})
    assert printed.status_code == 200 and "parkbeat/print.js" in printed.content.decode()
    assert world.team.name in printed.content.decode()
    exported = client.get(reverse("volunteers:ranking_export"), period_query())
    assert exported.status_code == 200 and exported["Content-Type"].startswith("application/vnd.openxml")
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(exported.content)).active
    rows = [tuple(c.value for c in row) for row in sheet.iter_rows()]
    assert len(rows[0]) == 6  # the headers in the page language
    assert rows[1:] == [(1, "队员李", world.team.name, 2, 0, 20), (1, "队长张", world.team.name, 2, 0, 20),
                        (3, "电子王", crew.team2.name, 0, 0, 0)]
    assert AuditEvent.objects.filter(verb="export", object_type="volunteers.Volunteer").count() == 1
    pdf = client.get(reverse("volunteers:ranking_pdf"), period_query())
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_ranking_of_another_stations_team_is_404_on_page_export_and_api(crew, world, page_as, api_as):
    query = {**period_query(), "team": crew.other_team.pk}
    client = page_as(world.officer)
    assert client.get(reverse("volunteers:ranking"), query).status_code == 404
    assert client.get(reverse("volunteers:ranking_export"), query).status_code == 404
    assert client.get(reverse("volunteers:ranking_print"), query).status_code == 404
    assert client.get(reverse("volunteers:ranking_pdf"), query).status_code == 404
    assert not AuditEvent.objects.filter(verb="export").exists()
    assert api_as(world.officer).get("/api/v1/volunteer-rankings/", query).status_code == 404


def test_ranking_page_shows_a_bad_time_on_its_field(crew, world, page_as):
    response = page_as(world.leader).get(reverse("volunteers:ranking"), {"from": "2026-02-30"})
    assert response.status_code == 200 and 'is-invalid' in response.content.decode()
    export = page_as(world.leader).get(reverse("volunteers:ranking_export"), {"to": "soon"})
    assert export.status_code == 302 and not AuditEvent.objects.filter(verb="export").exists()


def test_ranking_refused_to_roles_without_volunteers(world, page_as, api_as):
    for name in ("volunteers:ranking", "volunteers:ranking_export", "volunteers:ranking_print",
                 "volunteers:ranking_pdf", "volunteers:my_service"):
        assert page_as(world.mediator).get(reverse(name)).status_code == 403, name
    assert api_as(world.mediator).get("/api/v1/volunteer-rankings/").status_code == 403


# ---------------------------------------------------------------- API
def test_api_hours_of_a_volunteer(crew, world, api_as):
    body = api_as(world.officer).get(f"/api/v1/volunteers/{crew.mate.pk}/hours/", period_query()).json()
    assert body["seconds"] == 7200.0 and body["hours"] == 2.0 and body["points"] == 20.0
    assert body["by_source"] == {"patrol": 7200.0, "guarding": 0.0, "outreach": 0.0} and body["bonuses"] == {"findings": 0}
    assert body["reliability"] == {"assigned": 0, "attended": 0, "no_shows": 0, "rate": None}


def test_api_hours_scope(crew, world, api_as):
    url = f"/api/v1/volunteers/{crew.mate.pk}/hours/"
    assert api_as(world.other_officer).get(url).status_code == 404
    assert api_as(crew.user2).get(url).status_code == 404
    assert api_as(crew.mate_user).get(url).status_code == 200
    assert api_as(world.liaison).get(f"/api/v1/volunteers/{crew.vol2.pk}/hours/").status_code == 404


@pytest.mark.parametrize("query, field", [
    ({"from": "yesterday"}, "from"),
    ({"to": "2026-13-01"}, "to"),
    ({"from": "2026-11-10", "to": "2026-11-01"}, "to"),
    ({"from": "2024-01-01", "to": "2026-11-01"}, "to"),  # longer than 366 days
    ({"from": "1999-12-31"}, "from"),
    ({"since": "2026-11-01"}, "since"),
])
def test_api_bad_periods_are_400_naming_the_parameter(crew, world, api_as, query, field):
    client = api_as(world.officer)
    for url in (f"/api/v1/volunteers/{crew.mate.pk}/hours/", "/api/v1/volunteer-rankings/"):
        response = client.get(url, query)
        assert response.status_code == 400, (url, response.content)
        assert field in response.json()


def test_api_ranking_by_person_and_team(crew, world, api_as):
    client = api_as(world.leader)
    people = client.get("/api/v1/volunteer-rankings/", period_query()).json()
    assert [(r["name"], r["hours"], r["rank"]) for r in people["results"]] == [
        ("队员李", 2.0, 1), ("队长张", 2.0, 1), ("电子王", 0.0, 3)]
    teams = client.get("/api/v1/volunteer-rankings/", {**period_query(), "by": "team"}).json()
    assert {r["name"]: r["hours"] for r in teams["results"]} == {world.team.name: 4.0, crew.team2.name: 0.0}
    assert "by" in client.get("/api/v1/volunteer-rankings/", {"by": "enterprise"}).json()


def test_the_schema_lists_the_endpoints(api_as, world):
    schema = api_as(world.officer).get("/api/schema/", {"format": "json"}).json()
    assert "/api/v1/volunteers/{id}/hours/" in schema["paths"]
    assert "/api/v1/volunteer-rankings/" in schema["paths"]


def test_guard_shifts_and_reliability_on_the_page_and_api(crew, world, page_as, api_as):
    from parkbeat.volunteers.tests.test_hours import guard_shift

    now = timezone.now()
    guard_shift(world, now - timedelta(hours=8), now - timedelta(hours=6), {crew.mate_user: now - timedelta(hours=8)})
    guard_shift(world, now - timedelta(hours=5), now - timedelta(hours=4), {crew.mate_user: None})
    guard_shift(world, now + timedelta(hours=5), now + timedelta(hours=9), {crew.mate_user: None})
    page = page_as(crew.mate_user).get(reverse("volunteers:my_service")).content.decode()
    assert "Arrived for 1 of 2 guard shifts this year; 1 missed." in page
    assert "did not arrive" in page and 'id="upcoming-shifts"' in page and 'id="hours-year">4.0<' in page
    body = api_as(world.officer).get(f"/api/v1/volunteers/{crew.mate.pk}/hours/").json()
    assert body["reliability"] == {"assigned": 2, "attended": 1, "no_shows": 1, "rate": 0.5}
    assert body["by_source"]["guarding"] == 7200.0 or timezone.localtime(now - timedelta(hours=8)).month != \
        timezone.localtime(now).month


def test_api_the_captain_reads_a_members_hours_not_another_teams(crew, world, api_as):
    client = api_as(world.volunteer)  # the team's captain
    assert client.get(f"/api/v1/volunteers/{crew.mate.pk}/hours/").json()["seconds"] == 7200.0
    assert client.get(f"/api/v1/volunteers/{crew.vol2.pk}/hours/").status_code == 404


def test_api_ranking_for_the_liaison_and_by_source(crew, world, api_as):
    body = api_as(world.liaison).get("/api/v1/volunteer-rankings/", period_query()).json()
    assert {r["name"] for r in body["results"]} == {"队长张", "队员李"}
    assert body["results"][0]["by_source"] == {"patrol": 7200.0, "guarding": 0.0, "outreach": 0.0}
    teams = api_as(world.liaison).get("/api/v1/volunteer-rankings/", {**period_query(), "by": "team"}).json()
    assert [(r["name"], r["hours"], r["enterprise"]) for r in teams["results"]] == [
        (world.team.name, 4.0, world.enterprise.name)]
