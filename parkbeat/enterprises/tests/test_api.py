"""The /api/v1/ surface of the registry: tokens, scoping, pagination, filters, versions, demand actions, schema."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import yaml
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime

from parkbeat.audit.models import AuditEvent
from parkbeat.core.authentication import hash_token
from parkbeat.testing import DemandFactory, UserFactory, assign, credit_code
from parkbeat.enterprises.models import Demand, Enterprise
from parkbeat.org import services as org_services
from parkbeat.org.models import ApiToken, Role

PASSWORD = "Correct-Horse-9"  # UserFactory's password
SHANGHAI = ZoneInfo("Asia/Shanghai")
FORBIDDEN = "You are not allowed to do this here."
CONFLICT = "This record was changed by someone else. Reload it and try again."
LIST_ENDPOINTS = ["/api/v1/enterprises/", "/api/v1/liaisons/", "/api/v1/visits/", "/api/v1/demands/",
                  "/api/v1/parks/", "/api/v1/duty-shifts/", "/api/v1/audit-events/"]


@pytest.fixture(autouse=True)
def _english(settings):
    """Assert exact messages in English, whatever translations the project ships."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def issue_token(api_as, username="t_officer", password=PASSWORD):
    response = api_as(None).post("/api/v1/auth/token/", {"username": username, "password": password}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def bearer(api_as, token):
    client = api_as(None)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def ids(response):
    return sorted(row["id"] for row in response.json()["results"])


# ------------------------------------------------------------------ tokens
def test_token_endpoint_issues_a_token_that_expires(world, api_as):
    # given
    before = timezone.now()
    # when
    response = api_as(None).post("/api/v1/auth/token/", {"username": "t_officer", "password": PASSWORD},
                                 format="json")
    # then
    assert response.status_code == 200
    body = response.json()
    assert sorted(body) == ["expires_at", "token"]
    [token] = ApiToken.objects.all()
    assert (token.user_id, token.key_hash, token.revoked_at) == (world.officer.pk, hash_token(body["token"]), None)
    assert body["token"] not in token.key_hash
    assert parse_datetime(body["expires_at"]) == token.expires_at
    assert before + timedelta(hours=24) <= token.expires_at <= timezone.now() + timedelta(hours=24)
    assert list(AuditEvent.objects.values_list("verb", "actor_id")) == [("token", world.officer.pk)]


def test_issued_token_authenticates_as_its_user(world, api_as):
    # given
    token = issue_token(api_as)
    # when
    response = bearer(api_as, token).get("/api/v1/enterprises/")
    # then
    assert response.status_code == 200
    assert ids(response) == sorted([world.enterprise.pk, world.enterprise2.pk])


def test_token_username_is_case_insensitive(world, api_as):
    token = issue_token(api_as, username="T_Officer")
    assert ApiToken.objects.get(key_hash=hash_token(token)).user_id == world.officer.pk


def test_wrong_password_gets_no_token_and_records_login_failed(world, api_as):
    # when
    response = api_as(None).post("/api/v1/auth/token/", {"username": "t_officer", "password": "Wrong-Horse-77"},
                                 format="json")
    # then
    assert response.json() == {"detail": "Unable to log in with the provided username and password."}
    assert ApiToken.objects.count() == 0
    assert list(AuditEvent.objects.values_list("verb", "outcome", "object_repr")) == [
        ("login_failed", "failure", "t_officer")]


def test_wrong_password_answers_401(world, api_as):
    response = api_as(None).post("/api/v1/auth/token/", {"username": "t_officer", "password": "Wrong-Horse-77"},
                                 format="json")
    assert response.status_code == 401


def test_token_request_without_password_is_400(world, api_as):
    response = api_as(None).post("/api/v1/auth/token/", {"username": "t_officer"}, format="json")
    assert response.status_code == 400
    assert response.json()["password"] == ["This field is required."]
    assert ApiToken.objects.count() == 0


def test_expired_token_is_refused_with_the_expired_message(world, api_as):
    # given
    token = issue_token(api_as)
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    # when
    response = bearer(api_as, token).get("/api/v1/enterprises/")
    # then
    assert response.status_code == 401
    assert response.json() == {"detail": "This token has expired; request a new one."}
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_revoked_token_is_refused(world, api_as):
    # given
    token = issue_token(api_as)
    client = bearer(api_as, token)
    # when
    revoked = client.delete("/api/v1/auth/token/revoke/")
    response = client.get("/api/v1/enterprises/")
    # then
    assert revoked.status_code == 204
    assert ApiToken.objects.get().revoked_at is not None
    assert response.status_code == 401
    assert response.json() == {"detail": "This token has been revoked."}
    assert list(AuditEvent.objects.order_by("id").values_list("verb", "actor_id")) == [
        ("token", world.officer.pk), ("token_revoke", world.officer.pk)]


def test_revoking_one_token_leaves_the_users_other_token_working(world, api_as):
    # given
    first, second = issue_token(api_as), issue_token(api_as)
    # when
    bearer(api_as, first).delete("/api/v1/auth/token/revoke/")
    # then
    assert bearer(api_as, first).get("/api/v1/parks/").status_code == 401
    assert bearer(api_as, second).get("/api/v1/parks/").status_code == 200


def test_disabled_users_token_is_refused(world, api_as):
    # given
    token = issue_token(api_as)
    org_services.user_set_active(actor=world.sysadmin, user=world.officer, active=False)
    # when
    response = bearer(api_as, token).get("/api/v1/enterprises/")
    # then
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}
    assert ApiToken.objects.get().revoked_at is not None


