"""Permission matrix: every role × object × verb × own / neighbour / other-station record (SECURITY B1–B3, B5, B6).

"own" is the enterprise of liaison `t_liaison` in park A; "neighbour" is another enterprise in park A;
"other" lies in another station. Each cell asserts the status code, and a refused write asserts that
nothing changed. `ROUTE_CELLS` walks every route of the pages and the API for every role; the other
tests go deeper on lists, searches, figures, exports and nested objects. `COVERS` is derived from the
routes these tests request, and test_url_coverage checks it against the URL configuration.
"""
from dataclasses import dataclass
from datetime import timedelta
from importlib import import_module

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from parkbeat.core.exports import XLSX_CONTENT_TYPE
from parkbeat.core.home import home_counts
from parkbeat.audit.models import AuditEvent
from parkbeat.audit.services import record
from parkbeat.testing import DemandFactory, LiaisonFactory, VisitFactory, credit_code
from parkbeat.enterprises import spreadsheets
from parkbeat.enterprises.models import Demand, Enterprise, Liaison, Visit
from parkbeat.org.models import DutyShift, Role, RoleAssignment, User

ROLES = ["leader", "officer", "auxiliary", "mediator", "agency_staff", "liaison", "volunteer",
         "sysadmin", "secadmin", "auditor", "nobody"]
TARGETS = ["own", "neighbour", "other"]
POLICE = {"leader", "officer", "auxiliary"}
ADMINS = {"sysadmin", "secadmin", "auditor"}
CASE = frozenset(ROLES) - ADMINS - {"nobody"}  # permission case.view: the case lists answer them, others 403

# Which targets each role sees in the enterprise registry.
SEES_ENTERPRISE = {
    "leader": {"own", "neighbour"}, "officer": {"own", "neighbour"}, "auxiliary": {"own", "neighbour"},
    "mediator": {"own", "neighbour"}, "agency_staff": {"own", "neighbour"}, "liaison": {"own"},
}
# Which targets each role sees among demands and liaisons (mediators and agencies only by assignment).
SEES_DEMAND = {"leader": {"own", "neighbour"}, "officer": {"own", "neighbour"},
               "auxiliary": {"own", "neighbour"}, "liaison": {"own"}}
SEES_VISIT = {"leader": {"own", "neighbour"}, "officer": {"own", "neighbour"}, "auxiliary": {"own", "neighbour"}}
CHANGES_ENTERPRISE = POLICE
ADDS_DEMAND = POLICE | {"liaison"}
PASSWORD = "Correct-Horse-9"  # UserFactory's


