"""Hours served are credited from completed patrol runs only, as they happened; points, rankings by person
and team, for any period."""
from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from parkbeat.core.roles import Role
from parkbeat.incidents.models import Incident
from parkbeat.patrols import services as patrol_services
from parkbeat.patrols.models import PatrolRun
from parkbeat.patrols.tests.helpers import route
from parkbeat.testing import UserFactory, VolunteerTeamFactory, assign
from parkbeat.volunteers import hours
from parkbeat.volunteers.models import Volunteer
from parkbeat.volunteers.tests.factories import member

Z = timezone.get_default_timezone()


def T(day, hour, minute=0):
    """A time in November 2026 (day 31 is 1 December), Asia/Shanghai."""
    return timezone.make_aware(datetime(2026, 11, 1, 0, 0) + timedelta(days=day - 1, hours=hour, minutes=minute), Z)


class Crew:
    """Station A's team: the world's volunteer (captain) and a second volunteer with an account; a team of
    the second enterprise with one volunteer; station B's team with one volunteer."""

    def __init__(self, world):
        self.world = world
        self.route = route(world)
        self.captain = member(world.team, name="队长张", is_captain=True, user=world.volunteer)
        self.mate_user = assign(UserFactory(username="t_mate"), Role.VOLUNTEER, team=world.team)
        self.mate = member(world.team, name="队员李", user=self.mate_user)
        self.team2 = VolunteerTeamFactory(park=world.park, enterprise=world.enterprise2, name="新马电子义警队")
        self.user2 = assign(UserFactory(username="t_vol2"), Role.VOLUNTEER, team=self.team2)
        self.vol2 = member(self.team2, name="电子王", user=self.user2)
        self.other_team = VolunteerTeamFactory(park=world.other_park, enterprise=world.other_enterprise,
                                               name="群丰食品义警队")
        self.other_user = assign(UserFactory(username="t_othervol"), Role.VOLUNTEER, team=self.other_team)
        self.other = member(self.other_team, name="外所义警", user=self.other_user)

    def run(self, people, start, end=None, *, status=PatrolRun.Status.FINISHED, window=None, finding_by=None):
        """A run as the patrol services leave it (rows written directly to fix exact times)."""
        window = window or (start, start + timedelta(hours=4))
        run = PatrolRun.objects.create(route=self.route, park=self.world.park, started_at=start,
                                       finished_at=end, status=status, window_start=window[0],
                                       window_end=window[1], started_by=self.world.officer)
        run.participants.set([self.world.officer, *people])
        return run


@pytest.fixture
def crew(world):
    return Crew(world)


def seconds(volunteer, start, end):
    return hours.person_service(volunteer, start, end)["seconds"]


def test_a_finished_run_credits_each_volunteer_its_duration(crew):
    crew.run([crew.world.volunteer, crew.mate_user], T(3, 9), T(3, 10, 30))
    assert seconds(crew.captain, T(1, 0), T(30, 0)) == 5400
    assert seconds(crew.mate, T(1, 0), T(30, 0)) == 5400
    assert hours.person_service(crew.mate, T(1, 0), T(30, 0))["hours"] == 1.5


def test_a_running_run_credits_nothing(crew):
    crew.run([crew.world.volunteer], T(3, 9), None, status=PatrolRun.Status.RUNNING)
    assert seconds(crew.captain, T(1, 0), T(30, 0)) == 0


def test_a_run_auto_closed_by_the_sweep_credits_up_to_its_window_end(crew):
    run = crew.run([crew.world.volunteer], T(3, 9), None, status=PatrolRun.Status.RUNNING,
                   window=(T(3, 8), T(3, 11)))
    patrol_services.patrols_sweep(now=T(3, 12))
    run.refresh_from_db()
    assert run.status == PatrolRun.Status.AUTO_CLOSED and run.finished_at == T(3, 11)
    assert seconds(crew.captain, T(1, 0), T(30, 0)) == 2 * 3600


