"""Hypothesis: no sequence of actions by any role reaches a state the TRANSITIONS table does not allow.

After every step: the status and every status transition are in the table; a closed incident has its
closing time and result; an open one has a holder; the clocks never run backwards; a refused action
changes nothing.
"""
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from parkbeat.core.services import ConflictError
from parkbeat.incidents import services
from parkbeat.incidents.models import Incident

from .helpers import reload, report

S = Incident.Status
ROLES = ["officer", "leader", "auxiliary", "liaison", "volunteer", "agency_staff", "officer2", "mediator"]
ACTIONS = ["accept", "arrive", "close", "close_without_result", "cancel", "cancel_without_note", "reopen",
           "reopen_on_scene",
           "handover_leader", "handover_auxiliary", "handover_officer2", "agency", "escalate", "stale_accept"]


def act(world, incident, action, user, clock):
    if action == "accept":
        services.incident_transition(actor=user, incident=incident, to=S.ACCEPTED)
    elif action == "stale_accept":
        services.incident_transition(actor=user, incident=incident, to=S.ACCEPTED, expected_version=1)
    elif action == "arrive":
        services.incident_transition(actor=user, incident=incident, to=S.ON_SCENE)
    elif action == "close":
        services.incident_transition(actor=user, incident=incident, to=S.CLOSED, result="resolved")
    elif action == "close_without_result":
        services.incident_transition(actor=user, incident=incident, to=S.CLOSED)
    elif action == "cancel":
        services.incident_transition(actor=user, incident=incident, to=S.CANCELLED, note="误报")
    elif action == "cancel_without_note":
        services.incident_transition(actor=user, incident=incident, to=S.CANCELLED)
    elif action == "reopen":
        if incident.status == S.CLOSED:  # what the pages and the API guard before the service
            services.incident_transition(actor=user, incident=incident, to=services.reopen_status(incident),
                                         note="复发")
    elif action == "reopen_on_scene":  # straight to "on scene", whatever the clocks say
        services.incident_transition(actor=user, incident=incident, to=S.ON_SCENE, note="复发")
    elif action.startswith("handover_"):
        target = getattr(world, action.removeprefix("handover_"))
        services.incident_handover(actor=user, incident=incident, to_user=target, note="转交")
    elif action == "agency":
        services.incident_add_agency(actor=user, incident=incident, agency=world.agency)
    elif action == "escalate":
        clock[0] += timedelta(minutes=11)
        services.incidents_escalate_overdue(now=clock[0])


def state(incident):
    fields = ["status", "holder_id", "version", "accepted_at", "on_scene_at", "closed_at", "result",
              "escalation_level"]
    row = Incident.objects.filter(pk=incident.pk).values(*fields).get()
    return row, incident.transitions.count(), incident.agencies.count()


def check_invariants(incident):
    incident = reload(incident)
    assert incident.status in S.values
    for t in incident.transitions.filter(kind="status"):
        assert t.to_status in Incident.TRANSITIONS[S(t.from_status)], (t.from_status, t.to_status)
    if incident.status == S.CLOSED:
        assert incident.closed_at is not None and incident.result
    else:
        assert incident.closed_at is None
    if incident.is_open:
        assert incident.holder_id is not None
    clocks = [c for c in (incident.reported_at, incident.accepted_at, incident.on_scene_at, incident.closed_at)
              if c is not None]
    assert clocks == sorted(clocks)
    if incident.status != S.REPORTED:
        assert incident.accepted_at is not None or incident.status == S.CANCELLED
    if incident.status == S.ON_SCENE:  # nobody is "on scene" without an arrival time
        assert incident.on_scene_at is not None


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(steps=st.lists(st.tuples(st.sampled_from(ACTIONS), st.sampled_from(ROLES)), min_size=1, max_size=12))
# closed straight from "accepted", then reopened: back to "accepted", never "on scene" without an arrival
@example(steps=[("accept", "officer"), ("close", "officer"), ("reopen_on_scene", "leader"), ("reopen", "leader"),
                ("arrive", "officer"), ("close", "officer"), ("reopen", "leader")])
def test_no_sequence_of_actions_reaches_an_illegal_state(world, steps):
    incident = report(world)
    clock = [timezone.now() + timedelta(days=1)]
    for action, role in steps:
        before = state(incident)
        try:
            act(world, reload(incident), action, getattr(world, role), clock)
        except (ValidationError, PermissionDenied, ConflictError):  # IllegalTransition is a ConflictError
            assert state(incident) == before, (action, role)
        check_invariants(incident)


def test_every_status_is_either_open_or_final():
    """The open filter, the home page's figures and the enterprise file name the open statuses (so that an index
    on status serves them): a status added later must be one or the other, or those figures would lose it."""
    assert set(Incident.OPEN_STATUSES) | set(Incident.FINAL_STATUSES) == set(S.values)
    assert not set(Incident.OPEN_STATUSES) & set(Incident.FINAL_STATUSES)