@pytest.fixture(autouse=True)
def _fresh_export_quota():
    """Export quotas live in the cache, which outlives a test: each test starts with a full quota."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def cast(world):
    """The targets as records: an enterprise, a liaison, a visit and a demand under each, each text marked
    with its target name so a page or a JSON body can be searched for it; a park, a duty shift and an
    audit event for own / other too."""
    enterprises = {"own": world.enterprise, "neighbour": world.enterprise2, "other": world.other_enterprise}
    parks = {"own": world.park, "neighbour": world.park, "other": world.other_park}
    records = {}
    soon = timezone.now() + timedelta(days=10)
    for name, enterprise in enterprises.items():
        # Recorded by someone outside the tested roles, so nobody sees them as their own rows.
        recorder = world.other_officer if name == "other" else world.officer2
        records[name] = {
            "enterprise": enterprise,
            "park": parks[name],
            "liaison": LiaisonFactory(enterprise=enterprise, name=f"联络员-{name}"),
            "visit": VisitFactory(enterprise=enterprise, visitor=recorder, findings=f"走访记录-{name}"),
            "demand": DemandFactory(enterprise=enterprise, raised_by=recorder, content=f"诉求内容-{name}"),
        }
    records["own"]["shift"] = DutyShift.objects.create(
        park=world.park, user=world.officer, starts_at=soon, ends_at=soon + timedelta(hours=8), note="班次-own")
    records["other"]["shift"] = DutyShift.objects.create(
        park=world.other_park, user=world.other_officer, starts_at=soon, ends_at=soon + timedelta(hours=8),
        note="班次-other")
    record(actor=world.officer, verb="update", obj=world.enterprise, note="审计-own")
    records["own"]["audit"] = AuditEvent.objects.get(note="审计-own")
    records["own"]["account"] = world.nobody
    records["own"]["assignment"] = RoleAssignment.objects.get(user=world.volunteer)
    return records


def _cells(sees):
    return [(role, target, target in sees.get(role, set())) for role in ROLES for target in TARGETS]


@pytest.mark.parametrize("role,target,visible", _cells(SEES_ENTERPRISE))
def test_enterprise_pages_and_api_follow_scope(world, cast, client, api_as, role, target, visible):
    user = world.role_users()[role]
    enterprise = cast[target]["enterprise"]
    client.force_login(user)

    page = client.get(reverse("enterprises:enterprise_detail", args=[enterprise.pk]))
    api = api_as(user).get(f"/api/v1/enterprises/{enterprise.pk}/")
    api_list = api_as(user).get("/api/v1/enterprises/", {"page_size": 500})
    page_list = client.get(reverse("enterprises:enterprise_list"), {"page_size": 200})

    assert page.status_code == (200 if visible else 404)
    assert api.status_code == (200 if visible else 404)
    assert (api_list.status_code, page_list.status_code) == ((200, 200) if role in CASE else (403, 403))
    listed = api_list.json().get("results", [])
    assert (enterprise.pk in {row["id"] for row in listed}) is visible
    assert (enterprise.name in page_list.content.decode()) is visible


@pytest.mark.parametrize("role,target,visible", _cells(SEES_ENTERPRISE))
def test_enterprise_edit_only_by_police_in_scope(world, cast, client, api_as, role, target, visible):
    user = world.role_users()[role]
    enterprise = cast[target]["enterprise"]
    allowed = visible and role in CHANGES_ENTERPRISE
    client.force_login(user)

    form = client.get(reverse("enterprises:enterprise_update", args=[enterprise.pk]))
    api = api_as(user).patch(f"/api/v1/enterprises/{enterprise.pk}/", {"headcount": 4321, "version": 1},
                             format="json")

    if role not in CHANGES_ENTERPRISE:
        expected_form = 403  # the role itself lacks the permission: refused before any lookup
    else:
        expected_form = 200 if visible else 404
    assert form.status_code == expected_form
    assert api.status_code == (200 if allowed else (404 if not visible else 403))
    assert Enterprise.objects.get(pk=enterprise.pk).headcount == (4321 if allowed else 100)


@pytest.mark.parametrize("role,target,visible", _cells(SEES_DEMAND))
def test_demands_follow_scope(world, cast, client, api_as, role, target, visible):
    user = world.role_users()[role]
    demand = cast[target]["demand"]
    client.force_login(user)

    page = client.get(reverse("enterprises:demand_detail", args=[demand.pk]))
    api = api_as(user).get(f"/api/v1/demands/{demand.pk}/")
    api_list = api_as(user).get("/api/v1/demands/", {"page_size": 500})
    listed = api_list.json().get("results", [])

    assert api_list.status_code == (200 if role in CASE else 403)
    assert page.status_code == (200 if visible else 404)
    assert api.status_code == (200 if visible else 404)
    assert (demand.pk in {row["id"] for row in listed}) is visible


@pytest.mark.parametrize("role,target,visible", _cells(SEES_DEMAND))
def test_demand_close_only_by_leader_or_officer_in_scope(world, cast, api_as, role, target, visible):
    user = world.role_users()[role]
    demand = cast[target]["demand"]
    allowed = visible and role in {"leader", "officer"}

    response = api_as(user).post(f"/api/v1/demands/{demand.pk}/close/", {"version": demand.version}, format="json")

    assert response.status_code == (200 if allowed else (403 if visible else 404))
    assert Demand.objects.get(pk=demand.pk).status == ("closed" if allowed else "open")


@pytest.mark.parametrize("role,target,visible", _cells(SEES_ENTERPRISE))
def test_demand_raised_only_for_enterprises_in_reach(world, cast, client, api_as, role, target, visible):
    user = world.role_users()[role]
    enterprise = cast[target]["enterprise"]
    allowed = role in ADDS_DEMAND and visible
    before = Demand.objects.count()

    response = api_as(user).post("/api/v1/demands/", {"enterprise": enterprise.pk, "category": "security",
                                                      "content": "请求加强夜间巡逻"}, format="json")

    if allowed:
        assert response.status_code == 201
        assert Demand.objects.count() == before + 1
    else:
        # Outside scope the enterprise "does not exist" (400); inside scope without the right: 403.
        assert response.status_code in ({403} if visible else {400, 403})
        assert Demand.objects.count() == before


@pytest.mark.parametrize("role,target,visible", _cells(SEES_VISIT))
def test_visits_follow_scope(world, cast, client, api_as, role, target, visible):
    user = world.role_users()[role]
    visit = cast[target]["visit"]
    client.force_login(user)

    api = api_as(user).get(f"/api/v1/visits/{visit.pk}/")
    page = client.get(reverse("enterprises:visit_detail", args=[visit.pk]))

    assert api.status_code == (200 if visible else 404)
    assert page.status_code == (200 if visible else 404)


@pytest.mark.parametrize("role,target,visible", _cells(SEES_DEMAND))
def test_liaisons_follow_scope_and_are_masked(world, cast, api_as, role, target, visible):
    user = world.role_users()[role]
    liaison = cast[target]["liaison"]

    response = api_as(user).get(f"/api/v1/liaisons/{liaison.pk}/")

    assert response.status_code == (200 if visible else 404)
    if visible:
        assert response.json()["mobile"] == liaison.mobile[:3] + "****" + liaison.mobile[-4:]


# (enterprises, open demands) on the home page: the leader also sees park 2's enterprise of station A.
HOME_COUNTS = {"leader": (3, 2), "officer": (2, 2), "auxiliary": (2, 2), "mediator": (2, 0),
               "agency_staff": (2, 0), "liaison": (1, 1)}


@pytest.mark.parametrize("role", ROLES)
def test_home_counts_only_what_the_role_sees(world, cast, client, role):
    user = world.role_users()[role]
    client.force_login(user)

    assert client.get(reverse("home")).status_code == 200
    counts = home_counts(user=user)  # every declared figure, shown to the role or not

    assert (counts["enterprises"], counts["open_demands"]) == HOME_COUNTS.get(role, (0, 0))


@pytest.mark.parametrize("role", ROLES)
def test_anonymous_and_every_role_reach_only_their_admin_pages(world, client, role):
    user = world.role_users()[role]
    client.force_login(user)
    pages = {"org:user_list": "sysadmin", "org:role_list": "secadmin", "audit:event_list": "auditor"}

    for name, owner in pages.items():
        assert client.get(reverse(name)).status_code == (200 if role == owner else 403), name


@pytest.mark.parametrize("url", ["/api/v1/enterprises/", "/api/v1/demands/", "/api/v1/visits/",
                                 "/api/v1/liaisons/", "/api/v1/parks/", "/api/v1/duty-shifts/",
                                 "/api/v1/audit-events/"])
def test_anonymous_api_gets_401(db, api_as, url):
    assert api_as(None).get(url).status_code == 401


@pytest.mark.parametrize("url", ["/", "/enterprises/", "/enterprises/demands/", "/enterprises/visits/",
                                 "/org/parks/", "/org/duty/", "/audit/"])
def test_anonymous_pages_redirect_to_login(db, client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


# ---------------------------------------------------------------- every route × every role (B1, B2)
# Which roles see the "own" record of each kind; nobody sees the "other" one (another station).
VISIBLE = {
    "enterprise": {"leader", "officer", "auxiliary", "mediator", "agency_staff", "liaison"},
    "park": {"leader", "officer", "auxiliary", "mediator", "agency_staff"},
    "liaison": POLICE | {"liaison"},
    "visit": POLICE,
    "demand": POLICE | {"liaison"},
    "shift": POLICE,
    "audit": set(ROLES),  # unscoped: the role check alone decides
    "account": set(ROLES),
    "assignment": set(ROLES),
}
OTHER_MARKERS = ["群丰食品有限公司", "群丰园区", "联络员-other", "走访记录-other", "诉求内容-other", "班次-other"]


@dataclass(frozen=True)
class Cell:
    """One route and method, and who gets through: `allowed` roles reach what they see (`kind`), everyone
    else is refused — with 403 before any lookup (`order="role"`) or with 404 first when the object is
    out of reach (`order="scope"`). `hidden` is the answer for an out-of-reach object (400 when the object
    is named in the body, as a foreign key). A write that gets through must show in `changed`; a refused
    one must leave the records exactly as they were."""

    route: str
    method: str = "get"
    kind: str | None = None
    allowed: frozenset | None = None  # None: every logged-in user
    order: str = "role"
    ok: int = 200
    hidden: int = 404
    url_kwargs: object = None  # (cast, target) -> kwargs; default {"pk": the kind's object}
    body: object = None  # (world, cast, target, user) -> request data
    changed: object = None  # (cast, target) -> bool
    setup: object = None  # (cast, target) -> None, run before the request
    lists: bool = False  # a list: another station's records must not appear in it
    shows_personal_data: bool = False  # run apart, with the response scanner off (see below)

    @property
    def is_api(self):
        return "-" in self.route or self.route in {"auth_token", "auth_token_revoke", "schema", "api_docs"}

    def expected(self, role, target):
        visible = self.kind is None or (target == "own" and role in VISIBLE[self.kind])
        permitted = self.allowed is None or role in self.allowed
        if permitted and visible:
            return self.ok
        if self.order == "role":
            return 403 if not permitted else self.hidden
        return self.hidden if not visible else 403

    def targets(self):
        return ["own", "other"] if self.kind in ("enterprise", "park", "liaison", "visit", "demand", "shift") \
            else ["own"]


def _pk(kind):
    return lambda c, t: {"pk": c[t][kind].pk}


def _nested_liaison(c, t):
    return {"pk": c[t]["enterprise"].pk, "liaison_pk": c[t]["liaison"].pk}


def _assignee(world, t):
    return world.officer if t == "own" else world.other_officer


def _status(value):
    return lambda c, t: Demand.objects.get(pk=c[t]["demand"].pk).status == value


def _answered(c, t):
    Demand.objects.filter(pk=c[t]["demand"].pk).update(status="answered", answer="已答复")


def _import_file(world, c, t, user):
    upload = spreadsheets.import_template(user=world.officer)
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {"file": SimpleUploadedFile("roster.xlsx", upload, content_type=XLSX_CONTENT_TYPE)}


def _shift_body(world, c, t, user):
    start = timezone.now() + timedelta(days=20)
    return {"park": c[t]["park"].pk, "user": _assignee(world, t).pk, "role": Role.PARK_OFFICER,
            "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=8)).isoformat()}


LEADER_OFFICER = frozenset({"leader", "officer"})
P = frozenset(POLICE)
PL = frozenset(POLICE | {"liaison"})
PARK_ROLES = frozenset(VISIBLE["park"])
V1 = {"version": 1}

ROUTE_CELLS = [
    # ---- pages: home, login, logout, health
    Cell("home"),
    Cell("login", ok=302),  # a logged-in user is sent on (redirect_authenticated_user)
    Cell("health"),
    Cell("logout", "post", ok=302),
    # ---- organisation pages
    Cell("org:park_list", allowed=PARK_ROLES, lists=True),
    Cell("org:park_detail", kind="park", allowed=PARK_ROLES),
    Cell("org:duty_list", allowed=P, lists=True),
    Cell("org:duty_create", allowed=LEADER_OFFICER),
    Cell("org:duty_delete", "post", kind="shift", allowed=LEADER_OFFICER, ok=302,
         changed=lambda c, t: not DutyShift.objects.filter(pk=c[t]["shift"].pk).exists()),
    Cell("org:user_list", allowed=frozenset({"sysadmin"})),
    Cell("org:user_create", allowed=frozenset({"sysadmin"})),
    Cell("org:user_toggle", "post", kind="account", allowed=frozenset({"sysadmin"}), ok=302, url_kwargs=_pk("account"),
         body=lambda w, c, t, u: {"active": ""},
         changed=lambda c, t: not User.objects.get(pk=c[t]["account"].pk).is_active),
    Cell("org:user_password", kind="account", allowed=frozenset({"sysadmin"})),
    Cell("org:role_list", allowed=frozenset({"secadmin"})),
    Cell("org:role_create", allowed=frozenset({"secadmin"})),
    Cell("org:role_delete", "post", kind="assignment", allowed=frozenset({"secadmin"}), ok=302,
         changed=lambda c, t: not RoleAssignment.objects.filter(pk=c[t]["assignment"].pk).exists()),
    # ---- registry pages
    Cell("enterprises:enterprise_list", allowed=CASE, lists=True),
    Cell("enterprises:enterprise_create", allowed=P),
    Cell("enterprises:enterprise_detail", kind="enterprise", order="scope"),
    Cell("enterprises:enterprise_update", kind="enterprise", allowed=P),
    Cell("enterprises:liaison_create", kind="enterprise", allowed=PL),
    Cell("enterprises:liaison_update", kind="liaison", allowed=PL, url_kwargs=_nested_liaison,
         shows_personal_data=True),
    Cell("enterprises:visit_create", kind="enterprise", allowed=P),
    Cell("enterprises:demand_create", kind="enterprise", allowed=PL),
    Cell("enterprises:visit_list", allowed=P, lists=True),
    Cell("enterprises:visit_detail", kind="visit", order="scope"),
    Cell("enterprises:visit_update", kind="visit", allowed=P),
    Cell("enterprises:demand_list", allowed=CASE, lists=True),
    Cell("enterprises:demand_detail", kind="demand", order="scope"),
    Cell("enterprises:demand_update", kind="demand", allowed=LEADER_OFFICER),
    Cell("enterprises:demand_action", "post", kind="demand", allowed=P, order="scope", ok=302,
         body=lambda w, c, t, u: {"action": "start", "version": 1}, changed=_status("in_progress")),
    Cell("enterprises:demand_assign", "post", kind="demand", allowed=LEADER_OFFICER, order="scope", ok=302,
         body=lambda w, c, t, u: {"assignee": _assignee(w, t).pk, "version": 1},
         changed=lambda c, t: Demand.objects.get(pk=c[t]["demand"].pk).assignee_id is not None),
    Cell("enterprises:enterprise_import", allowed=LEADER_OFFICER),
    Cell("enterprises:enterprise_import_template", allowed=LEADER_OFFICER),
    Cell("enterprises:enterprise_export", allowed=P),
    # ---- audit pages
    Cell("audit:event_list", allowed=frozenset({"auditor"})),
    Cell("audit:event_detail", kind="audit", allowed=frozenset({"auditor"})),
    # ---- API: tokens, schema
    Cell("auth_token", "post", body=lambda w, c, t, u: {"username": u.username, "password": PASSWORD}),
    Cell("auth_token_revoke", "delete", ok=204),
    Cell("schema"),
    Cell("api_docs"),
    # ---- API: organisation
    Cell("park-list", lists=True),
    Cell("park-detail", kind="park", order="scope"),
    Cell("park-on-duty", kind="park", order="scope"),
    Cell("dutyshift-list", lists=True),
    Cell("dutyshift-list", "post", kind="park", allowed=LEADER_OFFICER, ok=201, hidden=400, body=_shift_body,
         changed=lambda c, t: DutyShift.objects.filter(park=c[t]["park"]).count() == 2),
    Cell("dutyshift-detail", kind="shift", order="scope"),
    Cell("dutyshift-detail", "delete", kind="shift", allowed=LEADER_OFFICER, order="scope", ok=204,
         changed=lambda c, t: not DutyShift.objects.filter(pk=c[t]["shift"].pk).exists()),
    # ---- API: registry
    Cell("enterprise-import", "post", allowed=LEADER_OFFICER, body=_import_file),
    Cell("enterprise-import-template", allowed=LEADER_OFFICER),
    Cell("enterprise-export", allowed=P),
    Cell("enterprise-list", allowed=CASE, lists=True),
    Cell("enterprise-list", "post", kind="park", allowed=P, ok=201, hidden=400,
         body=lambda w, c, t, u: {"name": "新登记企业", "credit_code": credit_code(), "park": c[t]["park"].pk},
         changed=lambda c, t: Enterprise.objects.filter(name="新登记企业").exists()),
    Cell("enterprise-detail", kind="enterprise", order="scope"),
    Cell("enterprise-detail", "patch", kind="enterprise", allowed=P, order="scope",
         body=lambda w, c, t, u: {"headcount": 4321, **V1},
         changed=lambda c, t: Enterprise.objects.get(pk=c[t]["enterprise"].pk).headcount == 4321),
    Cell("liaison-list", allowed=CASE, lists=True),
    Cell("liaison-list", "post", kind="enterprise", allowed=PL, ok=201, hidden=400,
         body=lambda w, c, t, u: {"enterprise": c[t]["enterprise"].pk, "kind": "admin_head", "name": "新联络员",
                                  "mobile": "13912345678"},
         changed=lambda c, t: Liaison.objects.filter(name="新联络员").exists()),
    Cell("liaison-detail", kind="liaison", order="scope"),
    Cell("liaison-detail", "patch", kind="liaison", allowed=PL, order="scope",
         body=lambda w, c, t, u: {"title": "保卫科长", **V1},
         changed=lambda c, t: Liaison.objects.get(pk=c[t]["liaison"].pk).title == "保卫科长"),
    Cell("visit-list", allowed=CASE, lists=True),
    Cell("visit-list", "post", kind="enterprise", allowed=P, ok=201, hidden=400,
         body=lambda w, c, t, u: {"enterprise": c[t]["enterprise"].pk, "findings": "新的走访"},
         changed=lambda c, t: Visit.objects.filter(findings="新的走访").exists()),
    Cell("visit-detail", kind="visit", order="scope"),
    Cell("visit-detail", "patch", kind="visit", allowed=P, order="scope",
         body=lambda w, c, t, u: {"findings": "改过的走访", **V1},
         changed=lambda c, t: Visit.objects.get(pk=c[t]["visit"].pk).findings == "改过的走访"),
    Cell("demand-list", allowed=CASE, lists=True),
    Cell("demand-list", "post", kind="enterprise", allowed=PL, ok=201, hidden=400,
         body=lambda w, c, t, u: {"enterprise": c[t]["enterprise"].pk, "category": "security", "content": "新诉求"},
         changed=lambda c, t: Demand.objects.filter(content="新诉求").exists()),
    Cell("demand-detail", kind="demand", order="scope"),
    Cell("demand-detail", "patch", kind="demand", allowed=LEADER_OFFICER, order="scope",
         body=lambda w, c, t, u: {"content": "改过的诉求", **V1},
         changed=lambda c, t: Demand.objects.get(pk=c[t]["demand"].pk).content == "改过的诉求"),
    Cell("demand-start", "post", kind="demand", allowed=P, order="scope", body=lambda w, c, t, u: V1,
         changed=_status("in_progress")),
    Cell("demand-answer", "post", kind="demand", allowed=P, order="scope",
         body=lambda w, c, t, u: {"answer": "已协调处理", **V1}, changed=_status("answered")),
    Cell("demand-close", "post", kind="demand", allowed=LEADER_OFFICER, order="scope", body=lambda w, c, t, u: V1,
         changed=_status("closed")),
    Cell("demand-reopen", "post", kind="demand", allowed=LEADER_OFFICER, order="scope", setup=_answered,
         body=lambda w, c, t, u: V1, changed=_status("in_progress")),
    Cell("demand-assign", "post", kind="demand", allowed=LEADER_OFFICER, order="scope",
         body=lambda w, c, t, u: {"assignee": _assignee(w, t).pk, **V1},
         changed=lambda c, t: Demand.objects.get(pk=c[t]["demand"].pk).assignee_id is not None),
    # ---- API: audit trail
    Cell("auditevent-list", allowed=frozenset({"auditor"})),
    Cell("auditevent-detail", kind="audit", allowed=frozenset({"auditor"})),
]

OBJECT_URLS = {"enterprise", "park", "liaison", "visit", "demand", "shift", "audit", "account", "assignment"}


def _url(cell, cast, target):
    if cell.url_kwargs is not None:
        return reverse(cell.route, kwargs=cell.url_kwargs(cast, target))
    # A create names its object in the body; everything else with a kind names it in the path.
    if cell.kind in OBJECT_URLS and not (cell.method == "post" and cell.route.endswith("-list")):
        return reverse(cell.route, kwargs={"pk": cast[target][cell.kind].pk})
    return reverse(cell.route)


def fingerprint():
    """Every business row with its version (or the fields a version does not cover): equal = nothing changed."""
    return (
        sorted(Enterprise.objects.values_list("id", "version", "headcount")),
        sorted(Liaison.objects.values_list("id", "version", "title")),
        sorted(Visit.objects.values_list("id", "version")),
        sorted(Demand.objects.values_list("id", "version", "status", "assignee_id")),
        sorted(DutyShift.objects.values_list("id", "starts_at")),
        sorted(RoleAssignment.objects.values_list("id", "role")),
        sorted(User.objects.values_list("id", "is_active", "password")),
    )


def _route_cases(personal):
    return [(cell, target) for cell in ROUTE_CELLS for target in cell.targets()
            if cell.shows_personal_data is personal]


ROUTE_CASES = _route_cases(personal=False)
# The liaison edit form shows back the mobile being edited; masking on edit forms belongs to the D2 work.
PERSONAL_ROUTE_CASES = _route_cases(personal=True)


def _ensure_logged_in(client, user):
    """Log in again (outside any savepoint) when the last cell ended the session, e.g. the logout cell."""
    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    if cookie is None or not cookie.value or not store.exists(cookie.value):
        client.force_login(user)


def _request(cell, target, world, cast, client, user):
    if cell.is_api:
        api = APIClient()
        api.force_authenticate(user)
        data = cell.body(world, cast, target, user) if cell.body else None
        fmt = "multipart" if cell.route == "enterprise-import" else "json"
        kwargs = {"data": data, "format": fmt} if cell.method != "get" else {}
        return getattr(api, cell.method)(_url(cell, cast, target), **kwargs)
    data = cell.body(world, cast, target, user) if cell.body else {}
    return getattr(client, cell.method)(_url(cell, cast, target), data)


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_every_role_as_declared(world, cast, client, role):
    """Every route × target for one role; each request in a savepoint rolled back afterwards, so every
    cell meets the same records. All mismatches are reported together, each naming its cell."""
    _walk_cells(ROUTE_CASES, world, cast, client, role)


@pytest.mark.scanner_allow("the liaison edit form shows the mobile being edited")
@pytest.mark.parametrize("role", ROLES)
def test_routes_showing_personal_data_answer_every_role_as_declared(world, cast, client, role):
    _walk_cells(PERSONAL_ROUTE_CASES, world, cast, client, role)


def _walk_cells(cases, world, cast, client, role):
    user = User.objects.get(pk=world.role_users()[role].pk)
    problems = []
    for cell, target in cases:
        where = f"{cell.method.upper()} {cell.route} [{target}]"
        _ensure_logged_in(client, user)
        with transaction.atomic():
            if cell.setup:
                cell.setup(cast, target)
            before = fingerprint() if cell.method != "get" else None
            response = _request(cell, target, world, cast, client, user)
            expected = cell.expected(role, target)
            if response.status_code != expected:
                problems.append(f"{where}: {response.status_code} (expected {expected})")
            elif expected >= 400 and before is not None and fingerprint() != before:
                problems.append(f"{where}: refused with {expected} but records changed")
            elif expected < 400 and cell.changed and not cell.changed(cast, target):
                problems.append(f"{where}: {expected} but the change is not there")
            if cell.lists and response.status_code == 200:
                body = response.content.decode()
                leaked = [marker for marker in OTHER_MARKERS if marker in body]
                if leaked:
                    problems.append(f"{where}: the list shows another station's {leaked}")
            transaction.set_rollback(True)
    assert not problems, f"{role}: " + "\n".join(problems)


def test_matrix_size_figure(capsys):
    """The closing note's figure: role × route × target cells asserted here, plus the deeper tests' cases."""
    route_cells = (len(ROUTE_CASES) + len(PERSONAL_ROUTE_CASES)) * len(ROLES)
    walked = {"test_every_route_answers_every_role_as_declared",
              "test_routes_showing_personal_data_answer_every_role_as_declared"}
    others = sum(len(mark.args[1]) for name, obj in globals().items() if name.startswith("test_")
                 for mark in getattr(obj, "pytestmark", []) if mark.name == "parametrize" and name not in walked)
    with capsys.disabled():
        print(f"\n[figure] permission matrix: {route_cells} role×route×target cells "
              f"+ {others} deeper cases = {route_cells + others}")
    assert route_cells > 1000


# ---------------------------------------------------------------- search (q) and filters by a foreign id (B2)
SEARCHES = [("enterprises:enterprise_list", "enterprise", "name"), ("enterprise-list", "enterprise", "name"),
            ("enterprises:demand_list", "demand", "content"), ("demand-list", "demand", "content")]


@pytest.mark.parametrize("role", ROLES)
def test_search_finds_only_what_the_role_sees(world, cast, client, api_as, role):
    user = world.role_users()[role]
    client.force_login(user)
    sees = {"enterprise": SEES_ENTERPRISE.get(role, set()), "demand": SEES_DEMAND.get(role, set())}

    for route, kind, field in SEARCHES:
        for target in TARGETS:
            obj = cast[target][kind]
            text = getattr(obj, field)
            params = {"q": text, "status": obj.status} if kind == "demand" else {"q": text}
            if "-" in route:  # the API: ids in the results
                response = api_as(user).get(reverse(route), params)
                found = obj.pk in {row["id"] for row in response.json().get("results", [])}
            else:  # a page echoes the query in its search box, so look for the row's link instead
                response = client.get(reverse(route), params)
                found = f'href="{obj.get_absolute_url()}"' in response.content.decode()
            assert response.status_code == (200 if role in CASE else 403), (route, target)
            assert found is (target in sees[kind]), (route, target)


@pytest.mark.parametrize("role", ROLES)
def test_filtering_by_another_stations_id_returns_nothing(world, cast, api_as, role):
    client = api_as(world.role_users()[role])
    other = cast["other"]

    for url, params in (("/api/v1/demands/", {"enterprise": other["enterprise"].pk}),
                        ("/api/v1/visits/", {"enterprise": other["enterprise"].pk}),
                        ("/api/v1/liaisons/", {"enterprise": other["enterprise"].pk}),
                        ("/api/v1/duty-shifts/", {"park": other["park"].pk}),
                        ("/api/v1/enterprises/", {"park": other["park"].pk})):
        response = client.get(url, params)
        # An unknown choice is a 400 (the filter offers only visible parks), a plain id an empty list;
        # an administrator gets no case list at all.
        assert response.status_code in ((200, 400) if role in CASE or "duty" in url else (403,)), url
        if response.status_code == 200:
            assert response.json()["results"] == [], url


# ---------------------------------------------------------------- nested objects against their parent (B3)
def test_a_liaison_of_another_enterprise_under_this_one_is_404(world, cast, client):
    """The officer sees both enterprises of park A; the pair in the URL must still belong together."""
    neighbour_liaison = cast["neighbour"]["liaison"]
    url = reverse("enterprises:liaison_update", args=[world.enterprise.pk, neighbour_liaison.pk])
    client.force_login(world.officer)
    before = fingerprint()

    shown = client.get(url)
    posted = client.post(url, {"kind": "admin_head", "name": "篡改", "mobile": "13912345678", "version": 1})

    assert (shown.status_code, posted.status_code) == (404, 404)
    assert fingerprint() == before
    assert Liaison.objects.get(pk=neighbour_liaison.pk).enterprise_id == world.enterprise2.pk


@pytest.mark.parametrize("route", ["enterprises:demand_action", "enterprises:demand_assign"])
def test_demand_actions_on_another_stations_demand_are_404(world, cast, client, route):
    demand = cast["other"]["demand"]
    client.force_login(world.leader)
    before = fingerprint()

    response = client.post(reverse(route, args=[demand.pk]),
                           {"action": "close", "assignee": world.officer.pk, "version": demand.version})

    assert response.status_code == 404
    assert fingerprint() == before


def test_a_visit_cannot_carry_a_demand_into_another_enterprise(world, cast, api_as):
    """Demands raised on a visit belong to the visit's enterprise: a body naming another is refused."""
    response = api_as(world.officer).post("/api/v1/visits/", {
        "enterprise": world.enterprise.pk, "findings": "走访",
        "demands": [{"category": "security", "content": "随访诉求", "enterprise": world.other_enterprise.pk}]},
        format="json")

    assert response.status_code == 400, response.content
    assert "enterprise" in str(response.json()["demands"])
    assert not Demand.objects.filter(content="随访诉求").exists()