def test_token_of_user_deactivated_behind_the_services_back_is_refused(world, api_as):
    # given
    token = issue_token(api_as)
    type(world.officer).objects.filter(pk=world.officer.pk).update(is_active=False)
    # when
    response = bearer(api_as, token).get("/api/v1/enterprises/")
    # then
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


@pytest.mark.parametrize("header", ["Bearer not-a-real-token", "Bearer", "Bearer a b"])
def test_unknown_or_malformed_token_is_401(world, api_as, header):
    client = api_as(None)
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/enterprises/")
    assert response.status_code == 401


@pytest.mark.parametrize("url", LIST_ENDPOINTS)
def test_anonymous_gets_401_on_every_list_endpoint(world, api_as, url):
    response = api_as(None).get(url)
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}


# ------------------------------------------------------------------ pagination
def test_list_has_the_pagination_shape(world, api_as):
    # when
    response = api_as(world.officer).get("/api/v1/enterprises/")
    # then
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["count", "count_exact", "next", "previous", "results"]
    assert (body["count"], body["next"], body["previous"]) == (2, None, None)
    assert ids(response) == sorted([world.enterprise.pk, world.enterprise2.pk])


def test_page_size_is_capped_at_500(world, api_as):
    # given: 501 more enterprises in the officer's park
    Enterprise.objects.bulk_create([
        Enterprise(name=f"批量企业{n:04d}", credit_code=credit_code(5_000_000 + n), park=world.park)
        for n in range(501)])
    client = api_as(world.officer)
    # when
    first = client.get("/api/v1/enterprises/", {"page_size": 1000})
    second = client.get("/api/v1/enterprises/", {"page_size": 1000, "page": 2})
    # then
    assert first.status_code == 200
    body = first.json()
    assert (body["count"], len(body["results"]), body["previous"]) == (503, 500, None)
    assert body["next"] == "http://testserver/api/v1/enterprises/?page=2&page_size=1000"
    assert (second.json()["count"], len(second.json()["results"]), second.json()["next"]) == (503, 3, None)


def test_page_size_below_the_cap_is_honoured(world, api_as):
    response = api_as(world.leader).get("/api/v1/enterprises/", {"page_size": 2})
    body = response.json()
    assert (body["count"], len(body["results"])) == (3, 2)
    assert body["next"] == "http://testserver/api/v1/enterprises/?page=2&page_size=2"


