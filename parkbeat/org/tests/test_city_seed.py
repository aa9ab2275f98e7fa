"""seed_demo at city scale (parkbeat.org.city): the counts asked for, rows the app accepts (full_clean on a
sample of every table), clocks in order and matching their transitions, the city and branch leaders' scope,
an audit chain that still verifies, and a second run that adds nothing or refuses."""
import random
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F, Q
from django.utils import timezone

from parkbeat.audit.models import AuditEvent
from parkbeat.audit.services import verify_chain
from parkbeat.core import demo
from parkbeat.disputes.models import (
    Agreement, Dispute, DisputeParty, DisputeTransition, MediationSession, Obligation, Payment,
)
from parkbeat.enterprises.models import Demand, DemandTransition, Visit
from parkbeat.incidents.models import Incident, IncidentTransition
from parkbeat.notifications.models import Notification
from parkbeat.org import demo as org_demo
from parkbeat.org.models import OrgUnit, Park, RoleAssignment, User
from parkbeat.patrols import coverage, geo
from parkbeat.patrols.city import PATROL_DAYS
from parkbeat.patrols.models import CheckIn, Checkpoint, MissedCheck, PatrolPlan, PatrolRun, Route, TrackPoint

SIZES = ("--stations", "3", "--enterprises", "300", "--incidents", "3000", "--disputes", "600")
SAMPLED = (Incident, IncidentTransition, Dispute, DisputeParty, DisputeTransition, MediationSession, Agreement,
           Obligation, Payment, Visit, Demand, DemandTransition, Notification, AuditEvent, Checkpoint, Route,
           PatrolPlan, PatrolRun, CheckIn, MissedCheck, TrackPoint)


@pytest.fixture
def demo_mode(settings):
    settings.DEMO_MODE = True
    settings.DEMO_PASSWORD = "demo-Passw0rd"


def seed_demo(*args):
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def _sample(model, n=40):
    ids = list(model.objects.order_by("id").values_list("id", flat=True))
    return model.objects.filter(pk__in=random.Random(model.__name__).sample(ids, min(n, len(ids))))


def _check_incident(incident, window):
    times = [incident.reported_at, incident.accepted_at, incident.on_scene_at, incident.closed_at]
    present = [t for t in times if t is not None]
    assert present == sorted(present), incident.pk
    expected = {"reported": (False, False, False), "accepted": (True, False, False), "on_scene": (True, True, False),
                "closed": (True, None, True), "cancelled": (None, False, False)}[incident.status]
    for want, value in zip(expected, times[1:]):
        assert want is None or (value is not None) == want, (incident.pk, incident.status)
    steps = list(incident.transitions.all())
    assert (steps[0].kind, steps[0].from_status, steps[0].to_status, steps[0].at) == (
        "dispatch", "", "reported", incident.reported_at)
    assert all(a.at <= b.at and a.to_status == b.from_status for a, b in zip(steps, steps[1:])), incident.pk
    assert steps[-1].to_status == incident.status and incident.version == len(steps)
    status_at = {s.to_status: s.at for s in steps if s.kind == "status"}
    assert [status_at.get(s) for s in ("accepted", "on_scene", "closed")] == times[1:], incident.pk
    holder_changes = [s for s in steps if s.kind in ("dispatch", "escalation", "handover")]
    assert (holder_changes[-1].holder_id, holder_changes[-1].at) == (incident.holder_id, incident.held_since)
    assert incident.accept_due_at == incident.held_since + window
    assert incident.escalation_level == sum(s.kind == "escalation" for s in steps)
    assert (incident.result == "dispute") == incident.disputes.exists()


