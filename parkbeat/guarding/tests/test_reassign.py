"""Giving a segment to another team rechecks the people on its upcoming shifts: a volunteer of the old team on
one of them refuses the reassignment, naming how many shifts and who (service, page, API), and nothing changes;
asked to release them, the service takes them off those shifts in the same transaction (the places reopen), tells
them and the new team's captain, and audits it. Shifts under way, arrivals and declines are left alone. Two
planners at once (PostgreSQL): the segment's lock orders a reassignment and an edit of one of its shifts."""
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection, connections
from django.urls import reverse
from django.utils import translation

from parkbeat.audit.models import AuditEvent
from parkbeat.guarding import services
from parkbeat.guarding.models import GuardShift, Segment, ShiftPerson
from parkbeat.guarding.tests import helpers as h
from parkbeat.notifications.models import Notification
from parkbeat.org.models import Role
from parkbeat.testing import UserFactory, VolunteerFactory, assign
from parkbeat.volunteers.models import Volunteer


@pytest.fixture
def line(world):
    """Park A's line: the first segment watched by world.team, the second by a second team with its captain;
    two upcoming shifts and one under way on the first segment, each with world.volunteer and an auxiliary."""
    asset = h.asset(world)
    first, second = h.split(world, asset)
    captain = assign(UserFactory(username="t_captain2", full_name="王队长"), Role.VOLUNTEER, team=second.team)
    VolunteerFactory(team=second.team, user=captain, is_captain=True, status=Volunteer.Status.ACTIVE)
    people = [world.volunteer, world.auxiliary]
    return {"asset": asset, "first": first, "second": second, "team2": second.team, "captain": captain,
            "soon": h.shift(world, first, h.hour(2), h.hour(6), people=people),
            "later": h.shift(world, first, h.hour(30), h.hour(34), people=people),
            "under_way": h.shift(world, first, h.hour(-1), h.hour(1), people=people)}


def _fresh(segment):
    return Segment.objects.get(pk=segment.pk)


def _people(shift):
    return sorted(ShiftPerson.objects.filter(shift=shift).values_list("user_id", flat=True))


def test_a_reassignment_is_refused_naming_how_many_upcoming_shifts_and_who(world, line):
    segment = _fresh(line["first"])
    audits = AuditEvent.objects.count()

    with pytest.raises(services.ReleaseNeeded) as exc:
        services.segment_assign(actor=world.officer, segment=segment, team=line["team2"],
                                expected_version=segment.version)

    message = " ".join(exc.value.message_dict["team"])
    assert message.startswith(f"2 upcoming shifts have people who are not of {line['team2'].name}:")
    assert world.volunteer.display_name in message and world.auxiliary.display_name not in message
    assert [shift.pk for shift, _rows in exc.value.conflicts] == [line["soon"].pk, line["later"].pk]
    stored = _fresh(segment)
    assert (stored.team_id, stored.version) == (world.team.pk, segment.version)
    assert all(world.volunteer.pk in _people(line[k]) for k in ("soon", "later", "under_way"))
    assert AuditEvent.objects.count() == audits and not Notification.objects.filter(
        dedupe_key__startswith="guarding-release").exists()


def test_one_shift_is_named_in_the_singular(world, line):
    services.shift_cancel(actor=world.officer, shift=line["later"], expected_version=line["later"].version)
    with pytest.raises(ValidationError) as exc:
        services.segment_assign(actor=world.officer, segment=_fresh(line["first"]), team=line["team2"])

    assert exc.value.message_dict["team"][0].startswith(f"1 upcoming shift has people who are not of {line['team2'].name}: ")


def test_released_people_leave_the_upcoming_shifts_the_others_stay_and_everyone_concerned_is_told(world, line):
    segment = _fresh(line["first"])
    loaded = segment.version

    obj = services.segment_assign(actor=world.officer, segment=segment, team=line["team2"],
                                  expected_version=loaded, release_conflicting=True)

    assert _fresh(segment).team_id == line["team2"].pk and obj.version == loaded + 1
    for key in ("soon", "later"):
        assert _people(line[key]) == [world.auxiliary.pk]  # the police of the park stay
        assert GuardShift.objects.get(pk=line[key].pk).version == line[key].version + 1
    assert world.volunteer.pk in _people(line["under_way"])  # already under way: not released
    told = Notification.objects.filter(dedupe_key__startswith="guarding-release")
    assert sorted(told.filter(recipient=world.volunteer).values_list("object_id", flat=True)) == sorted(
        [line["soon"].pk, line["later"].pk])
    captain = told.get(recipient=line["captain"])
    assert captain.title.startswith("Guarding gap: places reopened on") and "(shifts: 2)" in captain.title
    assert world.volunteer.display_name in captain.body
    assert not told.filter(recipient=world.officer).exists()  # the actor is not told what they did
    events = AuditEvent.objects.filter(object_type="guarding.GuardShift", verb="update", note__startswith="Released")
    assert sorted(events.values_list("object_id", flat=True)) == sorted(str(line[k].pk) for k in ("soon", "later"))
    assert AuditEvent.objects.filter(object_type="guarding.Segment", object_id=str(segment.pk)).exists()