# ------------------------------------------------------------------ filters
@pytest.fixture
def varied(world):
    """Give the leader's three enterprises distinct attributes; the other station's one matches most filters."""
    Enterprise.objects.filter(pk=world.enterprise.pk).update(industry="machinery", is_key=True, key_reason="涉危",
                                                             address="新马路8号")
    Enterprise.objects.filter(pk=world.enterprise2.pk).update(industry="electronics", status="moved")
    Enterprise.objects.filter(pk=world.park2_enterprise.pk).update(industry="materials", address="栗雨大道88号")
    Enterprise.objects.filter(pk=world.other_enterprise.pk).update(industry="machinery", is_key=True,
                                                                   key_reason="涉危", address="栗雨大道99号")
    return world


@pytest.mark.parametrize(("query", "expected"), [
    ({}, ["enterprise", "enterprise2", "park2_enterprise"]),
    ({"park": "park2"}, ["park2_enterprise"]),
    ({"park": "park"}, ["enterprise", "enterprise2"]),
    ({"industry": "machinery"}, ["enterprise"]),
    ({"industry": "food"}, []),
    ({"is_key": "true"}, ["enterprise"]),
    ({"is_key": "false"}, ["enterprise2", "park2_enterprise"]),
    ({"status": "moved"}, ["enterprise2"]),
    ({"status": "active"}, ["enterprise", "park2_enterprise"]),
    ({"q": "新马"}, ["enterprise", "enterprise2"]),
    ({"q": "栗雨大道"}, ["park2_enterprise"]),
    ({"q": "群丰"}, []),
    ({"park": "park", "is_key": "false"}, ["enterprise2"]),
])
def test_enterprise_filters_return_exact_ids_within_scope(varied, api_as, query, expected):
    # given
    params = {k: (getattr(varied, v).pk if k == "park" else v) for k, v in query.items()}
    # when
    response = api_as(varied.leader).get("/api/v1/enterprises/", params)
    # then
    assert response.status_code == 200
    assert ids(response) == sorted(getattr(varied, name).pk for name in expected)


def test_search_by_exact_credit_code_ignores_case(varied, api_as):
    response = api_as(varied.leader).get("/api/v1/enterprises/", {"q": varied.enterprise.credit_code.lower()})
    assert ids(response) == [varied.enterprise.pk]


def test_search_by_another_stations_credit_code_finds_nothing(varied, api_as):
    response = api_as(varied.leader).get("/api/v1/enterprises/", {"q": varied.other_enterprise.credit_code})
    assert response.json()["count"] == 0


@pytest.mark.parametrize("query", [{"park": "other_park"}, {"industry": "no-such-industry"}, {"status": "gone"}])
def test_filter_on_an_invisible_park_or_unknown_choice_is_400(varied, api_as, query):
    params = {k: (getattr(varied, v).pk if k == "park" else v) for k, v in query.items()}
    response = api_as(varied.officer).get("/api/v1/enterprises/", params)
    assert response.status_code == 400


# ------------------------------------------------------------------ create
def test_officer_creates_enterprise_in_own_park(world, api_as):
    # given
    code = credit_code()
    # when
    response = api_as(world.officer).post("/api/v1/enterprises/", {
        "name": "株洲新马轨道配件有限公司", "credit_code": code, "park": world.park.pk, "industry": "rail",
        "headcount": 60}, format="json")
    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["name"], body["credit_code"], body["park"], body["park_name"], body["version"]) == (
        "株洲新马轨道配件有限公司", code, world.park.pk, "新马工业园", 1)
    stored = Enterprise.objects.get(credit_code=code)
    assert (stored.pk, stored.park_id, stored.industry, stored.headcount) == (body["id"], world.park.pk, "rail", 60)
    assert list(AuditEvent.objects.values_list("verb", "object_type", "object_id", "actor_id")) == [
        ("create", "enterprises.Enterprise", str(stored.pk), world.officer.pk)]