# ---------------------------------------------------------------- 三员分立: administrators read no case data (B5)
CASE_LISTS = ["/api/v1/enterprises/", "/api/v1/demands/", "/api/v1/visits/", "/api/v1/liaisons/",
              "/api/v1/duty-shifts/", "/api/v1/parks/"]


@pytest.fixture
def superuser(world):
    """A Django superuser with no role: is_superuser opens nothing in ParkBeat."""
    return User.objects.create(username="t_root", is_superuser=True, is_staff=True, password_changed_at=timezone.now())


@pytest.mark.parametrize("who", ["sysadmin", "secadmin", "auditor", "superuser"])
def test_administrators_and_the_superuser_read_no_case_data(world, cast, client, api_as, superuser, who):
    user = superuser if who == "superuser" else world.role_users()[who]
    client.force_login(user)
    api = api_as(user)

    for url in CASE_LISTS:  # the case lists refuse them; the organisation's lists are empty to them
        response = api.get(url)
        if url in ("/api/v1/duty-shifts/", "/api/v1/parks/"):
            assert response.status_code == 200 and response.json()["results"] == [], url
        else:
            assert response.status_code == 403, url
    for kind, url in (("enterprise", "/api/v1/enterprises/{}/"), ("demand", "/api/v1/demands/{}/"),
                      ("visit", "/api/v1/visits/{}/"), ("liaison", "/api/v1/liaisons/{}/")):
        assert api.get(url.format(cast["own"][kind].pk)).status_code == 404, url
    for route, kind in (("enterprises:enterprise_detail", "enterprise"), ("enterprises:demand_detail", "demand"),
                        ("enterprises:visit_detail", "visit")):
        assert client.get(reverse(route, args=[cast["own"][kind].pk])).status_code == 404, route
    for route in ("enterprises:enterprise_list", "enterprises:demand_list"):
        page = client.get(reverse(route))
        assert page.status_code == 403, route
        assert not any(cast[t]["enterprise"].name in page.content.decode() for t in TARGETS), route
    assert client.get(reverse("enterprises:visit_list")).status_code == 403
    assert client.get(reverse("enterprises:enterprise_export")).status_code == 403
    page = client.get(reverse("home"))
    assert not {"home-cases", "home-counts"} & set(page.context["rows"])  # no case card at all
    counts = home_counts(user=user)
    assert (counts["parks"], counts["enterprises"], counts["open_demands"], counts["visits_this_month"]) == (0, 0, 0, 0)


