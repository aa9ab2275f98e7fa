"""Publicity services: the refusal inside production hours with free slots, the written agreement, a double
submit, stale edits, holding, attendance with its event time, speakers and their credited hours, campaigns and
rules."""
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from parkbeat.core.services import ConflictError
from parkbeat.files.models import Attachment
from parkbeat.outreach import services
from parkbeat.outreach.models import Campaign, Lecture, LectureEvent, RuleAdoption
from parkbeat.outreach.tests import helpers as h
from parkbeat.testing import VolunteerFactory


def test_a_lecture_inside_production_hours_is_refused_with_free_slots(world):
    enterprise = h.with_hours(world.enterprise)
    starts_at, ends_at = h.inside()
    with pytest.raises(services.ProductionHoursConflict) as refused:
        services.lecture_schedule(actor=world.officer, enterprise=enterprise, topic="反诈", starts_at=starts_at,
                                  ends_at=ends_at)
    assert "production hours (08:00–12:00)" in refused.value.message_dict["starts_at"][0]
    slots = refused.value.free_slots
    # Tuesday: 12:00 (lunch), 17:30, 18:30, 19:30, then Wednesday's lunch break
    assert [(timezone.localtime(a).strftime("%a %H:%M"), b - a) for a, b in slots] == [
        ("Tue 12:00", timedelta(hours=1)), ("Tue 17:30", timedelta(hours=1)), ("Tue 18:30", timedelta(hours=1)),
        ("Tue 19:30", timedelta(hours=1)), ("Wed 12:00", timedelta(hours=1))]
    assert not Lecture.objects.exists()


def test_the_weekend_after_a_friday_night_shift(world):
    enterprise = h.with_hours(world.enterprise)
    saturday_early = h.next_weekday(5, 5)
    with pytest.raises(services.ProductionHoursConflict):
        services.lecture_schedule(actor=world.officer, enterprise=enterprise, topic="消防", starts_at=saturday_early,
                                  ends_at=saturday_early + timedelta(hours=1))
    saturday = h.next_weekday(5, 9)
    lecture = services.lecture_schedule(actor=world.officer, enterprise=enterprise, topic="消防", starts_at=saturday,
                                        ends_at=saturday + timedelta(hours=2))
    assert (lecture.status, lecture.by_agreement, lecture.park_id) == ("planned", False, world.park.pk)


def test_the_written_agreement_overrides_the_refusal_and_is_kept(world):
    enterprise = h.with_hours(world.enterprise)
    starts_at, ends_at = h.inside()
    lecture = services.lecture_schedule(actor=world.officer, enterprise=enterprise, topic="反诈", starts_at=starts_at,
                                        ends_at=ends_at, agreement=h.png())
    assert lecture.by_agreement is True
    assert [a.original_name for a in Attachment.objects.for_object(lecture)] == ["书面同意.png"]
    assert list(lecture.events.values_list("kind", flat=True)) == ["scheduled", "agreement"]


