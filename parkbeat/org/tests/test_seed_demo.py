"""seed_demo: demo mode only, the demo station as the brief describes it, deterministic, idempotent, city scale;
the demo modules run in the order their REQUIRES give."""
import ast
import sys
from datetime import datetime, timedelta
from io import StringIO
from itertools import combinations
from pathlib import Path
from types import SimpleNamespace

import pytest
import shapely
from django.contrib.auth import authenticate
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Q
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from stdnum.cn import ric, uscc

from parkbeat.audit.models import AuditEvent
from parkbeat.core import demo, home
from parkbeat.core.personal import MOBILE_RE
from parkbeat.disputes.models import (
    Agreement, Dispute, DisputeParty, DisputeTransition, MediationSession, Obligation, Payment,
)
from parkbeat.enterprises import demo as enterprises_demo
from parkbeat.enterprises.models import Demand, DemandTransition, Enterprise, Liaison, Visit
from parkbeat.incidents import demo as incidents_demo
from parkbeat.incidents.models import Incident, IncidentTransition
from parkbeat.notifications.models import Notification
from parkbeat.org import demo as org_demo
from parkbeat.org.models import Agency, DutyShift, MediationCentre, OrgUnit, Park, Role, RoleAssignment, User
from parkbeat.volunteers import demo as volunteers_demo
from parkbeat.volunteers.models import Volunteer, VolunteerTeam

COUNTED = (OrgUnit, Park, Agency, MediationCentre, Enterprise, Liaison, VolunteerTeam, Volunteer, User,
           RoleAssignment, Visit, Demand, DemandTransition, DutyShift, AuditEvent, Incident, IncidentTransition,
           Dispute, DisputeTransition, DisputeParty, MediationSession, Agreement, Obligation, Payment, Notification)


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
    parks = list(Park.objects.filter(station=station, kind="industrial").order_by("id"))
    assert [p.code for p in parks] == ["xinma", "liyu", "majiahe"]
    # and its school's surroundings (护校安园): a prevention area with an outline of its own, beside no park
    area = Park.objects.get(station=station, kind="campus")
    assert area.name == "马家河中学周边" and 0.3 < float(area.area_km2) < 0.8
    assert not any(shapely.Polygon(area.boundary["coordinates"][0]).intersects(shapely.Polygon(p.boundary[
        "coordinates"][0])) for p in parks)
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
    assert set(Agency.objects.values_list("kind", flat=True)) == {"street_governance", "emergency", "fire", "labour",
                                                                 "tobacco"}  # tobacco: the crime demo
    assert all(a.parks.count() == 3 + 1 for a in Agency.objects.all())  # the parks and the school's surroundings

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

    def names(seed):
        ctx = demo.DemoContext(now=timezone.now(), seed=seed)
        parks = [p for station in org_demo.plan_stations(ctx.rng("stations"), 1) for p in station.parks]
        return [row["name"] for row in enterprises_demo.generate_enterprises(ctx.rng("enterprises"), parks, 900)]

    assert sorted(Enterprise.objects.values_list("name", flat=True)) == sorted(names(7))
    assert names(7) == names(7)
    assert names(8) != names(7)


@pytest.mark.django_db
def test_second_run_changes_nothing(demo_mode):
    seed_demo()
    before = counts()

    seed_demo()

    assert counts() == before


@pytest.mark.django_db
def test_second_run_repairs_each_apps_demo_accounts_and_lists_them_in_module_order(demo_mode):
    seed_demo()
    before = counts()
    User.objects.filter(username__in=["officer1", "liaison1", "volunteer1"]).update(is_active=False, password="!")

    out = StringIO()
    call_command("seed_demo", stdout=out)

    assert counts() == before
    for username in ("officer1", "liaison1", "volunteer1"):
        assert authenticate(_login_request(), username=username, password="demo-Passw0rd") is not None, username
    listed = [line.split()[0] for line in out.getvalue().split("Demo accounts:\n")[1].splitlines()[:-1]]
    assert listed == [row[0] for row in org_demo.ACCOUNTS + enterprises_demo.ACCOUNTS + volunteers_demo.ACCOUNTS]
    assert listed[:2] == ["leader", "officer1"] and listed[-4:] == ["liaison1", "liaison2", "liaison3", "volunteer1"]


