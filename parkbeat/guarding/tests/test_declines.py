"""Declining a guard shift ahead of time, the reminders before a shift, and the no-shows after it."""
import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from parkbeat.guarding import selectors, services
from parkbeat.guarding.models import ShiftPerson
from parkbeat.guarding.tests import helpers as h
from parkbeat.notifications.models import Notification

# Routes whose permission tests live here (core/tests/test_url_coverage.py).
COVERS = ["guarding:shift_decline", "guard-shift-decline"]
from parkbeat.org.models import Role
from parkbeat.testing import UserFactory, VolunteerFactory, assign
from parkbeat.volunteers import hours
from parkbeat.volunteers.models import Volunteer


@pytest.fixture
def crew(world):
    """A line whose first segment (team world.team) has a shift from hour 20 to 24 with world.volunteer and a
    team mate on it; a captain of the team who is not on the shift."""
    line = h.asset(world)
    first, second = h.split(world, line)
    mate = assign(UserFactory(username="t_mate"), Role.VOLUNTEER, team=world.team)
    captain = assign(UserFactory(username="t_captain"), Role.VOLUNTEER, team=world.team)
    VolunteerFactory(team=world.team, user=captain, is_captain=True, status=Volunteer.Status.ACTIVE)
    shift = h.shift(world, first, h.hour(20), h.hour(24), people=[world.volunteer, mate])

    class Crew:
        pass
    c = Crew()
    c.line, c.first, c.second, c.mate, c.captain, c.shift = line, first, second, mate, captain, shift
    return c


def _gaps(crew):
    return [(s, e) for sid, s, e in selectors.asset_gaps(crew.line, [crew.first], h.hour(20), h.hour(24))]


def test_the_last_person_declining_reopens_the_gap_and_the_captain_is_told_once(world, crew):
    assert _gaps(crew) == []
    services.shift_decline(actor=world.volunteer, shift=crew.shift, reason="家里有事")
    assert _gaps(crew) == []  # the mate still covers it
    row, created = services.shift_decline(actor=crew.mate, shift=crew.shift, reason="出差")
    assert created and row.declined_reason == "出差" and not row.declined_late
    assert _gaps(crew) == [(h.hour(20), h.hour(24))]
    coverage = selectors.asset_coverage(crew.line, [crew.first], h.hour(20), h.hour(24), now=h.hour(21))
    assert coverage["gaps"] == [(crew.first.pk, h.hour(20), h.hour(24))] and coverage["not_checked_in"] == []
    assert ShiftPerson.objects.filter(shift=crew.shift).count() == 2  # the history is kept

    told = Notification.objects.filter(kind=Notification.Kind.GUARDING_GAP, dedupe_key=f"guarding-decline:{row.pk}")
    assert sorted(n.recipient.username for n in told) == ["t_captain", "t_officer"]
    assert all("t_mate" in n.title or crew.mate.display_name in n.title for n in told)
    assert "出差" in told[0].body


def test_a_double_decline_is_harmless(world, crew):
    first, created = services.shift_decline(actor=world.volunteer, shift=crew.shift, reason="家里有事")
    again, created_again = services.shift_decline(actor=world.volunteer, shift=crew.shift, reason="另一个原因")
    assert (created, created_again) == (True, False)
    assert again.declined_at == first.declined_at and again.declined_reason == "家里有事"
    assert Notification.objects.filter(dedupe_key=f"guarding-decline:{first.pk}").count() == 2


def test_a_decline_needs_a_reason_and_is_refused_once_the_shift_started(world, crew):
    with pytest.raises(ValidationError) as exc:
        services.shift_decline(actor=world.volunteer, shift=crew.shift, reason="  ")
    assert "reason" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.shift_decline(actor=world.volunteer, shift=crew.shift, reason="迟了",
                               now=h.hour(20) + timedelta(minutes=1))
    assert not ShiftPerson.objects.filter(declined_at__isnull=False).exists()


def test_late_flag_follows_the_setting(world, crew, settings):
    settings.GUARDING_LATE_DECLINE_HOURS = 12
    row, _ = services.shift_decline(actor=world.volunteer, shift=crew.shift, reason="生病",
                                    now=h.hour(20) - timedelta(hours=11))
    assert row.declined_late
    mate, _ = services.shift_decline(actor=crew.mate, shift=crew.shift, reason="出差",
                                     now=h.hour(20) - timedelta(hours=13))
    assert not mate.declined_late


def test_someone_not_on_the_shift_cannot_decline_it(world, crew):
    with pytest.raises(PermissionDenied):
        services.shift_decline(actor=crew.captain, shift=crew.shift, reason="代请假")
    with pytest.raises(PermissionDenied):
        services.shift_decline(actor=world.officer, shift=crew.shift, reason="代请假")


def test_a_declined_person_cannot_check_in_and_is_free_for_another_shift(world, crew):
    services.shift_decline(actor=world.volunteer, shift=crew.shift, reason="家里有事")
    with pytest.raises(ValidationError):
        services.shift_checkin(actor=world.volunteer, shift=crew.shift, at=h.hour(20))
    other = h.shift(world, crew.first, h.hour(21), h.hour(23), people=[world.volunteer])
    assert other.pk