def test_creating_in_another_stations_park_is_400_and_creates_nothing(world, api_as):
    # given
    count = Enterprise.objects.count()
    # when
    response = api_as(world.officer).post("/api/v1/enterprises/", {
        "name": "越界企业", "credit_code": credit_code(), "park": world.other_park.pk}, format="json")
    # then
    assert response.status_code == 400
    message = f'Invalid pk "{world.other_park.pk}" - object does not exist.'
    assert response.json() == {"park": [message], "detail": f"park: {message}"}
    assert Enterprise.objects.count() == count
    assert AuditEvent.objects.count() == 0


def test_creating_with_invalid_credit_code_is_400(world, api_as):
    code = credit_code()
    response = api_as(world.officer).post("/api/v1/enterprises/", {
        "name": "坏代码企业", "credit_code": code[:-1] + ("0" if code[-1] != "0" else "1"), "park": world.park.pk},
        format="json")
    assert response.status_code == 400
    assert response.json()["credit_code"] == ["Not a valid unified social credit code."]


def test_model_validation_errors_come_back_as_400_with_detail(world, api_as):
    # given
    count = Enterprise.objects.count()
    client = api_as(world.officer)
    # when
    key = client.post("/api/v1/enterprises/", {"name": "重点企业", "credit_code": credit_code(),
                                                "park": world.park.pk, "is_key": True}, format="json")
    located = client.post("/api/v1/enterprises/", {"name": "半个坐标", "credit_code": credit_code(),
                                                    "park": world.park.pk, "lon": "113.100000"}, format="json")
    # then
    assert key.status_code == 400  # key status changes only by designation (the designate action)
    assert key.json() == {"is_key": ["This field is not accepted here."],
                          "detail": "These fields are not accepted here: is_key."}
    assert located.status_code == 400
    assert located.json() == {"detail": "Give both longitude (−180…180) and latitude (−90…90), or neither."}
    assert Enterprise.objects.count() == count


def test_liaison_cannot_create_an_enterprise(world, api_as):
    count = Enterprise.objects.count()
    response = api_as(world.liaison).post("/api/v1/enterprises/", {
        "name": "联络员建的企业", "credit_code": credit_code(), "park": world.park.pk}, format="json")
    assert response.status_code == 403  # the liaison role writes no enterprise field at all (SECURITY B4)
    assert Enterprise.objects.count() == count


# ------------------------------------------------------------------ update and scope
def test_patch_with_version_updates_and_returns_the_new_version(world, api_as):
    # when
    response = api_as(world.officer).patch(f"/api/v1/enterprises/{world.enterprise.pk}/",
                                           {"headcount": 130, "version": 1}, format="json")
    # then
    assert response.status_code == 200
    assert (response.json()["headcount"], response.json()["version"]) == (130, 2)
    stored = Enterprise.objects.get(pk=world.enterprise.pk)
    assert (stored.headcount, stored.version) == (130, 2)


def test_patch_without_version_is_400_with_detail(world, api_as):
    # when
    response = api_as(world.officer).patch(f"/api/v1/enterprises/{world.enterprise.pk}/", {"headcount": 130},
                                           format="json")
    # then
    assert response.status_code == 400
    message = "Send the version you loaded (field “version”)."
    assert response.json() == {"version": [message], "detail": f"version: {message}"}
    stored = Enterprise.objects.get(pk=world.enterprise.pk)
    assert (stored.headcount, stored.version) == (100, 1)


def test_patch_with_stale_version_is_409_and_the_stored_value_survives(world, api_as):
    # given: someone else saved version 2
    api_as(world.leader).patch(f"/api/v1/enterprises/{world.enterprise.pk}/", {"name": "先到者", "version": 1},
                               format="json")
    # when
    response = api_as(world.officer).patch(f"/api/v1/enterprises/{world.enterprise.pk}/",
                                           {"name": "后到者", "version": 1}, format="json")
    # then
    assert response.status_code == 409
    assert response.json() == {"detail": CONFLICT}
    stored = Enterprise.objects.get(pk=world.enterprise.pk)
    assert (stored.name, stored.version) == ("先到者", 2)
    assert AuditEvent.objects.filter(verb="update").count() == 1