NOW = timezone.make_aware(datetime(2026, 11, 20, 10, 0))


@pytest.mark.django_db
def test_seeding_twice_from_scratch_gives_the_same_counts(demo_mode, demo_clock):
    def seeded():
        with transaction.atomic():
            summary = demo.seed(seed=2026, now=NOW)
            rows = counts()
            transaction.set_rollback(True)
        return summary, rows

    first = seeded()
    assert set(counts().values()) == {0}
    second = seeded()

    assert second == first
    assert list(first[0].items()) == [
        ("stations", 1), ("parks", 3), ("prevention areas", 1), ("duty shifts", 84), ("enterprises", 900),
        ("key enterprises", 60), ("liaisons", 1800), ("visits", 300), ("demands", 150), ("volunteer teams", 12),
        ("volunteers", 113), ("volunteer trainings", 184), ("volunteer support records", 103), ("incidents", 360),
        ("disputes", 100), ("agreements", 84), ("checkpoints", 17), ("patrol routes", 4), ("patrol plans", 6),
        ("patrol runs", 12), ("check-ins", 60), ("missed checkpoints", 1), ("flagged scans", 1), ("findings", 1),
        ("open patrol runs", 0), ("guarded assets", 1), ("guard segments", 4), ("guard shifts", 24),
        ("uncovered intervals ahead", 1), ("key dates", 3), ("campaigns", 2), ("campaign inspections", 61),
        ("inspections", 226), ("inspections done", 196), ("inspections planned", 30), ("inspection results", 4941),
        ("joint inspections", 119), ("hazards", 204), ("hazards struck off", 61), ("hazards being rectified", 102),
        ("hazards awaiting review", 41), ("hazards referred", 12), ("hazard reminders", 52),
        ("background checks", 36), ("background checks answered", 30), ("background checks erased", 21),
        ("criminal cases", 2), ("leads", 1), ("publicity campaigns", 3), ("lectures held", 30),
        ("lectures by written agreement", 0), ("lectures planned", 4), ("rules adopted", 4), ("demo accounts", 24),
        ("notifications", 23)]
    assert first[1]["User"] == 24 and first[1]["Notification"] == 25 + 52  # + the hazards' reminders
    # the import itself, and the patrols', guarding's, inspections', key dates', campaigns', hazards' (registered,
    # evidence and its files, reviews, referrals, follow-ups) and background checks' rows, written through the
    # services with their real trail
    # + the crime demo's (2 cases, 1 lead, observations, key times), the school surroundings' 2 checkpoints and route,
    # the publicity demo's; the key enterprises visited monthly (a fifth overdue) change the inspections and hazards
    assert first[1]["AuditEvent"] == 1510


# ---------------------------------------------------------------- the runner
def _module(*requires):
    return SimpleNamespace(REQUIRES=requires)


def test_the_runner_orders_modules_by_requires_with_installed_apps_order_breaking_ties():
    modules = {"a": _module(), "b": _module("c"), "c": _module("a"), "d": _module()}

    assert [m.app for m in demo.run_order(modules)] == ["a", "c", "b", "d"]


def test_the_runner_refuses_a_circle_of_requires():
    modules = {"a": _module("b"), "b": _module("c"), "c": _module("a"), "d": _module()}

    with pytest.raises(ImproperlyConfigured, match="a, b, c require each other in a circle"):
        demo.run_order(modules)


def test_the_runner_refuses_a_requirement_that_names_no_demo_module():
    with pytest.raises(ImproperlyConfigured, match="b.demo requires audit"):
        demo.run_order({"a": _module(), "b": _module("a", "audit")})


def test_the_installed_demo_modules_run_org_first_and_the_inbox_last():
    order = [m.app for m in demo.demo_modules()]

    assert order == ["org", "enterprises", "volunteers", "incidents", "disputes", "notifications", "patrols", "guarding",
                     "inspections", "hazards", "checks", "crime", "outreach"]
    assert all(set(m.requires) <= set(order[:index]) for index, m in enumerate(demo.demo_modules()))