def test_the_reopened_place_is_a_gap_and_takes_the_new_teams_volunteer(world, line):
    services.shift_cancel(actor=world.officer, shift=line["soon"], expected_version=line["soon"].version)
    soon = h.shift(world, line["first"], h.hour(2), h.hour(6), people=[world.volunteer])
    services.segment_assign(actor=world.officer, segment=_fresh(line["first"]), team=line["team2"],
                            release_conflicting=True)

    assert not GuardShift.objects.get(pk=soon.pk).staffed
    assert any(start <= h.hour(2) < end for sid, start, end in services_gaps(line, soon))
    shift = GuardShift.objects.get(pk=soon.pk)
    services.shift_update(actor=world.officer, shift=shift, data={}, people=[line["captain"]],
                          expected_version=shift.version)
    assert _people(soon) == [line["captain"].pk]


def services_gaps(line, shift):
    from parkbeat.guarding.selectors import asset_gaps

    return [g for g in asset_gaps(line["asset"], [_fresh(line["first"])], h.hour(0), h.hour(8))]


def test_arrivals_and_declines_are_not_conflicts(world, line):
    from datetime import timedelta

    now = h.timezone.now().replace(second=0, microsecond=0)
    for key in ("soon", "under_way"):  # out of the way of a shift starting in 20 minutes
        services.shift_cancel(actor=world.officer, shift=line[key], expected_version=line[key].version)
    early = h.shift(world, line["first"], now + timedelta(minutes=20), now + timedelta(minutes=50),
                    people=[world.volunteer])
    services.shift_checkin(actor=world.volunteer, shift=early)  # arrived early: on duty, not released
    services.shift_decline(actor=world.volunteer, shift=line["later"], reason="出差")  # no longer covers it

    obj = services.segment_assign(actor=world.officer, segment=_fresh(line["first"]), team=line["team2"])

    assert obj.team_id == line["team2"].pk
    assert _people(early) == [world.volunteer.pk] and world.volunteer.pk in _people(line["later"])
    assert not Notification.objects.filter(dedupe_key__startswith="guarding-release").exists()


def test_a_team_of_another_park_and_a_stale_version_change_nothing(world, line):
    from parkbeat.core.services import ConflictError
    from parkbeat.testing import VolunteerTeamFactory

    segment = _fresh(line["first"])
    with pytest.raises(ValidationError) as exc:
        services.segment_assign(actor=world.officer, segment=segment,
                                team=VolunteerTeamFactory(park=world.other_park, name="外站义警队"),
                                release_conflicting=True)
    assert exc.value.message_dict["team"] == ["This team is not of this park."]
    with pytest.raises(ConflictError):
        services.segment_assign(actor=world.officer, segment=segment, team=line["team2"],
                                expected_version=segment.version - 1 if segment.version > 1 else 99,
                                release_conflicting=True)
    assert _fresh(segment).team_id == world.team.pk and world.volunteer.pk in _people(line["soon"])


def test_a_volunteer_cannot_reassign(world, line):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.segment_assign(actor=world.volunteer, segment=_fresh(line["first"]), team=line["team2"],
                                release_conflicting=True)
    assert world.volunteer.pk in _people(line["soon"])


def test_taking_the_team_away_releases_nobody_of_the_park(world, line):
    obj = services.segment_assign(actor=world.officer, segment=_fresh(line["first"]), team=None)

    assert obj.team_id is None and world.volunteer.pk in _people(line["soon"])


def test_a_double_submit_releases_once(world, line):
    segment = _fresh(line["first"])
    services.segment_assign(actor=world.officer, segment=segment, team=line["team2"], release_conflicting=True)
    moved = _fresh(segment).version
    again = services.segment_assign(actor=world.officer, segment=_fresh(segment), team=line["team2"],
                                    release_conflicting=True)

    assert again.version == moved
    assert Notification.objects.filter(recipient=world.volunteer, dedupe_key__startswith="guarding-release").count() == 2