def test_another_stations_enterprise_is_404_for_get_and_patch(world, api_as):
    # given
    client = api_as(world.officer)
    url = f"/api/v1/enterprises/{world.other_enterprise.pk}/"
    # when
    got = client.get(url)
    patched = client.patch(url, {"name": "越界改名", "version": 1}, format="json")
    # then
    assert (got.status_code, got.json()) == (404, {"detail": "Not found."})
    assert (patched.status_code, patched.json()) == (404, {"detail": "Not found."})
    stored = Enterprise.objects.get(pk=world.other_enterprise.pk)
    assert (stored.name, stored.version) == ("群丰食品有限公司", 1)
    assert AuditEvent.objects.count() == 0


def test_officer_cannot_move_an_enterprise_to_another_stations_park_by_patch(world, api_as):
    response = api_as(world.officer).patch(f"/api/v1/enterprises/{world.enterprise.pk}/",
                                           {"park": world.other_park.pk, "version": 1}, format="json")
    assert response.status_code == 400
    assert Enterprise.objects.get(pk=world.enterprise.pk).park_id == world.park.pk


def test_liaison_sees_own_enterprise_but_patching_it_is_403(world, api_as):
    # given
    client = api_as(world.liaison)
    url = f"/api/v1/enterprises/{world.enterprise.pk}/"
    # when
    got = client.get(url)
    patched = client.patch(url, {"headcount": 1, "version": 1}, format="json")
    # then
    assert got.status_code == 200
    assert (patched.status_code, patched.json()) == (403, {"detail": FORBIDDEN})
    stored = Enterprise.objects.get(pk=world.enterprise.pk)
    assert (stored.headcount, stored.version) == (100, 1)
    assert AuditEvent.objects.count() == 0


def test_liaison_lists_only_own_enterprise(world, api_as):
    response = api_as(world.liaison).get("/api/v1/enterprises/")
    assert ids(response) == [world.enterprise.pk]


# ------------------------------------------------------------------ demands
def test_liaison_creates_a_demand_for_own_enterprise(world, api_as):
    # given: the deadline is the station's to set (SECURITY B4): the default applies
    due = (timezone.now() + timedelta(days=7)).replace(microsecond=0)
    # when
    response = api_as(world.liaison).post("/api/v1/demands/", {
        "enterprise": world.enterprise.pk, "category": "labour", "content": "有员工讨薪"}, format="json")
    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["enterprise"], body["source"], body["status"], body["category"], body["raised_by"],
            body["version"]) == (world.enterprise.pk, "liaison", "open", "labour", world.liaison.full_name, 1)
    stored = Demand.objects.get(pk=body["id"])
    assert (stored.raised_by_id, stored.source) == (world.liaison.pk, "liaison")
    assert abs((stored.due_at - due).total_seconds()) < 60


def test_liaison_cannot_create_a_demand_for_another_enterprise(world, api_as):
    # when
    response = api_as(world.liaison).post("/api/v1/demands/", {
        "enterprise": world.enterprise2.pk, "category": "labour", "content": "替别人提"}, format="json")
    # then
    assert response.status_code == 400
    assert response.json()["enterprise"] == [f'Invalid pk "{world.enterprise2.pk}" - object does not exist.']
    assert Demand.objects.count() == 0


def test_demand_with_past_due_date_is_400(world, api_as):
    response = api_as(world.officer).post("/api/v1/demands/", {
        "enterprise": world.enterprise.pk, "category": "security", "content": "已过期",
        "due_at": (timezone.now() - timedelta(hours=1)).isoformat()}, format="json")
    assert response.status_code == 400
    assert response.json() == {"due_at": ["The answer deadline must lie in the future."],
                               "detail": "due_at: The answer deadline must lie in the future."}
    assert Demand.objects.count() == 0


def test_liaison_cannot_patch_a_demand(world, api_as):
    # given
    demand = DemandFactory(enterprise=world.enterprise, raised_by=world.liaison, content="原话")
    # when
    response = api_as(world.liaison).patch(f"/api/v1/demands/{demand.pk}/", {"content": "改口", "version": 1},
                                           format="json")
    # then
    assert response.status_code == 403
    assert Demand.objects.get(pk=demand.pk).content == "原话"