def test_decline_on_the_page(world, crew, page_as):
    url = reverse("guarding:shift_decline", args=[crew.shift.pk])
    page = page_as(world.volunteer).get(reverse("guarding:my_shifts")).content.decode()
    assert url in page and 'name="reason"' in page
    response = page_as(world.volunteer).post(url, {"reason": "家里有事", "next": "mine"})
    assert response.status_code == 302 and response["Location"] == reverse("guarding:my_shifts")
    assert ShiftPerson.objects.get(shift=crew.shift, user=world.volunteer).declined_reason == "家里有事"
    page = page_as(world.volunteer).get(reverse("guarding:my_shifts")).content.decode()
    assert "guard-declined" in page and url not in page


def test_someone_else_cannot_decline_on_the_page(world, crew, page_as):
    url = reverse("guarding:shift_decline", args=[crew.shift.pk])
    assert page_as(crew.captain).post(url, {"reason": "代请假"}).status_code == 403
    assert page_as(world.other_officer).post(url, {"reason": "代请假"}).status_code in (403, 404)
    assert not ShiftPerson.objects.filter(declined_at__isnull=False).exists()


def test_decline_by_api(world, crew, api_as):
    url = f"/api/v1/guard-shifts/{crew.shift.pk}/decline/"
    bad = api_as(world.volunteer).post(url, {"reason": "家里有事", "late": True}, format="json")
    assert bad.status_code == 400 and "late" in bad.json()
    assert "reason" in api_as(world.volunteer).post(url, {}, format="json").json()
    assert api_as(crew.captain).post(url, {"reason": "代请假"}, format="json").status_code == 403
    assert api_as(world.other_officer).post(url, {"reason": "代请假"}, format="json").status_code == 404
    response = api_as(world.volunteer).post(url, {"reason": "家里有事"}, format="json")
    assert response.status_code == 200, response.json()
    mine = next(r for r in response.json()["roster"] if r["user"] == world.volunteer.pk)
    assert mine["declined_reason"] == "家里有事" and mine["declined_at"]
    assert api_as(world.volunteer).post(url, {"reason": "再次"}, format="json").status_code == 200


def test_a_reminder_goes_out_once_within_two_hours(world, crew):
    services.shift_decline(actor=crew.mate, shift=crew.shift, reason="出差")
    assert services.remind_guard_shifts(now=h.hour(17)) == 0  # three hours before
    assert services.remind_guard_shifts(now=h.hour(18) + timedelta(minutes=30)) == 1
    assert services.remind_guard_shifts(now=h.hour(19)) == 0
    sent = Notification.objects.filter(dedupe_key__startswith="guard-shift-reminder:")
    assert [n.recipient for n in sent] == [world.volunteer]  # not the mate who declined
    assert sent[0].url == crew.shift.get_absolute_url()


def test_the_reminder_command_is_safe_to_repeat(world, crew):
    near = h.shift(world, crew.second, h.hour(1), h.hour(3), people=[world.auxiliary])
    call_command("remind_guard_shifts")
    call_command("remind_guard_shifts")
    sent = Notification.objects.filter(dedupe_key__startswith="guard-shift-reminder:")
    assert [(n.recipient, n.object_id) for n in sent] == [(world.auxiliary, near.pk)]


def test_no_shows_are_listed_on_the_shift_and_asset_pages(world, crew, page_as):
    past = h.shift(world, crew.first, h.hour(-6), h.hour(-2), people=[world.volunteer, crew.mate])
    services.shift_checkin(actor=crew.mate, shift=past, at=h.hour(-6))
    assert [r.user for r in selectors.no_shows([crew.first], h.hour(-24))] == [world.volunteer]
    for user in (world.officer, crew.captain):
        shift_page = page_as(user).get(past.get_absolute_url()).content.decode()
        assert shift_page.count("no-show") == 1
        asset_page = page_as(user).get(crew.line.get_absolute_url()).content.decode()
        assert 'id="no-shows"' in asset_page
        assert re.findall(r'class="no-show-row" data-user="(\d+)"', asset_page) == [str(world.volunteer.pk)]
    plain = page_as(crew.mate).get(crew.line.get_absolute_url()).content.decode()
    assert 'id="no-shows"' not in plain


def test_late_declines_count_beside_no_shows_in_reliability(world, crew, page_as):
    me = VolunteerFactory(team=world.team, user=world.volunteer, status=Volunteer.Status.ACTIVE,
                          resident_id="110105194912310021")
    late = h.shift(world, crew.first, h.hour(-6), h.hour(-4), people=[world.volunteer])
    early = h.shift(world, crew.first, h.hour(-10), h.hour(-8), people=[world.volunteer])
    h.shift(world, crew.first, h.hour(-14), h.hour(-12), people=[world.volunteer])  # missed
    services.shift_decline(actor=world.volunteer, shift=late, reason="生病", now=h.hour(-7))
    services.shift_decline(actor=world.volunteer, shift=early, reason="出差", now=h.hour(-48))
    result = hours.reliability(me, h.hour(-24), h.hour(1))
    assert result == {"assigned": 2, "attended": 0, "no_shows": 1, "late_declines": 1, "rate": 0.0}
    page = page_as(world.volunteer).get(reverse("volunteers:my_service")).content.decode()
    assert 'id="late-declines"' in page


def test_the_periodic_task_sends_the_reminders(world, crew):
    from parkbeat.guarding.tasks import remind_guard_shifts_task

    h.shift(world, crew.second, h.hour(1), h.hour(3), people=[world.auxiliary])
    assert remind_guard_shifts_task.call_local() == 1
    assert remind_guard_shifts_task.call_local() == 0