def test_a_run_is_held_inside_its_window(crew):
    """Started 20 minutes before its window opened, finished 30 after it closed: the window counts."""
    crew.run([crew.world.volunteer], T(4, 7, 40), T(4, 11, 30), window=(T(4, 8), T(4, 11)))
    assert seconds(crew.captain, T(1, 0), T(30, 0)) == 3 * 3600


def test_a_run_entered_after_the_fact_counts_when_it_happened(crew, world):
    plan_route = crew.route
    started = timezone.now() - timedelta(days=40)
    run = patrol_services.run_start(actor=world.officer, route=plan_route, participants=[world.volunteer],
                                    at=started, late_reason="补录纸质巡逻记录")
    patrol_services.run_finish(actor=world.officer, run=run, at=started + timedelta(hours=2),
                               late_reason="补录纸质巡逻记录")
    day = timezone.localtime(started).date()
    assert seconds(crew.captain, hours.local_day_start(day), hours.local_day_start(day + timedelta(days=2))) == 7200
    # nothing in the days it was recorded
    assert seconds(crew.captain, timezone.now() - timedelta(days=1), timezone.now()) == 0


def test_a_period_counts_only_its_part_of_a_run(crew):
    crew.run([crew.world.volunteer], T(30, 22), T(31, 1), window=(T(30, 22), T(31, 2)))
    assert seconds(crew.captain, T(1, 0), T(31, 0)) == 2 * 3600  # to midnight
    assert seconds(crew.captain, T(31, 0), T(32, 0)) == 3600
    assert seconds(crew.captain, T(20, 0), T(30, 0)) == 0


def test_officers_and_unvetted_members_are_not_credited(crew, world):
    nominee_user = assign(UserFactory(username="t_nominee"), Role.VOLUNTEER, team=world.team)
    nominee = member(world.team, name="候选王", user=nominee_user, status=Volunteer.Status.NOMINATED)
    crew.run([nominee_user], T(3, 9), T(3, 10))
    assert hours.person_service(nominee, T(1, 0), T(30, 0))["seconds"] == 0
    ranking = hours.team_ranking(user=world.leader, start=T(1, 0), end=T(30, 0))
    assert {t.name: t.seconds for t in ranking}[world.team.name] == 0  # the officer on the run is no member


def test_team_sums_and_points(crew, world):
    crew.run([world.volunteer, crew.mate_user], T(3, 9), T(3, 11))  # 2 h each
    run = crew.run([crew.user2], T(5, 9), T(5, 10))  # 1 h
    crew.run([crew.other_user], T(5, 9), T(5, 12))  # other station: 3 h
    incident_run = crew.run([crew.mate_user], T(6, 9), T(6, 9, 30))  # 0.5 h
    for who, on in ((crew.mate_user, incident_run), (crew.mate_user, incident_run), (crew.user2, run)):
        patrol_services.finding_report(actor=who, run=on, kind=Incident.Kind.FIRE_SAFETY, description="围墙破损",
                                       at=on.started_at + timedelta(minutes=5))
    teams = {t.name: t for t in hours.team_ranking(user=world.leader, start=T(1, 0), end=T(30, 0))}
    assert teams[world.team.name].seconds == 4.5 * 3600
    assert teams[world.team.name].findings == 2
    assert teams[world.team.name].points == 4.5 * 10 + 2 * 5
    assert teams[crew.team2.name].points == 10 + 5
    assert crew.other_team.name not in teams  # another station's team: not in the leader's scope
    people = list(hours.person_ranking(user=world.leader, start=T(1, 0), end=T(30, 0)))
    assert [(p.name, p.points, p.rank) for p in people] == [("队员李", 35.0, 1), ("队长张", 20.0, 2),
                                                            ("电子王", 15.0, 3)]
    assert hours.person_service(crew.mate, T(1, 0), T(30, 0)) == {
        "seconds": 9000.0, "hours": 2.5, "by_source": {"patrol": 9000.0, "guarding": 0.0, "outreach": 0.0},
        "bonuses": {"findings": 2}, "points": 35.0}