def test_status_is_not_writable_by_patch(world, api_as):
    # given
    demand = DemandFactory(enterprise=world.enterprise, raised_by=world.liaison)
    # when
    response = api_as(world.officer).patch(f"/api/v1/demands/{demand.pk}/",
                                           {"status": "closed", "content": "补充说明", "version": 1}, format="json")
    # then: refused naming the field, not silently dropped, and nothing changed
    assert response.status_code == 400
    assert "status" in response.json()
    stored = Demand.objects.get(pk=demand.pk)
    assert (stored.status, stored.content, stored.closed_at, stored.version) == ("open", demand.content, None, 1)


def test_demand_walks_through_its_actions_with_versions(world, api_as):
    # given
    demand = DemandFactory(enterprise=world.enterprise, raised_by=world.liaison)
    client = api_as(world.officer)
    url = f"/api/v1/demands/{demand.pk}"
    # when / then
    started = client.post(f"{url}/start/", {"version": 1}, format="json")
    assert (started.status_code, started.json()["status"], started.json()["version"]) == (200, "in_progress", 2)
    assert [(t["from_status"], t["to_status"], t["actor"]) for t in started.json()["transitions"]] == [
        ("open", "in_progress", world.officer.full_name)]

    blank = client.post(f"{url}/answer/", {"version": 2}, format="json")
    assert (blank.status_code, blank.json()) == (400, {"answer": ["Write the answer given to the enterprise."],
                                                       "detail": "answer: Write the answer given to the enterprise."})

    answered = client.post(f"{url}/answer/", {"version": 2, "answer": "已加派巡逻"}, format="json")
    assert (answered.status_code, answered.json()["status"], answered.json()["answer"]) == (
        200, "answered", "已加派巡逻")

    reopened = client.post(f"{url}/reopen/", {"version": 3, "note": "企业不满意"}, format="json")
    assert (reopened.status_code, reopened.json()["status"], reopened.json()["version"]) == (200, "in_progress", 4)

    closed = client.post(f"{url}/close/", {"version": 4}, format="json")
    assert (closed.status_code, closed.json()["status"], closed.json()["version"]) == (200, "closed", 5)

    stored = Demand.objects.get(pk=demand.pk)
    assert [(t.from_status, t.to_status) for t in stored.transitions.all()] == [
        ("open", "in_progress"), ("in_progress", "answered"), ("answered", "in_progress"),
        ("in_progress", "closed")]


def test_illegal_action_is_409_with_detail_and_changes_nothing(world, api_as):
    # given
    demand = DemandFactory(enterprise=world.enterprise, raised_by=world.liaison, status=Demand.Status.CLOSED)
    # when
    response = api_as(world.officer).post(f"/api/v1/demands/{demand.pk}/reopen/", {"version": 1}, format="json")
    # then
    assert response.status_code == 409
    assert response.json() == {"detail": "A demand that is “Closed” cannot become “In progress”."}
    stored = Demand.objects.get(pk=demand.pk)
    assert (stored.status, stored.version) == ("closed", 1)
    assert stored.transitions.count() == 0


def test_start_on_a_started_demand_is_409(world, api_as):
    demand = DemandFactory(enterprise=world.enterprise, raised_by=world.liaison, status=Demand.Status.IN_PROGRESS)
    response = api_as(world.officer).post(f"/api/v1/demands/{demand.pk}/start/", {"version": 1}, format="json")
    assert response.status_code == 409
    assert response.json() == {"detail": "A demand that is “In progress” cannot become “In progress”."}


def test_reopen_on_an_open_demand_is_409(world, api_as):
    demand = DemandFactory(enterprise=world.enterprise, raised_by=world.liaison)
    response = api_as(world.officer).post(f"/api/v1/demands/{demand.pk}/reopen/", {"version": 1}, format="json")
    assert response.status_code == 409
    assert Demand.objects.get(pk=demand.pk).status == "open"


