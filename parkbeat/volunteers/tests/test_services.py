"""The volunteers' services: every happy path and every refusal (role, enterprise, duplicate, stale version,
future or out-of-order times, illegal transitions), each refusal leaving nothing changed."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from parkbeat.audit.models import AuditEvent
from parkbeat.core.services import ConflictError, IllegalTransition
from parkbeat.files.models import Attachment
from parkbeat.notifications.models import Notification
from parkbeat.volunteers import services
from parkbeat.volunteers.models import Volunteer, VolunteerTeam, VolunteerTransition
from parkbeat.volunteers.tests.factories import CANDIDATE_ID, Cast, member

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def cast(world):
    return Cast(world)


def nominate(world, team, **overrides):
    data = {"name": "赵六", "resident_id": CANDIDATE_ID, "mobile": "13912345678", "post": "操作工",
            "duties": ["patrol", "hazard"], "consent_confirmed": True, "consent_date": timezone.localdate()}
    data.update(overrides)
    return services.volunteer_nominate(actor=world.liaison, team=team, **data)


# ---------------------------------------------------------------- nomination
def test_the_liaison_nominates_with_consent_and_a_signed_file(world, cast):
    upload = SimpleUploadedFile("同意书.pdf", PDF, content_type="application/pdf")

    volunteer = nominate(world, cast.team, consent_file=upload)

    volunteer.refresh_from_db()
    assert (volunteer.status, volunteer.nominated_by, volunteer.post) == ("nominated", world.liaison, "操作工")
    assert volunteer.duties == ["patrol", "hazard"] and volunteer.consent_date == timezone.localdate()
    assert volunteer.resident_id == CANDIDATE_ID and volunteer.resident_id_masked == "110***********0038"
    assert list(volunteer.transitions.values_list("from_status", "to_status", "actor")) == [
        ("", "nominated", world.liaison.pk)]
    assert Attachment.objects.for_object(volunteer).get().kind == "pdf"
    event = AuditEvent.objects.filter(object_type="volunteers.Volunteer", verb="create").get()
    assert CANDIDATE_ID not in str(event.changes) and "0038" in str(event.changes)  # masked on the audit trail


def test_nomination_needs_consent_confirmed_and_dated(world, cast):
    with pytest.raises(ValidationError) as exc:
        nominate(world, cast.team, consent_confirmed=False, consent_date=None)

    assert set(exc.value.message_dict) == {"consent_confirmed", "consent_date"}
    assert not Volunteer.objects.filter(name="赵六").exists()


def test_consent_cannot_be_signed_in_the_future(world, cast):
    with pytest.raises(ValidationError) as exc:
        nominate(world, cast.team, consent_date=timezone.localdate() + timedelta(days=2))

    assert "consent_date" in exc.value.message_dict


def test_the_same_person_twice_in_a_team_is_refused(world, cast):
    nominate(world, cast.team)

    with pytest.raises(ValidationError) as exc:  # a double submit of the same form
        nominate(world, cast.team, name="赵六（重复）")

    assert list(exc.value.message_dict) == ["resident_id"]
    assert Volunteer.objects.filter(team=cast.team, name__startswith="赵六").count() == 1


def test_a_rejected_person_may_be_nominated_again(world, cast):
    first = nominate(world, cast.team)
    services.volunteer_reject(actor=world.officer, volunteer=first, note="材料不全")

    again = nominate(world, cast.team)

    assert again.pk != first.pk and again.status == "nominated"


@pytest.mark.parametrize("who", ["officer", "leader", "volunteer", "other_officer", "sysadmin"])
def test_only_a_liaison_nominates(world, cast, who):
    with pytest.raises(PermissionDenied):
        services.volunteer_nominate(actor=getattr(world, who), team=cast.team, name="x", resident_id=CANDIDATE_ID,
                                    consent_confirmed=True, consent_date=timezone.localdate(), duties=["patrol"])
    assert not Volunteer.objects.filter(name="x").exists()


def test_a_liaison_cannot_nominate_into_another_enterprise_s_team(world, cast):
    team = VolunteerTeam.objects.create(park=world.park, enterprise=world.enterprise2, name="电子义警队")

    with pytest.raises(PermissionDenied):
        nominate(world, team)
    with pytest.raises(PermissionDenied):
        nominate(world, cast.other_team)
    assert not Volunteer.objects.filter(name="赵六").exists()


@pytest.mark.parametrize("bad,field", [({"duties": []}, "duties"),
                                       ({"resident_id": "110101199003070039"}, "resident_id"),
                                       ({"mobile": "12345"}, "mobile")])
def test_a_nomination_without_duties_or_with_a_bad_id_or_mobile_is_refused(world, cast, bad, field):
    with pytest.raises(ValidationError) as exc:
        nominate(world, cast.team, **bad)

    assert field in exc.value.message_dict
    assert not Volunteer.objects.filter(name="赵六").exists()


# ---------------------------------------------------------------- vetting
def test_approval_activates_and_tells_the_nominating_liaison(world, cast):
    volunteer = services.volunteer_approve(actor=world.officer, volunteer=cast.nominee,
                                           expected_version=cast.nominee.version)

    assert volunteer.status == "active"
    note = Notification.objects.get(recipient=world.liaison)
    assert "候选王" in note.title and note.url == volunteer.get_absolute_url()
    row = volunteer.transitions.get(to_status="active")
    assert (row.from_status, row.actor, row.entered_late) == ("nominated", world.officer, False)


def test_rejection_needs_a_reason_and_tells_the_liaison_why(world, cast):
    with pytest.raises(ValidationError) as exc:
        services.volunteer_reject(actor=world.officer, volunteer=cast.nominee, note="  ")
    assert "note" in exc.value.message_dict
    assert Volunteer.objects.get(pk=cast.nominee.pk).status == "nominated"

    services.volunteer_reject(actor=world.officer, volunteer=cast.nominee, note="有不良记录")

    assert Volunteer.objects.get(pk=cast.nominee.pk).status == "rejected"
    assert "有不良记录" in Notification.objects.get(recipient=world.liaison).body


@pytest.mark.parametrize("who", ["liaison", "auxiliary", "volunteer", "officer2", "other_officer", "mediator"])
def test_only_the_park_s_officer_or_leader_vets(world, cast, who):
    with pytest.raises(PermissionDenied):
        services.volunteer_approve(actor=getattr(world, who), volunteer=cast.nominee)

    assert Volunteer.objects.get(pk=cast.nominee.pk).status == "nominated"
    assert not Notification.objects.exists()


def test_the_leader_of_the_station_vets_too(world, cast):
    assert services.volunteer_approve(actor=world.leader, volunteer=cast.nominee).status == "active"


def test_a_stale_version_is_refused_and_the_first_decision_stands(world, cast):
    loaded = cast.nominee.version
    services.volunteer_approve(actor=world.officer, volunteer=Volunteer.objects.get(pk=cast.nominee.pk),
                               expected_version=loaded)

    with pytest.raises(ConflictError):
        services.volunteer_reject(actor=world.leader, volunteer=Volunteer.objects.get(pk=cast.nominee.pk),
                                  note="迟到的决定", expected_version=loaded)

    assert Volunteer.objects.get(pk=cast.nominee.pk).status == "active"
    assert VolunteerTransition.objects.filter(volunteer=cast.nominee).count() == 1


def test_vetting_twice_is_an_illegal_transition(world, cast):
    services.volunteer_approve(actor=world.officer, volunteer=cast.nominee)

    with pytest.raises(IllegalTransition, match="cannot become"):
        services.volunteer_approve(actor=world.officer, volunteer=Volunteer.objects.get(pk=cast.nominee.pk))


# ---------------------------------------------------------------- later status changes
def test_suspend_reinstate_and_left_each_recorded_with_when_it_happened(world, cast):
    now = timezone.now()
    two_days = now - timedelta(days=2)

    services.volunteer_transition(actor=world.officer, volunteer=cast.member, to="suspended", note="多次缺勤",
                                  at=two_days)
    services.volunteer_transition(actor=world.officer, volunteer=cast.member, to="active", at=now - timedelta(days=1))
    services.volunteer_transition(actor=world.officer, volunteer=cast.member, to="left", note="离职")

    rows = list(cast.member.transitions.order_by("at"))
    assert [(r.from_status, r.to_status) for r in rows] == [("active", "suspended"), ("suspended", "active"),
                                                           ("active", "left")]
    assert rows[0].at == two_days and rows[0].recorded_at >= now and rows[0].actor == world.officer
    assert rows[0].note == "多次缺勤"
    assert Volunteer.objects.get(pk=cast.member.pk).status == "left"


@pytest.mark.parametrize("to", ["suspended", "left"])
def test_suspending_or_leaving_needs_a_reason(world, cast, to):
    with pytest.raises(ValidationError) as exc:
        services.volunteer_transition(actor=world.officer, volunteer=cast.member, to=to)

    assert "note" in exc.value.message_dict
    assert Volunteer.objects.get(pk=cast.member.pk).status == "active"


def test_a_change_in_the_future_is_refused(world, cast):
    with pytest.raises(ValidationError) as exc:
        services.volunteer_transition(actor=world.officer, volunteer=cast.member, to="suspended", note="x",
                                      at=timezone.now() + timedelta(hours=2))

    assert "at" in exc.value.message_dict
    assert not cast.member.transitions.exists()


def test_a_change_before_the_previous_one_is_refused(world, cast):
    services.volunteer_transition(actor=world.officer, volunteer=cast.member, to="suspended", note="x",
                                  at=timezone.now() - timedelta(days=1))

    with pytest.raises(ValidationError) as exc:
        services.volunteer_transition(actor=world.officer, volunteer=cast.member, to="active",
                                      at=timezone.now() - timedelta(days=3))

    assert "previous status change" in exc.value.message_dict["at"][0]


def test_a_change_entered_long_after_needs_a_reason_and_is_marked_late(world, cast):
    long_ago = timezone.now() - timedelta(days=45)
    with pytest.raises(ValidationError):
        services.volunteer_transition(actor=world.officer, volunteer=cast.member, to="left", note="离职",
                                      at=long_ago)

    services.volunteer_transition(actor=world.officer, volunteer=cast.member, to="left", note="离职", at=long_ago,
                                  late_reason="补录纸质台账")

    row = cast.member.transitions.get()
    assert (row.entered_late, row.late_reason, row.at) == (True, "补录纸质台账", long_ago)


@pytest.mark.parametrize("start,to", [("left", "active"), ("rejected", "active"), ("active", "rejected"),
                                      ("nominated", "suspended"), ("suspended", "suspended")])
def test_illegal_transitions_are_refused_with_a_clear_message(world, cast, start, to):
    Volunteer.objects.filter(pk=cast.member.pk).update(status=start)
    volunteer = Volunteer.objects.get(pk=cast.member.pk)

    with pytest.raises(IllegalTransition) as exc:
        services.volunteer_transition(actor=world.officer, volunteer=volunteer, to=to, note="x")

    assert "cannot become" in str(exc.value)
    assert Volunteer.objects.get(pk=cast.member.pk).status == start


def test_a_captain_who_is_suspended_is_no_longer_captain(world, cast):
    services.volunteer_transition(actor=world.officer, volunteer=cast.captain, to="suspended", note="停职")

    assert not Volunteer.objects.get(pk=cast.captain.pk).is_captain


# ---------------------------------------------------------------- edits
def test_the_liaison_edits_post_and_duties_and_a_stale_form_is_refused(world, cast):
    loaded = cast.member.version
    services.volunteer_update(actor=world.liaison, volunteer=Volunteer.objects.get(pk=cast.member.pk),
                              data={"post": "班组长", "duties": ["publicity"]}, expected_version=loaded)

    with pytest.raises(ConflictError):
        services.volunteer_update(actor=world.officer, volunteer=Volunteer.objects.get(pk=cast.member.pk),
                                  data={"post": "旧表单"}, expected_version=loaded)

    fresh = Volunteer.objects.get(pk=cast.member.pk)
    assert (fresh.post, fresh.duties, fresh.version) == ("班组长", ["publicity"], loaded + 1)


def test_another_enterprise_s_liaison_cannot_edit(world, cast):
    from parkbeat.testing import UserFactory, assign
    from parkbeat.org.models import Role

    stranger = assign(UserFactory(username="t_liaison2"), Role.LIAISON, enterprise=world.enterprise2)
    with pytest.raises(PermissionDenied):
        services.volunteer_update(actor=stranger, volunteer=cast.member, data={"post": "x"})


# ---------------------------------------------------------------- teams and captains
def test_the_officer_creates_and_renames_a_team(world):
    team = services.team_create(actor=world.officer, park=world.park, enterprise=world.enterprise2, name="电子义警队")

    renamed = services.team_update(actor=world.officer, team=team, data={"name": "电子护厂队"},
                                   expected_version=team.version)

    assert (renamed.name, renamed.version) == ("电子护厂队", 2)
    with pytest.raises(ConflictError):
        services.team_update(actor=world.officer, team=VolunteerTeam.objects.get(pk=team.pk), data={"name": "旧"},
                             expected_version=1)


def test_team_names_are_unique_in_a_park_and_the_enterprise_must_be_there(world, cast):
    with pytest.raises(ValidationError) as exc:
        services.team_create(actor=world.officer, park=world.park, name=cast.team.name)
    assert "name" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.team_create(actor=world.officer, park=world.park, enterprise=world.park2_enterprise, name="错园区")
    assert "enterprise" in exc.value.message_dict


@pytest.mark.parametrize("who", ["liaison", "auxiliary", "officer2", "other_officer"])
def test_teams_are_made_only_by_the_park_s_officer_or_leader(world, who):
    with pytest.raises(PermissionDenied):
        services.team_create(actor=getattr(world, who), park=world.park, name="新队")
    assert not VolunteerTeam.objects.filter(name="新队").exists()


def test_one_captain_who_must_be_an_active_member(world, cast):
    services.team_set_captain(actor=world.officer, team=cast.team, volunteer=cast.member,
                              expected_version=cast.team.version)

    captains = list(Volunteer.objects.filter(team=cast.team, is_captain=True).values_list("name", flat=True))
    assert captains == ["队员李"]
    with pytest.raises(ValidationError, match="active member"):
        services.team_set_captain(actor=world.officer, team=VolunteerTeam.objects.get(pk=cast.team.pk),
                                  volunteer=cast.nominee)
    with pytest.raises(ValidationError, match="not a member"):
        services.team_set_captain(actor=world.officer, team=VolunteerTeam.objects.get(pk=cast.team.pk),
                                  volunteer=member(cast.other_team))
    with pytest.raises(ConflictError):
        services.team_set_captain(actor=world.officer, team=VolunteerTeam.objects.get(pk=cast.team.pk),
                                  volunteer=cast.captain, expected_version=1)
    assert list(Volunteer.objects.filter(team=cast.team, is_captain=True).values_list("name", flat=True)) == ["队员李"]


# ---------------------------------------------------------------- trainings and support
def test_trainings_and_support_are_recorded_by_the_police(world, cast):
    training = services.training_create(actor=world.auxiliary, volunteer=cast.member, trained_on=timezone.localdate(),
                                        topic="急救", hours=Decimal("1.5"), trainer="红十字会")
    support = services.support_create(actor=world.officer, volunteer=cast.member, kind="allowance",
                                      provider="园区巡防补贴", starts_on=timezone.localdate(),
                                      expires_on=timezone.localdate() + timedelta(days=365))

    assert (training.hours, training.recorded_by) == (Decimal("1.5"), world.auxiliary)
    assert support.reminded_at is None and support.recorded_by == world.officer


@pytest.mark.parametrize("bad", [
    {"hours": Decimal("0")}, {"hours": Decimal("30")}, {"trained_on": timezone.localdate() + timedelta(days=1)}])
def test_a_training_with_bad_hours_or_in_the_future_is_refused(world, cast, bad):
    data = {"trained_on": timezone.localdate(), "topic": "急救", "hours": Decimal("2"), "trainer": "红十字会", **bad}

    with pytest.raises(ValidationError):
        services.training_create(actor=world.officer, volunteer=cast.member, **data)
    assert list(cast.member.trainings.values_list("topic", flat=True)) == ["消防器材使用"]  # the cast's one


def test_support_expiring_before_it_starts_is_refused(world, cast):
    with pytest.raises(ValidationError) as exc:
        services.support_create(actor=world.officer, volunteer=cast.member, kind="insurance", provider="人保",
                                starts_on=timezone.localdate(), expires_on=timezone.localdate() - timedelta(days=1))
    assert "expires_on" in exc.value.message_dict


@pytest.mark.parametrize("who", ["liaison", "volunteer", "other_officer"])
def test_records_by_anyone_else_are_refused(world, cast, who):
    with pytest.raises(PermissionDenied):
        services.training_create(actor=getattr(world, who), volunteer=cast.member, trained_on=timezone.localdate(),
                                 topic="x", hours=Decimal("1"), trainer="x")
    with pytest.raises(PermissionDenied):
        services.support_create(actor=getattr(world, who), volunteer=cast.member, kind="insurance", provider="x",
                                starts_on=timezone.localdate(), expires_on=timezone.localdate())
