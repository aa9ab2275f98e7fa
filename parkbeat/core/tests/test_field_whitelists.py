"""Writable fields per role on the API (SECURITY B4): `Meta.role_writable_fields` + RoleWritableFieldsMixin.

A field the role may not set is a 400 naming it; read-only fields (status, answer, source, ...) are
ignored; a record never moves to another enterprise; `version` cannot be used to skip the check.
Every refusal asserts that nothing changed.
"""
import pytest
from django.utils import translation

from parkbeat.testing import DemandFactory, LiaisonFactory, VisitFactory, assign, credit_code
from parkbeat.enterprises.models import Demand, Enterprise, Liaison, Visit
from parkbeat.org.models import Role

COVERS = {"demand-list", "demand-detail", "liaison-list", "liaison-detail", "visit-detail", "enterprise-list",
          "enterprise-detail", "dutyshift-list"}


@pytest.fixture(autouse=True)
def _english(settings):
    """Assert exact messages in English (their msgids); the translations are checked elsewhere."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def _row(model, pk, *fields):
    return model.objects.filter(pk=pk).values_list(*fields).get()


@pytest.mark.parametrize("field,value", [("assignee", "officer"), ("due_at", "2099-01-01T08:00:00+08:00")])
def test_a_liaison_raising_a_demand_may_not_set_deadline_or_assignee(world, api_as, field, value):
    value = world.officer.pk if value == "officer" else value

    response = api_as(world.liaison).post("/api/v1/demands/", {
        "enterprise": world.enterprise.pk, "category": "security", "content": "请求巡逻", field: value},
        format="json")

    assert response.status_code == 400
    assert response.json() == {"detail": f"You may not set these fields: {field}.",
                               field: ["You may not set this field."]}
    assert Demand.objects.count() == 0


def test_a_liaison_cannot_set_status_answer_or_source_they_are_refused_by_name(world, api_as):
    response = api_as(world.liaison).post("/api/v1/demands/", {
        "enterprise": world.enterprise.pk, "category": "security", "content": "请求巡逻",
        "status": "closed", "answer": "已办结", "source": "officer", "closed_at": "2020-01-01T00:00:00Z"},
        format="json")

    assert response.status_code == 400, response.content
    assert {"status", "answer", "source", "closed_at"} <= set(response.json())
    assert Demand.objects.count() == 0


def test_an_auxiliary_may_not_assign_when_raising_a_demand(world, api_as):
    response = api_as(world.auxiliary).post("/api/v1/demands/", {
        "enterprise": world.enterprise.pk, "category": "security", "content": "巡逻", "assignee": world.officer.pk},
        format="json")

    assert (response.status_code, response.json()["detail"]) == (400, "You may not set these fields: assignee.")
    assert Demand.objects.count() == 0


def test_the_officer_may_assign_when_raising_a_demand(world, api_as):
    response = api_as(world.officer).post("/api/v1/demands/", {
        "enterprise": world.enterprise.pk, "category": "security", "content": "巡逻", "assignee": world.officer.pk},
        format="json")

    assert response.status_code == 201, response.content
    assert Demand.objects.get().assignee_id == world.officer.pk


def test_a_liaison_cannot_move_a_contact_to_another_enterprise(world, api_as):
    """Even to an enterprise the liaison can see: the record stays where it was created."""
    assign(world.liaison, Role.LIAISON, enterprise=world.enterprise2)
    contact = LiaisonFactory(enterprise=world.enterprise, title="")

    response = api_as(world.liaison).patch(f"/api/v1/liaisons/{contact.pk}/", {
        "enterprise": world.enterprise2.pk, "title": "经理", "version": 1}, format="json")

    assert (response.status_code, response.json()) == (400, {
        "enterprise": ["This cannot be changed once created."],
        "detail": "enterprise: This cannot be changed once created."})
    assert _row(Liaison, contact.pk, "enterprise", "title", "version") == (world.enterprise.pk, "", 1)


@pytest.mark.parametrize("kind", ["visit", "demand"])
def test_officers_cannot_move_visits_or_demands_to_another_enterprise(world, api_as, kind):
    obj = (VisitFactory if kind == "visit" else DemandFactory)(enterprise=world.enterprise)

    response = api_as(world.officer).patch(f"/api/v1/{kind}s/{obj.pk}/", {
        "enterprise": world.enterprise2.pk, "version": 1}, format="json")

    assert response.status_code == 400
    assert response.json()["enterprise"] == ["This cannot be changed once created."]
    model = Visit if kind == "visit" else Demand
    assert _row(model, obj.pk, "enterprise", "version") == (world.enterprise.pk, 1)


def test_resending_the_same_enterprise_on_update_is_accepted(world, api_as):
    """A PUT of what was read back carries the enterprise unchanged: that is not a move."""
    visit = VisitFactory(enterprise=world.enterprise, visitor=world.officer)

    response = api_as(world.officer).put(f"/api/v1/visits/{visit.pk}/", {
        "enterprise": world.enterprise.pk, "findings": "复查正常", "version": 1}, format="json")

    assert response.status_code == 200, response.content
    assert _row(Visit, visit.pk, "findings", "version") == ("复查正常", 2)


def test_read_only_fields_are_refused_on_update_and_nothing_changes(world, api_as):
    demand = DemandFactory(enterprise=world.enterprise)

    response = api_as(world.officer).patch(f"/api/v1/demands/{demand.pk}/", {
        "content": "补充说明", "status": "closed", "answer": "已答复", "source": "visit", "version": 1},
        format="json")

    assert response.status_code == 400, response.content
    assert {"status", "answer", "source"} <= set(response.json())
    assert _row(Demand, demand.pk, "content", "status", "answer", "source", "version") == (
        demand.content, "open", "", "officer", 1)


def test_version_cannot_be_chosen_on_create(world, api_as):
    response = api_as(world.officer).post("/api/v1/enterprises/", {
        "name": "版本企业", "credit_code": credit_code(), "park": world.park.pk, "version": 99}, format="json")

    assert response.status_code == 201, response.content
    assert (response.json()["version"], Enterprise.objects.get(name="版本企业").version) == (1, 1)


def test_an_update_without_version_or_with_a_stale_one_changes_nothing(world, api_as):
    client = api_as(world.officer)
    url = f"/api/v1/enterprises/{world.enterprise.pk}/"

    missing = client.patch(url, {"headcount": 7}, format="json")
    stale = client.patch(url, {"headcount": 7, "version": 5}, format="json")

    assert (missing.status_code, stale.status_code) == (400, 409)
    assert _row(Enterprise, world.enterprise.pk, "headcount", "version") == (100, 1)


@pytest.mark.parametrize("role", ["mediator", "agency_staff", "volunteer", "sysadmin", "secadmin", "auditor",
                                  "nobody"])
@pytest.mark.parametrize("url,body", [
    ("/api/v1/demands/", {"category": "security", "content": "x"}),
    ("/api/v1/liaisons/", {"kind": "admin_head", "name": "x", "mobile": "13912345678"}),
    ("/api/v1/visits/", {"findings": "x"}),
    ("/api/v1/enterprises/", {"name": "x", "credit_code": "91430211MA4L000000"}),
])
def test_roles_without_write_fields_are_refused_before_anything_is_read(world, api_as, role, url, body):
    counts = [m.objects.count() for m in (Demand, Liaison, Visit, Enterprise)]

    response = api_as(world.role_users()[role]).post(
        url, {**body, "enterprise": world.enterprise.pk, "park": world.park.pk}, format="json")

    assert (response.status_code, response.json()) == (403, {"detail": "You are not allowed to do this here."})
    assert [m.objects.count() for m in (Demand, Liaison, Visit, Enterprise)] == counts


def test_an_auxiliary_cannot_create_duty_shifts(world, api_as):
    response = api_as(world.auxiliary).post("/api/v1/duty-shifts/", {
        "park": world.park.pk, "user": world.auxiliary.pk, "role": "auxiliary",
        "starts_at": "2099-01-01T08:00:00+08:00", "ends_at": "2099-01-01T16:00:00+08:00"}, format="json")

    assert response.status_code == 403
    assert world.park.duty_shifts.count() == 0


def test_several_roles_write_the_union_of_their_fields(world, api_as):
    """An auxiliary who is also a liaison may set a deadline (the auxiliary's right), not an assignee."""
    assign(world.auxiliary, Role.LIAISON, enterprise=world.enterprise)
    client = api_as(world.auxiliary)
    body = {"enterprise": world.enterprise.pk, "category": "security", "content": "巡逻"}

    with_deadline = client.post("/api/v1/demands/", {**body, "due_at": "2030-01-01T08:00:00+08:00"}, format="json")
    with_assignee = client.post("/api/v1/demands/", {**body, "assignee": world.officer.pk}, format="json")

    assert (with_deadline.status_code, with_assignee.status_code) == (201, 400)
    assert Demand.objects.count() == 1
