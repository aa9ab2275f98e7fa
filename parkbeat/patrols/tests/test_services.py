"""Plans, runs, check-ins, flags, findings and the sweep, through the services the pages and the API call."""
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from parkbeat.audit.models import AuditEvent
from parkbeat.incidents.models import Incident
from parkbeat.notifications.models import Notification
from parkbeat.patrols import services
from parkbeat.patrols.models import CheckIn, MissedCheck, PatrolRun
from parkbeat.patrols.tests.helpers import ago, all_week_plan, code
from parkbeat.testing import VolunteerTeamFactory

ZONE = timezone.get_default_timezone()


def local(*args):
    return timezone.make_aware(datetime(*args), ZONE)


# ---------------------------------------------------------------- plan validation
@pytest.mark.parametrize("data,field,words", [
    ({"weekdays": []}, "weekdays", "at least one weekday"),
    ({"weekdays": [7]}, "weekdays", "0 (Monday) to 6"),
    ({"start_time": time(22, 0), "end_time": time(6, 0)}, "end_time", "ends before it starts"),
    ({"start_time": time(8, 0), "end_time": time(8, 0)}, "end_time", "ends before it starts"),
    ({"start_time": time(20, 0), "end_time": time(21, 0), "overnight": True}, "end_time", "at most 24 hours"),
])
def test_a_plan_with_a_bad_schedule_is_refused_naming_the_field(world, data, field, words):
    with pytest.raises(ValidationError) as exc:
        all_week_plan(world, **data)

    assert words in " ".join(exc.value.message_dict[field])


def test_an_overnight_window_ends_the_next_day(world):
    plan = all_week_plan(world, weekdays=[4], start_time=time(22, 0), end_time=time(6, 0), overnight=True,
                         is_night=True)

    windows = services.plan_windows(plan, local(2026, 12, 4, 0, 0), local(2026, 12, 6, 0, 0))  # Fri–Sat

    assert windows == [(local(2026, 12, 4, 22, 0), local(2026, 12, 5, 6, 0))]
    assert services.plan_window_at(plan, local(2026, 12, 5, 3, 0)) == windows[0]
    assert services.plan_window_at(plan, local(2026, 12, 5, 7, 0)) is None


def test_a_plan_refuses_a_team_of_another_park(world):
    stranger = VolunteerTeamFactory(park=world.park2, name="栗雨义警队")

    with pytest.raises(ValidationError) as exc:
        all_week_plan(world, teams=[(stranger, 1)])

    assert "another park" in exc.value.message_dict["teams"][0]


def test_only_leader_and_officer_plan(world):
    with pytest.raises(PermissionDenied):
        services.checkpoint_create(actor=world.auxiliary, park=world.park, name="X", kind="gate",
                                   lon=Decimal("113.1"), lat=Decimal("27.8"))
    with pytest.raises(PermissionDenied):
        services.checkpoint_create(actor=world.other_officer, park=world.park, name="X", kind="gate",
                                   lon=Decimal("113.1"), lat=Decimal("27.8"))


def test_a_checkpoint_position_out_of_range_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        services.checkpoint_create(actor=world.officer, park=world.park, name="X", kind="gate",
                                   lon=Decimal("190"), lat=Decimal("27.8"))
    assert "−180 to 180" in " ".join(exc.value.messages)


# ---------------------------------------------------------------- runs and check-ins
def test_a_volunteer_starts_a_plan_of_their_team_and_checks_in(world):
    plan = all_week_plan(world)
    a, b, c = plan.route.ordered_checkpoints()

    run = services.run_start(actor=world.volunteer, plan=plan, at=ago(30))
    checkin, created = services.checkin_record(actor=world.volunteer, run=run, code=code(a), at=ago(20),
                                               lon=a.lon, lat=a.lat)

    assert created and checkin.counted and checkin.flags == [] and checkin.distance_m == 0
    assert checkin.recorded_by == world.volunteer and checkin.at < checkin.recorded_at
    assert list(run.participants.all()) == [world.volunteer]
    assert AuditEvent.objects.filter(object_type="patrols.CheckIn", object_id=str(checkin.pk)).count() == 1


def test_a_volunteer_of_another_team_cannot_start_the_plan(world):
    plan = all_week_plan(world, teams=[])
    with pytest.raises(PermissionDenied):
        services.run_start(actor=world.volunteer, plan=plan)
    with pytest.raises(PermissionDenied):
        services.run_start(actor=world.volunteer, route=plan.route)
    assert not PatrolRun.objects.exists()


def test_a_scan_resent_twice_is_stored_once(world):
    plan = all_week_plan(world)
    a = plan.route.ordered_checkpoints()[0]
    run = services.run_start(actor=world.officer, plan=plan, at=ago(30))

    first, created1 = services.checkin_record(actor=world.officer, run=run, code=code(a), at=ago(10),
                                              client_key="phone-1:17")
    again, created2 = services.checkin_record(actor=world.officer, run=run, code=code(a), at=ago(10),
                                              client_key="phone-1:17")

    assert (created1, created2) == (True, False)
    assert again.pk == first.pk
    assert CheckIn.objects.count() == 1


def test_a_scan_in_the_future_or_before_the_start_is_refused(world):
    plan = all_week_plan(world)
    a = plan.route.ordered_checkpoints()[0]
    run = services.run_start(actor=world.officer, plan=plan, at=ago(30))

    with pytest.raises(ValidationError) as future:
        services.checkin_record(actor=world.officer, run=run, code=code(a), at=timezone.now() + timedelta(hours=1))
    with pytest.raises(ValidationError) as before:
        services.checkin_record(actor=world.officer, run=run, code=code(a), at=ago(60))

    assert "future" in future.value.message_dict["at"][0]
    assert "start of the run" in before.value.message_dict["at"][0]
    assert not CheckIn.objects.exists()


