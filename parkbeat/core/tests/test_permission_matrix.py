"""Permission matrix: every role × page/API/report × own / neighbour / other-station record.

"own" is the enterprise of liaison `t_liaison` in park A; "neighbour" is another enterprise in park A;
"other" lies in another station. Each cell asserts the status code, and a refused write asserts that
nothing changed.
"""
import pytest
from django.urls import reverse

from parkbeat.core.testing import DemandFactory, LiaisonFactory, VisitFactory
from parkbeat.enterprises.models import Demand, Enterprise

ROLES = ["leader", "officer", "auxiliary", "mediator", "agency_staff", "liaison", "volunteer",
         "sysadmin", "secadmin", "auditor", "nobody"]
TARGETS = ["own", "neighbour", "other"]
POLICE = {"leader", "officer", "auxiliary"}

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


@pytest.fixture
def cast(world):
    """The targets as records: an enterprise, a liaison, a visit and a demand under each."""
    enterprises = {"own": world.enterprise, "neighbour": world.enterprise2, "other": world.other_enterprise}
    records = {}
    for name, enterprise in enterprises.items():
        # Recorded by someone outside the tested roles, so nobody sees them as their own rows.
        recorder = world.other_officer if name == "other" else world.officer2
        records[name] = {
            "enterprise": enterprise,
            "liaison": LiaisonFactory(enterprise=enterprise),
            "visit": VisitFactory(enterprise=enterprise, visitor=recorder),
            "demand": DemandFactory(enterprise=enterprise, raised_by=recorder),
        }
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
    listed = api_as(user).get("/api/v1/enterprises/", {"page_size": 500}).json()["results"]
    page_list = client.get(reverse("enterprises:enterprise_list"), {"page_size": 200})

    assert page.status_code == (200 if visible else 404)
    assert api.status_code == (200 if visible else 404)
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
    listed = api_as(user).get("/api/v1/demands/", {"page_size": 500}).json()["results"]

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

    counts = client.get(reverse("home")).context["counts"]

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
