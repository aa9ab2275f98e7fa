"""seed_demo: demo mode only, the demo station as the brief describes it, deterministic, idempotent, city scale."""
from io import StringIO
from itertools import combinations

import pytest
import shapely
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from stdnum.cn import ric, uscc

from parkbeat.audit.models import AuditEvent
from parkbeat.core import demo
from parkbeat.core.personal import MOBILE_RE
from parkbeat.enterprises.models import Demand, DemandTransition, Enterprise, Liaison, Visit
from parkbeat.org.models import Agency, DutyShift, MediationCentre, OrgUnit, Park, Role, RoleAssignment, User
from parkbeat.volunteers.models import Volunteer, VolunteerTeam

COUNTED = (OrgUnit, Park, Agency, MediationCentre, Enterprise, Liaison, VolunteerTeam, Volunteer, User,
           RoleAssignment, Visit, Demand, DemandTransition, DutyShift, AuditEvent)


def _login_request():
    """authenticate() needs the request: the lockout (django-axes) counts failures per address."""
    return RequestFactory().post("/login/")


def seed_demo(*args):
    call_command("seed_demo", *args, stdout=StringIO())


def counts():
    return {model.__name__: model.objects.count() for model in COUNTED}


@pytest.fixture
def demo_mode(settings):
    settings.DEMO_MODE = True
    settings.DEMO_PASSWORD = "demo-Passw0rd"
    return settings


@pytest.mark.django_db
def test_refuses_outside_demo_mode(settings):
    settings.DEMO_MODE = False

    with pytest.raises(CommandError, match="PARKBEAT_DEMO=1"):
        seed_demo()

    assert set(counts().values()) == {0}


@pytest.mark.django_db
def test_refuses_too_few_enterprises_for_the_parks(demo_mode):
    with pytest.raises(CommandError, match="at least 180"):
        seed_demo("--stations", "3", "--enterprises", "100")

    assert set(counts().values()) == {0}


@pytest.mark.django_db
def test_builds_the_demo_station(demo_mode):
    seed_demo()

    station = OrgUnit.objects.get(name="马家河派出所")
    assert [station.parent.name, station.parent.parent.name] == ["天元分局", "株洲市公安局"]
    parks = list(Park.objects.filter(station=station).order_by("id"))
    assert [p.code for p in parks] == ["xinma", "liyu", "majiahe"]
    assert 35.5 < sum(float(p.area_km2) for p in parks) < 36.5
    outlines = {p.pk: shapely.Polygon(p.boundary["coordinates"][0]) for p in parks}
    assert not any(a.intersects(b) for a, b in combinations(outlines.values(), 2))

    enterprises = list(Enterprise.objects.all())
    assert len(enterprises) == 900
    codes = [e.credit_code for e in enterprises]
    assert len(set(codes)) == 900 and all(uscc.is_valid(code) for code in codes)
    key = [e for e in enterprises if e.is_key]
    assert 55 <= len(key) <= 65 and all(e.key_reason and e.risk_category for e in key)
    assert all(outlines[e.park_id].contains(shapely.Point(float(e.lon), float(e.lat))) for e in enterprises)
    assert all(e.full_clean() is None for e in enterprises[:50])

    liaisons = Liaison.objects.values_list("kind", "mobile")
    assert len(liaisons) == 1800 and all(MOBILE_RE.match(m) for _kind, m in liaisons)
    assert {kind for kind, _m in liaisons} == {"security_head", "admin_head"}
    volunteers = list(Volunteer.objects.all())
    assert 80 <= len(volunteers) <= 130 and VolunteerTeam.objects.count() == 12
    assert all(ric.is_valid(v.resident_id) and v.resident_id.startswith("430211") for v in volunteers)
    assert MediationCentre.objects.count() == 3
    assert set(Agency.objects.values_list("kind", flat=True)) == {"street_governance", "emergency", "fire", "labour"}
    assert all(a.parks.count() == 3 for a in Agency.objects.all())

    assert Visit.objects.count() == 300
    demands = list(Demand.objects.prefetch_related("transitions"))
    assert len(demands) == 150
    assert {d.status for d in demands} == {"open", "in_progress", "answered", "closed"}
    assert Demand.objects.overdue().exists()
    for d in demands:
        steps = [(t.from_status, t.to_status) for t in d.transitions.all()]
        assert steps[0] == ("", "open") and steps[-1][1] == d.status
        assert all(a[1] == b[0] for a, b in zip(steps, steps[1:]))
    assert all(d.answer for d in demands if d.status == "answered")
    assert AuditEvent.objects.filter(verb="import", object_type="demo").count() == 1


