"""Gap alerts: the team captain and the park's officers are told before an uncovered interval starts, once per gap."""
from datetime import timedelta

from django.core.management import call_command

from parkbeat.guarding import services
from parkbeat.guarding.tests import helpers as h
from parkbeat.notifications.models import Notification
from parkbeat.testing import VolunteerFactory
from parkbeat.volunteers.models import Volunteer


def _covered_but_one_gap(world):
    """Both segments covered for the next 6 hours except segment 1 from hour 3 to hour 4."""
    line = h.asset(world)
    first, second = h.split(world, line)
    h.shift(world, first, h.hour(-1), h.hour(3), people=[world.volunteer])
    h.shift(world, first, h.hour(4), h.hour(8), people=[world.volunteer])
    h.shift(world, second, h.hour(-1), h.hour(8), people=[world.auxiliary])
    VolunteerFactory(team=world.team, user=world.volunteer, is_captain=True, status=Volunteer.Status.ACTIVE)
    return line, first


def test_the_captain_and_the_officers_are_told_once_before_the_gap(world):
    line, first = _covered_but_one_gap(world)
    now = h.hour(1) + timedelta(minutes=30)  # the gap opens in 1.5 hours: inside the 2-hour lead

    told = services.guarding_alerts(now=now)
    again = services.guarding_alerts(now=now + timedelta(minutes=10))

    sent = Notification.objects.filter(kind=Notification.Kind.GUARDING_GAP)
    assert (told, again) == (1, 0)
    assert sorted(n.recipient.username for n in sent) == ["t_officer", "t_volunteer"]
    assert {n.dedupe_key for n in sent} == {f"guarding-gap:{first.pk}:{h.hour(3).isoformat()}"}
    assert all(n.url == line.get_absolute_url() and str(first) in n.title for n in sent)


def test_nothing_is_told_while_the_gap_is_further_off_than_the_lead_time(world, settings):
    _covered_but_one_gap(world)
    settings.GUARDING_ALERT_LEAD_HOURS = 1

    assert services.guarding_alerts(now=h.hour(1)) == 0
    assert not Notification.objects.filter(kind=Notification.Kind.GUARDING_GAP).exists()


def test_a_gap_filled_before_the_alert_is_not_told(world):
    line, first = _covered_but_one_gap(world)
    h.shift(world, first, h.hour(3), h.hour(4), people=[world.officer])

    assert services.guarding_alerts(now=h.hour(2)) == 0


def test_the_command_tells_the_same_gap_once(world):
    _covered_but_one_gap(world)
    # an hour ahead of now the lead (2 h) reaches hour 3 only from hour 1 on: ask for a longer lead instead
    call_command("guarding_alerts", "--hours", "5")
    call_command("guarding_alerts", "--hours", "5")

    assert Notification.objects.filter(kind=Notification.Kind.GUARDING_GAP).count() == 2  # officer and captain
