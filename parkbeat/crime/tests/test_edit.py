"""Editing a case's details and changing the agency working a lead, through the pages and the API: leaders and
officers only (auxiliary, liaison, agency 403/404 and nothing changed); a stale version is a form error / 409;
the new agency's staff then see the lead and the previous agency's no longer."""
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from parkbeat.crime.models import Case, Lead
from parkbeat.crime.tests import helpers as h
from parkbeat.org.models import Agency, Role
from parkbeat.testing import UserFactory, assign

COVERS = {"crime:case_edit", "crime:lead_agency", "crime-lead-agency", "crime-case-detail"}


@pytest.fixture
def page(page_as):
    def make(user):
        client = page_as(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client
    return make


@pytest.fixture
def tobacco(world):
    agency = Agency.objects.create(name="天元区烟草专卖局", kind=Agency.Kind.TOBACCO, station=world.station)
    agency.parks.add(world.park)
    staff = assign(UserFactory(username="t_tobacco"), Role.AGENCY_STAFF, agency=agency)
    return agency, staff


def _local(value):
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def _case_body(case, **changes):
    body = {"version": case.version, "kind": case.kind, "title": case.title, "enterprise": case.enterprise_id or "",
            "area": case.area, "description": case.description, "occurred_at": _local(case.occurred_at),
            "reported_at": _local(case.reported_at), "loss_yuan": str(case.loss_yuan), "loss_items": case.loss_items,
            **({"cross_region": "on"} if case.cross_region else {})}
    body.update(changes)
    return body


def test_an_officer_edits_the_case_on_the_page(world, page):
    case = h.case(world)
    client = page(world.officer)
    detail = client.get(f"/crime/cases/{case.pk}/").content.decode()
    assert 'id="case-edit"' in detail
    assert 'id="case-edit-form"' in client.get(f"/crime/cases/{case.pk}/edit/").content.decode()
    occurred = timezone.localtime() - timedelta(days=3)
    answer = client.post(f"/crime/cases/{case.pk}/edit/", _case_body(
        case, kind="internal_theft", enterprise=world.enterprise2.pk, loss_yuan="90000.50", loss_items="模板 13 套",
        cross_region="on", occurred_at=occurred.strftime("%Y-%m-%dT%H:%M")))
    assert answer.status_code == 302, answer.content.decode()[:2000]
    case.refresh_from_db()
    assert (case.kind, case.enterprise, case.loss_items, case.cross_region, str(case.loss_yuan)) == (
        "internal_theft", world.enterprise2, "模板 13 套", True, "90000.50")
    assert case.version == 2


def test_a_stale_or_bad_save_is_a_form_error_never_a_500(world, page):
    case = h.case(world)
    client = page(world.officer)
    stale = _case_body(case, title="旧标题")
    from parkbeat.crime import services

    services.case_update(actor=world.leader, case=Case.objects.get(pk=case.pk), data={"title": "别人改过"},
                         expected_version=case.version)
    answer = client.post(f"/crime/cases/{case.pk}/edit/", stale)
    assert answer.status_code == 200 and "changed by someone else" in answer.content.decode()
    case.refresh_from_db()
    future = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    for changes in ({"occurred_at": future}, {"kind": "moon"}, {"loss_yuan": "-1"}, {"title": ""},
                    {"enterprise": world.other_enterprise.pk}, {"occurred_at": "not a time"},
                    {"occurred_at": _local(case.reported_at + timedelta(hours=1))}):
        answer = client.post(f"/crime/cases/{case.pk}/edit/", _case_body(case, **changes))
        assert answer.status_code == 200 and "invalid-feedback" in answer.content.decode(), changes
    assert Case.objects.get(pk=case.pk).title == "别人改过"


def test_the_api_patches_the_case_with_a_version(world, api_as):
    case = h.case(world)
    client = api_as(world.officer)
    url = f"/api/v1/crime/cases/{case.pk}/"
    answer = client.patch(url, {"version": case.version, "loss_items": "模板 14 套", "cross_region": True},
                          format="json")
    assert answer.status_code == 200 and answer.json()["loss_items"] == "模板 14 套"
    assert client.patch(url, {"version": case.version, "title": "x"}, format="json").status_code == 409
    for body, field in (({"version": 2, "status": "closed"}, "status"), ({"version": 2, "kind": "moon"}, "kind"),
                        ({"title": "x"}, "version"), ({"version": 2, "recovered_yuan": "1"}, "recovered_yuan")):
        answer = client.patch(url, body, format="json")
        assert answer.status_code == 400 and field in answer.json(), answer.json()


def test_who_cannot_edit_a_case(world, tobacco, page, api_as):
    case = h.case(world)
    _agency, staff = tobacco
    for user in (world.auxiliary, world.liaison, staff, world.agency_staff, world.mediator, world.other_officer):
        assert page(user).get(f"/crime/cases/{case.pk}/edit/").status_code in (403, 404)
        assert page(user).post(f"/crime/cases/{case.pk}/edit/", _case_body(case, title="x")).status_code in (403, 404)
        assert api_as(user).patch(f"/api/v1/crime/cases/{case.pk}/", {"version": 1, "title": "x"},
                                  format="json").status_code in (403, 404)
    assert 'id="case-edit"' not in page(world.auxiliary).get(f"/crime/cases/{case.pk}/").content.decode()
    assert Case.objects.get(pk=case.pk).title == case.title and Case.objects.get(pk=case.pk).version == 1


def test_changing_the_agency_moves_who_sees_the_lead(world, tobacco, page, api_as):
    bureau, bureau_staff = tobacco
    world.agency.parks.add(world.park)
    lead = h.lead(world, agency=world.agency)
    assert api_as(world.agency_staff).get(f"/api/v1/crime/leads/{lead.pk}/").status_code == 200
    assert api_as(bureau_staff).get(f"/api/v1/crime/leads/{lead.pk}/").status_code == 404
    client = page(world.officer)
    assert 'id="lead-agency"' in client.get(f"/crime/leads/{lead.pk}/").content.decode()
    answer = client.post(f"/crime/leads/{lead.pk}/agency/", {"version": lead.version, "agency": bureau.pk})
    assert answer.status_code == 302
    assert api_as(bureau_staff).get(f"/api/v1/crime/leads/{lead.pk}/").status_code == 200
    assert api_as(world.agency_staff).get(f"/api/v1/crime/leads/{lead.pk}/").status_code == 404
    assert page(bureau_staff).get("/crime/leads/").content.decode().count(f"/crime/leads/{lead.pk}/") >= 1
    # a stale page is a form error; the API answers 409 and then 200 with the version
    client = page(world.officer)
    answer = client.post(f"/crime/leads/{lead.pk}/agency/", {"version": 1, "agency": ""})
    assert answer.status_code == 200 and "changed by someone else" in answer.content.decode()
    api = api_as(world.officer)
    assert api.post(f"/api/v1/crime/leads/{lead.pk}/agency/", {"version": 1, "agency": None},
                    format="json").status_code == 409
    answer = api.post(f"/api/v1/crime/leads/{lead.pk}/agency/", {"version": 2, "agency": None}, format="json")
    assert answer.status_code == 200 and answer.json()["agency"] is None
    other = Agency.objects.create(name="群丰烟草", kind=Agency.Kind.TOBACCO, station=world.other_station)
    other.parks.add(world.other_park)
    answer = api.post(f"/api/v1/crime/leads/{lead.pk}/agency/", {"version": 3, "agency": other.pk}, format="json")
    assert answer.status_code == 400 and "agency" in answer.json()
    assert api.post(f"/api/v1/crime/leads/{lead.pk}/agency/", {"version": 3, "agency": bureau.pk, "x": 1},
                    format="json").status_code == 400


def test_who_cannot_change_the_agency(world, tobacco, page, api_as):
    bureau, bureau_staff = tobacco
    lead = h.lead(world, agency=bureau)
    for user in (world.auxiliary, world.liaison, bureau_staff, world.mediator, world.other_officer):
        assert page(user).get(f"/crime/leads/{lead.pk}/agency/").status_code in (403, 404)
        assert page(user).post(f"/crime/leads/{lead.pk}/agency/", {"version": 1, "agency": ""}).status_code in (
            403, 404)
        assert api_as(user).post(f"/api/v1/crime/leads/{lead.pk}/agency/", {"version": 1, "agency": None},
                                 format="json").status_code in (403, 404)
    assert Lead.objects.get(pk=lead.pk).agency == bureau