def test_a_repeat_scan_within_minutes_is_flagged_not_counted(world):
    plan = all_week_plan(world)
    a = plan.route.ordered_checkpoints()[0]
    run = services.run_start(actor=world.officer, plan=plan, at=ago(30))
    services.checkin_record(actor=world.officer, run=run, code=code(a), at=ago(20))

    second, _ = services.checkin_record(actor=world.officer, run=run, code=code(a), at=ago(15))
    later, _ = services.checkin_record(actor=world.officer, run=run, code=code(a), at=ago(5))

    assert (second.flags, second.counted) == (["repeat"], False)
    assert (later.flags, later.counted) == ([], True)


def test_two_checkpoints_reached_too_fast_for_the_mode_are_flagged(world):
    plan = all_week_plan(world, mode="foot")
    a, b, c = plan.route.ordered_checkpoints()  # about 295 m apart
    run = services.run_start(actor=world.officer, plan=plan, at=ago(30))
    services.checkin_record(actor=world.officer, run=run, code=code(a), at=ago(20))

    fast, _ = services.checkin_record(actor=world.officer, run=run, code=code(b),
                                      at=ago(20) + timedelta(seconds=30))  # 35 km/h on foot
    walked, _ = services.checkin_record(actor=world.officer, run=run, code=code(c), at=ago(15))

    assert fast.flags == ["too_fast"] and not fast.counted
    assert walked.flags == [] and walked.counted  # measured from the last counted scan (a), 590 m in 5 min


def test_a_scan_far_from_the_checkpoint_is_flagged(world):
    plan = all_week_plan(world)
    a = plan.route.ordered_checkpoints()[0]
    run = services.run_start(actor=world.officer, plan=plan, at=ago(30))

    far, _ = services.checkin_record(actor=world.officer, run=run, code=code(a), at=ago(10),
                                     lon=Decimal("113.110000"), lat=Decimal("27.800000"))

    assert far.flags == ["far"] and not far.counted and 980 < far.distance_m < 990


def test_finishing_a_run_and_a_late_scan_from_before_the_finish(world):
    plan = all_week_plan(world)
    a, b, _c = plan.route.ordered_checkpoints()
    run = services.run_start(actor=world.officer, plan=plan, at=ago(30))
    services.run_finish(actor=world.officer, run=run, at=ago(5))

    late, created = services.checkin_record(actor=world.officer, run=run, code=code(b), at=ago(10))
    with pytest.raises(ValidationError):
        services.checkin_record(actor=world.officer, run=run, code=code(a), at=ago(2))

    run.refresh_from_db()
    assert run.status == PatrolRun.Status.FINISHED and created and late.counted


def test_a_finding_becomes_an_incident_linked_to_the_run(world):
    plan = all_week_plan(world)
    a = plan.route.ordered_checkpoints()[0]
    run = services.run_start(actor=world.volunteer, plan=plan, at=ago(30))

    finding = services.finding_report(actor=world.volunteer, run=run, kind=Incident.Kind.FIRE_SAFETY,
                                      description="围栏破损", checkpoint=a, at=ago(10))

    incident = finding.incident
    assert incident.park == world.park and incident.location == "东大门"
    assert incident.occurred_at == finding.at and incident.description == "围栏破损"
    assert list(incident.patrol_findings.all()) == [finding]


# ---------------------------------------------------------------- the sweep
def test_the_sweep_closes_runs_left_open_and_records_missed_checkpoints_once(world):
    plan = all_week_plan(world, start_time=time(8, 0), end_time=time(10, 0))
    plan.created_at = local(2026, 11, 1, 0, 0)
    plan.save(update_fields=["created_at"])
    a, b, c = plan.route.ordered_checkpoints()
    run = services.run_start(actor=world.officer, plan=plan, at=local(2026, 12, 1, 8, 5))
    run.recorded_at = run.started_at
    services.checkin_record(actor=world.officer, run=run, code=code(a), at=local(2026, 12, 1, 8, 10))
    services.checkin_record(actor=world.officer, run=run, code=code(b), at=local(2026, 12, 1, 8, 30))
    services.checkin_record(actor=world.officer, run=run, code=code(c), at=local(2026, 12, 1, 8, 31))  # too fast
    now = local(2026, 12, 1, 12, 0)

    first = services.patrols_sweep(now=now, lookback=timedelta(hours=6))
    second = services.patrols_sweep(now=now, lookback=timedelta(hours=6))

    run.refresh_from_db()
    assert run.status == PatrolRun.Status.AUTO_CLOSED and run.finished_at == local(2026, 12, 1, 10, 0)
    assert first == {"closed": 1, "missed": 1} and second == {"closed": 0, "missed": 0}
    missed = MissedCheck.objects.get()
    assert (missed.checkpoint, missed.run, missed.window_start) == (c, run, local(2026, 12, 1, 8, 0))
    note = Notification.objects.get(recipient=world.officer, dedupe_key__startswith="patrol-missed:")
    assert "变电站" in note.body


def test_a_window_with_no_run_misses_every_checkpoint(world):
    plan = all_week_plan(world, start_time=time(8, 0), end_time=time(10, 0), weekdays=[1])
    plan.created_at = local(2026, 11, 1, 0, 0)
    plan.save(update_fields=["created_at"])

    result = services.patrols_sweep(now=local(2026, 12, 1, 12, 0), lookback=timedelta(hours=6))  # a Tuesday

    assert result == {"closed": 0, "missed": 3}
    assert MissedCheck.objects.filter(run__isnull=True).count() == 3
