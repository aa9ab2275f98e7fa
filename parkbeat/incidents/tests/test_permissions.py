"""Who sees and does what with incidents, on the pages and the API (SECURITY B1–B3).

A liaison sees only their enterprise's incidents, a volunteer their own reports, agency staff only the
incidents their agency was brought into, mediators and the three administrators none; another park's
or station's incident is a 404; a refused action changes nothing.
"""
import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from parkbeat.testing import UserFactory, assign
from parkbeat.incidents import services
from parkbeat.org.models import Role
from parkbeat.incidents.models import Incident

from .helpers import png, report

COVERS = {
    "incidents:incident_list", "incidents:incident_detail", "incidents:incident_create", "incidents:quick_report",
    "incidents:quick_report_done", "incidents:incident_action",
    "incident-list", "incident-detail", "incident-accept", "incident-arrive", "incident-close", "incident-cancel",
    "incident-reopen", "incident-handover", "incident-agencies", "incident-photos",
}
ROLES = ["leader", "officer", "auxiliary", "mediator", "agency_staff", "liaison", "volunteer", "officer2",
         "other_officer", "sysadmin", "secadmin", "auditor", "nobody"]
TARGETS = ["ent_a", "ent_b", "vol", "agency", "park2", "other"]
SEES = {
    "leader": {"ent_a", "ent_b", "vol", "agency", "park2"},
    "officer": {"ent_a", "ent_b", "vol", "agency"},
    "auxiliary": {"ent_a", "ent_b", "vol", "agency"},
    "officer2": {"park2"},
    "other_officer": {"other"},
    "liaison": {"ent_a"},
    "volunteer": {"vol"},
    "agency_staff": {"agency"},
}
HANDLES = {"leader", "officer", "auxiliary", "officer2", "other_officer"}  # incident.handle, within their scope
DISPATCHES = {"leader", "officer", "officer2", "other_officer"}  # incident.dispatch
REPORTS = HANDLES | {"liaison", "volunteer"}


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def cast(world):
    incidents = {
        "ent_a": report(world, enterprise=world.enterprise, description="案情-ent_a"),
        "ent_b": report(world, enterprise=world.enterprise2, description="案情-ent_b"),
        "vol": report(world, actor=world.volunteer, park=None, description="案情-vol"),
        "agency": report(world, description="案情-agency"),
        "park2": report(world, actor=world.officer2, park=world.park2, description="案情-park2"),
        "other": report(world, actor=world.other_officer, park=world.other_park, description="案情-other"),
    }
    services.incident_add_agency(actor=world.officer, incident=incidents["agency"], agency=world.agency)
    world.other_aux = assign(UserFactory(username="t_other_aux"), Role.AUXILIARY, park=world.other_park)
    return {name: Incident.objects.get(pk=i.pk) for name, i in incidents.items()}


def row(incident):
    return Incident.objects.filter(pk=incident.pk).values().get(), incident.transitions.count()


# ------------------------------------------------------------------ reading
@pytest.mark.parametrize("role", ROLES)
def test_lists_show_exactly_what_the_role_may_see(world, cast, client, api_as, role):
    user = getattr(world, role)
    client.force_login(user)
    expected = {cast[t].pk for t in SEES.get(role, set())}

    api = api_as(user).get("/api/v1/incidents/", {"page_size": 200})
    page = client.get(reverse("incidents:incident_list"), {"page_size": 200})

    if role in ("sysadmin", "secadmin", "auditor", "nobody"):  # no case role: 403, not an empty list
        assert (api.status_code, page.status_code) == (403, 403)
        return
    assert api.status_code == 200 and page.status_code == 200
    assert {r["id"] for r in api.json()["results"]} == expected
    html = page.content.decode()
    assert {t for t in TARGETS if cast[t].number in html} == SEES.get(role, set())


@pytest.mark.parametrize("role", ROLES)
def test_detail_page_and_api_follow_scope(world, cast, client, api_as, role):
    user = getattr(world, role)
    client.force_login(user)
    answers = {}
    for target in TARGETS:
        pk = cast[target].pk
        page = client.get(reverse("incidents:incident_detail", args=[pk]))
        api = api_as(user).get(f"/api/v1/incidents/{pk}/")
        answers[target] = (page.status_code, api.status_code)

    assert answers == {t: (200, 200) if t in SEES.get(role, set()) else (404, 404) for t in TARGETS}


