"""Parks and other prevention areas (Park.kind): an area outside any industrial park (a campus's surroundings,
护校安园) is a park of the station of another kind; the leader edits it through the page and the API (a strict
body), the list filters and badges it, and an area works as a patrol and case area."""
import pytest
from django.conf import settings

from parkbeat.audit.models import AuditEvent
from parkbeat.crime.tests import helpers as crime
from parkbeat.org.models import Park, Role
from parkbeat.testing import ParkFactory, assign

COVERS = {"org:park_edit", "park-detail"}


@pytest.fixture
def area(world):
    area = ParkFactory(station=world.station, name="新马中学周边", code="xinma-school", kind=Park.Kind.CAMPUS)
    assign(world.officer, Role.PARK_OFFICER, park=area)
    return area


@pytest.fixture
def page(page_as):
    def make(user):
        client = page_as(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client
    return make


@pytest.mark.django_db
def test_existing_parks_are_industrial_parks(world):
    assert set(Park.objects.values_list("kind", flat=True)) == {"industrial"}


def test_the_leader_edits_the_kind_on_the_page_and_it_is_audited(world, page):
    url = f"/org/parks/{world.park2.pk}/edit/"
    client = page(world.leader)
    assert 'name="kind"' in client.get(url).content.decode()
    answer = client.post(url, {"name": "栗雨中学周边", "kind": "campus", "address": "", "description": "护校安园"})
    assert answer.status_code == 302
    park = Park.objects.get(pk=world.park2.pk)
    assert (park.kind, park.name, park.description) == ("campus", "栗雨中学周边", "护校安园")
    event = AuditEvent.objects.filter(object_type="org.Park", object_id=str(park.pk), verb="update").latest("id")
    assert "kind" in event.changes and "industrial" in str(event.changes["kind"])
    detail = client.get(f"/org/parks/{park.pk}/").content.decode()
    assert 'id="park-kind"' in detail and "Campus surroundings" in detail


def test_bad_input_is_a_form_error(world, page):
    url = f"/org/parks/{world.park2.pk}/edit/"
    client = page(world.leader)
    for body in ({"name": "", "kind": "campus"}, {"name": "x", "kind": "moon"},
                 {"name": world.park.name, "kind": "industrial"}):
        answer = client.post(url, body)
        assert answer.status_code == 200 and "invalid-feedback" in answer.content.decode()
    assert Park.objects.get(pk=world.park2.pk).name == "栗雨工业园"


def test_only_the_leader_edits_and_another_station_is_a_404(world, page, api_as):
    url = f"/org/parks/{world.park.pk}/edit/"
    for user in (world.officer, world.auxiliary, world.liaison, world.agency_staff, world.sysadmin):
        assert page(user).get(url).status_code in (403, 404)
        assert page(user).post(url, {"name": "x", "kind": "campus"}).status_code in (403, 404)
        assert api_as(user).patch(f"/api/v1/parks/{world.park.pk}/", {"kind": "campus"},
                                  format="json").status_code in (403, 404)
    assert page(world.leader).get(f"/org/parks/{world.other_park.pk}/edit/").status_code == 404
    assert api_as(world.leader).patch(f"/api/v1/parks/{world.other_park.pk}/", {"kind": "campus"},
                                      format="json").status_code == 404
    assert set(Park.objects.values_list("kind", flat=True)) == {"industrial"}


def test_the_api_reads_and_writes_the_kind_with_a_strict_body(world, api_as):
    client = api_as(world.leader)
    assert client.get(f"/api/v1/parks/{world.park.pk}/").json()["kind"] == "industrial"
    answer = client.patch(f"/api/v1/parks/{world.park2.pk}/", {"kind": "transport"}, format="json")
    assert answer.status_code == 200 and answer.json()["kind"] == "transport"
    for body, field in (({"kind": "moon"}, "kind"), ({"code": "x"}, "code"), ({"boundary": None}, "boundary")):
        answer = client.patch(f"/api/v1/parks/{world.park2.pk}/", body, format="json")
        assert answer.status_code == 400 and field in answer.json(), answer.json()
    kinds = {row["id"]: row["kind"] for row in client.get("/api/v1/parks/?kind=transport").json()["results"]}
    assert kinds == {world.park2.pk: "transport"}


def test_the_list_filters_and_badges_the_kind(world, area, page):
    body = page(world.leader).get("/org/parks/?kind=campus").content.decode()
    assert area.name in body and world.park.name not in body and "Campus surroundings" in body
    assert page(world.leader).get("/org/parks/?kind=moon").status_code == 200


def test_an_area_is_a_case_and_lead_area(world, area):
    lead = crime.lead(world, park=area, area="校门口")
    case = crime.case(world, enterprise=None, park=area, lead=lead, kind="illegal_business",
                      expected_version=lead.version)
    assert (lead.park, case.park, case.enterprise) == (area, area, None)
    from parkbeat.patrols import services as patrols

    checkpoint = patrols.checkpoint_create(actor=world.leader, park=area, name="学校正门", kind="gate",
                                           lon="113.080000", lat="27.850000")
    route = patrols.route_create(actor=world.leader, park=area, name="护校安园巡线", checkpoints=[checkpoint])
    assert route.park == area
