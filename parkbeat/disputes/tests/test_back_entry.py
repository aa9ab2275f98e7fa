"""Steps entered after the fact: each API action with a past time, a future one, one before the step it follows,
one older than the back-entry window (refused to an officer without a reason; with one, or by the leader,
applied and marked late) and a field it does not take. The clock stands at 2026-12-01 20:00 in Shanghai."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from parkbeat.audit.models import AuditEvent
from parkbeat.disputes import services
from parkbeat.disputes.models import Dispute, DisputeTransition
from parkbeat.disputes.tests.factories import open_dispute

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 1, 20, 0, tzinfo=TZ)
DAY = 86400


@pytest.fixture(autouse=True)
def clock_and_english():
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        yield


def body(world, action, dispute, **extra):
    """The request body of each action, with the dispute's version."""
    return {**{"level": {"to": "enterprise", "reason": "退回企业处理"}, "settle": {"to": "settled", "note": "双方和解"},
               "withdraw": {"to": "withdrawn", "note": "当事人撤回申请"}, "reopen": {"to": "open", "note": "企业反悔"},
               "route": {"mediator": world.mediator.pk}}[action], "version": dispute.version, **extra}


URL = {"level": "level/", "settle": "transition/", "withdraw": "transition/", "reopen": "transition/",
       "route": "route/"}
KIND = {"level": "level", "settle": "status", "withdraw": "status", "reopen": "status", "route": "route"}
ACTIONS = list(URL)


def post(api, world, action, dispute, **extra):
    return api.post(f"/api/v1/disputes/{dispute.pk}/{URL[action]}", body(world, action, dispute, **extra),
                    format="json", HTTP_ACCEPT_LANGUAGE="en")


def prepared(world, action, began, *, actor=None, settled_at=None, **kw):
    """A park-level dispute that began at `began` (opened by `actor`); to be reopened, settled at `settled_at`."""
    actor = actor or world.officer
    dispute = open_dispute(world, actor=actor, began_at=began, **kw)
    if action == "reopen":
        services.dispute_transition(actor=actor, dispute=dispute, to="settled", at=settled_at, note="双方和解",
                                    expected_version=dispute.version)
    dispute.refresh_from_db()
    return dispute


def state(dispute):
    """Everything a refused action must leave as it was."""
    d = Dispute.objects.get(pk=dispute.pk)
    return (d.version, d.status, d.level, d.level_since, d.settled_at, d.settled_level, d.seconds_enterprise,
            d.seconds_park, d.seconds_beyond, d.reopen_count, d.mediator_id, d.mediation_centre_id,
            list(d.transitions.values_list("kind", "at", "to_value")))


def last_step(dispute):
    t = DisputeTransition.objects.filter(dispute=dispute).latest("at", "id")
    return (t.kind, t.at, t.recorded_at, t.entered_late, t.late_reason, t.actor)


# ---------------------------------------------------------------- a past time within the window is applied
@pytest.mark.parametrize("action", ACTIONS)
def test_a_step_with_a_past_time_is_applied_at_that_time(world, api_as, action):
    began, happened = NOW - timedelta(days=10), NOW - timedelta(days=3)
    dispute = prepared(world, action, began, settled_at=NOW - timedelta(days=9))

    response = post(api_as(world.officer), world, action, dispute, at="2026-11-28T20:00:00+08:00")

    assert response.status_code == 200, response.json()
    assert last_step(dispute) == (KIND[action], happened, NOW, False, "", world.officer)
    d = Dispute.objects.get(pk=dispute.pk)
    assert {
        "level": lambda: (d.level, d.level_since, d.seconds_park),
        "settle": lambda: (d.status, d.settled_at, d.settled_level, d.seconds_park),
        "withdraw": lambda: (d.status, d.level_since, d.seconds_park),
        "reopen": lambda: (d.status, d.level_since, d.seconds_park, d.settled_at, d.reopen_count),
        "route": lambda: (d.mediator, d.mediation_centre, d.level_since),
    }[action]() == {
        "level": ("enterprise", happened, 7 * DAY),
        "settle": ("settled", happened, "park", 7 * DAY),
        "withdraw": ("withdrawn", happened, 7 * DAY),
        "reopen": ("open", happened, 1 * DAY, None, 1),  # the park held it from the start to the settling
        "route": (world.mediator, world.park.mediation_centre, began),
    }[action]
    assert response.json()["transitions"][-1]["at"] == "2026-11-28T20:00:00+08:00"