def test_htmx_list_returns_the_table_only(world, cast, client):
    client.force_login(world.officer)

    response = client.get(reverse("incidents:incident_list"), {"kind": "labour_dispute"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert response.status_code == 200 and 'id="incident-results"' in html and "<html" not in html


# ------------------------------------------------------------------ acting
API_ACTIONS = {
    "accept": ({}, "reported"),
    "arrive": ({}, "accepted"),
    "close": ({"result": "resolved"}, "accepted"),
    "cancel": ({"note": "误报"}, "reported"),
    "reopen": ({"note": "复发"}, "closed"),
    "handover": ({"note": "转交"}, "reported"),
    "agencies": ({"note": "联动"}, "reported"),
}


def _prepare(world, incident, status):
    """Bring `incident` to `status` as its own park's police would."""
    police = {world.park.pk: world.officer, world.park2.pk: world.officer2,
              world.other_park.pk: world.other_officer}[incident.park_id]
    if status in ("accepted", "closed"):
        services.incident_transition(actor=police, incident=incident, to="accepted")
    if status == "closed":
        services.incident_transition(actor=police, incident=incident, to="closed", result="resolved")
    return Incident.objects.get(pk=incident.pk)


def _extra(world, incident, action):
    if action == "handover":  # someone of the park who does not hold it yet
        candidates = {world.park.pk: [world.auxiliary, world.leader], world.park2.pk: [world.leader],
                      world.other_park.pk: [world.other_aux]}[incident.park_id]
        return {"to_user": next((u.pk for u in candidates if u.pk != incident.holder_id), candidates[0].pk)}
    if action == "agencies":
        from parkbeat.org.models import Agency
        agency = Agency.objects.create(name=f"街道-{incident.pk}", kind="street_governance",
                                       station_id=incident.park.station_id)
        return {"agency": agency.pk}
    return {}


def _expected(role, target, action):
    if target not in SEES.get(role, set()):
        return 404
    allowed = DISPATCHES if action in ("cancel", "reopen", "handover") else HANDLES
    return 200 if role in allowed else 403


@pytest.mark.parametrize("role", ROLES)
def test_api_actions_only_for_allowed_roles_in_scope(world, cast, api_as, role):
    """Every action × target for one role, each in a savepoint rolled back afterwards."""
    user = getattr(world, role)
    problems = []
    for action, (body, status) in API_ACTIONS.items():
        for target in ["ent_a", "vol", "agency", "park2", "other"]:
            with transaction.atomic():
                incident = _prepare(world, cast[target], status)
                extra = _extra(world, incident, action)
                before = row(incident)
                response = api_as(user).post(f"/api/v1/incidents/{incident.pk}/{action}/",
                                             {"version": incident.version, **body, **extra}, format="json")
                expected = _expected(role, target, action)
                if response.status_code != expected:
                    problems.append((action, target, response.status_code, expected, response.content[:160]))
                if expected != 200 and row(incident) != before:
                    problems.append((action, target, "changed"))
                transaction.set_rollback(True)
    assert not problems, problems


@pytest.mark.parametrize("role", ROLES)
def test_page_action_follows_scope_and_role(world, cast, client, role):
    user = getattr(world, role)
    client.force_login(user)
    for target in TARGETS:
        incident = cast[target]
        before = row(incident)

        response = client.post(reverse("incidents:incident_action", args=[incident.pk]),
                               {"action": "accept", "version": incident.version})

        expected = _expected(role, target, "accept")
        if expected == 200:
            assert response.status_code == 302 and response["Location"] == incident.get_absolute_url()
            assert Incident.objects.get(pk=incident.pk).status == "accepted"
        else:
            assert response.status_code == expected, target
            assert row(incident) == before


@pytest.mark.parametrize("role", ROLES)
def test_photo_upload_by_the_reporter_or_the_police_handling_it(world, cast, api_as, role):
    """Seeing an incident is not enough: agency staff, and a liaison on an officer's report, get 403."""
    from parkbeat.files.models import Attachment

    user = getattr(world, role)
    for target in ("ent_a", "vol", "agency", "other"):
        incident = cast[target]
        response = api_as(user).post(f"/api/v1/incidents/{incident.pk}/photos/", {"photo": png()},
                                     format="multipart")
        if target not in SEES.get(role, set()):
            expected = 404
        else:
            expected = 201 if role in HANDLES or incident.reported_by_id == user.pk else 403
        assert response.status_code == expected, (target, response.content)
        assert Attachment.objects.for_object(incident).count() == (1 if expected == 201 else 0)


# ------------------------------------------------------------------ intake pages and create
@pytest.mark.parametrize("role", ROLES)
def test_intake_pages_by_role(world, client, role):
    user = getattr(world, role)
    client.force_login(user)

    staff = client.get(reverse("incidents:incident_create"))
    quick = client.get(reverse("incidents:quick_report"))

    assert staff.status_code == (200 if role in HANDLES else 403)
    assert quick.status_code == (200 if role in REPORTS else 403)


@pytest.mark.parametrize("role", ROLES)
def test_api_create_by_role(world, api_as, role):
    user = getattr(world, role)
    body = {"kind": "theft", "description": "失窃"}
    if role in HANDLES:
        park = {"officer2": world.park2, "other_officer": world.other_park}.get(role, world.park)
        body.update(source="phone", park=park.pk)

    response = api_as(user).post("/api/v1/incidents/", body, format="json")

    assert response.status_code == (201 if role in REPORTS else 403), response.content
    assert Incident.objects.count() == (1 if role in REPORTS else 0)


def test_an_officer_cannot_create_in_another_station(world, api_as):
    response = api_as(world.officer).post("/api/v1/incidents/", {
        "kind": "theft", "description": "失窃", "source": "phone", "park": world.other_park.pk}, format="json")

    assert response.status_code == 400
    assert response.json()["detail"].startswith("park: Invalid pk")
    assert Incident.objects.count() == 0


@pytest.mark.parametrize("role", ROLES)
def test_confirmation_page_follows_scope(world, cast, client, role):
    client.force_login(getattr(world, role))

    answers = {t: client.get(reverse("incidents:quick_report_done", args=[cast[t].pk])).status_code
               for t in ("vol", "ent_a", "other")}

    if role not in REPORTS:
        assert answers == {"vol": 403, "ent_a": 403, "other": 403}
    else:
        assert answers == {t: 200 if t in SEES.get(role, set()) else 404 for t in answers}


def test_anonymous_is_sent_to_login_and_the_api_answers_401(world, cast, client, api_as):
    pk = cast["ent_a"].pk
    for name, args in [("incidents:incident_list", []), ("incidents:incident_detail", [pk]),
                       ("incidents:quick_report", []), ("incidents:incident_create", [])]:
        assert client.get(reverse(name, args=args)).status_code == 302
    assert client.post(reverse("incidents:incident_action", args=[pk]), {"action": "accept"}).status_code == 302
    assert api_as(None).get("/api/v1/incidents/").status_code == 401
    assert api_as(None).post(f"/api/v1/incidents/{pk}/accept/", {"version": 1}).status_code == 401
    assert Incident.objects.get(pk=pk).status == "reported"