# ---------------------------------------------------------------- page
def test_the_page_asks_to_confirm_naming_the_shifts_and_people_then_releases(world, line, page_as, english_pages):
    client = page_as(world.officer)
    segment = _fresh(line["first"])
    url = reverse("guarding:segment_assign", args=[segment.pk])

    asked = client.post(url, {"version": segment.version, "team": line["team2"].pk})

    assert asked.status_code == 200
    page = asked.content.decode()
    assert f"2 upcoming shifts have people who are not of {line['team2'].name}:" in page
    assert page.count('class="list-group-item') >= 2 and world.volunteer.display_name in page
    assert 'name="release_conflicting" value="1"' in page and _fresh(segment).team_id == world.team.pk

    done = client.post(url, {"version": segment.version, "team": line["team2"].pk, "release_conflicting": "1"})

    assert done.status_code == 302 and _fresh(segment).team_id == line["team2"].pk
    assert _people(line["soon"]) == [world.auxiliary.pk]


def test_the_page_confirmation_with_a_stale_version_changes_nothing(world, line, page_as, english_pages):
    client = page_as(world.officer)
    segment = _fresh(line["first"])
    loaded = segment.version
    services.segment_assign(actor=world.leader, segment=_fresh(segment), team=None)  # someone else meanwhile

    response = client.post(reverse("guarding:segment_assign", args=[segment.pk]),
                           {"version": loaded, "team": line["team2"].pk, "release_conflicting": "1"},
                           follow=True)

    assert "changed by someone else" in response.content.decode()
    assert _fresh(segment).team_id is None and world.volunteer.pk in _people(line["soon"])


# ---------------------------------------------------------------- API
def test_the_api_refuses_with_400_on_team_then_releases_when_asked(world, line, api_as):
    api = api_as(world.officer)
    segment = _fresh(line["first"])

    refused = api.patch(f"/api/v1/guard-segments/{segment.pk}/", {"team": line["team2"].pk,
                                                                 "version": segment.version},
                        format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert refused.status_code == 400, refused.content
    assert refused.json()["team"][0].startswith(f"2 upcoming shifts have people who are not of {line['team2'].name}:")
    done = api.patch(f"/api/v1/guard-segments/{segment.pk}/", {"team": line["team2"].pk, "version": segment.version,
                                                              "release_conflicting": True},
                     format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert done.status_code == 200, done.content
    assert done.json()["team"] == line["team2"].pk and "release_conflicting" not in done.json()
    assert _people(line["later"]) == [world.auxiliary.pk]


def test_the_api_refuses_release_conflicting_that_is_not_a_boolean(world, line, api_as):
    segment = _fresh(line["first"])
    response = api_as(world.officer).patch(f"/api/v1/guard-segments/{segment.pk}/", {
        "team": line["team2"].pk, "version": segment.version, "release_conflicting": "perhaps"}, format="json")

    assert response.status_code == 400 and "release_conflicting" in response.json()
    assert _fresh(segment).team_id == world.team.pk


# ---------------------------------------------------------------- the race
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_reassignment_and_an_edit_adding_an_old_team_volunteer_at_once_leave_no_outsider(world):
    if connection.vendor != "postgresql":
        pytest.skip("row locks: runs in the PostgreSQL phase (DATABASE_URL=postgres://...)")
    asset = h.asset(world)
    first, second = h.split(world, asset)
    for n in range(4):
        extra = assign(UserFactory(username=f"t_old_team_{n}"), Role.VOLUNTEER, team=world.team)
        segment = Segment.objects.get(pk=first.pk)
        if segment.team_id != world.team.pk:
            services.segment_assign(actor=world.officer, segment=segment, team=world.team)
        shift = h.shift(world, first, h.hour(2 + 6 * n), h.hour(6 + 6 * n), people=[world.auxiliary])
        barrier, errors = threading.Barrier(2), []

        def reassign():
            services.segment_assign(actor=world.leader, segment=Segment.objects.get(pk=first.pk), team=second.team)

        def add(shift=shift, extra=extra):
            fresh = GuardShift.objects.get(pk=shift.pk)
            services.shift_update(actor=world.officer, shift=fresh, data={}, people=[world.auxiliary, extra],
                                  expected_version=fresh.version)

        def work(fn):
            try:
                close_old_connections()
                translation.activate("en")
                barrier.wait()
                fn()
            except BaseException as exc:  # noqa: BLE001 - collected and asserted below
                errors.append(exc)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=work, args=(fn,)) for fn in (reassign, add)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        assert len(errors) == 1 and isinstance(errors[0], ValidationError), errors
        team = Segment.objects.get(pk=first.pk).team_id
        people = _people(shift)
        if team == second.team_id:  # the reassignment went first: the edit was refused on its people
            assert people == [world.auxiliary.pk] and "people" in errors[0].message_dict
        else:  # the edit went first: the reassignment was refused naming the volunteer
            assert extra.pk in people and "team" in errors[0].message_dict