def test_a_routing_step_names_the_centre_it_moved_from_and_to(world, api_as):
    dispute = open_dispute(world)
    api = api_as(world.officer)
    post(api, world, "route", dispute, at="2026-11-28T09:00:00+08:00")
    dispute.refresh_from_db()

    away = api.post(f"/api/v1/disputes/{dispute.pk}/route/", {"mediation_centre": None, "version": dispute.version,
                                                             "at": "2026-11-29T09:00:00+08:00"}, format="json",
                    HTTP_ACCEPT_LANGUAGE="en")

    assert away.status_code == 200
    centre = str(world.park.mediation_centre.pk)
    assert list(dispute.transitions.filter(kind="route").values_list("at", "from_value", "to_value")) == [
        (datetime(2026, 11, 28, 9, tzinfo=TZ), "", centre), (datetime(2026, 11, 29, 9, tzinfo=TZ), centre, "")]


# ---------------------------------------------------------------- refusals: 400 naming `at`, nothing changed
@pytest.mark.parametrize("action", ACTIONS)
def test_a_time_in_the_future_is_400_naming_at_and_changes_nothing(world, api_as, action):
    dispute = prepared(world, action, NOW - timedelta(days=10), settled_at=NOW - timedelta(days=9))
    before = state(dispute)

    response = post(api_as(world.officer), world, action, dispute, at="2026-12-01T21:00:00+08:00")

    assert (response.status_code, response.json()["at"], response.json()["detail"]) == (
        400, ["The time cannot lie in the future."], "at: The time cannot lie in the future.")
    assert state(dispute) == before


@pytest.mark.parametrize("action", ACTIONS)
def test_a_time_before_the_step_it_follows_is_400_naming_that_step(world, api_as, action):
    dispute = open_dispute(world, began_at=NOW - timedelta(days=10))
    services.dispute_route(actor=world.officer, dispute=dispute, agencies=[world.agency],
                           at=NOW - timedelta(days=5), expected_version=dispute.version)
    if action == "reopen":  # settled at the same time: the current level's clock stopped then
        services.dispute_transition(actor=world.officer, dispute=dispute, to="settled", note="双方和解",
                                    at=NOW - timedelta(days=5), expected_version=dispute.version)
    dispute.refresh_from_db()
    before = state(dispute)

    response = post(api_as(world.officer), world, action, dispute, at="2026-11-25T20:00:00+08:00")

    follows = "the start of its current level" if action == "reopen" else "its last recorded step"
    assert (response.status_code, response.json()["at"]) == (
        400, [f"The time cannot lie before {follows} (2026-11-26 20:00)."])
    assert state(dispute) == before


@pytest.mark.parametrize("action", ACTIONS)
def test_a_time_before_the_dispute_began_is_400(world, api_as, action):
    dispute = prepared(world, action, NOW - timedelta(days=10), settled_at=NOW - timedelta(days=9))
    before = state(dispute)

    response = post(api_as(world.officer), world, action, dispute, at="2026-11-21T19:59:00+08:00")

    assert (response.status_code, response.json()["at"]) == (
        400, ["The time cannot lie before the start of the dispute (2026-11-21 20:00)."])
    assert state(dispute) == before


@pytest.mark.parametrize("action", ACTIONS)
def test_a_time_that_is_not_one_is_400_naming_at(world, api_as, action):
    dispute = prepared(world, action, NOW - timedelta(days=10), settled_at=NOW - timedelta(days=9))
    before = state(dispute)

    response = post(api_as(world.officer), world, action, dispute, at="昨天上午")

    assert response.status_code == 400 and list(response.json()) == ["at", "detail"]
    assert response.json()["detail"].startswith("at: Datetime has wrong format.")
    assert state(dispute) == before


# ---------------------------------------------------------------- the back-entry window
QUARTER_BEGAN = datetime(2026, 9, 1, 9, 0, tzinfo=TZ)
QUARTER_STEP = "2026-09-15T10:00:00+08:00"


@pytest.mark.parametrize("action", ACTIONS)
def test_older_than_the_window_an_officer_without_a_reason_is_400_and_nothing_changes(world, api_as, action):
    dispute = prepared(world, action, QUARTER_BEGAN, actor=world.leader, settled_at=QUARTER_BEGAN + timedelta(days=1))
    before = state(dispute)

    response = post(api_as(world.officer), world, action, dispute, at=QUARTER_STEP)

    assert (response.status_code, response.json()["detail"]) == (400, (
        "at: This happened more than 30 days ago: say why it is entered only now, or ask a station leader to "
        "enter it."))
    assert state(dispute) == before