def test_the_superuser_gets_no_administrator_page_either(world, client, superuser):
    client.force_login(superuser)

    for name in ("org:user_list", "org:role_list", "audit:event_list"):
        assert client.get(reverse(name)).status_code == 403, name
    assert client.get("/admin/").status_code == 404  # no Django admin site is installed


@pytest.mark.parametrize("holder,role,place", [
    ("sysadmin", Role.AUDITOR, None),  # a second administrator role
    ("secadmin", Role.SYSTEM_ADMIN, None),
    ("auditor", Role.LIAISON, "enterprise"),  # an administrator taking a case role
    ("officer", Role.SECURITY_ADMIN, None),  # a case role taking an administrator role
])
def test_the_model_refuses_a_second_role_next_to_an_administrator_role(world, holder, role, place):
    """三员分立 in the model itself, whatever path creates the assignment."""
    from django.core.exceptions import ValidationError

    user = world.role_users()[holder]
    assignment = RoleAssignment(user=user, role=role, **({place: world.enterprise} if place else {}))
    before = sorted(RoleAssignment.objects.values_list("id", "user_id", "role"))

    with pytest.raises(ValidationError) as refused:
        assignment.full_clean()

    assert list(refused.value.message_dict) == ["role"]
    assert sorted(RoleAssignment.objects.values_list("id", "user_id", "role")) == before