def _check_dispute(dispute, today):
    transitions = list(dispute.transitions.all())
    status = [t for t in transitions if t.kind == "status"]
    assert (status[0].from_value, status[0].to_value) == ("", "open") and status[-1].to_value == dispute.status
    assert all(a.to_value == b.from_value and b.to_value in Dispute.TRANSITIONS[a.to_value]
               for a, b in zip(status, status[1:])), dispute.pk
    assert all(a.at <= b.at for a, b in zip(transitions, transitions[1:])) and dispute.began_at <= transitions[0].at
    levels = [t for t in transitions if t.kind == "level"]
    level = levels[0].from_value if levels else dispute.level
    since, seconds = dispute.began_at, dict.fromkeys(Dispute.LEVEL_ORDER, 0)
    for t in levels:
        assert t.from_value == level
        seconds[t.from_value] += int((t.at - since).total_seconds())
        since, level = t.at, t.to_value
    if dispute.status in ("settled", "withdrawn"):
        seconds[level] += int((status[-1].at - since).total_seconds())
    assert (dispute.seconds_enterprise, dispute.seconds_park, dispute.seconds_beyond) == tuple(seconds.values())
    assert level == dispute.level and dispute.level_since == since
    assert (dispute.status == "settled") == (dispute.settled_at is not None) == bool(dispute.settled_level)
    if dispute.settled_at:
        assert (dispute.settled_at, dispute.settled_level) == (status[-1].at, dispute.level)
    visited = {levels[0].from_value if levels else dispute.level} | {t.to_value for t in levels}
    assert (dispute.mediation_centre_id is not None) == ("park" in visited)
    if dispute.mediation_centre_id:
        assert dispute.mediation_centre.park_id == dispute.park_id
    if dispute.incident_id:
        assert (dispute.incident.park_id, dispute.incident.reported_at) == (dispute.park_id, dispute.began_at)
    assert {p.side for p in dispute.parties.all()} == {"claimant", "respondent"}
    assert all(dispute.began_at <= s.started_at for s in dispute.sessions.all())
    agreements = list(dispute.agreements.all())
    if dispute.status in ("settled", "performing"):
        assert agreements, dispute.pk
    for agreement in agreements:
        obligations = list(agreement.obligations.all())
        assert sum(o.amount for o in obligations) == agreement.total_amount
        assert [o.sequence for o in obligations] == list(range(1, len(obligations) + 1))
        for o in obligations:
            assert sum(p.amount for p in o.payments.all()) == o.paid_amount <= o.amount
            assert (o.status in ("paid", "paid_late")) == (o.paid_amount == o.amount and o.paid_on is not None)
            assert o.status != "pending" or o.due_on >= today
        state = {"settled": "fulfilled", "performing": "performing"}.get(dispute.status)
        assert state is None or agreement.status == state, dispute.pk
        payments = [p.created_at for o in obligations for p in o.payments.all()]
        if dispute.status == "settled" and obligations:
            assert (status[-1].actor_id, status[-1].at) == (None, max(payments))
            assert all(agreement.created_at <= p for p in payments)


