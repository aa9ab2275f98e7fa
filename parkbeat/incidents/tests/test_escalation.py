"""Nothing sits unowned: the dispatch chain (roster → park officers → station leaders) and the sweep."""
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from parkbeat.audit.models import AuditEvent
from parkbeat.testing import UserFactory, assign
from parkbeat.incidents import services
from parkbeat.incidents.models import Incident
from parkbeat.incidents.tasks import escalate_incidents_task
from parkbeat.notifications.models import Notification
from parkbeat.org.models import DutyShift, Role

from .helpers import reload, report


def later(minutes):
    return timezone.now() + timedelta(minutes=minutes)


@pytest.fixture
def duty_officer(world):
    user = assign(UserFactory(username="t_duty"), Role.PARK_OFFICER, park=world.park)
    DutyShift.objects.create(park=world.park, user=user, starts_at=timezone.now() - timedelta(hours=1),
                             ends_at=timezone.now() + timedelta(hours=7))
    return user


def test_chain_without_roster_is_park_officer_then_leader(world):
    assert services.dispatch_chain(world.park) == [world.officer, world.leader]


def test_chain_with_roster_puts_the_officer_on_duty_first_once(world, duty_officer):
    assert services.dispatch_chain(world.park) == [duty_officer, world.officer, world.leader]


def test_chain_outside_the_shift_falls_back_to_assigned_officers(world, duty_officer):
    assert services.dispatch_chain(world.park, at=later(60 * 10)) == [world.officer, duty_officer, world.leader]


def test_chain_skips_inactive_people(world):
    world.officer.is_active = False
    world.officer.save()

    assert services.dispatch_chain(world.park) == [world.leader]


def test_report_goes_to_the_officer_on_duty(world, duty_officer):
    assert reload(report(world, actor=world.liaison, park=None)).holder == duty_officer


def test_overdue_incident_moves_along_the_chain_and_stays_with_the_leader(world, duty_officer):
    incident = report(world)
    assert reload(incident).holder == duty_officer

    assert services.incidents_escalate_overdue(now=later(5)) == 0
    assert services.incidents_escalate_overdue(now=later(11)) == 1
    step1 = reload(incident)
    assert (step1.holder, step1.escalation_level, step1.status) == (world.officer, 1, "reported")
    assert step1.accept_due_at > later(11) + timedelta(minutes=9)
    assert services.incidents_escalate_overdue(now=later(22)) == 1
    assert services.incidents_escalate_overdue(now=later(33)) == 1
    step3 = reload(incident)
    assert (step3.holder, step3.escalation_level) == (world.leader, 3)
    assert list(step3.transitions.filter(kind="escalation").values_list("actor", "holder")) == [
        (None, world.officer.pk), (None, world.leader.pk), (None, world.leader.pk)]
    # The new holder is told each time, the one it left too; the leader is reminded at the end of the chain.
    escalated = Notification.objects.filter(kind="incident_escalated").order_by("id")
    assert [(n.recipient.username, n.dedupe_key) for n in escalated] == [
        ("t_officer", f"incident:{incident.pk}:escalation:1"), ("t_duty", f"incident:{incident.pk}:escalation:1"),
        ("t_leader", f"incident:{incident.pk}:escalation:2"), ("t_officer", f"incident:{incident.pk}:escalation:2"),
        ("t_leader", f"incident:{incident.pk}:escalation:3")]
    events = AuditEvent.objects.filter(object_type="incidents.Incident", verb="update").order_by("id")
    assert [(e.actor_id, e.actor_username) for e in events] == [(None, "")] * 3


def test_escalation_is_safe_to_run_twice(world):
    incident = report(world)
    now = later(11)

    assert services.incidents_escalate_overdue(now=now) == 1
    assert services.incidents_escalate_overdue(now=now) == 0

    assert reload(incident).escalation_level == 1
    assert incident.transitions.filter(kind="escalation").count() == 1


def test_nobody_but_the_leader_the_incident_stays_with_the_leader(world):
    world.officer.role_assignments.all().delete()
    incident = report(world, actor=world.leader)
    assert reload(incident).holder == world.leader

    assert services.incidents_escalate_overdue(now=later(11)) == 1

    incident = reload(incident)
    assert (incident.holder, incident.escalation_level) == (world.leader, 1)
    assert Notification.objects.filter(recipient=world.leader, kind="incident_escalated").count() == 1


def test_accepted_incidents_are_never_escalated(world):
    incident = report(world)
    services.incident_transition(actor=world.officer, incident=incident, to=Incident.Status.ACCEPTED)

    assert services.incidents_escalate_overdue(now=later(60)) == 0
    assert reload(incident).escalation_level == 0


def test_command_prints_how_many_moved(world):
    incident = report(world)
    Incident.objects.filter(pk=incident.pk).update(accept_due_at=timezone.now() - timedelta(minutes=1))
    out = StringIO()

    call_command("escalate_incidents", stdout=out)

    assert out.getvalue() == "1 incident(s) escalated.\n"
    assert reload(incident).holder == world.leader


def test_periodic_task_runs_the_sweep(world):
    incident = report(world)
    Incident.objects.filter(pk=incident.pk).update(accept_due_at=timezone.now() - timedelta(minutes=1))

    escalate_incidents_task.call_local()

    assert reload(incident).escalation_level == 1
