"""Who reaches which lecture, campaign, coverage row and rule: the police of the park (auxiliaries too) plan and
record; the enterprise's liaison sees only its own lectures, coverage and adopted rules; a volunteer only the
lectures they speak at; agencies and mediators nothing; another station 404; pages, API, export and figures."""
import io

import pytest
from django.conf import settings
from django.utils import timezone
from openpyxl import load_workbook

from parkbeat.outreach import services
from parkbeat.outreach.models import Lecture, RuleAdoption
from parkbeat.outreach.tests import helpers as h
from parkbeat.testing import VolunteerFactory

COVERS = {
    "outreach:lecture_list", "outreach:lecture_create", "outreach:lecture_detail", "outreach:lecture_transition",
    "outreach:lecture_attendance", "outreach:campaign_list", "outreach:campaign_create", "outreach:campaign_detail",
    "outreach:campaign_update", "outreach:coverage", "outreach:coverage_map", "outreach:adoption_list",
    "outreach:rule_create", "outreach:adoption_create",
    "outreach-lecture-list", "outreach-lecture-detail", "outreach-lecture-transition", "outreach-lecture-attendance",
    "outreach-lecture-events", "outreach-lecture-figures", "outreach-lecture-free-slots", "outreach-campaign-list",
    "outreach-campaign-detail", "outreach-campaign-materials", "outreach-coverage-list", "outreach-rule-list",
    "outreach-rule-detail", "outreach-adoption-list", "outreach-adoption-detail", "outreach-adoption-end",
}