@pytest.mark.django_db(transaction=True)
def test_a_city_is_built_as_asked_valid_ordered_scoped_and_chained(demo_mode):
    from parkbeat.incidents.demo import accept_window

    out = seed_demo(*SIZES)
    now, today = timezone.now(), timezone.localdate()

    # Totals as asked, the demo station's own year included; the rest in proportion.
    assert (Incident.objects.count(), Dispute.objects.count()) == (3000, 600)
    assert (Visit.objects.count(), Demand.objects.count()) == (900, 180)
    assert "cityleader" in out and "branchleader" in out
    listed = [a.username for a in demo.account_listing()]  # the login page's list
    assert listed[-2:] == ["cityleader", "branchleader"] and "leader" in listed
    assert Notification.objects.count() > 100 and AuditEvent.objects.count() > 500
    assert IncidentTransition.objects.count() >= 3 * 3000 and Payment.objects.exists()

    # Every reference points at a row (SQLite loads with its checks off; PostgreSQL checked them on commit),
    # and the indexes dropped for the load are all back.
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            assert cursor.execute("PRAGMA foreign_key_check").fetchall() == []
    assert {"incident_dispatch_number_once"} <= set(connection.introspection.get_constraints(
        connection.cursor(), "incidents_incident"))
    for model in (Incident, IncidentTransition, Dispute, Notification, AuditEvent, Checkpoint, PatrolRun, CheckIn,
                  MissedCheck, TrackPoint):
        declared = {i.name for i in model._meta.indexes}
        with connection.cursor() as cursor:
            assert declared <= set(connection.introspection.get_constraints(cursor, model._meta.db_table))

    # Every row passes the app's own validation, on a sample of every table.
    for model in SAMPLED:
        for row in _sample(model):
            row.full_clean()

    # The clocks, over every row: never one step before the one it follows, nothing in the future.
    incidents = Incident.objects
    assert not incidents.filter(Q(accepted_at__lt=F("reported_at")) | Q(on_scene_at__lt=F("accepted_at"))
                                | Q(closed_at__lt=F("on_scene_at")) | Q(closed_at__lt=F("accepted_at"))).exists()
    assert not incidents.filter(Q(reported_at__gt=now) | Q(closed_at__gt=now)).exists()
    assert incidents.filter(reported_at__lt=now - timedelta(days=2 * 365)).exists()  # three years of history
    assert not IncidentTransition.objects.filter(at__lt=F("incident__reported_at")).exists()
    assert not IncidentTransition.objects.filter(at__gt=now).exists()
    assert not DisputeTransition.objects.filter(Q(at__lt=F("dispute__began_at")) | Q(at__gt=now)).exists()
    assert not Obligation.objects.filter(status="pending", due_on__lt=today).exists()
    assert set(incidents.values_list("status", flat=True)) >= {"closed", "cancelled"}
    assert set(Dispute.objects.values_list("status", flat=True)) >= {"settled", "withdrawn", "open"}
    assert set(Dispute.objects.values_list("level", flat=True)) == set(Dispute.Level.values)
    # Each row in a park of its station, handled by that park's staff (or its station's leader).
    police = {}
    for a in RoleAssignment.objects.filter(park__isnull=False):
        police.setdefault(a.park_id, set()).add(a.user_id)
    leaders = {a.unit_id: a.user_id for a in RoleAssignment.objects.filter(role="station_leader", unit__kind="station")}
    for incident in _sample(Incident, 300).select_related("park", "enterprise").prefetch_related("transitions"):
        _check_incident(incident, accept_window())
        assert incident.enterprise is None or incident.enterprise.park_id == incident.park_id
        assert incident.holder_id in police[incident.park_id] | {leaders[incident.park.station_id]}
        assert incident.reported_by_id in police[incident.park_id] or incident.park.station == org_demo.demo_station()
    for dispute in _sample(Dispute, 200).select_related("incident", "mediation_centre").prefetch_related(
            "transitions", "parties", "sessions", "agreements__obligations__payments"):
        _check_dispute(dispute, today)
        assert dispute.handler_id in police[dispute.park_id]
    # Every park has its cases, some parks many more than others.
    # (the industrial parks: a prevention area outside them, the demo station's campus, has no enterprises)
    per_park = [incidents.filter(park=p).count() for p in Park.objects.filter(kind=Park.Kind.INDUSTRIAL)]
    assert min(per_park) > 0 and max(per_park) > 2 * min(per_park)

    _check_patrols(now, police, leaders)

    # The city leader sees the whole city, the branch leader his branch only, the station leader his station.
    users = {u.username: u for u in User.objects.filter(username__in=["cityleader", "branchleader", "leader"])}
    city = OrgUnit.objects.get(kind="city")
    assert users["cityleader"].role_assignments.get().unit == city
    branch = users["branchleader"].role_assignments.get().unit
    assert branch.kind == "branch" and branch == org_demo.demo_station().parent
    assert Incident.objects.visible_to(users["cityleader"]).count() == 3000
    assert Dispute.objects.visible_to(users["cityleader"]).count() == 600
    in_branch = Incident.objects.filter(park__station__parent=branch).count()
    assert 0 < Incident.objects.visible_to(users["branchleader"]).count() == in_branch < 3000
    in_station = Incident.objects.filter(park__station=org_demo.demo_station()).count()
    assert Incident.objects.visible_to(users["leader"]).count() == in_station <= in_branch

    # The audit chain still verifies, with the build recorded last.
    assert verify_chain()[1] is None
    call_command("verify_audit", stdout=StringIO())
    assert AuditEvent.objects.order_by("-id").first().note.startswith("seed_demo city: seed=2026 incidents=3000")
    _check_coverage_answers()  # (signs the city leader in: after the build's note is read as the last event)

    # Run again with the same sizes: nothing is added; with others: refused, saying why.
    before = (Incident.objects.count(), AuditEvent.objects.count())
    assert "already built" in seed_demo(*SIZES)
    assert (Incident.objects.count(), AuditEvent.objects.count()) == before
    with pytest.raises(CommandError, match="already holds a city"):
        seed_demo(*SIZES[:-1], "700")


@pytest.mark.django_db(transaction=True)
def test_city_cases_on_top_of_the_demo_need_its_stations_and_a_clean_start(demo_mode):
    seed_demo("--stations", "2", "--enterprises", "200")
    with pytest.raises(CommandError, match="2 station"):
        seed_demo("--stations", "3", "--enterprises", "300", "--incidents", "1000", "--disputes", "100")
    # Cases outside the demo station without a finished build: a build was interrupted.
    other = Park.objects.exclude(station=org_demo.demo_station()).first()
    Incident.objects.create(park=other, source="phone", kind="other", description="x",
                            reported_by=User.objects.get(username="officer1"))
    with pytest.raises(CommandError, match="interrupted"):
        seed_demo("--stations", "2", "--enterprises", "200", "--incidents", "1000", "--disputes", "100")
    with pytest.raises(CommandError, match="negative"):
        seed_demo("--incidents", "-1")
    with pytest.raises(CommandError, match="--track-points cannot be negative"):
        seed_demo("--stations", "2", "--enterprises", "200", "--incidents", "1000", "--track-points", "-5")