@pytest.mark.django_db
def test_same_seed_gives_the_same_enterprises(demo_mode):
    seed_demo("--seed", "7")

    parks = [p for station in demo.plan_stations(7, 1) for p in station.parks]
    names = [row["name"] for row in demo.generate_enterprises(7, parks, 900)]
    assert sorted(Enterprise.objects.values_list("name", flat=True)) == sorted(names)
    assert [row["name"] for row in demo.generate_enterprises(7, parks, 900)] == names
    assert [row["name"] for row in demo.generate_enterprises(8, parks, 900)] != names


@pytest.mark.django_db
def test_second_run_changes_nothing(demo_mode):
    seed_demo()
    before = counts()

    seed_demo()

    assert counts() == before


@pytest.mark.django_db
def test_demo_accounts_log_in_with_their_role(demo_mode):
    seed_demo()

    expected = {
        "leader": ("station_leader", "unit", "马家河派出所"),
        "officer1": ("park_officer", "park", "新马工业园"),
        "officer2": ("park_officer", "park", "栗雨工业园"),
        "officer3": ("park_officer", "park", "马家河高新产业园"),
        "auxiliary1": ("auxiliary", "park", "新马工业园"),
        "mediator1": ("mediator", "park", "新马工业园"),
        "agency_fire": ("agency_staff", "agency", "天元区消防救援大队"),
        "agency_safety": ("agency_staff", "agency", "天元区应急管理局"),
        "sysadmin": ("system_admin", None, None),
        "secadmin": ("security_admin", None, None),
        "auditor": ("auditor", None, None),
    }
    for username, (role, column, place) in expected.items():
        user = authenticate(_login_request(), username=username, password="demo-Passw0rd")
        assignment = user.role_assignments.get()
        assert (assignment.role, str(getattr(assignment, column)) if column else None) == (role, place)
        assert user.full_name and user.password_changed_at

    liaison = authenticate(_login_request(), username="liaison1", password="demo-Passw0rd")
    row = liaison.liaison_roles.get()
    assert row.kind == "security_head" and row.enterprise.park.code == "xinma"
    assert liaison.role_assignments.get().enterprise == row.enterprise and liaison.full_name == row.name
    volunteer = authenticate(_login_request(), username="volunteer1", password="demo-Passw0rd")
    member = volunteer.volunteer_memberships.get()
    assignment = volunteer.role_assignments.get()
    assert member.team.park.code == "xinma" and (assignment.role, assignment.team) == (Role.VOLUNTEER, member.team)


@pytest.mark.django_db
def test_city_scale_builds_stations_parks_and_enterprises(demo_mode):
    seed_demo("--stations", "3", "--enterprises", "500")

    assert OrgUnit.objects.filter(kind="station").count() == 3
    assert OrgUnit.objects.filter(kind="branch").count() == 3
    parks = list(Park.objects.all())
    assert len(parks) == 9
    outlines = [shapely.Polygon(p.boundary["coordinates"][0]) for p in parks]
    assert not any(a.intersects(b) for a, b in combinations(outlines, 2))
    assert Enterprise.objects.count() == 500 and Liaison.objects.count() == 1000
    assert len(set(Enterprise.objects.values_list("credit_code", flat=True))) == 500
    assert Park.objects.filter(enterprises__isnull=True).count() == 0
    leader = authenticate(_login_request(), username="leader", password="demo-Passw0rd")
    assert leader.role_assignments.get().unit.name == "马家河派出所"
    assert authenticate(_login_request(), username="officer1", password="demo-Passw0rd") is not None