@pytest.fixture
def page(page_as):
    def make(user):
        client = page_as(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client
    return make


@pytest.fixture
def lectures(world):
    """Ours (held, 40 people, at the liaison's enterprise), a neighbour's in the same park (held, 10), another
    station's (planned)."""
    ours = h.held(world, attendance=40, topic="防范电信网络诈骗")
    neighbour = h.held(world, enterprise=world.enterprise2, attendance=10, topic="消防安全进企业")
    theirs = h.planned(world, enterprise=world.other_enterprise, actor=world.other_officer, topic="交通安全")
    return ours, neighbour, theirs


def ids(client, url="/api/v1/outreach/lectures/"):
    return sorted(row["id"] for row in client.get(url).json()["results"])


def test_police_see_their_parks_lectures_and_another_station_gets_404(world, lectures, page, api_as):
    ours, neighbour, theirs = lectures
    for user in (world.leader, world.officer, world.auxiliary):
        assert ids(api_as(user)) == sorted([ours.pk, neighbour.pk])
    assert ids(api_as(world.other_officer)) == [theirs.pk]
    for url in (f"/outreach/{ours.pk}/", f"/api/v1/outreach/lectures/{ours.pk}/",
                f"/api/v1/outreach/lectures/{ours.pk}/events/"):
        assert page(world.other_officer).get(url).status_code == 404
    body = page(world.auxiliary).get("/outreach/").content.decode()
    assert "防范电信网络诈骗" in body and "交通安全" not in body


def test_the_liaison_sees_only_their_enterprises_lectures_coverage_and_figures(world, lectures, page, api_as):
    ours, neighbour, _theirs = lectures
    liaison = api_as(world.liaison)
    assert ids(liaison) == [ours.pk]
    assert liaison.get(f"/api/v1/outreach/lectures/{neighbour.pk}/").status_code == 404
    assert page(world.liaison).get(f"/outreach/{neighbour.pk}/").status_code == 404
    coverage = liaison.get("/api/v1/outreach/coverage/").json()["results"]
    assert [(r["enterprise"], r["reached"]) for r in coverage] == [(world.enterprise.pk, 40)]
    figures = liaison.get("/api/v1/outreach/lectures/figures/").json()
    assert (figures["lectures_held"], figures["people_reached"], figures["enterprises_in_scope"]) == (1, 40, 1)
    listed = page(world.liaison).get("/outreach/coverage/").content.decode()
    assert f'id="coverage-{world.enterprise.pk}"' in listed and f'id="coverage-{world.enterprise2.pk}"' not in listed
    export = page(world.liaison).get("/outreach/?export=xlsx")
    sheet = load_workbook(io.BytesIO(export.content)).active
    topics = {row[2] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert topics == {"防范电信网络诈骗"}
    coverage_export = page(world.liaison).get("/outreach/coverage/?export=xlsx")
    names = {row[0] for row in load_workbook(io.BytesIO(coverage_export.content)).active.iter_rows(
        min_row=2, values_only=True)}
    assert names == {world.enterprise.name}


def test_the_liaison_plans_nothing(world, lectures, page, api_as):
    ours = lectures[0]
    starts_at, ends_at = h.outside()
    body = {"enterprise": world.enterprise.pk, "topic": "x", "starts_at": starts_at.isoformat(),
            "ends_at": ends_at.isoformat()}
    for user in (world.liaison, world.volunteer, world.agency_staff, world.mediator):
        assert api_as(user).post("/api/v1/outreach/lectures/", body, format="json").status_code == 403
        assert page(user).get("/outreach/new/").status_code == 403
        assert page(user).get("/outreach/campaigns/").status_code == 403
    for user in (world.liaison,):
        assert api_as(user).post(f"/api/v1/outreach/lectures/{ours.pk}/attendance/", {
            "version": ours.version, "attendance": 1}, format="json").status_code == 403
        assert page(user).post(f"/outreach/{ours.pk}/attendance/", {"version": ours.version,
                                                                     "attendance": 1}).status_code == 403
    assert Lecture.objects.get(pk=ours.pk).attendance == 40
    assert Lecture.objects.count() == 3


def test_a_volunteer_sees_only_the_lectures_they_speak_at(world, page, api_as):
    VolunteerFactory(team=world.team, user=world.volunteer, status="active")
    spoken = h.planned(world, speakers=[world.volunteer], topic="义警讲反诈")
    other = h.planned(world, enterprise=world.enterprise2, topic="别的宣讲")
    assert ids(api_as(world.volunteer)) == [spoken.pk]
    assert page(world.volunteer).get(f"/outreach/{spoken.pk}/").status_code == 200
    assert page(world.volunteer).get(f"/outreach/{other.pk}/").status_code == 404
    assert api_as(world.volunteer).get("/api/v1/outreach/coverage/").status_code == 403
    assert api_as(world.volunteer).get("/api/v1/outreach/lectures/figures/").status_code == 403
    assert page(world.volunteer).get("/outreach/coverage/").status_code == 403


@pytest.mark.parametrize("role", ["agency_staff", "mediator", "sysadmin", "auditor"])
def test_agencies_mediators_and_administrators_see_nothing(world, lectures, page, api_as, role):
    user = getattr(world, role)
    assert api_as(user).get("/api/v1/outreach/lectures/").status_code == 403
    assert api_as(user).get(f"/api/v1/outreach/lectures/{lectures[0].pk}/").status_code == 403
    assert api_as(user).get("/api/v1/outreach/coverage/").status_code == 403
    assert api_as(user).get("/api/v1/outreach/lectures/figures/").status_code == 403
    assert page(user).get("/outreach/").status_code == 403
    assert page(user).get(f"/outreach/{lectures[0].pk}/").status_code == 403
    assert page(user).get("/outreach/coverage/?export=xlsx").status_code == 403
    assert page(user).get("/outreach/coverage/map/").status_code == 403
    assert page(user).get("/outreach/rules/").status_code == 403


def test_the_auxiliary_records_but_another_station_cannot(world, page, api_as):
    lecture = h.past(world)
    response = page(world.auxiliary).post(f"/outreach/{lecture.pk}/transition/", {"version": lecture.version,
                                                                                 "to": "held"})
    assert response.status_code == 302 and Lecture.objects.get(pk=lecture.pk).status == "held"
    lecture.refresh_from_db()
    body = {"version": lecture.version, "attendance": 25}
    assert api_as(world.other_officer).post(f"/api/v1/outreach/lectures/{lecture.pk}/attendance/", body,
                                            format="json").status_code == 404
    assert page(world.other_officer).post(f"/outreach/{lecture.pk}/attendance/", body).status_code == 404
    assert api_as(world.auxiliary).post(f"/api/v1/outreach/lectures/{lecture.pk}/attendance/", body,
                                        format="json").status_code == 200
    assert Lecture.objects.get(pk=lecture.pk).attendance == 25


def test_campaigns_are_the_stations_and_only_its_police_see_them(world, page, api_as):
    today = timezone.localdate()
    campaign = services.campaign_create(actor=world.officer, theme="helmet", title="头盔守规行动", starts_on=today,
                                        ends_on=today, parks=[world.park], materials=[h.pdf()])
    assert page(world.officer2).get(f"/outreach/campaigns/{campaign.pk}/").status_code == 200  # same station
    assert page(world.other_officer).get(f"/outreach/campaigns/{campaign.pk}/").status_code == 404
    assert page(world.other_officer).get(f"/outreach/campaigns/{campaign.pk}/edit/").status_code == 404
    assert api_as(world.other_officer).get(f"/api/v1/outreach/campaigns/{campaign.pk}/").status_code == 404
    assert api_as(world.liaison).get("/api/v1/outreach/campaigns/").status_code == 403
    assert api_as(world.other_officer).get(f"/api/v1/outreach/coverage/?campaign={campaign.pk}").status_code == 400
    material = api_as(world.officer).get(f"/api/v1/outreach/campaigns/{campaign.pk}/").json()["materials"][0]
    assert page(world.officer).get(material).status_code == 200
    assert page(world.other_officer).get(material).status_code == 404
    refused = api_as(world.other_officer).post(f"/api/v1/outreach/campaigns/{campaign.pk}/materials/",
                                               {"files": [h.pdf()]}, format="multipart")
    assert refused.status_code == 404


def test_rules_and_adoptions_by_role(world, page, api_as):
    rule = services.rule_create(actor=world.officer, text="未戴头盔不得入厂", theme="helmet")
    ours = services.adoption_record(actor=world.officer, rule=rule, enterprise=world.enterprise,
                                    since=timezone.localdate())
    services.adoption_record(actor=world.officer, rule=rule, enterprise=world.enterprise2,
                             since=timezone.localdate())
    assert sorted(r["enterprise"] for r in api_as(world.liaison).get("/api/v1/outreach/adoptions/").json()[
        "results"]) == [world.enterprise.pk]
    assert api_as(world.liaison).get("/api/v1/outreach/rules/").status_code == 403
    liaison_page = page(world.liaison).get(f"/outreach/rules/?rule={rule.pk}").content.decode()
    assert f'id="adoption-{ours.pk}"' in liaison_page and "adoption-add" not in liaison_page
    assert api_as(world.liaison).post(f"/api/v1/outreach/adoptions/{ours.pk}/end/", {
        "version": ours.version, "ended_on": timezone.localdate().isoformat()}, format="json").status_code == 403
    assert api_as(world.other_officer).get(f"/api/v1/outreach/adoptions/{ours.pk}/").status_code == 404
    assert page(world.liaison).get("/outreach/rules/new/").status_code == 403
    assert page(world.liaison).get("/outreach/rules/adopt/").status_code == 403
    assert RuleAdoption.objects.get(pk=ours.pk).ended_on is None
    assert api_as(world.officer).get(f"/api/v1/outreach/rules/{rule.pk}/").status_code == 200
    assert api_as(world.other_officer).get(f"/api/v1/outreach/rules/{rule.pk}/").status_code == 404


def test_another_stations_enterprise_in_a_filter_is_refused(world, lectures, page, api_as):
    assert api_as(world.officer).get(f"/api/v1/outreach/lectures/?enterprise={world.other_enterprise.pk}"
                                     ).status_code == 400
    assert api_as(world.officer).get(f"/api/v1/outreach/lectures/free-slots/?enterprise={world.other_enterprise.pk}"
                                     "&minutes=60").status_code == 400
    body = page(world.officer).get(f"/outreach/?enterprise={world.other_enterprise.pk}").content.decode()
    assert "交通安全" not in body and "防范电信网络诈骗" not in body