def _imported(module):
    """The modules `module`'s source imports (ast, nothing run), counting imports inside functions."""
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def test_core_demo_imports_no_domain_app():
    imported = _imported(demo)

    assert {name.split(".")[1] for name in imported if name.startswith("parkbeat.")} <= {"core", "audit"}
    assert "parkbeat.audit.services.record" in imported  # the parser sees the imports it judges
    roots = {name.split(".")[0] for name in imported}
    assert roots <= set(sys.stdlib_module_names) | {"django", "shapely", "stdnum", "parkbeat"}


def test_a_demo_module_imports_only_the_demo_modules_that_run_before_it():
    order = [m.app for m in demo.demo_modules()]
    for index, m in enumerate(demo.demo_modules()):
        used = {name.split(".")[1] for name in _imported(m.module) if name.startswith("parkbeat.")
                and name.split(".")[2:3] == ["demo"]}
        assert used - {"core"} <= set(order[:index]), m.app


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
    assert len(parks) == 9 + 1  # and the demo station's school surroundings
    outlines = [shapely.Polygon(p.boundary["coordinates"][0]) for p in parks]
    assert not any(a.intersects(b) for a, b in combinations(outlines, 2))
    assert Enterprise.objects.count() == 500 and Liaison.objects.count() == 1000
    assert len(set(Enterprise.objects.values_list("credit_code", flat=True))) == 500
    assert Park.objects.filter(kind="industrial", enterprises__isnull=True).count() == 0
    leader = authenticate(_login_request(), username="leader", password="demo-Passw0rd")
    assert leader.role_assignments.get().unit.name == "马家河派出所"
    assert authenticate(_login_request(), username="officer1", password="demo-Passw0rd") is not None


# ---------------------------------------------------------------- a year of incidents and disputes
POLICE_ROLES = {Role.STATION_LEADER, Role.PARK_OFFICER, Role.AUXILIARY}
HOLDER_CHANGES = {"dispatch", "escalation", "handover"}


def _strictly_increasing(times):
    present = [t for t in times if t is not None]
    return all(a < b for a, b in zip(present, present[1:]))


