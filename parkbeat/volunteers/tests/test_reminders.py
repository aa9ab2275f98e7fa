"""Support expiry reminders: the periodic task and the command run the same service, tell the park's officer and
the team's captain once per record, and leave records outside the window alone."""
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from parkbeat.notifications.models import Notification
from parkbeat.volunteers import services
from parkbeat.volunteers.models import SupportRecord
from parkbeat.volunteers.tasks import remind_volunteer_support_task
from parkbeat.volunteers.tests.factories import Cast


@pytest.fixture
def cast(world):
    return Cast(world)


def recipients(support):
    return sorted(Notification.objects.filter(dedupe_key=f"volunteer-support-expiry:{support.pk}")
                  .values_list("recipient__username", flat=True))


def test_the_officer_and_the_captain_are_told_once(world, cast):
    first = services.remind_volunteer_support()
    second = services.remind_volunteer_support()

    assert (first, second) == (2, 0)  # station A's record and station B's
    assert recipients(cast.support) == ["t_officer", "t_volunteer"]  # the park's officer and the captain's account
    assert recipients(cast.other_support) == ["t_other_officer"]
    assert SupportRecord.objects.get(pk=cast.support.pk).reminded_at is not None
    note = Notification.objects.filter(recipient=world.officer).get()
    assert "队员李" in note.title and note.url == cast.member.get_absolute_url()


def test_the_window_is_a_setting(world, cast, settings):
    settings.PARKBEAT_VOLUNTEER_SUPPORT_REMIND_DAYS = 7
    today = timezone.localdate()
    later = SupportRecord.objects.create(volunteer=cast.captain, kind="insurance", provider="太平洋",
                                         starts_on=today, expires_on=today + timedelta(days=60),
                                         recorded_by=world.officer)

    assert services.remind_volunteer_support() == 1  # only station B's (5 days); A's is 10 days away
    assert recipients(cast.support) == [] and recipients(later) == []
    assert services.remind_volunteer_support(days=90) == 2
    assert recipients(later) == ["t_officer", "t_volunteer"]


def test_expired_records_and_members_who_left_are_not_reminded(world, cast):
    today = timezone.localdate()
    SupportRecord.objects.filter(pk=cast.other_support.pk).update(expires_on=today - timedelta(days=1))
    cast.member.status = "left"
    cast.member.save(update_fields=["status"])

    assert services.remind_volunteer_support() == 0
    assert not Notification.objects.exists()


def test_the_task_and_the_command_are_the_same_and_idempotent(world, cast):
    out = StringIO()

    remind_volunteer_support_task.call_local()
    call_command("remind_volunteer_support", stdout=out)

    assert out.getvalue().strip() == "0 support record(s) reminded"
    assert Notification.objects.count() == 3


def test_the_command_takes_a_window_and_refuses_nonsense(world, cast):
    out = StringIO()
    call_command("remind_volunteer_support", "--days", "3", stdout=out)
    assert out.getvalue().strip() == "0 support record(s) reminded"
    with pytest.raises(CommandError):
        call_command("remind_volunteer_support", "--days", "0")