@pytest.mark.parametrize("action", ACTIONS)
def test_older_than_the_window_with_a_reason_is_applied_and_marked_late(world, api_as, action):
    dispute = prepared(world, action, QUARTER_BEGAN, actor=world.leader, settled_at=QUARTER_BEGAN + timedelta(days=1))

    response = post(api_as(world.officer), world, action, dispute, at=QUARTER_STEP, late_reason="三季度台账补录")

    assert response.status_code == 200, response.json()
    assert last_step(dispute) == (KIND[action], datetime(2026, 9, 15, 10, tzinfo=TZ), NOW, True, "三季度台账补录",
                                  world.officer)
    step = response.json()["transitions"][-1]
    assert (step["at"], step["recorded_at"], step["entered_late"], step["late_reason"]) == (
        "2026-09-15T10:00:00+08:00", "2026-12-01T20:00:00+08:00", True, "三季度台账补录")


@pytest.mark.parametrize("action", ACTIONS)
def test_older_than_the_window_by_the_leader_is_applied_and_marked_late(world, api_as, action):
    dispute = prepared(world, action, QUARTER_BEGAN, actor=world.leader, settled_at=QUARTER_BEGAN + timedelta(days=1))

    response = post(api_as(world.leader), world, action, dispute, at=QUARTER_STEP)

    assert response.status_code == 200, response.json()
    assert last_step(dispute) == (KIND[action], datetime(2026, 9, 15, 10, tzinfo=TZ), NOW, True, "", world.leader)


def test_opening_a_quarter_old_dispute_needs_a_reason_from_an_officer(world, api_as):
    api = api_as(world.officer)
    case = {"park": world.park.pk, "category": "labour_wage", "title": "讨薪", "summary": "堵门",
            "began_at": "2026-09-01T09:00:00+08:00"}

    refused = api.post("/api/v1/disputes/", case, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert (refused.status_code, refused.json()["detail"]) == (400, (
        "began_at: This happened more than 30 days ago: say why it is entered only now, or ask a station leader to "
        "enter it."))
    assert Dispute.objects.count() == 0

    opened = api.post("/api/v1/disputes/", {**case, "late_reason": "台账补录"}, format="json")

    assert opened.status_code == 201, opened.json()
    step = opened.json()
    dispute = Dispute.objects.get()
    assert (dispute.began_at, dispute.level_since) == (QUARTER_BEGAN, QUARTER_BEGAN)
    assert last_step(dispute) == ("status", QUARTER_BEGAN, NOW, True, "台账补录", world.officer)
    assert "late_reason" not in step  # write-only
    # once created, it is not a field of the dispute any more
    patched = api.patch(f"/api/v1/disputes/{dispute.pk}/", {"late_reason": "x", "version": 1}, format="json",
                        HTTP_ACCEPT_LANGUAGE="en")
    assert (patched.status_code, patched.json()["late_reason"]) == (400, ["This field is not accepted here."])


# ---------------------------------------------------------------- no field is silently dropped
@pytest.mark.parametrize("action", ACTIONS)
def test_a_field_the_action_does_not_take_is_400_naming_it(world, api_as, action):
    dispute = prepared(world, action, NOW - timedelta(days=10), settled_at=NOW - timedelta(days=9))
    before = state(dispute)

    response = post(api_as(world.officer), world, action, dispute, recorded_at="2026-11-28T20:00:00+08:00")

    assert (response.status_code, response.json()["recorded_at"], response.json()["detail"]) == (
        400, ["This field is not accepted here."], "These fields are not accepted here: recorded_at.")
    assert state(dispute) == before


# ---------------------------------------------------------------- the audit trail keeps both times
def test_the_audit_event_is_dated_at_entry_and_notes_when_it_happened_and_why_late(world, api_as):
    dispute = prepared(world, "settle", QUARTER_BEGAN, actor=world.leader)

    post(api_as(world.officer), world, "settle", dispute, at=QUARTER_STEP, late_reason="三季度台账补录")

    event = AuditEvent.objects.filter(object_type="disputes.Dispute", object_id=str(dispute.pk)).latest("id")
    assert (event.at, event.verb, event.actor, event.note) == (
        NOW, "transition", world.officer, "双方和解 · happened 2026-09-15 10:00 · entered late: 三季度台账补录")
    assert event.changes["settled_at"] == [None, "2026-09-15T10:00:00+08:00"]
    assert event.changes["status"] == ["open", "settled"]


def test_a_live_step_notes_nothing_about_time(world):
    dispute = open_dispute(world)

    services.dispute_transition(actor=world.officer, dispute=dispute, to="withdrawn", note="撤回",
                                expected_version=dispute.version)

    event = AuditEvent.objects.filter(object_type="disputes.Dispute", object_id=str(dispute.pk)).latest("id")
    assert (event.at, event.note) == (NOW, "撤回")
    assert last_step(dispute) == ("status", NOW, NOW, False, "", world.officer)
