"""Intake, dispatch and the state machine: every refusal is readable and changes nothing."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from parkbeat.audit.models import AuditEvent
from parkbeat.core.services import ConflictError, IllegalTransition
from parkbeat.testing import EnterpriseFactory, UserFactory, assign
from parkbeat.files.models import Attachment
from parkbeat.incidents import services
from parkbeat.incidents.models import Incident, IncidentTransition
from parkbeat.notifications.models import Notification
from parkbeat.org.models import Agency, Role

from .helpers import png, reload, report

S = Incident.Status


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def snapshot():
    return (Incident.objects.count(), IncidentTransition.objects.count(), AuditEvent.objects.count(),
            Notification.objects.count(), Attachment.objects.count())


def messages(exc):
    return exc.value.message_dict if hasattr(exc.value, "error_dict") else {"": exc.value.messages}


# ------------------------------------------------------------------ intake
def test_officer_reports_and_the_incident_goes_to_the_officer_of_the_park(world):
    before = timezone.now()

    incident = report(world, photos=[png()], location="东门", lon=Decimal("113.1"), lat=Decimal("27.8"),
                      people_involved=30, caller_name="张三", caller_mobile="13812345678")

    incident = reload(incident)
    assert (incident.status, incident.holder, incident.escalation_level, incident.reported_by) == (
        S.REPORTED, world.officer, 0, world.officer)
    assert before <= incident.held_since <= timezone.now()
    assert incident.accept_due_at == incident.held_since + timedelta(minutes=10)
    [t] = incident.transitions.all()
    assert (t.kind, t.actor, t.from_status, t.to_status, t.holder) == ("dispatch", world.officer, "", "reported",
                                                                        world.officer)
    [photo] = Attachment.objects.for_object(incident)
    assert (photo.kind, photo.mime_type, photo.original_name) == ("image", "image/png", "现场.png")
    [note] = Notification.objects.all()
    assert (note.recipient, note.kind, note.url) == (world.officer, "incident_dispatched",
                                                     f"/incidents/{incident.pk}/")
    assert list(AuditEvent.objects.order_by("id").values_list("verb", "object_type")) == [
        ("create", "incidents.Incident"), ("create", "files.Attachment")]
    # the audit trail never holds the caller's full mobile
    assert AuditEvent.objects.filter(changes__icontains="13812345678").count() == 0


def test_accept_minutes_come_from_the_setting(world, settings):
    settings.PARKBEAT_INCIDENT_ACCEPT_MINUTES = 3

    incident = reload(report(world))

    assert incident.accept_due_at - incident.held_since == timedelta(minutes=3)


def test_liaison_reports_for_own_enterprise_source_and_park_are_forced(world):
    incident = report(world, actor=world.liaison, source=Incident.Source.DISPATCH_110, park=None,
                      enterprise=None)

    incident = reload(incident)
    assert (incident.source, incident.park, incident.enterprise, incident.holder) == (
        "liaison", world.park, world.enterprise, world.officer)


def test_liaison_reporting_for_another_enterprise_is_refused(world):
    before = snapshot()

    with pytest.raises(ValidationError) as exc:
        report(world, actor=world.liaison, park=None, enterprise=world.enterprise2)

    assert messages(exc) == {"enterprise": ["A liaison reports only for their own enterprise."]}
    assert snapshot() == before


def test_volunteer_reports_in_own_park(world):
    incident = reload(report(world, actor=world.volunteer, park=None, source=Incident.Source.WALK_IN))

    assert (incident.source, incident.park, incident.reported_by) == ("volunteer", world.park, world.volunteer)


def test_volunteer_outside_own_park_is_refused(world):
    before = snapshot()

    with pytest.raises(ValidationError) as exc:
        report(world, actor=world.volunteer, park=world.park2)

    assert messages(exc) == {"park": ["A volunteer reports only in the park of their own team."]}
    assert snapshot() == before


@pytest.mark.parametrize("who", ["mediator", "agency_staff", "sysadmin", "auditor", "nobody"])
def test_roles_that_do_not_report_are_refused(world, who):
    before = snapshot()

    with pytest.raises(PermissionDenied):
        report(world, actor=getattr(world, who))

    assert snapshot() == before


def test_officer_of_another_station_cannot_report_in_this_park(world):
    with pytest.raises(PermissionDenied):
        report(world, actor=world.other_officer, park=world.park)

    assert Incident.objects.count() == 0


def test_a_110_transfer_needs_its_dispatch_number(world):
    with pytest.raises(ValidationError) as exc:
        report(world, source=Incident.Source.DISPATCH_110, dispatch_number="  ")

    assert messages(exc) == {"dispatch_number": ["A 110 dispatch transfer needs its dispatch number."]}
    assert Incident.objects.count() == 0


def test_a_dispatch_number_on_another_source_is_contradictory(world):
    with pytest.raises(ValidationError) as exc:
        report(world, source=Incident.Source.PHONE, dispatch_number="110-1")

    assert messages(exc) == {"dispatch_number": ["Only a 110 dispatch transfer carries a dispatch number."]}


def test_a_duplicate_dispatch_number_is_refused_naming_the_incident(world):
    first = report(world, source=Incident.Source.DISPATCH_110, dispatch_number="20260101-0001")
    before = snapshot()

    with pytest.raises(ValidationError) as exc:
        report(world, actor=world.leader, source=Incident.Source.DISPATCH_110, dispatch_number="20260101-0001")

    assert messages(exc) == {"dispatch_number": [
        f"110 dispatch number 20260101-0001 was already recorded as incident {first.number}."]}
    assert snapshot() == before


def test_enterprise_must_be_in_the_park(world):
    with pytest.raises(ValidationError) as exc:
        report(world, enterprise=world.park2_enterprise)

    assert messages(exc) == {"enterprise": ["This enterprise is not in the park of the incident."]}
    assert Incident.objects.count() == 0


@pytest.mark.parametrize("kwargs,field", [
    ({"people_involved": 0}, "people_involved"),
    ({"description": "   "}, "description"),
    ({"kind": "earthquake"}, "kind"),
    ({"lon": Decimal("113.1")}, "__all__"),
    ({"lon": Decimal("200"), "lat": Decimal("27")}, "__all__"),
    ({"caller_mobile": "12345"}, "caller_mobile"),
    ({"reported_at": timezone.now() + timedelta(hours=2)}, "reported_at"),
])
def test_bad_input_is_refused_and_nothing_is_stored(world, kwargs, field):
    before = snapshot()

    with pytest.raises(ValidationError) as exc:
        report(world, **kwargs)

    assert field in messages(exc)
    assert snapshot() == before


def test_a_non_image_photo_refuses_the_whole_report(world):
    before = snapshot()
    html = SimpleUploadedFile("photo.jpg", b"<html><script>alert(1)</script></html>", content_type="image/jpeg")

    with pytest.raises(ValidationError) as exc:
        report(world, photos=[png(), html])

    assert messages(exc) == {"photos": ["The content of the file does not match its name (.jpg)."]}
    assert snapshot() == before


def test_nobody_to_take_it_is_refused(world):
    lonely_station = world.other_station
    world.other_officer.role_assignments.all().delete()
    assign(UserFactory(username="x_leader"), Role.STATION_LEADER, unit=world.city)  # above the station: not in chain
    officer = assign(UserFactory(username="x_aux"), Role.AUXILIARY, park=world.other_park)

    with pytest.raises(ValidationError) as exc:
        report(world, actor=officer, park=world.other_park)

    assert exc.value.messages == ["Nobody can take incidents in this park yet: assign a park officer or a station "
                                  "leader first."]
    assert lonely_station.parks.count() == 1


# ------------------------------------------------------------------ transitions
def test_accept_arrive_close_sets_the_clocks_and_writes_each_transition(world):
    incident = report(world)

    services.incident_transition(actor=world.officer, incident=incident, to=S.ACCEPTED, expected_version=1)
    services.incident_transition(actor=world.officer, incident=incident, to=S.ON_SCENE, expected_version=2)
    services.incident_transition(actor=world.officer, incident=incident, to=S.CLOSED, result="resolved",
                                 result_note="当场协商", expected_version=3)

    incident = reload(incident)
    assert (incident.status, incident.result, incident.result_note, incident.version) == (
        "closed", "resolved", "当场协商", 4)
    assert incident.reported_at <= incident.accepted_at <= incident.on_scene_at <= incident.closed_at
    assert list(incident.transitions.values_list("kind", "from_status", "to_status")) == [
        ("dispatch", "", "reported"), ("status", "reported", "accepted"), ("status", "accepted", "on_scene"),
        ("status", "on_scene", "closed")]
    assert list(AuditEvent.objects.filter(verb="transition").values_list("object_id", flat=True)) == [
        str(incident.pk)] * 3


def test_leader_accepting_becomes_the_holder(world):
    incident = report(world)

    services.incident_transition(actor=world.leader, incident=incident, to=S.ACCEPTED)

    incident = reload(incident)
    assert (incident.holder, incident.status) == (world.leader, "accepted")
    assert incident.held_since == incident.accepted_at


def test_a_second_acceptance_is_refused_with_who_won(world):
    incident = report(world)
    stale_copy = Incident.objects.get(pk=incident.pk)
    services.incident_transition(actor=world.officer, incident=incident, to=S.ACCEPTED, expected_version=1)
    before = snapshot()

    with pytest.raises(IllegalTransition) as exc:
        services.incident_transition(actor=world.leader, incident=stale_copy, to=S.ACCEPTED)

    assert str(exc.value) == f"Incident {incident.number} was already accepted by {world.officer}."
    assert snapshot() == before
    assert reload(incident).holder == world.officer


def test_a_stale_version_is_a_conflict(world):
    incident = report(world)
    services.incident_transition(actor=world.officer, incident=incident, to=S.ACCEPTED, expected_version=1)

    with pytest.raises(ConflictError) as exc:
        services.incident_transition(actor=world.officer, incident=incident, to=S.ON_SCENE, expected_version=1)

    assert str(exc.value) == "This record was changed by someone else. Reload it and try again."
    assert reload(incident).status == "accepted"


def test_illegal_transition_has_a_readable_message(world):
    incident = report(world)

    with pytest.raises(IllegalTransition) as exc:
        services.incident_transition(actor=world.officer, incident=incident, to=S.CLOSED, result="resolved")

    assert str(exc.value) == "An incident that is “Awaiting acceptance” cannot become “Closed”."
    assert reload(incident).status == "reported"


def test_close_needs_a_result(world):
    incident = report(world)
    services.incident_transition(actor=world.officer, incident=incident, to=S.ACCEPTED)

    with pytest.raises(ValidationError) as exc:
        services.incident_transition(actor=world.officer, incident=incident, to=S.CLOSED)

    assert messages(exc) == {"result": ["Choose the result of the incident."]}
    assert reload(incident).status == "accepted"


def test_cancel_needs_a_reason_and_the_dispatch_right(world):
    incident = report(world)

    with pytest.raises(PermissionDenied):
        services.incident_transition(actor=world.auxiliary, incident=incident, to=S.CANCELLED, note="误报")
    with pytest.raises(ValidationError) as exc:
        services.incident_transition(actor=world.officer, incident=incident, to=S.CANCELLED)
    assert messages(exc) == {"note": ["Say why the incident is cancelled."]}
    services.incident_transition(actor=world.officer, incident=incident, to=S.CANCELLED, note="重复报警")

    incident = reload(incident)
    assert (incident.status, incident.holder) == ("cancelled", world.officer)


def test_reopen_a_closed_incident_undoes_the_closing(world):
    incident = report(world)
    for to, extra in [(S.ACCEPTED, {}), (S.ON_SCENE, {}), (S.CLOSED, {"result": "resolved"})]:
        services.incident_transition(actor=world.officer, incident=incident, to=to, **extra)
    on_scene_at = reload(incident).on_scene_at

    services.incident_transition(actor=world.leader, incident=incident, to=S.ON_SCENE, note="企业未按约付款")

    incident = reload(incident)
    assert (incident.status, incident.closed_at, incident.result, incident.on_scene_at) == (
        "on_scene", None, "", on_scene_at)


@pytest.mark.parametrize("who", ["liaison", "volunteer", "agency_staff", "mediator", "officer2", "other_officer"])
def test_others_cannot_accept(world, who):
    incident = report(world)

    with pytest.raises(PermissionDenied):
        services.incident_transition(actor=getattr(world, who), incident=incident, to=S.ACCEPTED)

    assert reload(incident).status == "reported"


# ------------------------------------------------------------------ handover and agencies
def test_handover_to_the_station_leader(world):
    incident = report(world)

    services.incident_handover(actor=world.officer, incident=incident, to_user=world.leader, note="需要所领导协调",
                               expected_version=1)

    incident = reload(incident)
    assert (incident.holder, incident.version) == (world.leader, 2)
    assert incident.accept_due_at == incident.held_since + timedelta(minutes=10)
    last = incident.transitions.last()
    assert (last.kind, last.holder, last.note) == ("handover", world.leader, "需要所领导协调")
    assert Notification.objects.filter(recipient=world.leader, kind="incident_dispatched").count() == 1


@pytest.mark.parametrize("target", ["officer2", "other_officer", "liaison", "agency_staff"])
def test_handover_only_to_police_of_the_park_or_its_leaders(world, target):
    incident = report(world)
    user = getattr(world, target)

    with pytest.raises(ValidationError) as exc:
        services.incident_handover(actor=world.officer, incident=incident, to_user=user, note="转交")

    assert messages(exc) == {"to_user": ["Hand the incident only to police of its park or a leader of its station."]}
    assert str(user) not in str(exc.value)  # never names the account behind the id
    assert reload(incident).holder == world.officer


def test_handover_needs_the_dispatch_right_and_a_note(world):
    incident = report(world)

    with pytest.raises(PermissionDenied):
        services.incident_handover(actor=world.auxiliary, incident=incident, to_user=world.leader, note="x")
    with pytest.raises(ValidationError):
        services.incident_handover(actor=world.officer, incident=incident, to_user=world.leader, note=" ")
    assert reload(incident).holder == world.officer


def test_agency_brought_in_sees_the_incident_and_is_told(world):
    incident = report(world)
    assert not Incident.objects.visible_to(world.agency_staff).exists()

    services.incident_add_agency(actor=world.officer, incident=incident, agency=world.agency, note="消防隐患",
                                 expected_version=1)

    assert list(Incident.objects.visible_to(world.agency_staff)) == [incident]
    assert reload(incident).version == 2
    assert Notification.objects.filter(recipient=world.agency_staff, kind="incident_update").count() == 1
    event = AuditEvent.objects.filter(verb="update").last()
    assert event.changes == {"agencies": [[], [world.agency.pk]]}


def test_agency_of_another_station_is_refused_and_twice_is_refused(world):
    incident = report(world)
    foreign = Agency.objects.create(name="群丰劳动监察", kind=Agency.Kind.LABOUR, station=world.other_station)

    with pytest.raises(ValidationError) as exc:
        services.incident_add_agency(actor=world.officer, incident=incident, agency=foreign)
    assert messages(exc) == {"agency": ["This agency neither serves the park nor belongs to its station."]}
    services.incident_add_agency(actor=world.officer, incident=incident, agency=world.agency)
    with pytest.raises(ValidationError):
        services.incident_add_agency(actor=world.officer, incident=incident, agency=world.agency)
    assert list(reload(incident).agencies.all()) == [world.agency]


def test_agency_staff_cannot_bring_in_agencies(world):
    incident = report(world)
    services.incident_add_agency(actor=world.officer, incident=incident, agency=world.agency)

    with pytest.raises(PermissionDenied):
        services.incident_add_agency(actor=world.agency_staff, incident=incident,
                                     agency=Agency.objects.create(name="街道", kind="street_governance",
                                                                  station=world.station))


def test_an_enterprise_of_park_a_can_be_given_when_police_report(world):
    enterprise = EnterpriseFactory(park=world.park)

    incident = report(world, enterprise=enterprise)

    assert reload(incident).enterprise == enterprise


# ------------------------------------------------------------------ clocks and reopening
def test_a_report_a_little_ahead_is_stored_at_now_and_a_dispute_can_open_from_it(world):
    import time_machine
    from parkbeat.disputes import services as disputes

    now = timezone.now().replace(microsecond=0)
    with time_machine.travel(now, tick=False):
        incident = report(world, reported_at=now + timedelta(minutes=4))
        dispute = disputes.dispute_open(actor=world.officer, category="labour_wage", title="讨薪", summary="工人讨薪",
                                        incident=incident)

    incident = reload(incident)
    assert (incident.reported_at, dispute.began_at) == (now, now)


def test_a_report_further_ahead_than_the_skew_is_still_refused(world):
    import time_machine

    now = timezone.now().replace(microsecond=0)
    before = snapshot()
    with time_machine.travel(now, tick=False), pytest.raises(ValidationError) as exc:
        report(world, reported_at=now + timedelta(minutes=5, seconds=1))

    assert messages(exc) == {"reported_at": ["The time cannot lie in the future."]}
    assert snapshot() == before


def test_a_report_in_the_past_keeps_its_time(world):
    at = timezone.now().replace(microsecond=0) - timedelta(hours=3)

    assert reload(report(world, reported_at=at)).reported_at == at


@pytest.mark.parametrize("year,month,day", [(1, 1, 1), (1999, 12, 31)])
def test_a_report_before_2000_is_refused_readably(world, year, month, day):
    from datetime import datetime, timezone as dt_timezone

    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        report(world, reported_at=datetime(year, month, day, 23, 0, tzinfo=dt_timezone.utc))

    assert messages(exc) == {"reported_at": ["The time cannot lie before 1 January 2000."]}
    assert snapshot() == before


def test_reopening_an_incident_closed_without_arrival_goes_back_to_accepted(world):
    incident = report(world)
    services.incident_transition(actor=world.officer, incident=incident, to=S.ACCEPTED)
    services.incident_transition(actor=world.officer, incident=incident, to=S.CLOSED, result="no_action")
    accepted_at = reload(incident).accepted_at
    assert services.reopen_status(reload(incident)) == S.ACCEPTED

    services.incident_transition(actor=world.leader, incident=incident, to=S.ACCEPTED, note="企业又来电")

    incident = reload(incident)
    assert (incident.status, incident.accepted_at, incident.on_scene_at, incident.closed_at, incident.result,
            incident.holder) == ("accepted", accepted_at, None, None, "", world.officer)
    last = incident.transitions.last()
    assert (last.from_status, last.to_status, last.note, last.actor) == ("closed", "accepted", "企业又来电",
                                                                         world.leader)


def test_reopening_on_scene_without_an_arrival_is_refused_and_changes_nothing(world):
    incident = report(world)
    services.incident_transition(actor=world.officer, incident=incident, to=S.ACCEPTED)
    services.incident_transition(actor=world.officer, incident=incident, to=S.CLOSED, result="no_action")
    before = (Incident.objects.filter(pk=incident.pk).values().get(), snapshot())

    with pytest.raises(IllegalTransition) as exc:
        services.incident_transition(actor=world.leader, incident=reload(incident), to=S.ON_SCENE, note="x")

    assert str(exc.value) == (f"Nobody arrived on scene before incident {incident.number} was closed: "
                              "it is reopened as “Accepted”.")
    assert (Incident.objects.filter(pk=incident.pk).values().get(), snapshot()) == before


def test_reopening_as_accepted_after_an_arrival_is_refused(world):
    incident = report(world)
    for to, extra in [(S.ACCEPTED, {}), (S.ON_SCENE, {}), (S.CLOSED, {"result": "resolved"})]:
        services.incident_transition(actor=world.officer, incident=incident, to=to, **extra)
    version = reload(incident).version

    with pytest.raises(IllegalTransition):
        services.incident_transition(actor=world.leader, incident=reload(incident), to=S.ACCEPTED, note="x")

    assert (reload(incident).status, reload(incident).version) == ("closed", version)
    assert services.reopen_status(reload(incident)) == S.ON_SCENE


# ------------------------------------------------------------------ photos
def _at_status(world, incident, status):
    if status in ("accepted", "closed"):
        services.incident_transition(actor=world.officer, incident=incident, to=S.ACCEPTED)
    if status == "closed":
        services.incident_transition(actor=world.officer, incident=incident, to=S.CLOSED, result="resolved")
    if status == "cancelled":
        services.incident_transition(actor=world.officer, incident=incident, to=S.CANCELLED, note="误报")
    return reload(incident)


@pytest.mark.parametrize("who,status,expected", [
    ("liaison", "reported", "ok"), ("liaison", "accepted", "ok"), ("liaison", "closed", PermissionDenied),
    ("liaison", "cancelled", ValidationError), ("officer", "closed", "ok"), ("auxiliary", "closed", "ok"),
    ("officer", "cancelled", ValidationError), ("agency_staff", "reported", PermissionDenied),
    ("liaison2", "reported", PermissionDenied),
])
def test_who_adds_a_photo_and_when(world, who, status, expected):
    world.liaison2 = assign(UserFactory(username="t_liaison2"), Role.LIAISON, enterprise=world.enterprise)
    incident = report(world, actor=world.liaison, park=None)
    services.incident_add_agency(actor=world.officer, incident=incident, agency=world.agency)
    incident = _at_status(world, incident, status)
    before = snapshot()

    if expected == "ok":
        attachment = services.incident_add_photo(actor=getattr(world, who), incident=incident, upload=png())
        assert list(Attachment.objects.for_object(incident)) == [attachment]
        assert attachment.uploaded_by == getattr(world, who)
    else:
        with pytest.raises(expected):
            services.incident_add_photo(actor=getattr(world, who), incident=incident, upload=png())
        assert snapshot() == before