def test_one_administrator_role_alone_is_valid(world):
    newcomer = User.objects.create(username="t_new_admin")

    RoleAssignment(user=newcomer, role=Role.AUDITOR).full_clean()  # no error
    existing = RoleAssignment.objects.get(user=world.auditor)
    existing.full_clean()  # re-validating the one role a person holds is fine


def test_the_role_page_refuses_a_second_administrator_role(world, client):
    client.force_login(world.secadmin)
    before = sorted(RoleAssignment.objects.values_list("id", "user_id", "role"))

    response = client.post(reverse("org:role_create"), {"username": world.sysadmin.username, "role": Role.AUDITOR})

    assert response.status_code == 200  # the form again, with the reason
    assert response.context["form"].errors
    assert sorted(RoleAssignment.objects.values_list("id", "user_id", "role")) == before


# ---------------------------------------------------------------- exports (B6)
def _export_rows(content):
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [row for row in sheet.iter_rows(min_row=2, values_only=True)]


@pytest.mark.parametrize("role", sorted(POLICE))
@pytest.mark.parametrize("channel", ["page", "api"])
def test_export_holds_exactly_what_the_role_sees_and_is_logged_once(world, cast, client, api_as, role, channel):
    user = world.role_users()[role]
    client.force_login(user)
    before = AuditEvent.objects.filter(verb="export").count()

    if channel == "page":
        response = client.get(reverse("enterprises:enterprise_export"))
    else:
        response = api_as(user).get("/api/v1/enterprises/export/")

    assert response.status_code == 200
    codes = {row[1] for row in _export_rows(response.content)}
    assert codes == set(Enterprise.objects.visible_to(user).values_list("credit_code", flat=True))
    assert world.other_enterprise.credit_code not in codes
    events = AuditEvent.objects.filter(verb="export").order_by("-id")
    assert events.count() == before + 1
    assert events[0].actor_id == user.pk
    assert events[0].object_repr.startswith(f"{len(codes)} ")  # "3 enterprises", in the request's language