def test_action_without_version_is_400(world, api_as):
    demand = DemandFactory(enterprise=world.enterprise, raised_by=world.liaison)
    response = api_as(world.officer).post(f"/api/v1/demands/{demand.pk}/start/", {}, format="json")
    assert response.status_code == 400
    assert response.json() == {"version": ["This field is required."], "detail": "version: This field is required."}
    assert Demand.objects.get(pk=demand.pk).status == "open"


def test_action_with_stale_version_is_409(world, api_as):
    demand = DemandFactory(enterprise=world.enterprise, raised_by=world.liaison)
    Demand.objects.filter(pk=demand.pk).update(version=2)
    response = api_as(world.officer).post(f"/api/v1/demands/{demand.pk}/start/", {"version": 1}, format="json")
    assert (response.status_code, response.json()) == (409, {"detail": CONFLICT})
    assert Demand.objects.get(pk=demand.pk).status == "open"


def test_liaison_closing_own_demand_is_403(world, api_as):
    # given
    demand = DemandFactory(enterprise=world.enterprise, raised_by=world.liaison)
    # when
    response = api_as(world.liaison).post(f"/api/v1/demands/{demand.pk}/close/", {"version": 1}, format="json")
    # then
    assert (response.status_code, response.json()) == (403, {"detail": FORBIDDEN})
    stored = Demand.objects.get(pk=demand.pk)
    assert (stored.status, stored.version) == ("open", 1)


def test_another_stations_officer_gets_404_on_demand_actions(world, api_as):
    demand = DemandFactory(enterprise=world.enterprise, raised_by=world.liaison)
    response = api_as(world.other_officer).post(f"/api/v1/demands/{demand.pk}/start/", {"version": 1},
                                                format="json")
    assert response.status_code == 404
    assert Demand.objects.get(pk=demand.pk).status == "open"


def test_leader_assigns_a_demand(world, api_as):
    # given
    demand = DemandFactory(enterprise=world.enterprise, raised_by=world.liaison)
    # when
    response = api_as(world.leader).post(f"/api/v1/demands/{demand.pk}/assign/",
                                         {"version": 1, "assignee": world.officer.pk}, format="json")
    # then
    assert response.status_code == 200
    assert (response.json()["assignee"], response.json()["version"]) == (world.officer.pk, 2)
    assert Demand.objects.get(pk=demand.pk).assignee_id == world.officer.pk


def test_assigning_to_someone_outside_the_enterprise_is_400(world, api_as):
    # given
    demand = DemandFactory(enterprise=world.enterprise, raised_by=world.liaison)
    # when
    response = api_as(world.leader).post(f"/api/v1/demands/{demand.pk}/assign/",
                                         {"version": 1, "assignee": world.other_officer.pk}, format="json")
    # then
    assert response.status_code == 400
    assert response.json()["assignee"] == [f"{world.other_officer} does not cover this enterprise."]
    stored = Demand.objects.get(pk=demand.pk)
    assert (stored.assignee_id, stored.version) == (None, 1)


def test_auxiliary_cannot_assign(world, api_as):
    demand = DemandFactory(enterprise=world.enterprise, raised_by=world.liaison)
    response = api_as(world.auxiliary).post(f"/api/v1/demands/{demand.pk}/assign/",
                                            {"version": 1, "assignee": world.officer.pk}, format="json")
    assert response.status_code == 403
    assert Demand.objects.get(pk=demand.pk).assignee_id is None


# ------------------------------------------------------------------ on duty
@pytest.fixture
def rostered(world):
    """A second officer of world.park on the roster 2025-03-03 08:00–20:00 (Shanghai)."""
    world.officer3 = assign(UserFactory(username="t_officer3"), Role.PARK_OFFICER, park=world.park)
    org_services.duty_shift_create(actor=world.leader, park=world.park, user=world.officer3,
                                   starts_at=datetime(2025, 3, 3, 8, tzinfo=SHANGHAI),
                                   ends_at=datetime(2025, 3, 3, 20, tzinfo=SHANGHAI))
    return world


def brief(user):
    return {"id": user.pk, "username": user.username, "full_name": user.full_name}