def test_a_refused_agreement_file_saves_nothing(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    enterprise = h.with_hours(world.enterprise)
    starts_at, ends_at = h.inside()
    with pytest.raises(ValidationError) as refused:
        services.lecture_schedule(actor=world.officer, enterprise=enterprise, topic="反诈", starts_at=starts_at,
                                  ends_at=ends_at, agreement=SimpleUploadedFile("a.svg", b"<svg onload=alert(1)>"))
    assert "agreement" in refused.value.message_dict
    assert not Lecture.objects.exists()


def test_a_double_submit_makes_one_lecture_and_the_second_is_told(world):
    first = h.planned(world)
    with pytest.raises(services.ProductionHoursConflict) as again:
        h.planned(world)
    assert "Another lecture is planned" in again.value.message_dict["starts_at"][0]
    assert all(a >= first.ends_at or b <= first.starts_at for a, b in again.value.free_slots)
    assert Lecture.objects.count() == 1


def test_bad_times_are_refused_naming_the_field(world):
    enterprise = h.with_hours(world.enterprise)
    starts_at, _ends = h.outside()
    for ends_at, field in ((starts_at, "ends_at"), (starts_at + timedelta(hours=13), "ends_at")):
        with pytest.raises(ValidationError) as refused:
            services.lecture_schedule(actor=world.officer, enterprise=enterprise, topic="x", starts_at=starts_at,
                                      ends_at=ends_at)
        assert field in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.lecture_schedule(actor=world.officer, enterprise=enterprise, topic=" ", starts_at=starts_at,
                                  ends_at=starts_at + timedelta(hours=1))
    assert "topic" in refused.value.message_dict


def test_only_the_police_of_the_park_schedule(world):
    h.with_hours(world.enterprise)
    starts_at, ends_at = h.outside()
    for user in (world.liaison, world.volunteer, world.other_officer, world.mediator):
        with pytest.raises(PermissionDenied):
            services.lecture_schedule(actor=user, enterprise=world.enterprise, topic="x", starts_at=starts_at,
                                      ends_at=ends_at)
    assert services.lecture_schedule(actor=world.auxiliary, enterprise=world.enterprise, topic="x",
                                     starts_at=starts_at, ends_at=ends_at).status == "planned"


def test_speakers_are_police_of_the_park_or_its_volunteers(world):
    VolunteerFactory(team=world.team, user=world.volunteer, status="active")
    lecture = h.planned(world, speakers=[world.officer, world.volunteer])
    assert sorted(lecture.speakers.values_list("kind", flat=True)) == ["police", "volunteer"]
    with pytest.raises(ValidationError) as refused:
        h.planned(world, enterprise=world.enterprise2, speakers=[world.other_officer])
    assert "speakers" in refused.value.message_dict


def test_a_volunteers_lecture_time_is_credited_only_once_held(world):
    from parkbeat.volunteers.hours import person_service

    volunteer = VolunteerFactory(team=world.team, user=world.volunteer, status="active")
    lecture = h.past(world, speakers=[world.volunteer])
    start, end = lecture.starts_at - timedelta(days=1), timezone.now()
    assert person_service(volunteer, start, end)["by_source"]["outreach"] == 0.0
    services.lecture_transition(actor=world.officer, lecture=lecture, to="held", expected_version=lecture.version)
    served = person_service(volunteer, start, end)
    assert served["by_source"]["outreach"] == 3600.0 and served["hours"] == 1.0


def test_held_only_once_started_and_attendance_only_when_held(world):
    lecture = h.planned(world)
    with pytest.raises(ValidationError) as early:
        services.lecture_transition(actor=world.officer, lecture=lecture, to="held")
    assert "to" in early.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.lecture_record_attendance(actor=world.officer, lecture=lecture, attendance=30)
    assert "attendance" in refused.value.message_dict
    services.lecture_transition(actor=world.officer, lecture=lecture, to="cancelled", note="企业临时停工")
    with pytest.raises(ConflictError):
        services.lecture_transition(actor=world.officer, lecture=lecture, to="held")
    assert Lecture.objects.get(pk=lecture.pk).status == "cancelled"


def test_attendance_carries_when_it_happened_and_who_recorded_it(world):
    lecture = h.held(world)
    counted_at = lecture.starts_at + timedelta(minutes=50)
    services.lecture_record_attendance(actor=world.auxiliary, lecture=lecture, attendance=42, at=counted_at,
                                       expected_version=lecture.version)
    lecture.refresh_from_db()
    assert (lecture.attendance, lecture.attendance_at, lecture.attendance_recorded_by) == (42, counted_at,
                                                                                          world.auxiliary)
    assert abs(lecture.attendance_recorded_at - timezone.now()) < timedelta(minutes=1)
    event = LectureEvent.objects.get(lecture=lecture, kind="attendance")
    assert (event.at, event.recorded_by, event.note) == (counted_at, world.auxiliary, "42 people reached")
    with pytest.raises(ValidationError) as before:
        services.lecture_record_attendance(actor=world.officer, lecture=lecture, attendance=40,
                                           at=lecture.starts_at - timedelta(hours=1))
    assert "at" in before.value.message_dict
    with pytest.raises(ValidationError) as future:
        services.lecture_record_attendance(actor=world.officer, lecture=lecture, attendance=40,
                                           at=timezone.now() + timedelta(hours=1))
    assert "at" in future.value.message_dict


def test_a_second_attendance_submit_from_the_same_version_is_a_conflict(world):
    lecture = h.held(world)
    version = lecture.version
    services.lecture_record_attendance(actor=world.officer, lecture=lecture, attendance=30, expected_version=version)
    with pytest.raises(ConflictError):
        services.lecture_record_attendance(actor=world.officer, lecture=Lecture.objects.get(pk=lecture.pk),
                                           attendance=31, expected_version=version)
    assert Lecture.objects.get(pk=lecture.pk).attendance == 30
    assert LectureEvent.objects.filter(lecture=lecture, kind="attendance").count() == 1


def test_a_stale_lecture_edit_is_refused_and_the_first_writer_survives(world):
    lecture = h.planned(world)
    version = lecture.version
    services.lecture_update(actor=world.officer, lecture=lecture, data={"topic": "识破刷单诈骗"},
                            expected_version=version)
    with pytest.raises(ConflictError):
        services.lecture_update(actor=world.officer, lecture=Lecture.objects.get(pk=lecture.pk),
                                data={"topic": "养老诈骗"}, expected_version=version)
    assert Lecture.objects.get(pk=lecture.pk).topic == "识破刷单诈骗"


def test_moving_a_lecture_into_production_hours_is_refused(world):
    lecture = h.planned(world)
    starts_at, ends_at = h.inside()
    with pytest.raises(services.ProductionHoursConflict):
        services.lecture_update(actor=world.officer, lecture=lecture, data={"starts_at": starts_at,
                                                                            "ends_at": ends_at},
                                expected_version=lecture.version)
    later = lecture.starts_at + timedelta(days=1)
    services.lecture_update(actor=world.officer, lecture=lecture, data={"starts_at": later,
                                                                        "ends_at": later + timedelta(hours=1)},
                            expected_version=lecture.version)  # its own old slot does not block it
    assert Lecture.objects.get(pk=lecture.pk).starts_at == later


def test_campaigns_target_only_what_the_actor_reaches_and_refuse_a_stale_edit(world):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as refused:
        services.campaign_create(actor=world.officer, theme="anti_fraud", title="反诈春季行动", starts_on=today,
                                 ends_on=today + timedelta(days=30), enterprises=[world.park2_enterprise])
    assert "enterprises" in refused.value.message_dict
    campaign = services.campaign_create(actor=world.officer, theme="anti_fraud", title="反诈春季行动",
                                        starts_on=today, ends_on=today + timedelta(days=30), parks=[world.park],
                                        materials=[h.pdf()])
    assert (campaign.station_id, campaign.status) == (world.station.pk, "running")
    assert sorted(services.campaign_targets(campaign).values_list("pk", flat=True)) == sorted(
        [world.enterprise.pk, world.enterprise2.pk])
    assert Attachment.objects.for_object(campaign).count() == 1
    version = campaign.version
    services.campaign_update(actor=world.officer, campaign=campaign, data={"title": "反诈宣传月"},
                             expected_version=version)
    with pytest.raises(ConflictError):
        services.campaign_update(actor=world.officer, campaign=Campaign.objects.get(pk=campaign.pk),
                                 data={"title": "旧标题"}, expected_version=version)
    assert Campaign.objects.get(pk=campaign.pk).title == "反诈宣传月"
    with pytest.raises(PermissionDenied):
        services.campaign_update(actor=world.other_officer, campaign=campaign, data={"title": "x"})
    with pytest.raises(ValidationError):
        services.campaign_create(actor=world.officer, theme="anti_fraud", title="x", starts_on=today,
                                 ends_on=today - timedelta(days=1))


def test_rules_and_their_adoption(world):
    rule = services.rule_create(actor=world.officer, text="未戴头盔不得入厂", theme="helmet")
    with pytest.raises(PermissionDenied):
        services.rule_create(actor=world.auxiliary, text="其他规矩")
    with pytest.raises(ValidationError):
        services.rule_create(actor=world.leader, text="未戴头盔不得入厂")
    since = timezone.localdate() - timedelta(days=10)
    adoption = services.adoption_record(actor=world.auxiliary, rule=rule, enterprise=world.enterprise, since=since)
    with pytest.raises(ValidationError):
        services.adoption_record(actor=world.officer, rule=rule, enterprise=world.enterprise, since=since)
    with pytest.raises(ValidationError):  # another station's officer: not their station's rule
        services.adoption_record(actor=world.other_officer, rule=rule, enterprise=world.other_enterprise, since=since)
    with pytest.raises(PermissionDenied):
        services.adoption_record(actor=world.liaison, rule=rule, enterprise=world.enterprise2, since=since)
    with pytest.raises(ValidationError):
        services.adoption_record(actor=world.officer, rule=rule, enterprise=world.enterprise2,
                                 since=timezone.localdate() + timedelta(days=1))
    version = adoption.version
    services.adoption_end(actor=world.officer, adoption=adoption, ended_on=timezone.localdate(),
                          expected_version=version)
    with pytest.raises(ConflictError):  # a second end from the page loaded before the first
        services.adoption_end(actor=world.officer, adoption=RuleAdoption.objects.get(pk=adoption.pk),
                              ended_on=timezone.localdate(), expected_version=version)
    assert RuleAdoption.objects.get(pk=adoption.pk).ended_on == timezone.localdate()
    again = services.adoption_record(actor=world.officer, rule=rule, enterprise=world.enterprise,
                                     since=timezone.localdate())
    assert again.in_force