@pytest.mark.django_db(transaction=True)
def test_city_cases_added_on_top_of_an_existing_demo(demo_mode):
    seed_demo("--stations", "2", "--enterprises", "200")
    assert not User.objects.filter(username="cityleader").exists()
    assert "cityleader" not in [a.username for a in demo.account_listing()]
    seed_demo("--stations", "2", "--enterprises", "200", "--incidents", "1200", "--disputes", "200",
              "--track-points", "5000")
    assert (Incident.objects.count(), Dispute.objects.count()) == (1200, 200)
    # 5,000 track points in all, the demo's own included, which leave the demo's patrols as they were.
    assert TrackPoint.objects.count() == 5000 and TrackPoint.objects.filter(device__endswith="demo-phone").exists()
    assert Checkpoint.objects.filter(name="东大门").count() == 3
    assert Incident.objects.exclude(park__station=org_demo.demo_station()).exists()
    assert verify_chain()[1] is None


def _park_people(police, leaders):
    """Who may be on a run in a park: its police, its station's leader, the volunteers of its teams."""
    people = {park: set(users) for park, users in police.items()}
    for park in Park.objects.all():
        people.setdefault(park.pk, set()).add(leaders[park.station_id])
    for a in RoleAssignment.objects.filter(role="volunteer", team__isnull=False).select_related("team"):
        people.setdefault(a.team.park_id, set()).add(a.user_id)
    return people