@pytest.mark.parametrize("at", ["2025-03-03T12:00:00+08:00", "2025-03-03T12:00:00", "2025-03-03T04:00:00Z",
                                "2025-03-03T08:00:00+08:00"])
def test_on_duty_is_the_rostered_officer_during_a_shift(rostered, api_as, at):
    response = api_as(rostered.officer).get(f"/api/v1/parks/{rostered.park.pk}/on-duty/", {"at": at})
    assert response.status_code == 200
    assert response.json() == [brief(rostered.officer3)]


@pytest.mark.parametrize("at", ["2025-03-03T20:00:00+08:00", "2025-03-03T07:59:59+08:00", "2025-03-04T12:00:00+08:00"])
def test_on_duty_is_the_parks_assigned_officers_outside_shifts(rostered, api_as, at):
    response = api_as(rostered.officer).get(f"/api/v1/parks/{rostered.park.pk}/on-duty/", {"at": at})
    assert response.status_code == 200
    assert response.json() == [brief(rostered.officer), brief(rostered.officer3)]


def test_on_duty_without_roster_is_the_assigned_officer(world, api_as):
    response = api_as(world.leader).get(f"/api/v1/parks/{world.park.pk}/on-duty/")
    assert response.status_code == 200
    assert response.json() == [brief(world.officer)]


@pytest.mark.parametrize("at", ["yesterday", "2025-03-03 noon", "03/03/2025"])
def test_on_duty_with_a_bad_time_is_400(world, api_as, at):
    response = api_as(world.officer).get(f"/api/v1/parks/{world.park.pk}/on-duty/", {"at": at})
    assert response.status_code == 400
    assert response.json() == {"detail": "at: expected an ISO 8601 time."}


def test_on_duty_with_an_impossible_date_is_400(world, api_as):
    client = api_as(world.officer)
    client.raise_request_exception = False
    response = client.get(f"/api/v1/parks/{world.park.pk}/on-duty/", {"at": "2025-02-30T10:00:00"})
    assert response.status_code == 400


def test_on_duty_of_another_stations_park_is_404(world, api_as):
    response = api_as(world.officer).get(f"/api/v1/parks/{world.other_park.pk}/on-duty/")
    assert response.status_code == 404


# ------------------------------------------------------------------ audit trail
def test_auditor_reads_the_audit_trail(world, api_as):
    # given
    api_as(world.officer).patch(f"/api/v1/enterprises/{world.enterprise.pk}/", {"headcount": 101, "version": 1},
                                format="json")
    # when
    response = api_as(world.auditor).get("/api/v1/audit-events/")
    # then
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert (row["verb"], row["actor_username"], row["object_type"], row["object_id"], row["changes"]) == (
        "update", "t_officer", "enterprises.Enterprise", str(world.enterprise.pk), {"headcount": [100, 101]})


@pytest.mark.parametrize("role", ["leader", "officer", "auxiliary", "mediator", "agency_staff", "liaison",
                                  "volunteer", "sysadmin", "secadmin", "nobody"])
def test_everyone_but_the_auditor_gets_403_on_the_audit_trail(world, api_as, role):
    response = api_as(getattr(world, role)).get("/api/v1/audit-events/")
    assert response.status_code == 403
    assert response.json() == {"detail": "You do not have permission to perform this action."}


# ------------------------------------------------------------------ schema and docs
def test_schema_and_docs_respond_for_a_logged_in_user(world, api_as):
    client = api_as(world.officer)
    schema = client.get("/api/schema/")
    docs = client.get("/api/docs/")
    assert schema.status_code == 200
    assert "/api/v1/enterprises/" in yaml.safe_load(schema.content)["paths"]
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content


def test_schema_is_not_served_anonymously(world, api_as):
    assert api_as(None).get("/api/schema/").status_code == 401


def test_schema_validates_without_warnings(tmp_path):
    # when
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    # then
    paths = yaml.safe_load(target.read_text())["paths"]
    assert {"/api/v1/auth/token/", "/api/v1/enterprises/", "/api/v1/demands/{id}/reopen/",
            "/api/v1/parks/{id}/on-duty/", "/api/v1/audit-events/"} <= set(paths)
