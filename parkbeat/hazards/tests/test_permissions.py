"""Who reaches which hazard: the police of the park, the enterprise's liaison only its own, agency staff only the
hazards of inspections they joined or referred to their agency, volunteers and mediators nothing, another station
404; the wrong role 403 and nothing changed; pages, API and export."""
import pytest
from django.conf import settings

from parkbeat.hazards import services
from parkbeat.hazards.models import Hazard, HazardEvent
from parkbeat.hazards.tests import helpers as h
from parkbeat.org.models import Agency, Role
from parkbeat.testing import EnterpriseFactory, UserFactory, assign

COVERS = {
    "hazards:hazard_list", "hazards:hazard_create", "hazards:my_hazards", "hazards:hazard_detail",
    "hazards:hazard_evidence", "hazards:hazard_review", "hazards:hazard_follow_up", "hazards:hazard_refer",
    "hazard-list", "hazard-detail", "hazard-follow-up", "hazard-evidence", "hazard-review", "hazard-refer",
    "hazard-events", "hazard-figures",
}


@pytest.fixture
def page(page_as):
    def make(user):
        client = page_as(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client
    return make


@pytest.fixture
def hazards(world):
    """Ours (deadline, at the liaison's enterprise), a neighbour's in the same park, another station's."""
    ours = h.deadline_hazard(world)
    neighbour = h.deadline_hazard(world, enterprise=world.enterprise2, description="仓库堆垛距灯具过近")
    theirs = services.hazard_create(actor=world.other_officer, enterprise=world.other_enterprise,
                                    description="电动车在楼道充电", disposition="deadline",
                                    deadline=services.today_in_shanghai(), responsible_name="李")
    return ours, neighbour, theirs


def ids(client, url="/api/v1/hazards/"):
    return sorted(row["id"] for row in client.get(url).json()["results"])


# ---------------------------------------------------------------- scope
def test_police_see_their_parks_hazards_and_another_station_gets_404(world, hazards, page, api_as):
    ours, neighbour, theirs = hazards
    for user in (world.leader, world.officer, world.auxiliary):
        assert ids(api_as(user)) == sorted([ours.pk, neighbour.pk])
    assert ids(api_as(world.other_officer)) == [theirs.pk]
    for url in (f"/hazards/{ours.pk}/", f"/api/v1/hazards/{ours.pk}/", f"/api/v1/hazards/{ours.pk}/events/"):
        assert page(world.other_officer).get(url).status_code == 404
    body = page(world.officer).get("/hazards/").content.decode()
    assert "灭火器过期未更换" in body and "电动车在楼道充电" not in body


def test_the_liaison_sees_only_their_enterprises_hazards(world, hazards, page, api_as):
    ours, neighbour, _theirs = hazards
    assert ids(api_as(world.liaison)) == [ours.pk]
    assert api_as(world.liaison).get(f"/api/v1/hazards/{neighbour.pk}/").status_code == 404
    assert page(world.liaison).get(f"/hazards/{neighbour.pk}/").status_code == 404
    mine = page(world.liaison).get("/hazards/mine/")
    assert mine.status_code == 200
    assert f'id="my-hazard-{ours.pk}"' in mine.content.decode()
    assert f'id="my-hazard-{neighbour.pk}"' not in mine.content.decode()


def test_agency_staff_see_hazards_of_inspections_they_joined_or_referred_to_them(world, page, api_as):
    from parkbeat.inspections.tests import helpers as ih

    joined = h.inspected(world, agencies=[world.agency], agency_staff=[world.agency_staff])
    from_joined = services.hazard_create(actor=world.officer, result=joined, description=joined.note,
                                         disposition="deadline", deadline=services.today_in_shanghai(),
                                         responsible_name="王")
    other = h.deadline_hazard(world, enterprise=world.enterprise2)
    assert ids(api_as(world.agency_staff)) == [from_joined.pk]
    assert api_as(world.agency_staff).get(f"/api/v1/hazards/{other.pk}/").status_code == 404
    colleague = assign(UserFactory(username="t_agency2"), Role.AGENCY_STAFF, agency=world.agency)
    assert ids(api_as(colleague)) == []  # not named on that inspection
    services.hazard_refer(actor=world.officer, hazard=other, agency=world.agency, note="消防执法",
                          expected_version=other.version)
    assert ids(api_as(colleague)) == [other.pk]
    assert page(colleague).get(f"/hazards/{other.pk}/").status_code == 200
    assert ih  # the inspection helpers made the joint inspection


@pytest.mark.parametrize("role", ["volunteer", "mediator"])
def test_volunteers_and_mediators_see_no_hazard(world, hazards, page, api_as, role):
    user = getattr(world, role)
    assert api_as(user).get("/api/v1/hazards/").status_code == 403
    assert page(user).get("/hazards/").status_code == 403
    assert page(user).get(f"/hazards/{hazards[0].pk}/").status_code == 403
    assert page(user).get("/hazards/mine/").status_code == 403


@pytest.mark.parametrize("role", ["sysadmin", "secadmin", "auditor"])
def test_administrators_read_no_hazard(world, hazards, api_as, role):
    assert api_as(getattr(world, role)).get(f"/api/v1/hazards/{hazards[0].pk}/").status_code == 403


def test_my_hazards_is_the_liaisons_page(world, page):
    assert page(world.officer).get("/hazards/mine/").status_code == 403


# ---------------------------------------------------------------- writes by role
def test_only_police_register_hazards(world, page, api_as):
    body = {"enterprise": world.enterprise.pk, "description": "安全出口堆放货物", "disposition": "deadline",
            "deadline": services.today_in_shanghai().isoformat(), "responsible_name": "王"}
    for user in (world.liaison, world.agency_staff, world.volunteer):
        assert api_as(user).post("/api/v1/hazards/", body, format="json").status_code == 403
        assert page(user).get("/hazards/new/").status_code == 403
    assert api_as(world.other_officer).post("/api/v1/hazards/", body, format="json").status_code == 400
    assert not Hazard.objects.exists()
    assert api_as(world.auxiliary).post("/api/v1/hazards/", body, format="json").status_code == 201


def test_strike_off_only_by_leader_or_officer(world, page, api_as):
    hazard = h.submitted(world)
    body = {"version": hazard.version, "decision": "accept"}
    for user in (world.auxiliary, world.liaison):
        assert api_as(user).post(f"/api/v1/hazards/{hazard.pk}/review/", body, format="json").status_code == 403
        assert page(user).post(f"/hazards/{hazard.pk}/review/", body).status_code == 403
    assert api_as(world.other_officer).post(f"/api/v1/hazards/{hazard.pk}/review/", body,
                                            format="json").status_code == 404
    assert Hazard.objects.get(pk=hazard.pk).state == "submitted"
    response = page(world.officer).post(f"/hazards/{hazard.pk}/review/", body)
    assert response.status_code == 302
    assert Hazard.objects.get(pk=hazard.pk).state == "struck_off"


def test_agency_staff_cannot_upload_evidence_or_review(world, api_as):
    hazard = h.deadline_hazard(world)
    services.hazard_refer(actor=world.officer, hazard=hazard, agency=world.agency, note="消防执法",
                          expected_version=hazard.version)
    hazard.refresh_from_db()
    client = api_as(world.agency_staff)
    assert client.get(f"/api/v1/hazards/{hazard.pk}/").status_code == 200
    assert client.post(f"/api/v1/hazards/{hazard.pk}/evidence/", {"files": [h.png()]},
                       format="multipart").status_code == 403
    assert client.post(f"/api/v1/hazards/{hazard.pk}/follow-up/", {"note": "x"}, format="json").status_code == 403
    assert client.post(f"/api/v1/hazards/{hazard.pk}/refer/", {"version": hazard.version, "agency": world.agency.pk,
                                                               "note": "x"}, format="json").status_code == 403
    assert Hazard.objects.get(pk=hazard.pk).state == "rectifying"


def test_the_liaison_uploads_evidence_on_the_page_and_api_but_never_for_another_enterprise(world, page, api_as):
    ours = h.deadline_hazard(world)
    neighbour = h.deadline_hazard(world, enterprise=world.enterprise2)
    response = page(world.liaison).post(f"/hazards/{ours.pk}/evidence/", {
        "version": ours.version, "files": [h.png()], "note": "已整改", "next": "/hazards/mine/"})
    assert response.status_code == 302 and response["Location"] == "/hazards/mine/"
    assert Hazard.objects.get(pk=ours.pk).state == "submitted"
    assert page(world.liaison).post(f"/hazards/{neighbour.pk}/evidence/", {
        "version": neighbour.version, "files": [h.png()]}).status_code == 404
    assert api_as(world.liaison).post(f"/api/v1/hazards/{neighbour.pk}/evidence/", {"files": [h.png()]},
                                      format="multipart").status_code == 404
    assert Hazard.objects.get(pk=neighbour.pk).state == "rectifying"
    # the liaison's evidence for a struck-off hazard: refused, shown on the page
    hazard = Hazard.objects.get(pk=ours.pk)
    services.hazard_review(actor=world.officer, hazard=hazard, accept=True, expected_version=hazard.version)
    api = api_as(world.liaison).post(f"/api/v1/hazards/{ours.pk}/evidence/", {"files": [h.png()]},
                                     format="multipart")
    assert api.status_code == 400 and "struck off" in api.json()["detail"]


def test_follow_up_and_refer_pages(world, page):
    hazard = h.deadline_hazard(world)
    assert page(world.liaison).post(f"/hazards/{hazard.pk}/follow-up/", {"note": "x"}).status_code == 403
    assert page(world.auxiliary).post(f"/hazards/{hazard.pk}/refer/", {
        "version": hazard.version, "agency": world.agency.pk, "note": "x"}).status_code == 403
    at = services.timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    assert page(world.auxiliary).post(f"/hazards/{hazard.pk}/follow-up/", {"at": at, "note": "已督促整改"}).status_code == 302
    assert HazardEvent.objects.filter(hazard=hazard, kind="follow_up", note="已督促整改").exists()
    assert page(world.officer).post(f"/hazards/{hazard.pk}/refer/", {
        "version": hazard.version, "agency": world.agency.pk, "note": "消防执法"}).status_code == 302
    assert Hazard.objects.get(pk=hazard.pk).referred_to == world.agency
    assert page(world.other_officer).post(f"/hazards/{hazard.pk}/follow-up/", {"at": at, "note": "x"}).status_code == 404


def test_refer_only_to_an_agency_of_the_park(world, api_as):
    hazard = h.deadline_hazard(world)
    elsewhere = Agency.objects.create(name="别处应急管理局", kind=Agency.Kind.EMERGENCY, station=world.other_station)
    response = api_as(world.officer).post(f"/api/v1/hazards/{hazard.pk}/refer/", {
        "version": hazard.version, "agency": elsewhere.pk, "note": "x"}, format="json")
    assert response.status_code == 400 and "agency" in response.json()
    assert Hazard.objects.get(pk=hazard.pk).referred_to is None


# ---------------------------------------------------------------- filters, export, bodies
def test_the_list_filters_exports_and_refuses_another_stations_enterprise(world, hazards, page):
    ours, neighbour, _theirs = hazards
    client = page(world.officer)
    body = client.get(f"/hazards/?enterprise={world.enterprise2.pk}").content.decode()
    assert "仓库堆垛距灯具过近" in body and "灭火器过期未更换" not in body
    refused = client.get(f"/hazards/?enterprise={world.other_enterprise.pk}").content.decode()
    assert "电动车在楼道充电" not in refused and "灭火器过期未更换" not in refused
    export = client.get("/hazards/?export=xlsx")
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    from openpyxl import load_workbook
    import io
    sheet = load_workbook(io.BytesIO(export.content)).active
    descriptions = {row[2] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert {"灭火器过期未更换", "仓库堆垛距灯具过近"} <= descriptions and "电动车在楼道充电" not in descriptions
    assert page(world.liaison).get("/hazards/?export=xlsx").status_code == 200


def test_the_api_refuses_unknown_fields_and_bad_times_naming_them(world, api_as):
    client = api_as(world.officer)
    base = {"enterprise": world.enterprise.pk, "description": "x", "disposition": "deadline",
            "deadline": services.today_in_shanghai().isoformat(), "responsible_name": "王"}
    response = client.post("/api/v1/hazards/", {**base, "state": "struck_off"}, format="json")
    assert response.status_code == 400 and "state" in response.json()
    response = client.post("/api/v1/hazards/", {**base, "found_at": "9999-12-31T10:00:00+08:00"}, format="json")
    assert response.status_code == 400 and "found_at" in response.json()
    response = client.post("/api/v1/hazards/", {**base, "deadline": "2020-01-01"}, format="json")
    assert response.status_code == 400 and "deadline" in response.json()
    assert client.get("/api/v1/hazards/figures/?start=2026-02-01&end=2026-01-01").status_code == 400
    assert client.get("/api/v1/hazards/figures/?bogus=1").status_code == 400
    assert not Hazard.objects.exists()


def test_a_stale_review_answers_409_and_nothing_is_lost(world, api_as, page):
    hazard = h.submitted(world)
    first = api_as(world.officer).post(f"/api/v1/hazards/{hazard.pk}/review/", {
        "version": hazard.version, "decision": "reject", "reason": "照片不清晰"}, format="json")
    assert first.status_code == 200 and first.json()["state"] == "rectifying"
    second = api_as(world.leader).post(f"/api/v1/hazards/{hazard.pk}/review/", {
        "version": hazard.version, "decision": "accept"}, format="json")
    assert second.status_code == 409
    assert Hazard.objects.get(pk=hazard.pk).state == "rectifying"
    assert HazardEvent.objects.filter(hazard=hazard, kind="rejected", note="照片不清晰").count() == 1
    response = page(world.leader).post(f"/hazards/{hazard.pk}/review/", {"version": hazard.version,
                                                                        "decision": "accept"}, follow=True)
    assert "changed by someone else" in response.content.decode()


def test_the_incident_page_offers_registering_a_hazard(world, page):
    from parkbeat.incidents import services as incident_services

    incident = incident_services.incident_report(actor=world.officer, source="phone", park=world.park,
                                                 enterprise=world.enterprise, kind="fire_safety",
                                                 description="仓库冒烟")
    body = page(world.officer).get(f"/incidents/{incident.pk}/").content.decode()
    assert f"/hazards/new/?incident={incident.pk}" in body
    form = page(world.officer).get(f"/hazards/new/?incident={incident.pk}")
    assert form.status_code == 200 and 'name="incident"' in form.content.decode()
    assert page(world.other_officer).get(f"/hazards/new/?incident={incident.pk}").status_code == 404


def test_the_enterprise_page_shows_its_hazards_to_whom_sees_them(world, hazards, page):
    ours, _neighbour, _theirs = hazards
    body = page(world.liaison).get(f"/enterprises/{world.enterprise.pk}/").content.decode()
    assert 'id="file-hazards"' in body and ours.get_absolute_url() in body
    other = EnterpriseFactory(park=world.park)
    assert 'id="file-hazards"' in page(world.officer).get(f"/enterprises/{other.pk}/").content.decode()


def test_the_register_page_shows_bad_input_on_the_form_and_saves_nothing(world, page):
    client = page(world.officer)
    now = services.timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    base = {"enterprise": world.enterprise.pk, "severity": "general", "description": "灭火器过期", "found_at": now}
    past = client.post("/hazards/new/", {**base, "disposition": "deadline", "responsible_name": "王",
                                         "deadline": "2020-01-01"})
    assert past.status_code == 200 and "The deadline cannot lie in the past." in past.content.decode()
    spot = client.post("/hazards/new/", {**base, "disposition": "on_spot"})
    assert spot.status_code == 200 and "needs at least one photo or PDF" in spot.content.decode()
    assert not Hazard.objects.exists()
    saved = client.post("/hazards/new/", {**base, "disposition": "on_spot", "evidence": [h.png(), h.pdf()]})
    hazard = Hazard.objects.get()
    assert saved.status_code == 302 and saved["Location"] == f"/hazards/{hazard.pk}/"
    assert hazard.state == "submitted"


def test_an_item_registered_once_goes_to_its_hazard_and_agency_staff_get_no_register_link(world, page):
    result = h.inspected(world, agencies=[world.agency], agency_staff=[world.agency_staff])
    body = page(world.officer).get(f"/inspections/{result.inspection_id}/").content.decode()
    assert f'id="register-hazard-{result.pk}"' in body
    hazard = services.hazard_create(actor=world.officer, result=result, description=result.note,
                                    disposition="deadline", deadline=services.today_in_shanghai(),
                                    responsible_name="王")
    again = page(world.officer).get(f"/hazards/new/?result={result.pk}")
    assert again.status_code == 302 and again["Location"] == hazard.get_absolute_url()
    seen = page(world.agency_staff).get(f"/inspections/{result.inspection_id}/").content.decode()
    assert hazard.get_absolute_url() in seen and "register-hazard-" not in seen