def _check_patrols(now, police, leaders):
    """The patrols' month: in proportion, in their parks, in time order, flagged and missed as the app decides."""
    from shapely.geometry import Point, shape

    assert TrackPoint.objects.count() == 10 * 3000  # ten GPS positions per incident of the city, the demo's too
    city_runs = PatrolRun.objects.exclude(park__station=org_demo.demo_station())
    assert city_runs.count() > 9 * PATROL_DAYS and CheckIn.objects.count() > 5 * PatrolRun.objects.count()
    outlines = {p.pk: shape(p.boundary) for p in Park.objects.all()}
    for park in Park.objects.filter(kind=Park.Kind.INDUSTRIAL):
        assert park.checkpoints.count() >= 8 and park.patrol_routes.count() >= 3 and park.patrol_plans.count() >= 2
    for area in Park.objects.exclude(kind=Park.Kind.INDUSTRIAL):  # the demo's campus: its own route, as seeded
        assert area.checkpoints.exists() and area.patrol_routes.exists()
    for checkpoint in Checkpoint.objects.all():
        assert outlines[checkpoint.park_id].contains(Point(float(checkpoint.lon), float(checkpoint.lat)))
    for route in Route.objects.prefetch_related("stops__checkpoint"):
        stops = list(route.stops.all())
        assert [s.position for s in stops] == list(range(1, len(stops) + 1))
        assert {s.checkpoint.park_id for s in stops} == {route.park_id}
    assert not PatrolPlan.objects.exclude(park_id=F("route__park_id")).exists()
    people = _park_people(police, leaders)
    assert set(PatrolRun.objects.values_list("status", flat=True)) == {"finished", "auto_closed"}
    assert not PatrolRun.objects.filter(Q(finished_at__lt=F("started_at")) | Q(finished_at__gt=F("window_end"))
                                        | Q(finished_at__gt=now) | Q(started_at__lt=F("window_start") - timedelta(
                                            minutes=30))).exists()
    assert not PatrolRun.objects.filter(status="auto_closed").exclude(finished_at=F("window_end")).exists()
    assert not PatrolRun.objects.exclude(park_id=F("route__park_id")).exists()
    assert not PatrolRun.objects.exclude(plan__park_id=F("park_id")).exists()
    assert PatrolRun.objects.filter(started_at__lt=now - timedelta(days=PATROL_DAYS - 2)).exists()
    assert not CheckIn.objects.filter(Q(at__lt=F("run__started_at")) | Q(at__gt=F("run__finished_at"))
                                      | Q(recorded_at__lt=F("at")) | Q(recorded_at__gt=now)).exists()
    assert set(CheckIn.objects.values_list("method", flat=True)) == {"qr", "gps", "code"}
    assert not TrackPoint.objects.filter(Q(at__lt=F("run__started_at")) | Q(at__gt=F("run__finished_at"))
                                         | Q(recorded_at__lt=F("at")) | Q(recorded_at__gt=now)).exists()

    for run in _sample(PatrolRun, 120).select_related("plan", "route").prefetch_related(
            "participants", "checkins__checkpoint"):
        assert {u.pk for u in run.participants.all()} <= people[run.park_id] and run.started_by_id in {
            u.pk for u in run.participants.all()}
        assert (run.finished_by_id is None) == (run.status == "auto_closed")
        # Every scan's flags are those the app gives it, and a scan counts exactly when it has none.
        counted, on_route = [], {c.pk for c in run.route.ordered_checkpoints()}
        for checkin in sorted(run.checkins.all(), key=lambda c: (c.at, c.pk)):
            assert checkin.checkpoint_id in on_route and checkin.recorded_by_id in people[run.park_id]
            scan = geo.Scan(checkin.checkpoint_id, float(checkin.checkpoint.lon), float(checkin.checkpoint.lat),
                            checkin.at)
            flags, distance = geo.scan_flags(scan, counted, mode=run.mode,
                                             position=(float(checkin.lon), float(checkin.lat)))
            assert (checkin.flags, checkin.counted, checkin.distance_m) == (flags, not flags, round(distance)), \
                checkin.pk
            if checkin.counted:
                counted.append(scan)
        # The missed checks of its window: the route's checkpoints no counted scan reached.
        reached = {s.checkpoint_id for s in counted}
        missed = set(MissedCheck.objects.filter(plan=run.plan, window_start=run.window_start).values_list(
            "checkpoint_id", flat=True))
        assert missed == on_route - reached, run.pk
        track = list(run.track_points.order_by("at").values_list("device", "lon", "lat"))
        assert track and {d for d, _lon, _lat in track} == {track[0][0]}
        assert track[0][0].startswith(f"u{run.started_by_id}:")
        near = outlines[run.park_id].buffer(0.01)  # about a kilometre around the park
        assert all(near.contains(Point(float(lon), float(lat))) for _d, lon, lat in track)
    assert not CheckIn.objects.filter(counted=True).exclude(flags=[]).exists()
    assert CheckIn.objects.filter(counted=False).exists() and not CheckIn.objects.filter(counted=False, flags=[]).exists()
    # Windows nobody patrolled: every checkpoint of the route missed, no run named.
    assert MissedCheck.objects.filter(run__isnull=True).exists() and MissedCheck.objects.filter(
        run__isnull=False).exists()
    assert Notification.objects.filter(kind="patrol_missed").exists()


def _check_coverage_answers():
    """The city leader's coverage of the last month: every checkpoint of the city, answered by the selector, the
    API and the page alike; the station leader's of his station only."""
    from django.test import Client
    from django.urls import reverse
    from rest_framework.test import APIClient

    users = {u.username: u for u in User.objects.filter(username__in=["cityleader", "leader"])}
    period = coverage.last_days(30)
    figures = coverage.coverage(user=users["cityleader"], period=period)
    visits = CheckIn.objects.filter(counted=True, at__gte=period.start, at__lt=period.end).count()
    assert figures["totals"]["checkpoints"] == Checkpoint.objects.count()
    assert figures["totals"]["visits"] == visits > 0 and figures["totals"]["missed"] > 0
    assert len(figures["parks"]) == Park.objects.count() and figures["teams"]
    station = coverage.coverage(user=users["leader"], period=period)["totals"]
    assert 0 < station["checkpoints"] == Checkpoint.objects.filter(park__station=org_demo.demo_station()).count()

    api = APIClient()
    api.force_authenticate(users["cityleader"])
    answer = api.get("/api/v1/patrol-coverage/", {"from": period.start.isoformat(), "to": period.end.isoformat()})
    assert answer.status_code == 200
    assert answer.json()["totals"]["visits"] == visits
    assert len(answer.json()["checkpoints"]) == Checkpoint.objects.count()
    page = Client()
    page.force_login(users["cityleader"])
    first, last = period.start.date(), (period.end - timedelta(days=1)).date()
    response = page.get(reverse("patrols:coverage") + f"?date_from={first}&date_to={last}")
    assert response.status_code == 200
    assert Park.objects.exclude(station=org_demo.demo_station()).first().name in response.content.decode()
