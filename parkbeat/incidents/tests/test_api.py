"""/api/v1/incidents/: create (also by a 110 integration with a bearer token), actions with versions, errors."""
import pytest
from django.utils import translation

from parkbeat.audit.models import AuditEvent
from parkbeat.files.models import Attachment
from parkbeat.incidents.models import Incident
from parkbeat.notifications.models import Notification

from .helpers import png, reload, report

PASSWORD = "Correct-Horse-9"  # UserFactory's
CONFLICT = "This record was changed by someone else. Reload it and try again."


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def bearer_client(api_as, username):
    response = api_as(None).post("/api/v1/auth/token/", {"username": username, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    client = api_as(None)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['token']}")
    return client


def body(world, **extra):
    return {"source": "dispatch_110", "dispatch_number": "110-20260301-0007", "kind": "labour_dispute",
            "park": world.park.pk, "enterprise": world.enterprise.pk, "location": "新马机械东门",
            "people_involved": 40, "description": "工人堵门讨薪", "caller_name": "李四",
            "caller_mobile": "13912345678", **extra}


def test_a_110_integration_creates_an_incident_with_a_token(world, api_as):
    client = bearer_client(api_as, "t_officer")

    response = client.post("/api/v1/incidents/", body(world), format="json")

    assert response.status_code == 201, response.content
    data = response.json()
    incident = Incident.objects.get()
    assert (data["id"], data["number"], data["status"], data["holder"], data["caller_mobile"], data["version"]) == (
        incident.pk, incident.number, "reported", world.officer.pk, "139****5678", 1)
    assert (incident.source, incident.dispatch_number, incident.caller_mobile) == (
        "dispatch_110", "110-20260301-0007", "13912345678")


def test_the_same_dispatch_number_again_is_a_400_naming_the_incident(world, api_as):
    client = bearer_client(api_as, "t_officer")
    first = client.post("/api/v1/incidents/", body(world), format="json").json()

    response = client.post("/api/v1/incidents/", body(world, description="重复推送"), format="json")

    assert response.status_code == 400
    assert response.json()["detail"] == (
        f"dispatch_number: 110 dispatch number 110-20260301-0007 was already recorded as incident {first['number']}.")
    assert Incident.objects.count() == 1


def test_an_idempotency_key_stores_a_resent_report_once(world, api_as):
    client = api_as(world.liaison)
    payload = {"kind": "theft", "description": "仓库失窃", "location": "3号仓库"}

    first = client.post("/api/v1/incidents/", payload, format="json", HTTP_IDEMPOTENCY_KEY="phone-42")
    second = client.post("/api/v1/incidents/", payload, format="json", HTTP_IDEMPOTENCY_KEY="phone-42")

    assert (first.status_code, second.status_code, second["Idempotent-Replayed"]) == (201, 201, "true")
    assert first.json()["id"] == second.json()["id"]
    incident = Incident.objects.get()
    assert (incident.source, incident.enterprise, incident.park) == ("liaison", world.enterprise, world.park)


def test_a_liaison_may_not_set_the_source_or_the_park(world, api_as):
    response = api_as(world.liaison).post("/api/v1/incidents/", {
        "kind": "theft", "description": "x", "source": "dispatch_110", "park": world.park.pk}, format="json")

    assert response.status_code == 400
    assert response.json()["detail"] == "You may not set these fields: park, source."
    assert Incident.objects.count() == 0


def test_a_liaison_for_another_enterprise_gets_400(world, api_as):
    response = api_as(world.liaison).post("/api/v1/incidents/", {
        "kind": "theft", "description": "x", "enterprise": world.enterprise2.pk}, format="json")

    assert response.status_code == 400
    assert Incident.objects.count() == 0


def test_multipart_create_with_photos(world, api_as):
    response = api_as(world.volunteer).post("/api/v1/incidents/", {
        "kind": "suspicious", "description": "可疑人员徘徊", "people_involved": 1, "photos": [png(), png("b.png")]},
        format="multipart")

    assert response.status_code == 201, response.content
    incident = Incident.objects.get()
    assert Attachment.objects.for_object(incident).count() == 2
    assert incident.source == "volunteer"


def test_a_non_image_upload_is_refused(world, api_as):
    from django.core.files.uploadedfile import SimpleUploadedFile

    svg = SimpleUploadedFile("x.svg", b"<svg onload='alert(1)'/>", content_type="image/svg+xml")
    response = api_as(world.volunteer).post("/api/v1/incidents/", {
        "kind": "suspicious", "description": "x", "photos": [svg]}, format="multipart")

    assert response.status_code == 400
    assert response.json()["detail"].startswith("photos: Only these file types are accepted")
    assert Incident.objects.count() == 0


def test_photo_endpoint_adds_a_photo(world, api_as):
    incident = report(world, actor=world.liaison, park=None)

    response = api_as(world.liaison).post(f"/api/v1/incidents/{incident.pk}/photos/", {"photo": png()},
                                          format="multipart")

    assert response.status_code == 201, response.content
    [photo] = Attachment.objects.for_object(incident)
    assert response.json()["url"] == photo.get_absolute_url()


def test_accept_arrive_close_over_the_api(world, api_as):
    incident = report(world)
    client = api_as(world.officer)

    accepted = client.post(f"/api/v1/incidents/{incident.pk}/accept/", {"version": 1}, format="json")
    arrived = client.post(f"/api/v1/incidents/{incident.pk}/arrive/", {"version": 2}, format="json")
    closed = client.post(f"/api/v1/incidents/{incident.pk}/close/", {"version": 3, "result": "dispute"},
                         format="json")

    assert [r.status_code for r in (accepted, arrived, closed)] == [200, 200, 200]
    data = closed.json()
    assert (data["status"], data["result"], data["version"]) == ("closed", "dispute", 4)
    assert [t["to_status"] for t in data["transitions"]] == ["reported", "accepted", "on_scene", "closed"]


def test_a_second_acceptance_is_409_and_changes_nothing(world, api_as):
    incident = report(world)
    assert api_as(world.officer).post(f"/api/v1/incidents/{incident.pk}/accept/", {"version": 1},
                                      format="json").status_code == 200

    response = api_as(world.leader).post(f"/api/v1/incidents/{incident.pk}/accept/", {"version": 2}, format="json")

    assert response.status_code == 409
    assert response.json() == {"detail": f"Incident {incident.number} was already accepted by {world.officer}."}
    assert reload(incident).holder == world.officer


def test_a_stale_version_is_409(world, api_as):
    incident = report(world)
    api_as(world.officer).post(f"/api/v1/incidents/{incident.pk}/accept/", {"version": 1}, format="json")

    response = api_as(world.officer).post(f"/api/v1/incidents/{incident.pk}/arrive/", {"version": 1},
                                          format="json")

    assert (response.status_code, response.json()) == (409, {"detail": CONFLICT})
    assert reload(incident).status == "accepted"


def test_an_illegal_transition_is_409_with_detail(world, api_as):
    incident = report(world)

    response = api_as(world.officer).post(f"/api/v1/incidents/{incident.pk}/arrive/", {"version": 1},
                                          format="json")

    assert (response.status_code, response.json()) == (
        409, {"detail": "An incident that is “Awaiting acceptance” cannot become “On scene”."})


def test_reopen_only_a_closed_incident(world, api_as):
    incident = report(world)
    api_as(world.officer).post(f"/api/v1/incidents/{incident.pk}/accept/", {"version": 1}, format="json")

    response = api_as(world.officer).post(f"/api/v1/incidents/{incident.pk}/reopen/", {"version": 2, "note": "x"},
                                          format="json")

    assert (response.status_code, response.json()) == (409, {"detail": "Only a closed incident can be reopened."})
    assert reload(incident).status == "accepted"


def test_missing_fields_are_400_with_detail(world, api_as):
    incident = report(world)
    client = api_as(world.officer)
    client.post(f"/api/v1/incidents/{incident.pk}/accept/", {"version": 1}, format="json")

    no_version = client.post(f"/api/v1/incidents/{incident.pk}/arrive/", {}, format="json")
    no_result = client.post(f"/api/v1/incidents/{incident.pk}/close/", {"version": 2}, format="json")
    no_note = client.post(f"/api/v1/incidents/{incident.pk}/cancel/", {"version": 2}, format="json")

    assert (no_version.status_code, no_version.json()["detail"]) == (400, "version: This field is required.")
    assert (no_result.status_code, no_result.json()["detail"]) == (400, "result: This field is required.")
    assert (no_note.status_code, no_note.json()["detail"]) == (400, "note: Say why the incident is cancelled.")
    assert reload(incident).status == "accepted"


def test_handover_and_agency_over_the_api(world, api_as):
    incident = report(world)
    client = api_as(world.officer)

    handed = client.post(f"/api/v1/incidents/{incident.pk}/handover/",
                         {"version": 1, "to_user": world.leader.pk, "note": "请所领导处置"}, format="json")
    joined = client.post(f"/api/v1/incidents/{incident.pk}/agencies/",
                         {"version": 2, "agency": world.agency.pk, "note": "消防"}, format="json")

    assert (handed.status_code, handed.json()["holder"]) == (200, world.leader.pk)
    assert (joined.status_code, joined.json()["agencies"], joined.json()["version"]) == (200, [world.agency.pk], 3)
    assert api_as(world.agency_staff).get(f"/api/v1/incidents/{incident.pk}/").status_code == 200
    assert Notification.objects.filter(recipient=world.agency_staff).count() == 1


def test_handover_to_someone_outside_the_park_is_400(world, api_as):
    incident = report(world)

    response = api_as(world.officer).post(f"/api/v1/incidents/{incident.pk}/handover/",
                                          {"version": 1, "to_user": world.officer2.pk, "note": "x"}, format="json")

    assert (response.status_code, response.json()["detail"]) == (
        400, f'to_user: Invalid pk "{world.officer2.pk}" - object does not exist.')
    assert reload(incident).version == 1


def test_detail_masks_the_caller_mobile_and_lists_timeline_and_outcomes(world, api_as):
    incident = report(world, caller_mobile="13812345678", photos=[png()])

    data = api_as(world.officer).get(f"/api/v1/incidents/{incident.pk}/").json()

    assert data["caller_mobile"] == "138****5678"
    assert [t["kind"] for t in data["transitions"]] == ["dispatch"]
    assert len(data["attachments"]) == 1
    assert data["outcomes"] == [{"kind": "disputes.Dispute", "label": "Dispute case", "records": []},
                                {"kind": "patrols.Finding", "label": "Found on patrol", "records": []},
                                {"kind": "hazards.Hazard", "label": "Hazard", "records": []},
                                {"kind": "crime.Case", "label": "Criminal case", "records": []}]


def test_list_filters(world, api_as):
    mine = report(world, location="东门", kind="theft")
    other = report(world, location="西门", kind="fraud")
    api_as(world.leader).post(f"/api/v1/incidents/{other.pk}/accept/", {"version": 1}, format="json")
    client = api_as(world.officer)

    def ids(**params):
        return [row["id"] for row in client.get("/api/v1/incidents/", params).json()["results"]]

    assert ids() == [other.pk, mine.pk]
    assert ids(kind="theft") == [mine.pk]
    assert ids(q="西门") == [other.pk]
    assert ids(holder="me") == [mine.pk]
    assert ids(status="accepted") == [other.pk]
    assert ids(overdue="true") == []
    assert ids(park=world.park.pk, source="phone") == [other.pk, mine.pk]
    assert AuditEvent.objects.filter(verb="transition").count() == 1


# ------------------------------------------------------------------ people picked, dates bounded
@pytest.mark.parametrize("target", ["other_officer", "officer2", "liaison", "nobody"])
def test_handover_to_an_account_the_requester_may_not_pick_does_not_exist(world, api_as, target):
    """An id outside the parks the requester reaches is "does not exist": no name of another station's account."""
    incident = report(world)
    user = getattr(world, target)

    response = api_as(world.officer).post(f"/api/v1/incidents/{incident.pk}/handover/",
                                          {"version": 1, "to_user": user.pk, "note": "x"}, format="json")

    assert (response.status_code, response.json()) == (
        400, {"to_user": [f'Invalid pk "{user.pk}" - object does not exist.'],
              "detail": f'to_user: Invalid pk "{user.pk}" - object does not exist.'})
    assert user.display_name not in response.content.decode() and user.username not in response.content.decode()
    assert (reload(incident).holder, reload(incident).version) == (world.officer, 1)


def test_a_leader_may_pick_police_of_another_park_of_the_station_but_the_service_refuses_namelessly(world, api_as):
    incident = report(world)  # park A; officer2 is police of park2, a park the leader reaches

    response = api_as(world.leader).post(f"/api/v1/incidents/{incident.pk}/handover/",
                                         {"version": 1, "to_user": world.officer2.pk, "note": "x"}, format="json")

    assert (response.status_code, response.json()["detail"]) == (
        400, "to_user: Hand the incident only to police of its park or a leader of its station.")
    assert reload(incident).holder == world.officer


def _photo(api_as, user, incident):
    return api_as(user).post(f"/api/v1/incidents/{incident.pk}/photos/", {"photo": png()}, format="multipart")


def test_agency_staff_and_another_liaison_see_but_add_no_photo(world, api_as):
    incident = report(world, enterprise=world.enterprise)  # reported by the officer
    from parkbeat.incidents import services
    services.incident_add_agency(actor=world.officer, incident=incident, agency=world.agency)

    agency = _photo(api_as, world.agency_staff, incident)
    liaison = _photo(api_as, world.liaison, incident)

    forbidden = "Only the reporter or the police handling the incident add photos to it."
    assert (agency.status_code, agency.json()) == (403, {"detail": forbidden})
    assert (liaison.status_code, liaison.json()) == (403, {"detail": forbidden})
    assert Attachment.objects.for_object(incident).count() == 0


def test_no_photo_on_a_cancelled_incident_and_on_a_closed_one_only_from_the_police(world, api_as):
    from parkbeat.incidents import services
    cancelled = report(world, actor=world.liaison, park=None)
    services.incident_transition(actor=world.officer, incident=cancelled, to="cancelled", note="误报")
    closed = report(world, actor=world.liaison, park=None)
    services.incident_transition(actor=world.officer, incident=closed, to="accepted")
    services.incident_transition(actor=world.officer, incident=closed, to="closed", result="resolved")

    by_reporter = _photo(api_as, world.liaison, cancelled)
    by_police = _photo(api_as, world.officer, cancelled)
    closed_by_reporter = _photo(api_as, world.liaison, closed)
    closed_by_police = _photo(api_as, world.officer, closed)

    assert (by_reporter.status_code, by_reporter.json()) == (
        400, {"photo": ["A cancelled incident takes no more photos."],
              "detail": "photo: A cancelled incident takes no more photos."})
    assert (by_police.status_code, by_police.json()["detail"]) == (
        400, "photo: A cancelled incident takes no more photos.")
    assert (closed_by_reporter.status_code, closed_by_reporter.json()) == (
        403, {"detail": "The incident is closed: only the police handling it add photos now."})
    assert closed_by_police.status_code == 201
    assert Attachment.objects.for_object(cancelled).count() == 0
    assert [a.uploaded_by for a in Attachment.objects.for_object(closed)] == [world.officer]


def test_reopen_over_the_api_goes_back_to_accepted_when_nobody_arrived(world, api_as):
    from parkbeat.incidents import services
    incident = report(world)
    services.incident_transition(actor=world.officer, incident=incident, to="accepted")
    services.incident_transition(actor=world.officer, incident=incident, to="closed", result="no_action")

    response = api_as(world.officer).post(f"/api/v1/incidents/{incident.pk}/reopen/",
                                          {"version": 3, "note": "企业又来电"}, format="json")

    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["status"], data["on_scene_at"], data["closed_at"], data["result"], data["version"]) == (
        "accepted", None, None, None, 4)  # issue 17: no result yet is null
    assert data["transitions"][-1]["from_status"] == "closed" and data["transitions"][-1]["to_status"] == "accepted"


