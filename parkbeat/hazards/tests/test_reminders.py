"""Tiered reminders before and after the deadline, each once, and the escalation to the station leader."""
from datetime import datetime, time, timedelta

from django.core.management import call_command

from parkbeat.hazards import services as s
from parkbeat.hazards.models import HazardEvent
from parkbeat.hazards.tests import helpers as h
from parkbeat.notifications.models import Notification


def on(day):
    """10:00 Asia/Shanghai on `day`."""
    return datetime.combine(day, time(10), s.SHANGHAI)


def told(hazard):
    return sorted(Notification.objects.filter(object_id=hazard.pk, dedupe_key__startswith=f"hazard:{hazard.pk}:")
                  .values_list("dedupe_key", "recipient__username"))


def test_the_tiers_each_once_then_escalation_to_the_leader(world):
    hazard = h.deadline_hazard(world, days=3)
    deadline = hazard.deadline
    assert s.hazard_reminders(now=on(deadline - timedelta(days=3))) == 2  # the park's officer and the liaison
    assert s.hazard_reminders(now=on(deadline - timedelta(days=2))) == 0  # the same tier: once
    assert s.hazard_reminders(now=on(deadline)) == 2
    assert s.hazard_reminders(now=on(deadline + timedelta(days=1))) == 2
    assert s.hazard_reminders(now=on(deadline + timedelta(days=2))) == 0
    assert s.hazard_reminders(now=on(deadline + timedelta(days=3))) == 1
    assert s.hazard_reminders(now=on(deadline + timedelta(days=9))) == 0
    key, day = f"hazard:{hazard.pk}", f"{deadline:%Y%m%d}"
    assert told(hazard) == sorted([
        (f"{key}:due_in_3:{day}", "t_officer"), (f"{key}:due_in_3:{day}", "t_liaison"),
        (f"{key}:due_today:{day}", "t_officer"), (f"{key}:due_today:{day}", "t_liaison"),
        (f"{key}:overdue_1:{day}", "t_officer"), (f"{key}:overdue_1:{day}", "t_liaison"),
        (f"{key}:escalated:{day}", "t_leader")])
    assert list(HazardEvent.objects.filter(hazard=hazard).exclude(tier="").order_by("id")
                .values_list("kind", "tier", "recorded_by")) == [
        ("reminded", f"due_in_3:{day}", None), ("reminded", f"due_today:{day}", None),
        ("reminded", f"overdue_1:{day}", None), ("escalated", f"escalated:{day}", None)]


def test_a_hazard_found_late_in_its_tiers_gets_only_the_current_one(world):
    hazard = h.deadline_hazard(world, days=1)
    assert s.hazard_reminders(now=on(hazard.deadline + timedelta(days=5))) == 1
    assert [k for k, _user in told(hazard)] == [f"hazard:{hazard.pk}:escalated:{hazard.deadline:%Y%m%d}"]


def test_no_reminder_once_evidence_is_in_or_struck_off_nor_far_from_the_deadline(world):
    far = h.deadline_hazard(world, days=10)
    waiting = h.submitted(world)
    assert s.hazard_reminders(now=on(s.today_in_shanghai())) == 0
    assert s.hazard_reminders(now=on(far.deadline + timedelta(days=5))) == 1  # only `far`, escalated
    assert told(waiting) == []
    assert [k for k, _user in told(far)] == [f"hazard:{far.pk}:escalated:{far.deadline:%Y%m%d}"]


def test_the_command_runs_the_same_service_and_is_safe_to_repeat(world, capsys):
    h.deadline_hazard(world, days=0)
    call_command("hazard_reminders")
    assert "2 reminder(s) sent." in capsys.readouterr().out
    call_command("hazard_reminders")
    assert "0 reminder(s) sent." in capsys.readouterr().out


def test_a_new_deadline_after_a_rejection_starts_the_tiers_again(world):
    hazard = h.submitted(world, days=0)
    assert s.hazard_reminders(now=on(hazard.deadline + timedelta(days=3))) == 0  # awaiting review: no reminder
    s.hazard_review(actor=world.officer, hazard=hazard, accept=False, reason="照片不清楚",
                    new_deadline=hazard.deadline + timedelta(days=2), expected_version=hazard.version)
    hazard.refresh_from_db()
    first = hazard.deadline
    assert s.hazard_reminders(now=on(first + timedelta(days=3))) == 1  # escalated for this deadline

    hazard.refresh_from_db()
    later = on(first + timedelta(days=3))
    h.services.hazard_evidence_add(actor=world.liaison, hazard=hazard, uploads=[h.png()], note="重新整改",
                                   expected_version=hazard.version)
    hazard.refresh_from_db()
    s.hazard_review(actor=world.officer, hazard=hazard, accept=False, reason="仍未整改",
                    new_deadline=s.today_in_shanghai() + timedelta(days=1), expected_version=hazard.version)
    hazard.refresh_from_db()

    assert s.hazard_reminders(now=on(hazard.deadline + timedelta(days=3))) == 1  # escalated again, new deadline
    assert s.hazard_reminders(now=later) == 0
    assert [k for k, _user in told(hazard)] == sorted([f"hazard:{hazard.pk}:escalated:{first:%Y%m%d}",
                                                      f"hazard:{hazard.pk}:escalated:{hazard.deadline:%Y%m%d}"])
