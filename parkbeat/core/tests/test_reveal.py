"""SECURITY D2: a masked value in full only through an audited reveal with a reason, for allowed roles in scope."""
import json

import pytest
from django.urls import reverse
from django.utils import translation

from parkbeat.audit.models import AuditEvent
from parkbeat.audit.services import verify_chain
from parkbeat.core.reveal import REVEAL_HEADER
from parkbeat.testing import LiaisonFactory

COVERS = {"api-reveal", "reveal"}
MOBILE = "13812345678"
URL = "/api/v1/reveal/"
ALLOWED = ("leader", "officer", "auxiliary")
REFUSED = ("mediator", "agency_staff", "liaison", "volunteer", "sysadmin", "secadmin", "auditor", "nobody")


@pytest.fixture(autouse=True)
def _english(settings):
    """Assert exact messages in English, whatever translations the project ships."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def contact(world):
    return LiaisonFactory(enterprise=world.enterprise, name="王保卫", mobile=MOBILE)


def body(contact, **changes):
    return {"model": "enterprises.Liaison", "id": contact.pk, "field": "mobile", "reason": "核实报警人身份",
            **changes}


def reveals():
    """The granted reveals on the trail."""
    return list(AuditEvent.objects.filter(verb="reveal", outcome="success"))


def refusals():
    """The refused attempts on the trail: (who, what was asked, why), never a value."""
    return list(AuditEvent.objects.filter(verb="reveal", outcome="failure")
                .values_list("actor_username", "object_type", "object_repr", "note"))


# ------------------------------------------------------------------ API
@pytest.mark.parametrize("name", ALLOWED)
def test_police_roles_in_scope_get_the_full_mobile_and_one_audit_event(world, api_as, contact, name):
    user = getattr(world, name)

    response = api_as(user).post(URL, body(contact), format="json")

    assert response.status_code == 200
    assert response.json() == {"model": "enterprises.Liaison", "id": contact.pk, "field": "mobile", "value": MOBILE}
    assert response[REVEAL_HEADER] == "revealed"
    assert response["Cache-Control"] == "no-store"
    [event] = reveals()
    assert (event.actor_id, event.verb, event.object_type, event.object_id, event.note, event.changes) == (
        user.pk, "reveal", "enterprises.Liaison", str(contact.pk), "核实报警人身份", {"mobile": [None, "138****5678"]})
    assert event.request_id and event.ip == "127.0.0.1"
    assert MOBILE not in json.dumps([event.changes, event.note, event.object_repr])
    assert verify_chain()[1] is None


@pytest.mark.parametrize("name", REFUSED)
def test_other_roles_are_refused_and_only_the_attempt_is_logged(world, api_as, contact, name):
    response = api_as(getattr(world, name)).post(URL, body(contact), format="json")

    assert response.status_code == 403
    assert response.json() == {"detail": "Your role may not see this value in full."}
    assert reveals() == []
    assert refusals() == [(getattr(world, name).username, "enterprises.Liaison", "mobile",
                           "Refused: Your role may not see this value in full.")]


def test_a_police_officer_out_of_scope_gets_404(world, api_as):
    far = LiaisonFactory(enterprise=world.other_enterprise, mobile=MOBILE)

    response = api_as(world.officer).post(URL, body(far), format="json")

    assert response.status_code == 404
    assert MOBILE not in response.content.decode()
    assert reveals() == []


def test_an_officer_of_another_park_in_the_same_station_gets_404(world, api_as, contact):
    response = api_as(world.officer2).post(URL, body(contact), format="json")

    assert response.status_code == 404
    assert reveals() == []


@pytest.mark.parametrize("reason", ["", "   ", "看看", "a b"])
def test_a_reason_under_four_characters_is_refused(world, api_as, contact, reason):
    response = api_as(world.officer).post(URL, body(contact, reason=reason), format="json")

    assert response.status_code == 400
    assert MOBILE not in response.content.decode()
    assert reveals() == []


def test_the_reason_message_is_readable(world, api_as, contact):
    response = api_as(world.officer).post(URL, body(contact, reason="看看"), format="json")

    assert response.json()["detail"] == "reason: Give a reason of at least 4 characters."


@pytest.mark.parametrize("changes", [
    {"model": "volunteers.Volunteer"},
    {"field": "name"},
    {"model": "org.User"},
    {"id": 0},
    {"id": "x"},
])
def test_unknown_models_fields_and_ids_are_refused(world, api_as, contact, changes):
    response = api_as(world.officer).post(URL, body(contact, **changes), format="json")

    assert response.status_code == 400
    assert reveals() == []


def test_a_missing_id_is_404(world, api_as, contact):
    response = api_as(world.officer).post(URL, body(contact, id=contact.pk + 1000), format="json")

    assert response.status_code == 404
    assert reveals() == []


def test_a_number_typed_into_the_reason_is_masked_on_the_trail(world, api_as, contact):
    api_as(world.officer).post(URL, body(contact, reason=f"回拨{MOBILE}确认"), format="json")

    [event] = reveals()
    assert event.note == "回拨138****5678确认"


def test_anonymous_callers_get_401(db, api_as):
    response = api_as(None).post(URL, {"model": "enterprises.Liaison", "id": 1, "field": "mobile",
                                       "reason": "核实身份"}, format="json")

    assert response.status_code == 401
    assert AuditEvent.objects.count() == 0


def test_get_is_not_allowed(world, api_as, contact):
    response = api_as(world.officer).get(URL)

    assert response.status_code == 405
    assert reveals() == []


# ------------------------------------------------------------------ page action
def test_the_enterprise_page_shows_the_mobile_masked_with_a_reveal_form_for_police(world, page_as, contact):
    page = page_as(world.officer).get(reverse("enterprises:enterprise_detail", args=[world.enterprise.pk]))

    html = page.content.decode()
    assert "138****5678" in html
    assert f'name="id" value="{contact.pk}"' in html and 'name="reason"' in html


def test_the_enterprise_own_liaison_sees_the_mobile_masked_and_no_form(world, page_as, contact):
    page = page_as(world.liaison).get(reverse("enterprises:enterprise_detail", args=[world.enterprise.pk]))

    html = page.content.decode()
    assert "138****5678" in html
    assert 'name="reason"' not in html


@pytest.mark.parametrize("name", ("mediator", "agency_staff"))
def test_roles_that_do_not_see_liaisons_see_neither_mobile_nor_form(world, page_as, contact, name):
    page = page_as(getattr(world, name)).get(reverse("enterprises:enterprise_detail", args=[world.enterprise.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    assert "5678" not in html and 'name="reason"' not in html


def test_the_page_action_with_htmx_swaps_in_the_value_and_logs_it(world, page_as, contact):
    client = page_as(world.officer)

    response = client.post(reverse("reveal"), body(contact), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert MOBILE in response.content.decode()
    assert response[REVEAL_HEADER] == "revealed"
    assert [(e.actor_id, e.note) for e in reveals()] == [(world.officer.pk, "核实报警人身份")]


def test_the_page_action_without_htmx_shows_the_value_once(world, page_as, contact):
    back = reverse("enterprises:enterprise_detail", args=[world.enterprise.pk])

    response = page_as(world.leader).post(reverse("reveal"), {**body(contact), "next": back})

    assert response.status_code == 200
    assert MOBILE in response.content.decode()
    assert f'href="{back}"' in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert len(reveals()) == 1


def test_the_page_action_without_a_reason_says_why_and_logs_nothing(world, page_as, contact):
    response = page_as(world.officer).post(reverse("reveal"), body(contact, reason=""), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert "Give a reason of at least 4 characters." in response.content.decode()
    assert MOBILE not in response.content.decode()
    assert reveals() == []


def test_the_page_action_never_redirects_off_site(world, page_as, contact):
    response = page_as(world.officer).post(reverse("reveal"), {**body(contact, reason=""),
                                                               "next": "https://evil.example/"})

    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.parametrize("name", ("liaison", "auditor", "volunteer"))
def test_the_page_action_is_403_for_other_roles(world, page_as, contact, name):
    response = page_as(getattr(world, name)).post(reverse("reveal"), body(contact))

    assert response.status_code == 403
    assert reveals() == []


def test_the_page_action_is_404_out_of_scope(world, page_as):
    far = LiaisonFactory(enterprise=world.other_enterprise, mobile=MOBILE)

    response = page_as(world.officer).post(reverse("reveal"), body(far))

    assert response.status_code == 404
    assert reveals() == []


def test_the_page_action_sends_anonymous_visitors_to_log_in(client, db):
    response = client.post(reverse("reveal"), {"model": "enterprises.Liaison", "id": 1, "field": "mobile",
                                               "reason": "核实身份"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_page_action_needs_a_csrf_token(world, contact):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.officer)

    response = client.post(reverse("reveal"), body(contact))

    assert response.status_code == 403
    assert reveals() == []


def test_every_refused_reveal_is_on_the_trail_without_the_value(world, api_as, contact):
    far = LiaisonFactory(enterprise=world.other_enterprise, mobile=MOBILE)
    client = api_as(world.officer)

    client.post(URL, body(far), format="json")  # out of scope
    client.post(URL, body(contact, reason="看看"), format="json")  # reason too short
    api_as(world.liaison).post(URL, body(contact), format="json")  # a role that may not

    assert [why.split(":")[0] for _who, _model, _field, why in refusals()] == ["Refused"] * 3
    assert MOBILE not in json.dumps(refusals(), ensure_ascii=False)
    assert reveals() == []
    assert verify_chain()[1] is None


def test_reveals_beyond_the_hourly_quota_get_429_and_are_logged_as_refused(world, api_as, contact, settings):
    from django.core.cache import cache

    cache.clear()
    settings.REVEAL_RATE_PER_HOUR = 2
    client = api_as(world.officer)

    answers = [client.post(URL, body(contact), format="json") for _n in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[2].json() == {"detail": "At most 2 reveals an hour; try again later."}
    assert MOBILE not in answers[2].content.decode()
    assert len(reveals()) == 2
    assert refusals() == [(world.officer.username, "enterprises.Liaison", "mobile",
                           "Refused: At most 2 reveals an hour; try again later.")]
    assert api_as(world.leader).post(URL, body(contact), format="json").status_code == 200  # per user
    cache.clear()