@pytest.mark.parametrize("reported_at", ["0001-01-01T08:00:00+08:00", "1999-12-31T23:59:00+08:00"])
def test_a_report_time_before_2000_is_a_readable_400(world, api_as, reported_at):
    response = api_as(world.officer).post("/api/v1/incidents/", body(world, reported_at=reported_at),
                                          format="json")

    assert (response.status_code, response.json()["detail"]) == (
        400, "reported_at: The time cannot lie before 1 January 2000.")
    assert Incident.objects.count() == 0


@pytest.mark.parametrize("params,status", [
    ({"date_from": "0001-01-01"}, 200), ({"date_to": "0001-01-01"}, 200), ({"date_from": "9999-12-31"}, 200),
    ({"date_to": "9999-12-31"}, 200), ({"date_from": "0001-01-01", "date_to": "9999-12-31"}, 200),
    ({"date_from": "10000-01-01"}, 400), ({"date_to": "0000-00-00"}, 400),
])
def test_list_filter_with_extreme_dates_never_fails(world, api_as, params, status):
    incident = report(world)

    response = api_as(world.officer).get("/api/v1/incidents/", params)

    assert response.status_code == status, response.content
    if status == 200:
        expected = [] if params in ({"date_to": "0001-01-01"}, {"date_from": "9999-12-31"}) else [incident.pk]
        assert [r["id"] for r in response.json()["results"]] == expected
    else:
        assert isinstance(response.json()["detail"], str)