def test_enterprise_scope_liaison_sees_their_enterprise_only(crew, world):
    crew.run([crew.mate_user, crew.user2], T(3, 9), T(3, 10))
    names = {p.name for p in hours.person_ranking(user=world.liaison, start=T(1, 0), end=T(30, 0))}
    assert names == {"队长张", "队员李"}
    teams = {t.name for t in hours.team_ranking(user=world.liaison, start=T(1, 0), end=T(30, 0))}
    assert teams == {world.team.name}


def test_command_prints_the_ranking(crew, world, capsys):
    crew.run([crew.mate_user], T(3, 9), T(3, 11))
    call_command("volunteer_hours", "--from", "2026-11-01", "--to", "2026-11-30")
    out = capsys.readouterr().out
    assert "队员李" in out and "2.0" in out and "20.0" in out
    call_command("volunteer_hours", "--from", "2026-11-01", "--to", "2026-11-30", "--by", "team")
    out = capsys.readouterr().out
    assert world.team.name in out and "外所义警" not in out


def test_command_refuses_a_bad_period(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--from"):
        call_command("volunteer_hours", "--from", "2026-13-01", "--to", "2026-11-30")
    with pytest.raises(CommandError, match="366"):
        call_command("volunteer_hours", "--from", "2024-01-01", "--to", "2026-11-30")


# ---------------------------------------------------------------- guard shifts: a second hour source, reliability
def guard_shift(world, start, end, arrivals):
    """A shift of the first segment of a guarded line in park A; `arrivals` maps each user to when they
    checked in (None: never)."""
    from parkbeat.guarding.models import GuardShift, ShiftPerson
    from parkbeat.guarding.tests import helpers as g

    segment = getattr(world, "_segment", None)
    if segment is None:
        segment = world._segment = g.split(world, g.asset(world))[0]
    shift = GuardShift.objects.create(segment=segment, park=world.park, starts_at=start, ends_at=end,
                                      created_by=world.officer)
    for user, at in arrivals.items():
        ShiftPerson.objects.create(shift=shift, user=user, checked_in_at=at, checked_in_recorded_at=at)
    return shift


def test_guard_shifts_credit_from_arrival_to_the_end_once_ended(crew, world):
    now = timezone.now()
    guard_shift(world, now - timedelta(hours=8), now - timedelta(hours=4),
                {world.volunteer: now - timedelta(hours=7), crew.mate_user: now - timedelta(hours=9)})
    guard_shift(world, now - timedelta(hours=1), now + timedelta(hours=3), {world.volunteer: now - timedelta(hours=1)})
    crew.run([world.volunteer], now - timedelta(hours=3), now - timedelta(hours=2))
    service = hours.person_service(crew.captain, now - timedelta(days=1), now)
    assert service["by_source"] == {"patrol": 3600.0, "guarding": 3 * 3600.0, "outreach": 0.0}  # the shift under way: nothing yet
    assert service["seconds"] == 4 * 3600 and service["points"] == 40.0
    assert hours.person_service(crew.mate, now - timedelta(days=1), now)["seconds"] == 4 * 3600  # not before start
    teams = {t.name: t.seconds for t in hours.team_ranking(user=world.officer, start=now - timedelta(days=1), end=now)}
    assert teams[world.team.name] == 8 * 3600


def test_reliability_only_where_assigned(crew, world):
    now = timezone.now()
    assert hours.reliability(crew.captain, now - timedelta(days=1), now) is None
    crew.run([world.volunteer], now - timedelta(hours=3), now - timedelta(hours=2))  # joined, never assigned
    assert hours.reliability(crew.captain, now - timedelta(days=1), now) is None
    guard_shift(world, now - timedelta(hours=8), now - timedelta(hours=6), {world.volunteer: now - timedelta(hours=8)})
    guard_shift(world, now - timedelta(hours=5), now - timedelta(hours=4), {world.volunteer: None})
    guard_shift(world, now - timedelta(hours=1), now + timedelta(hours=1), {world.volunteer: None})  # not over yet
    assert hours.reliability(crew.captain, now - timedelta(days=1), now) == {
        "assigned": 2, "attended": 1, "no_shows": 1, "rate": 0.5}
    assert hours.person_service(crew.captain, now - timedelta(days=1), now)["by_source"]["guarding"] == 7200.0