def test_export_over_the_hourly_limit_is_429_with_a_reason_on_the_api(world, api_as, settings):
    settings.EXPORT_RATE_PER_HOUR = 1
    client = api_as(world.officer)
    assert client.get("/api/v1/enterprises/export/").status_code == 200

    refused = client.get("/api/v1/enterprises/export/")

    assert refused.status_code == 429
    assert refused.json()["detail"] == "每小时最多导出 1 次，请稍后再试。"
    assert AuditEvent.objects.filter(verb="export").count() == 1


def test_export_over_the_hourly_limit_is_a_message_on_the_page(world, client, settings):
    settings.EXPORT_RATE_PER_HOUR = 1
    client.force_login(world.officer)
    assert client.get(reverse("enterprises:enterprise_export")).status_code == 200

    refused = client.get(reverse("enterprises:enterprise_export"), follow=True)

    assert refused.redirect_chain[-1] == (reverse("enterprises:enterprise_list"), 302)
    assert [str(m) for m in refused.context["messages"]] == ["每小时最多导出 1 次，请稍后再试。"]
    assert AuditEvent.objects.filter(verb="export").count() == 1


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t"])
def test_exported_cells_never_start_a_formula(world, client, prefix):
    """SECURITY E5: a name a spreadsheet would run is written with a leading apostrophe."""
    Enterprise.objects.filter(pk=world.enterprise.pk).update(name=f"{prefix}cmd|'/c calc'!A1")
    client.force_login(world.officer)

    rows = _export_rows(client.get(reverse("enterprises:enterprise_export")).content)

    assert f"'{prefix}cmd|'/c calc'!A1" in {row[0] for row in rows}


# The routes these tests request (the route walk's table, plus the deeper tests' named routes).
COVERS = {cell.route for cell in ROUTE_CELLS} | {route for route, _kind, _field in SEARCHES}
