"""Opening a dispute from an incident hands the case over: the incident is closed with the result "transferred
to a dispute case" (转为纠纷调解) in the same transaction, and its timeline names who opened the dispute."""
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from parkbeat.disputes import services as disputes
from parkbeat.disputes.models import Dispute
from parkbeat.incidents import services
from parkbeat.incidents.models import Incident
from parkbeat.incidents.tests.helpers import reload, report

FORM = {"category": "labour_wage", "title": "堵门讨薪", "level": "park", "summary": "工人堵门讨薪",
        "people_involved": 20}


@pytest.fixture
def on_scene(world):
    """An incident the officer accepted and reached (已到场)."""
    incident = report(world, enterprise=world.enterprise)
    services.incident_transition(actor=world.officer, incident=incident, to="accepted")
    services.incident_transition(actor=world.officer, incident=incident, to="on_scene")
    return reload(incident)


def test_the_page_hand_over_closes_the_incident_as_transferred(world, page_as, on_scene):
    client = page_as(world.officer)
    url = reverse("disputes:dispute_create") + f"?incident={on_scene.pk}"
    assert client.get(url).context["form"].fields["close_incident"].initial is True

    response = client.post(url, {**FORM, "incident": on_scene.pk, "close_incident": "on"})

    dispute = Dispute.objects.get()
    assert response.status_code == 302
    incident = reload(on_scene)
    assert (incident.status, incident.result) == ("closed", Incident.Result.DISPUTE)
    assert dispute.number in incident.result_note
    closing = incident.transitions.latest("at", "id")
    assert (closing.to_status, closing.actor) == ("closed", world.officer)


def test_the_incident_timeline_names_who_opened_the_dispute(world, page_as, on_scene):
    disputes.dispute_open(actor=world.officer, incident=on_scene, category="labour_wage", title="讨薪",
                          summary="堵门")

    timeline = page_as(world.leader).get(on_scene.get_absolute_url()).context["timeline"]
    link = next(e for e in timeline if e.kind == "outcome")
    assert link.actor == world.officer
    html = page_as(world.leader).get(on_scene.get_absolute_url()).content.decode()
    timeline_html = html.split('id="incident-timeline"')[1]
    entry = timeline_html[:timeline_html.index(link.item.get_absolute_url())].rsplit("<li>", 1)[1]
    assert f"· {world.officer.display_name}" in entry


def test_the_page_may_leave_the_incident_open_when_asked(world, page_as, on_scene):
    client = page_as(world.officer)
    url = reverse("disputes:dispute_create") + f"?incident={on_scene.pk}"
    assert client.post(url, {**FORM, "incident": on_scene.pk}).status_code == 302  # box unticked
    assert reload(on_scene).status == "on_scene"


def test_the_api_hand_over_closes_the_incident(world, api_as, on_scene):
    response = api_as(world.officer).post("/api/v1/disputes/", {**FORM, "incident": on_scene.pk}, format="json")

    assert response.status_code == 201, response.json()
    assert (reload(on_scene).status, reload(on_scene).result) == ("closed", "dispute")


def test_an_incident_awaiting_acceptance_is_taken_on_and_closed(world, api_as):
    incident = report(world)
    assert incident.status == "reported"

    assert api_as(world.officer).post("/api/v1/disputes/", {**FORM, "incident": incident.pk},
                                      format="json").status_code == 201
    incident = reload(incident)
    assert (incident.status, incident.holder, incident.result) == ("closed", world.officer, "dispute")
    assert list(incident.transitions.filter(kind="status").values_list("to_status", flat=True)) == [
        "accepted", "closed"]


def test_an_incident_already_closed_stays_as_it_is(world, api_as, on_scene):
    services.incident_transition(actor=world.officer, incident=on_scene, to="closed", result="resolved",
                                 result_note="当场协商")
    before = reload(on_scene)

    assert api_as(world.officer).post("/api/v1/disputes/", {**FORM, "incident": on_scene.pk},
                                      format="json").status_code == 201
    after = reload(on_scene)
    assert (after.status, after.result, after.result_note, after.version) == (
        "closed", "resolved", "当场协商", before.version)
    assert Dispute.objects.get().incident == after


def test_who_may_not_open_the_dispute_changes_neither(world, api_as, page_as, on_scene):
    before = reload(on_scene).version
    # a liaison sees the incident of their enterprise but opens no dispute
    refused = api_as(world.liaison).post("/api/v1/disputes/", {**FORM, "incident": on_scene.pk}, format="json")
    assert refused.status_code in (400, 403)
    assert page_as(world.liaison).post(reverse("disputes:dispute_create") + f"?incident={on_scene.pk}",
                                       {**FORM, "incident": on_scene.pk, "close_incident": "on"}).status_code == 403
    # police of another station do not even see it
    assert api_as(world.other_officer).post("/api/v1/disputes/", {**FORM, "incident": on_scene.pk},
                                            format="json").status_code in (400, 404)
    assert not Dispute.objects.exists()
    assert (reload(on_scene).status, reload(on_scene).version) == ("on_scene", before)


def test_a_refused_closing_rolls_the_dispute_back(world, on_scene, monkeypatch):
    """If the incident may not be closed by this actor, neither record changes (one transaction)."""
    from parkbeat.core import permissions

    real = permissions.can

    def no_handling(user, perm, obj=None):
        return False if perm == "incident.handle" else real(user, perm, obj)

    monkeypatch.setattr(permissions, "can", no_handling)
    with pytest.raises(PermissionDenied):
        disputes.dispute_open(actor=world.officer, incident=on_scene, category="other", title="x", summary="y")

    assert not Dispute.objects.exists()
    assert reload(on_scene).status == "on_scene"