def _check_incidents(now):
    incidents = list(Incident.objects.select_related("reported_by").prefetch_related("transitions", "disputes"))
    assert 300 <= len(incidents) <= 400
    assert {i.source for i in incidents} == set(Incident.Source.values)
    assert {i.kind for i in incidents} == set(Incident.Kind.values)
    assert {i.status for i in incidents} == set(Incident.Status.values)
    assert {i.park.code for i in incidents} == set(org_demo.DEMO_PARK_CODES)
    numbers = [i.dispatch_number for i in incidents if i.source == "dispatch_110"]
    assert len(numbers) >= 100 and len(set(numbers)) == len(numbers)
    assert all(len(n) == 12 and n.isdigit() and n.startswith("20") for n in numbers)
    assert all(i.dispatch_number == "" for i in incidents if i.source != "dispatch_110")
    volunteer1, park_police = User.objects.get(username="volunteer1"), {}
    for a in RoleAssignment.objects.filter(role__in=POLICE_ROLES):
        park_police.setdefault(a.park_id, set()).add(a.user_id)
    leader = User.objects.get(username="leader")
    for i in incidents:
        assert now - timedelta(days=366) < i.reported_at < now
        assert _strictly_increasing([i.reported_at, i.accepted_at, i.on_scene_at, i.closed_at]), i.pk
        expected = {"reported": (False, False, False), "accepted": (True, False, False),
                    "on_scene": (True, True, False), "closed": (True, None, True), "cancelled": (None, False, False)}
        for present, value in zip(expected[i.status], (i.accepted_at, i.on_scene_at, i.closed_at)):
            assert present is None or (value is not None) == present, (i.pk, i.status)
        assert bool(i.result) == (i.status == "closed") and bool(i.result_note) == (i.status == "closed")
        assert (i.result == "dispute") == (i.status == "closed" and bool(i.disputes.all()))
        if i.source == "liaison":
            assert i.reported_by.liaison_roles.get().enterprise_id == i.enterprise_id
        elif i.source == "volunteer":
            assert i.reported_by == volunteer1
        else:
            assert i.reported_by_id in park_police[i.park_id]
        steps = list(i.transitions.all())
        assert (steps[0].kind, steps[0].from_status, steps[0].to_status) == ("dispatch", "", "reported")
        assert steps[0].actor_id == i.reported_by_id and steps[0].at == i.reported_at
        assert all(a.at <= b.at for a, b in zip(steps, steps[1:]))
        assert all(a.to_status == b.from_status for a, b in zip(steps, steps[1:]))
        assert steps[-1].to_status == i.status and i.version == len(steps)
        assert all(s.actor_id is None for s in steps if s.kind == "escalation")
        assert i.escalation_level == sum(s.kind == "escalation" for s in steps)
        # Whoever got it last holds it (closed ones too: who handled it), with the full window to accept.
        last_handover = [s for s in steps if s.kind in HOLDER_CHANGES][-1]
        assert (last_handover.holder_id, last_handover.at) == (i.holder_id, i.held_since)
        assert i.accept_due_at == last_handover.at + incidents_demo.accept_window()
        assert i.holder_id in park_police[i.park_id] | {leader.pk}
        assert all(s.holder_id == i.holder_id for s in steps[steps.index(last_handover):])
    assert any(s.kind == "escalation" for i in incidents for s in i.transitions.all())
    assert any(s.kind == "handover" for i in incidents for s in i.transitions.all())
    waiting = Incident.objects.filter(status="reported")
    assert waiting.filter(accept_due_at__gt=now).count() == 4  # three of the incidents module, the patrol finding
    assert Incident.objects.acceptance_overdue(now).count() == 2
    closed = sorted(incidents, key=lambda i: i.reported_at)
    accept = sorted((i.accepted_at - i.reported_at).total_seconds() for i in closed if i.accepted_at)
    on_scene = sorted((i.on_scene_at - i.accepted_at).total_seconds() for i in closed if i.on_scene_at)
    assert accept[len(accept) // 2] < 5 * 60 and 10 * 60 <= on_scene[len(on_scene) // 2] <= 40 * 60
    return incidents


def _tier_seconds(dispute, transitions):
    """Each tier's closed spans, recomputed from the level and status transitions."""
    levels = [t for t in transitions if t.kind == "level"]
    level = levels[0].from_value if levels else dispute.level
    since, seconds = dispute.began_at, dict.fromkeys(Dispute.LEVEL_ORDER, 0)
    for t in levels:
        seconds[t.from_value] += int((t.at - since).total_seconds())
        since, level = t.at, t.to_value
    ends = [t for t in transitions if t.kind == "status" and t.to_value in ("settled", "withdrawn")]
    if ends:
        seconds[level] += int((ends[-1].at - since).total_seconds())
    return seconds, since


def _check_disputes(now):
    disputes = list(Dispute.objects.select_related("incident", "mediation_centre").prefetch_related(
        "transitions", "parties", "sessions", "agreements__obligations__payments", "agencies"))
    today = timezone.localdate(now)
    assert 80 <= len(disputes) <= 120
    assert {d.level for d in disputes} == set(Dispute.Level.values)
    assert {d.settled_level for d in disputes if d.status == "settled"} == set(Dispute.Level.values)
    assert {d.status for d in disputes} == set(Dispute.Status.values)
    assert {d.category for d in disputes} == set(Dispute.Category.values)
    linked = [d for d in disputes if d.incident_id]
    assert len(linked) >= 40
    assert all(d.began_at == d.incident.reported_at and d.park_id == d.incident.park_id
               and d.incident.kind in ("labour_dispute", "economic_dispute") for d in linked)
    assert {a.kind for d in disputes for a in d.agencies.all()} >= {"labour", "street_governance"}
    mediators = {a.park_id: set() for a in RoleAssignment.objects.filter(role=Role.MEDIATOR)}
    for a in RoleAssignment.objects.filter(role=Role.MEDIATOR):
        mediators[a.park_id].add(a.user_id)
    for d in disputes:
        transitions = list(d.transitions.all())
        status = [t for t in transitions if t.kind == "status"]
        assert (status[0].from_value, status[0].to_value) == ("", "open") and status[-1].to_value == d.status
        assert all(a.to_value == b.from_value and b.to_value in Dispute.TRANSITIONS[a.to_value]
                   for a, b in zip(status, status[1:])), d.pk
        levels = [t for t in transitions if t.kind == "level"]
        assert all(a.to_value == b.from_value for a, b in zip(levels, levels[1:]))
        assert all(t.note for t in levels) and (levels[-1].to_value if levels else d.level) == d.level
        assert all(a.at <= b.at for a, b in zip(transitions, transitions[1:])) and d.began_at <= transitions[0].at
        seconds, since = _tier_seconds(d, transitions)
        assert (d.seconds_enterprise, d.seconds_park, d.seconds_beyond) == tuple(seconds.values()), d.pk
        assert d.level_since == since
        assert (d.status == "settled") == (d.settled_at is not None) == bool(d.settled_level)
        if d.settled_at:
            assert d.settled_level == d.level and d.settled_at == status[-1].at
        assert d.reopen_count == sum((t.from_value, t.to_value) == ("performing", "open") for t in status)
        visited = {levels[0].from_value if levels else d.level} | {t.to_value for t in levels}
        assert (d.mediation_centre is not None) == ("park" in visited)
        if d.mediation_centre:
            assert d.mediation_centre.park_id == d.park_id and d.mediator_id in mediators[d.park_id]
        parties = list(d.parties.all())
        assert {p.side for p in parties} == {"claimant", "respondent"}
        assert all(MOBILE_RE.match(p.contact_mobile) for p in parties)
        assert all(p.headcount >= 3 and p.representatives for p in parties if p.kind == "workers")
        sessions = list(d.sessions.all())
        assert len(sessions) <= 3 and all(d.began_at <= s.started_at < now for s in sessions)
        assert all(s.level in visited for s in sessions)
        if now - transitions[0].at > timedelta(days=2):
            assert sessions, d.pk
        agreements = list(d.agreements.all())
        assert len(agreements) <= 1
        if d.status == "settled" or d.status == "performing":
            assert agreements, d.pk
        for agreement in agreements:
            obligations = list(agreement.obligations.all())
            assert sum(o.amount for o in obligations) == agreement.total_amount
            assert [o.sequence for o in obligations] == list(range(1, len(obligations) + 1))
            for o in obligations:
                paid = sum(p.amount for p in o.payments.all())
                assert paid == o.paid_amount <= o.amount
                assert (o.status in ("paid", "paid_late")) == (paid == o.amount and o.paid_on is not None)
                assert o.status != "paid_late" or o.paid_on > o.due_on
                assert o.status != "pending" or o.due_on >= today, (d.pk, o.sequence)
            state = {"settled": "fulfilled", "performing": "performing"}.get(d.status)
            assert state is None or agreement.status == state, d.pk
            missed = [o.status for o in obligations if o.status in ("missed", "paid_late")]
            assert ("missed" in missed) <= (agreement.status == "breached") <= bool(missed), d.pk
            payments = [p.created_at for o in obligations for p in o.payments.all()]
            if d.status == "settled" and obligations:  # paid off: the system settles it on the last payment
                assert (status[-1].actor_id, status[-1].at) == (None, max(payments))
            elif d.status == "settled":  # nothing to pay: settled as signed, by who recorded it
                assert status[-1].actor_id == agreement.recorded_by_id
    reopened = [d for d in disputes if d.status == "open" and d.reopen_count == 1]
    assert any(a.status == "breached" for d in reopened for a in d.agreements.all())
    assert any((t.from_value, t.to_value, t.actor_id) == ("performing", "open", None)
               for d in reopened for t in d.transitions.all())
    assert any(d.status == "settled" and d.reopen_count == 1 for d in disputes)  # paid late, then off
    due_soon = Obligation.objects.filter(status="pending", due_on__range=(today, today + timedelta(days=3)),
                                         reminded_on__isnull=True, agreement__dispute__status="performing")
    assert due_soon.exists()
    assert Obligation.objects.filter(status="pending", due_on__gt=today + timedelta(days=7)).exists()
    assert MediationSession.objects.values("outcome").distinct().count() == len(MediationSession.Outcome)
    return disputes


def _check_notifications():
    for username, kinds in (("officer1", {"incident_dispatched", "dispute_reopened", "obligation_due"}),
                            ("mediator1", {"dispute_routed", "dispute_reopened", "obligation_due"}),
                            ("leader", {"incident_escalated"})):
        user = User.objects.get(username=username)
        inbox = list(Notification.objects.visible_to(user))
        assert kinds <= {n.kind for n in inbox}, username
        assert 2 <= len(inbox) <= 30 and any(n.read_at is None for n in inbox), username
        for n in inbox:  # each is about a record the recipient may open
            model = n.content_type.model_class()
            assert model.objects.visible_to(user).filter(pk=n.object_id).exists(), (username, n.title)
            assert n.read_at is None or n.read_at > n.created_at


@pytest.mark.django_db
def test_a_year_of_incidents_and_disputes_keeps_the_invariants(demo_mode):
    seed_demo()
    now = timezone.now()

    assert _check_incidents(now)
    assert _check_disputes(now)
    _check_notifications()


@pytest.mark.django_db
def test_city_scale_seeds_cases_for_the_demo_station_only(demo_mode):
    seed_demo("--stations", "2", "--enterprises", "400")

    station = org_demo.demo_station()
    assert Incident.objects.exclude(park__station=station).count() == 0
    assert Dispute.objects.exclude(park__station=station).count() == 0
    assert 300 <= Incident.objects.count() <= 400


def _case_counts(*, user, now=None):
    """The home page's case figures for `user`, as the incidents and disputes apps declare them."""
    return {**home.home_counts(user=user, now=now, app="incidents"),
            **home.home_counts(user=user, now=now, app="disputes")}


def _case_figures(now, incidents, disputes, obligations):
    """The home page's case figures counted straight from the rows, without the scoping code."""
    today = timezone.localdate(now)
    return {
        "open_incidents": incidents.filter(status__in=["reported", "accepted", "on_scene"]).count(),
        "incidents_awaiting": incidents.filter(status="reported").count(),
        "incidents_overdue": incidents.filter(status="reported", accept_due_at__lt=now).count(),
        "unsettled_disputes": disputes.filter(status__in=["open", "performing"]).count(),
        "agreements_performing": disputes.filter(status="performing").count(),
        # Cases with an instalment missed or unpaid past its date, as the dispute list's overdue filter counts them.
        "instalments_overdue": disputes.filter(pk__in=obligations.filter(
            Q(status="missed") | Q(status="pending", due_on__lt=today)).exclude(
            agreement__status="superseded").values("agreement__dispute_id")).count(),
    }


@pytest.mark.django_db
def test_home_shows_each_role_the_case_figures_of_its_scope(demo_mode, client):
    seed_demo()
    now = timezone.now()
    station = org_demo.demo_station()
    other_station = OrgUnit.objects.create(name="群丰派出所", kind=OrgUnit.Kind.STATION, parent=station.parent)
    other_park = Park.objects.create(station=other_station, name="群丰工业园", code="qunfeng")
    other_officer = User.objects.create(username="other_officer", full_name="外所民警")
    RoleAssignment.objects.create(user=other_officer, role=Role.PARK_OFFICER, park=other_park)
    users = {u.username: u for u in User.objects.filter(username__in=["leader", "officer1", "liaison1", "mediator1"])}
    park1 = Park.objects.get(code="xinma")
    enterprise = users["liaison1"].liaison_roles.get().enterprise
    incidents, disputes, obligations = Incident.objects.all(), Dispute.objects.all(), Obligation.objects.all()
    expected = {
        "leader": _case_figures(now, incidents, disputes, obligations),
        "officer1": _case_figures(now, incidents.filter(park=park1), disputes.filter(park=park1),
                                  obligations.filter(agreement__dispute__park=park1)),
        "liaison1": _case_figures(now, incidents.filter(enterprise=enterprise), disputes.filter(enterprise=enterprise),
                                  obligations.filter(agreement__dispute__enterprise=enterprise)),
        "mediator1": _case_figures(now, incidents.none(), disputes.filter(mediation_centre__park=park1),
                                   obligations.filter(agreement__dispute__mediation_centre__park=park1)),
    }
    # Ten live incidents and the patrol's finding, six waiting (two of them overdue), one missed instalment.
    assert [expected["leader"][k] for k in ("open_incidents", "incidents_awaiting", "incidents_overdue",
                                            "instalments_overdue")] == [11, 6, 2, 1]
    assert [expected["officer1"][k] for k in ("open_incidents", "incidents_awaiting", "incidents_overdue",
                                              "instalments_overdue")] == [5, 3, 1, 1]
    assert expected["leader"]["agreements_performing"] > expected["officer1"]["agreements_performing"] > 0
    assert 0 < expected["liaison1"]["open_incidents"] < expected["officer1"]["open_incidents"]
    assert Incident.objects.filter(reported_by=users["liaison1"]).exclude(enterprise=enterprise).count() == 0
    assert Incident.objects.filter(enterprise=enterprise).count() > 0

    for username, figures in expected.items():
        assert _case_counts(user=users[username], now=now) == figures, username
    assert set(_case_counts(user=other_officer, now=now).values()) == {0}

    client.force_login(users["liaison1"])
    response = client.get("/")
    counts = response.context["counts"]
    assert {k: counts[k] for k in expected["liaison1"]} == _case_counts(user=users["liaison1"])
    assert counts["enterprises"] == 1  # the registry's figures are still there
    html = response.content.decode()
    shown = {card.key for cards in response.context["rows"].values() for card, _value, _href in cards}
    # the liaison's work: incidents, disputes, demands, and since: its cases, checks and lectures
    assert shown == {"open_incidents", "unsettled_disputes", "open_demands", "overdue_demands", "cases_open",
                     "checks_waiting", "lectures_upcoming"}
    assert all(f'data-count="{key}">{counts[key]}<' in html for key in shown)
    for name, query in (("incidents:incident_list", "?open=true"), ("disputes:dispute_list", "?open=true")):
        assert f'href="{reverse(name)}{query}"' in html


@pytest.mark.django_db
def test_the_periodic_jobs_and_the_services_find_work_in_the_demo(demo_mode):
    from parkbeat.disputes.services import obligation_reminders, obligations_sweep, payment_record
    from parkbeat.incidents.services import incident_transition, incidents_escalate_overdue

    seed_demo()
    today = timezone.localdate()
    officer1 = User.objects.get(username="officer1")
    reminded = {o.pk: o.reminded_on for o in Obligation.objects.filter(reminded_on__isnull=False)}
    due_soon = Obligation.objects.filter(status="pending", reminded_on__isnull=True, due_on=today + timedelta(days=2),
                                         agreement__dispute__park__code="xinma").earliest("id")

    assert obligations_sweep() == {"missed": 0, "breached": 0, "reopened": 0}  # the missed one is already swept
    assert obligation_reminders()["reminded"] >= 1
    due_soon.refresh_from_db()
    assert due_soon.reminded_on == today
    assert all(Obligation.objects.get(pk=pk).reminded_on == day for pk, day in reminded.items())
    assert Notification.objects.filter(recipient=officer1, dedupe_key=f"obligation-due-{due_soon.pk}").count() == 1
    assert incidents_escalate_overdue() == 2
    assert incidents_escalate_overdue() == 0

    waiting = Incident.objects.filter(park__code="xinma", status="reported", holder=officer1).latest("reported_at")
    incident_transition(actor=officer1, incident=waiting, to="accepted")
    payment_record(actor=officer1, obligation=due_soon, paid_on=today, amount=due_soon.amount)
    waiting.refresh_from_db()
    due_soon.refresh_from_db()
    assert (waiting.status, due_soon.status, due_soon.agreement.dispute.status) == ("accepted", "paid", "performing")
