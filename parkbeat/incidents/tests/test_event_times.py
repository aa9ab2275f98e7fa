"""Issue 9, incidents: every step carries when it happened beside when and by whom it was entered.

A park officer settles a gate blockade at 11:02 and writes it up at 20:15: the clocks and figures read the
happened times, the transition rows and the audit trail keep both, and a time that cannot be (the future,
before the step it follows, older than the back-entry window without a reason) is a 400 naming `at`.
"""
from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse
from django.utils import translation

from parkbeat.audit.models import AuditEvent
from parkbeat.incidents import selectors, services
from parkbeat.incidents.models import Incident, IncidentTransition

from .helpers import reload, report

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 1, 20, 15, tzinfo=SHANGHAI)  # the evening write-up
S = Incident.Status


def T(hour, minute, day=1):
    return datetime(2026, 12, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _english_at_the_evening_write_up(settings):
    settings.LANGUAGE_CODE = "en"
    settings.PARKBEAT_BACK_ENTRY_DAYS = 30
    with translation.override("en"), time_machine.travel(NOW, tick=False):
        yield


def state(incident):
    """Everything a refused step must leave as it was."""
    return (Incident.objects.filter(pk=incident.pk).values().get(), IncidentTransition.objects.count(),
            AuditEvent.objects.count())


# The steps, each from the state it needs, at minutes after the report; `before` is one minute before the
# step it follows, named in the refusal.
STEPS = {
    "accept": {"from": "reported", "body": {}, "after": 4, "before": -1, "names": "the report ({})"},
    "arrive": {"from": "accepted", "body": {}, "after": 16, "before": 3, "names": "the acceptance ({})"},
    "close": {"from": "on_scene", "body": {"result": "resolved"}, "after": 54, "before": 15,
              "names": "the arrival on scene ({})"},
    "cancel": {"from": "accepted", "body": {"note": "重复报警"}, "after": 14, "before": 3,
               "names": "the last step “Accepted” ({})"},
    "reopen": {"from": "closed", "body": {"note": "企业又来电"}, "after": 104, "before": 53,
               "names": "the last step “Closed” ({})"},
    "handover": {"from": "reported", "body": {"note": "请所领导处置"}, "after": 2, "before": -1,
                 "names": "the last step “Dispatched” ({})"},
}
# the step each refusal names lies one minute after `before`
FOLLOWED = {"accept": 0, "arrive": 4, "close": 16, "cancel": 4, "reopen": 54, "handover": 0}


def blockade(world, start, upto, actor=None):
    """The gate blockade, reported at `start` and taken up to `upto` with back-entered steps: accepted at +4,
    on scene at +16, closed at +54 minutes, all entered now."""
    actor = actor or world.officer
    incident = report(world, actor=actor, reported_at=start, kind=Incident.Kind.LABOUR_DISPUTE,
                      enterprise=world.enterprise, description="工人堵门讨薪")
    order = ["reported", "accepted", "on_scene", "closed"]
    for to, minutes, extra in [(S.ACCEPTED, 4, {}), (S.ON_SCENE, 16, {}), (S.CLOSED, 54, {"result": "resolved"})]:
        if order.index(upto) < order.index(to):
            break
        services.incident_transition(actor=actor, incident=incident, to=to, at=start + timedelta(minutes=minutes),
                                     **extra)
    return reload(incident)


def post_step(api_as, user, incident, action, at, world, **extra):
    body = {"version": incident.version, **STEPS[action]["body"], **extra}
    if action == "handover":
        body["to_user"] = world.leader.pk
    if at is not None:
        body["at"] = at.isoformat()
    return api_as(user).post(f"/api/v1/incidents/{incident.pk}/{action}/", body, format="json")


# ------------------------------------------------------------------ the evening write-up
def test_a_blockade_written_up_in_the_evening_keeps_its_clocks_figures_and_both_times(world, api_as):
    client = api_as(world.officer)
    created = client.post("/api/v1/incidents/", {
        "source": "phone", "kind": "labour_dispute", "enterprise": world.enterprise.pk, "description": "工人堵门讨薪",
        "occurred_at": "2026-12-01T10:40:00+08:00", "reported_at": "2026-12-01T10:46:00+08:00"}, format="json")
    pk = created.json()["id"]

    for version, (action, at, extra) in enumerate([("accept", "10:50", {}), ("arrive", "11:02", {}),
                                                   ("close", "11:40", {"result": "resolved"})], start=1):
        response = client.post(f"/api/v1/incidents/{pk}/{action}/",
                               {"version": version, "at": f"2026-12-01T{at}:00+08:00", **extra}, format="json")
        assert response.status_code == 200, response.content

    incident = Incident.objects.get(pk=pk)
    assert (incident.park, incident.occurred_at, incident.reported_at, incident.accepted_at, incident.on_scene_at,
            incident.closed_at) == (world.park, T(10, 40), T(10, 46), T(10, 50), T(11, 2), T(11, 40))
    assert selectors.incident_clocks(incident)["to_accept"] == 4.0
    assert (selectors.incident_clocks(incident)["to_scene"], selectors.incident_clocks(incident)["to_close"]) == (
        16.0, 54.0)
    figures = selectors.incident_figures(user=world.officer, start=NOW.date(), end=NOW.date())
    assert [figures[name]["median_minutes"] for name in ("to_accept", "to_scene", "to_close")] == [4.0, 16.0, 54.0]
    assert list(incident.transitions.values_list("to_status", "at", "recorded_at", "actor", "entered_late")) == [
        ("reported", T(10, 46), NOW, world.officer.pk, False), ("accepted", T(10, 50), NOW, world.officer.pk, False),
        ("on_scene", T(11, 2), NOW, world.officer.pk, False), ("closed", T(11, 40), NOW, world.officer.pk, False)]
    # the audit event is stamped at the entry; its changes hold when it happened
    arrival = AuditEvent.objects.filter(verb="transition", object_id=str(pk)).order_by("id")[1]
    assert arrival.at == NOW
    assert datetime.fromisoformat(arrival.changes["on_scene_at"][1]) == T(11, 2)
    assert arrival.note == "happened 2026-12-01 11:02"
    detail = response.json()
    assert detail["transitions"][-1] | {"actor": None} == {
        "at": "2026-12-01T11:40:00+08:00", "recorded_at": "2026-12-01T20:15:00+08:00", "entered_late": False,
        "late_reason": "", "kind": "status", "actor": None, "from_status": "on_scene", "to_status": "closed",
        "holder": world.officer.display_name, "note": ""}


def test_a_step_entered_without_a_time_happened_when_it_was_entered(world):
    incident = blockade(world, T(10, 46), "reported")

    services.incident_transition(actor=world.officer, incident=incident, to=S.ACCEPTED)

    last = reload(incident).transitions.last()
    assert (reload(incident).accepted_at, last.at, last.recorded_at, last.entered_late) == (NOW, NOW, NOW, False)


# ------------------------------------------------------------------ each step over the API
@pytest.mark.parametrize("action", list(STEPS))
def test_each_step_takes_a_past_time_for_its_clock_and_keeps_both_times(world, api_as, action):
    step = STEPS[action]
    incident = blockade(world, T(10, 46), step["from"])
    at = T(10, 46) + timedelta(minutes=step["after"])

    response = post_step(api_as, world.officer, incident, action, at, world)

    assert response.status_code == 200, response.content
    incident = reload(incident)
    expected = {"accept": ("accepted", "accepted_at"), "arrive": ("on_scene", "on_scene_at"),
                "close": ("closed", "closed_at"), "cancel": ("cancelled", None), "reopen": ("on_scene", None),
                "handover": ("reported", "held_since")}[action]
    assert incident.status == expected[0]
    if expected[1]:
        assert getattr(incident, expected[1]) == at
    last = incident.transitions.order_by("id").last()
    assert (last.at, last.recorded_at, last.actor, last.entered_late, last.late_reason) == (
        at, NOW, world.officer, False, "")
    assert incident.transitions.order_by("-at", "-id").first() == last  # the timeline ends with it


@pytest.mark.parametrize("action", list(STEPS))
def test_a_time_in_the_future_is_a_400_naming_at_and_changes_nothing(world, api_as, action):
    incident = blockade(world, T(10, 46), STEPS[action]["from"])
    before = state(incident)

    response = post_step(api_as, world.officer, incident, action, NOW + timedelta(minutes=6), world)

    assert (response.status_code, response.json()) == (400, {
        "at": ["The time cannot lie in the future."], "detail": "at: The time cannot lie in the future."})
    assert state(incident) == before


@pytest.mark.parametrize("action", list(STEPS))
def test_a_time_before_the_step_it_follows_is_a_400_naming_that_step(world, api_as, action):
    step = STEPS[action]
    incident = blockade(world, T(10, 46), step["from"])
    before = state(incident)
    followed = (T(10, 46) + timedelta(minutes=FOLLOWED[action])).strftime("%Y-%m-%d %H:%M")

    response = post_step(api_as, world.officer, incident, action, T(10, 46) + timedelta(minutes=step["before"]),
                         world)

    message = f"The time cannot lie before {step['names'].format(followed)}."
    assert (response.status_code, response.json()) == (400, {"at": [message], "detail": f"at: {message}"})
    assert state(incident) == before


def test_a_time_that_is_no_time_is_a_400_naming_at(world, api_as):
    incident = blockade(world, T(10, 46), "reported")
    before = state(incident)

    response = api_as(world.officer).post(f"/api/v1/incidents/{incident.pk}/accept/",
                                          {"version": 1, "at": "下午三点"}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["at", "detail"] and response.json()["detail"].startswith("at: Datetime has")
    assert state(incident) == before


@pytest.mark.parametrize("at", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "1999-12-31T23:59:00+08:00"])
def test_an_extreme_time_is_a_readable_400_naming_at(world, api_as, at):
    incident = blockade(world, T(10, 46), "reported")
    before = state(incident)

    response = api_as(world.officer).post(f"/api/v1/incidents/{incident.pk}/accept/", {"version": 1, "at": at},
                                          format="json")

    assert response.status_code == 400
    assert response.json()["detail"].startswith("at: ")
    assert state(incident) == before


# ------------------------------------------------------------------ older than the back-entry window
LONG_AGO = NOW - timedelta(days=40)


@pytest.mark.parametrize("action", list(STEPS))
def test_older_than_the_window_an_officer_needs_a_reason(world, api_as, action):
    step = STEPS[action]
    incident = blockade(world, LONG_AGO, step["from"], actor=world.leader)
    before = state(incident)

    response = post_step(api_as, world.officer, incident, action, LONG_AGO + timedelta(minutes=step["after"]),
                         world)

    message = ("This happened more than 30 days ago: say why it is entered only now, or ask a station leader to "
               "enter it.")
    assert (response.status_code, response.json()) == (400, {"at": [message], "detail": f"at: {message}"})
    assert state(incident) == before


@pytest.mark.parametrize("action", list(STEPS))
@pytest.mark.parametrize("who,reason", [("officer", "台账补录"), ("leader", "")])
def test_older_than_the_window_with_a_reason_or_by_the_leader_is_applied_and_marked_late(world, api_as, action,
                                                                                         who, reason):
    step = STEPS[action]
    incident = blockade(world, LONG_AGO, step["from"], actor=world.leader)
    at = LONG_AGO + timedelta(minutes=step["after"])

    response = post_step(api_as, getattr(world, who), incident, action, at, world,
                         **({"late_reason": reason} if reason else {}))

    assert response.status_code == 200, response.content
    last = reload(incident).transitions.order_by("id").last()
    assert (last.at, last.recorded_at, last.actor, last.entered_late, last.late_reason) == (
        at, NOW, getattr(world, who), True, reason)
    assert response.json()["transitions"][-1]["entered_late"] is True
    audit = AuditEvent.objects.filter(object_id=str(incident.pk)).latest("id")
    assert audit.at == NOW
    assert audit.note.endswith("entered late: 台账补录" if reason else "entered late")


def test_an_incident_reported_long_ago_needs_a_reason_from_an_officer_and_is_marked_late(world, api_as):
    payload = {"source": "phone", "kind": "theft", "park": world.park.pk, "description": "仓库电缆被盗",
               "reported_at": LONG_AGO.isoformat()}

    refused = api_as(world.officer).post("/api/v1/incidents/", payload, format="json")
    stored = api_as(world.officer).post("/api/v1/incidents/", {**payload, "late_reason": "台账补录"}, format="json")

    assert (refused.status_code, refused.json()["detail"]) == (400, (
        "reported_at: This happened more than 30 days ago: say why it is entered only now, or ask a station "
        "leader to enter it."))
    assert stored.status_code == 201, stored.content
    incident = Incident.objects.get()
    [dispatch] = incident.transitions.all()
    assert (incident.reported_at, dispatch.at, dispatch.recorded_at, dispatch.entered_late, dispatch.late_reason) == (
        LONG_AGO, LONG_AGO, NOW, True, "台账补录")
    # the new holder is told now and gets the full time to accept from now
    assert incident.accept_due_at == NOW + timedelta(minutes=10)


# ------------------------------------------------------------------ what a request may not carry
def test_closed_at_sent_to_accept_is_a_400_naming_it_and_changes_nothing(world, api_as):
    incident = blockade(world, T(10, 46), "reported")
    before = state(incident)

    response = api_as(world.officer).post(f"/api/v1/incidents/{incident.pk}/accept/",
                                          {"version": 1, "closed_at": "2026-12-01T11:40:00+08:00"}, format="json")

    assert (response.status_code, response.json()) == (400, {
        "detail": "These fields are not accepted here: closed_at.", "closed_at": ["This field is not accepted here."]})
    assert state(incident) == before


def test_bringing_in_an_agency_takes_no_time(world, api_as):
    incident = blockade(world, T(10, 46), "reported")
    before = state(incident)

    response = api_as(world.officer).post(f"/api/v1/incidents/{incident.pk}/agencies/",
                                          {"version": 1, "agency": world.agency.pk, "at": "2026-12-01T11:00:00+08:00"},
                                          format="json")

    assert (response.status_code, response.json()["detail"]) == (400, "These fields are not accepted here: at.")
    assert state(incident) == before


def test_the_schema_documents_at_with_its_time_zone(world, api_as):
    schema = api_as(world.officer).get("/api/schema/", {"format": "json"}).json()

    at = schema["components"]["schemas"]["IncidentActionRequest"]["properties"]["at"]
    assert (at["type"], at["format"], at["nullable"]) == ("string", "date-time", True)
    assert "+08:00" in at["description"] and "Asia/Shanghai" in at["description"]
    assert "late_reason" in schema["components"]["schemas"]["IncidentCloseRequest"]["properties"]


# ------------------------------------------------------------------ from the field: when it happened
def test_quick_report_half_an_hour_ago_sets_occurred_at_and_the_deadline_counts_from_arrival(world, client):
    client.force_login(world.volunteer)

    response = client.post(reverse("incidents:quick_report"), {
        "kind": "suspicious", "people_involved": "1", "description": "可疑人员在仓库附近徘徊", "when": "30"})

    assert response.status_code == 302
    incident = Incident.objects.get()
    assert (incident.occurred_at, incident.reported_at, incident.accept_due_at) == (
        NOW - timedelta(minutes=30), NOW, NOW + timedelta(minutes=10))
    assert incident.transitions.get().at == NOW
    assert services.incidents_escalate_overdue(now=NOW + timedelta(minutes=9)) == 0
    assert services.incidents_escalate_overdue(now=NOW + timedelta(minutes=10, seconds=1)) == 1


def test_quick_report_takes_a_time_or_a_choice_not_both(world, client):
    client.force_login(world.liaison)
    form = {"kind": "theft", "people_involved": "1", "description": "车棚电瓶被盗"}

    at_a_time = client.post(reverse("incidents:quick_report"), {**form, "occurred_at": "2026-12-01T18:05"})
    both = client.post(reverse("incidents:quick_report"), {**form, "when": "10", "occurred_at": "2026-12-01T18:05"})

    assert at_a_time.status_code == 302
    assert Incident.objects.get().occurred_at == T(18, 5)
    assert both.status_code == 200
    assert "Choose how long ago or give the time, not both." in both.content.decode()
    assert Incident.objects.count() == 1


def test_the_quick_report_page_asks_when_it_happened(world, client):
    client.force_login(world.volunteer)
    with translation.override("zh-hans"):
        html = client.get(reverse("incidents:quick_report"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert 'id="quick-report-when"' in html
    assert 'name="occurred_at"' in html and 'type="datetime-local"' in html
    assert [value for value in ("0", "10", "30", "60", "120") if f'name="when" value="{value}"' in html] == [
        "0", "10", "30", "60", "120"]


def test_a_liaison_sends_occurred_at_over_the_api_but_may_not_back_date_the_report(world, api_as):
    payload = {"kind": "theft", "description": "仓库失窃"}

    back_dated = api_as(world.liaison).post("/api/v1/incidents/", {**payload, "reported_at": T(18, 0).isoformat()},
                                            format="json")
    assert (back_dated.status_code, back_dated.json()["detail"]) == (400, "You may not set these fields: reported_at.")
    assert Incident.objects.count() == 0

    response = api_as(world.liaison).post("/api/v1/incidents/", {**payload, "occurred_at": T(18, 0).isoformat()},
                                          format="json")

    assert response.status_code == 201, response.content
    assert (response.json()["occurred_at"], response.json()["reported_at"]) == (
        "2026-12-01T18:00:00+08:00", "2026-12-01T20:15:00+08:00")


def test_the_service_refuses_a_back_dated_report_from_the_field(world):
    with pytest.raises(ValidationError) as refused:
        report(world, actor=world.volunteer, park=None, reported_at=T(18, 0))

    assert refused.value.message_dict == {"reported_at": [
        "A report from the field is stamped when it arrives: give when it happened instead."]}
    assert Incident.objects.count() == 0


@pytest.mark.parametrize("occurred_at,field,message", [
    (NOW + timedelta(minutes=6), "occurred_at", "The time cannot lie in the future."),
    (datetime(1999, 12, 31, tzinfo=SHANGHAI), "occurred_at", "The time cannot lie before 1 January 2000."),
    (T(10, 50), "reported_at", "The time cannot lie before the time it happened (2026-12-01 10:50)."),
])
def test_an_occurred_time_that_cannot_be_is_refused_and_nothing_is_stored(world, occurred_at, field, message):
    with pytest.raises(ValidationError) as refused:
        report(world, reported_at=T(10, 46), occurred_at=occurred_at)

    assert refused.value.message_dict == {field: [message]}
    assert (Incident.objects.count(), AuditEvent.objects.count()) == (0, 0)


def test_something_that_happened_long_before_it_was_reported_needs_no_reason(world):
    incident = report(world, occurred_at=LONG_AGO)  # a theft found only today

    incident = reload(incident)
    assert (incident.occurred_at, incident.reported_at, incident.transitions.get().entered_late) == (
        LONG_AGO, NOW, False)


# ------------------------------------------------------------------ 110 dispatch numbers, the park of an enterprise
def test_a_dispatch_number_is_stored_in_one_spelling_and_a_second_spelling_is_refused_naming_the_first(world):
    first = report(world, source=Incident.Source.DISPATCH_110, dispatch_number="ｊ2026 0714 00123")

    refusals = []
    for spelling in ("j2026071400123", "J2026071400123", "J2026\u30000714 00123"):
        with pytest.raises(ValidationError) as refused:
            report(world, actor=world.leader, source=Incident.Source.DISPATCH_110, dispatch_number=spelling)
        refusals.append(refused.value.message_dict)

    assert reload(first).dispatch_number == "J2026071400123"
    assert refusals == [{"dispatch_number": [
        f"110 dispatch number J2026071400123 was already recorded as incident {first.number}."]}] * 3
    assert Incident.objects.count() == 1


def test_over_the_api_a_second_spelling_of_a_dispatch_number_is_a_400_naming_the_incident(world, api_as):
    body = {"source": "dispatch_110", "kind": "public_order", "park": world.park.pk, "description": "有人打架"}
    first = api_as(world.officer).post("/api/v1/incidents/", {**body, "dispatch_number": "j2026071400123"},
                                       format="json")

    again = api_as(world.officer).post("/api/v1/incidents/", {**body, "dispatch_number": "ｊ2026 0714 00123"},
                                       format="json")

    assert first.json()["dispatch_number"] == "J2026071400123"
    assert (again.status_code, again.json()["detail"]) == (400, (
        f"dispatch_number: 110 dispatch number J2026071400123 was already recorded as incident "
        f"{first.json()['number']}."))
    assert Incident.objects.count() == 1


def test_an_officer_who_names_the_enterprise_need_not_name_the_park(world, api_as, client):
    by_service = report(world, park=None, enterprise=world.enterprise)
    by_api = api_as(world.officer).post("/api/v1/incidents/", {
        "source": "phone", "kind": "theft", "enterprise": world.enterprise.pk, "description": "仓库失窃"},
        format="json")
    client.force_login(world.officer)
    by_page = client.post(reverse("incidents:incident_create"), {
        "source": "walk_in", "kind": "fraud", "enterprise": world.enterprise.pk, "people_involved": "1",
        "description": "合同诈骗"})

    assert (by_api.status_code, by_page.status_code) == (201, 302)
    assert [(i.park, i.enterprise) for i in Incident.objects.order_by("id")] == [
        (world.park, world.enterprise)] * 3
    assert reload(by_service).holder == world.officer


def test_an_officer_naming_an_enterprise_of_another_station_is_refused(world):
    from parkbeat.testing import EnterpriseFactory

    foreign = EnterpriseFactory(park=world.other_park)

    with pytest.raises(PermissionDenied):
        report(world, park=None, enterprise=foreign)

    assert Incident.objects.count() == 0


def test_an_officer_naming_neither_park_nor_enterprise_is_asked_for_the_park(world):
    with pytest.raises(ValidationError) as refused:
        report(world, park=None)

    assert refused.value.message_dict == {"park": ["Choose the park where it happened."]}


# ------------------------------------------------------------------ the page
def _action(client, incident, **data):
    return client.post(reverse("incidents:incident_action", args=[incident.pk]),
                       {"version": reload(incident).version, **data})


def test_the_action_form_starts_at_now_in_shanghai_time(world, client):
    incident = blockade(world, T(10, 46), "reported")
    client.force_login(world.officer)

    html = client.get(incident.get_absolute_url()).content.decode()

    assert 'type="datetime-local" name="at" value="2026-12-01T20:15"' in html
    assert 'name="initial-at" value="2026-12-01 20:15:00"' in html
    assert 'name="late_reason"' in html and "Needed only for a time more than 30 days ago" in html


def test_a_time_changed_on_the_page_is_when_it_happened_and_one_left_as_shown_is_now(world, client):
    incident = blockade(world, T(10, 46), "accepted")
    client.force_login(world.officer)

    arrived = _action(client, incident, action="arrive", at="2026-12-01T11:02", **{"initial-at": "2026-12-01T20:10"})
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        closed = _action(client, incident, action="close", result="resolved", at="2026-12-01T20:15",
                         **{"initial-at": "2026-12-01T20:15"})

    assert (arrived.status_code, closed.status_code) == (302, 302)
    incident = reload(incident)
    assert (incident.on_scene_at, incident.closed_at) == (T(11, 2), NOW + timedelta(minutes=5))


def test_a_refused_time_on_the_page_shows_its_error_beside_the_field_and_changes_nothing(world, client):
    incident = blockade(world, T(10, 46), "accepted")
    client.force_login(world.officer)
    before = state(incident)

    response = _action(client, incident, action="arrive", note="到场", at="2026-12-01T10:49",
                       **{"initial-at": "2026-12-01T20:15"})

    html = response.content.decode()
    assert response.status_code == 200
    time_block = html[html.index('id="incident-action-time"'):html.index('value="arrive"')]
    assert "The time cannot lie before the acceptance (2026-12-01 10:50)." in time_block
    assert 'name="at" value="2026-12-01T10:49"' in html and 'value="到场"' in html  # as sent
    assert state(incident) == before


def test_on_the_page_the_reason_is_asked_for_only_beyond_the_window(world, client):
    incident = blockade(world, LONG_AGO, "reported", actor=world.leader)
    client.force_login(world.officer)
    at = (LONG_AGO + timedelta(minutes=4)).strftime("%Y-%m-%dT%H:%M")
    before = state(incident)

    refused = _action(client, incident, action="accept", at=at, **{"initial-at": "2026-12-01T20:15"})
    assert "say why it is entered only now" in refused.content.decode()
    assert state(incident) == before
    applied = _action(client, incident, action="accept", at=at, late_reason="台账补录",
                      **{"initial-at": "2026-12-01T20:15"})

    assert applied.status_code == 302
    last = reload(incident).transitions.last()
    assert (last.at, last.entered_late, last.late_reason) == (LONG_AGO + timedelta(minutes=4), True, "台账补录")


def test_the_timeline_shows_both_times_of_a_back_entered_step_and_marks_a_late_one(world, client):
    incident = blockade(world, T(10, 46), "on_scene")
    services.incident_transition(actor=world.leader, incident=incident, to=S.CLOSED, result="resolved",
                                 at=T(11, 40))
    old = blockade(world, LONG_AGO, "accepted", actor=world.leader)
    client.force_login(world.officer)

    html = client.get(incident.get_absolute_url()).content.decode()
    old_html = client.get(old.get_absolute_url()).content.decode()

    officer, leader = world.officer.display_name, world.leader.display_name
    for line in (f"2026-12-01 happened 10:46 · entered 20:15 {officer}",
                 f"2026-12-01 happened 11:02 · entered 20:15 {officer}",
                 f"2026-12-01 happened 11:40 · entered 20:15 {leader}"):
        assert line in html
    assert "Entered late" not in html
    long_ago = LONG_AGO + timedelta(minutes=4)
    assert f"{long_ago:%Y-%m-%d} happened {long_ago:%H:%M} · entered 2026-12-01 20:15 {leader}" in old_html
    assert old_html.count('<span class="badge text-bg-warning">Entered late</span>') == 2  # reported, accepted


def test_the_timeline_in_chinese(world, client, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    incident = blockade(world, T(10, 46), "on_scene")
    old = blockade(world, LONG_AGO, "reported", actor=world.leader)
    client.force_login(world.officer)

    with translation.override("zh-hans"):
        html = client.get(incident.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        old_html = client.get(old.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert f"发生 11:02 · 录入 20:15 {world.officer.display_name}" in html
    assert "发生时间" in html and "补录原因" in html
    assert '<span class="badge text-bg-warning">补录</span>' in old_html


# ------------------------------------------------------------------ figures and demo data
def test_figures_read_the_happened_times_not_when_they_were_entered(world):
    blockade(world, T(10, 46), "closed")
    with time_machine.travel(T(23, 0), tick=False):  # a second one, entered even later
        blockade(world, T(12, 0), "accepted")

    figures = selectors.incident_figures(user=world.officer, start=NOW.date(), end=NOW.date())

    assert (figures["total"], figures["to_accept"], figures["to_scene"], figures["to_close"]) == (
        2, {"count": 2, "median_minutes": 4.0, "p90_minutes": 4.0},
        {"count": 1, "median_minutes": 16.0, "p90_minutes": 16.0},
        {"count": 1, "median_minutes": 54.0, "p90_minutes": 54.0})


@pytest.mark.django_db
def test_the_demo_steps_were_recorded_as_they_happened(settings):
    settings.DEMO_MODE, settings.DEMO_PASSWORD = True, "demo-Passw0rd"

    call_command("seed_demo", stdout=StringIO())

    steps = IncidentTransition.objects.all()
    assert steps.count() > 300
    assert list(steps.exclude(recorded_at=F("at")).values_list("id", flat=True)) == []
    assert not steps.filter(entered_late=True).exists()
