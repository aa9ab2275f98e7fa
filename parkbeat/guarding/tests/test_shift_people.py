"""Who may be on a shift: on a segment given to a team, that team's volunteers and the police of the park; a
volunteer of another team or a person of another station is refused naming the people field (service, page,
API), and nothing is stored. Two planners putting one person on two shifts at once: the people's rows are
locked before the overlap check, so exactly one shift is made."""
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection, connections
from django.urls import reverse
from django.utils import translation

from parkbeat.guarding import services
from parkbeat.guarding.models import GuardShift, Segment, ShiftPerson
from parkbeat.guarding.tests import helpers as h
from parkbeat.org.models import Role
from parkbeat.testing import UserFactory, VolunteerTeamFactory, assign

FMT = "%Y-%m-%dT%H:%M"


@pytest.fixture
def line(world):
    """Park A's line: the first segment watched by world.team, the second by a second team; a volunteer of
    that second team, a volunteer of the other station's park."""
    asset = h.asset(world)
    first, second = h.split(world, asset)
    stranger_team = VolunteerTeamFactory(park=world.other_park, name="群丰义警队")
    return {"asset": asset, "first": first, "second": second,
            "team2_volunteer": assign(UserFactory(username="t_team2_volunteer", full_name="李二队"), Role.VOLUNTEER,
                                      team=second.team),
            "stranger": assign(UserFactory(username="t_stranger"), Role.VOLUNTEER, team=stranger_team)}


def _people_error(exc):
    return " ".join(exc.value.message_dict["people"])


def test_a_teams_segment_takes_its_volunteers_and_the_police_of_the_park(world, line):
    shift = h.shift(world, line["first"], h.hour(1), h.hour(5),
                    people=[world.volunteer, world.officer, world.auxiliary, world.leader])

    assert sorted(shift.roster.values_list("user_id", flat=True)) == sorted(
        u.pk for u in (world.volunteer, world.officer, world.auxiliary, world.leader))


def test_a_volunteer_of_another_team_is_refused_naming_them_and_the_team(world, line):
    with pytest.raises(ValidationError) as exc:
        h.shift(world, line["first"], h.hour(1), h.hour(5), people=[world.auxiliary, line["team2_volunteer"]])

    message = _people_error(exc)
    assert "李二队" in message and world.team.name in message and str(line["first"]) in message
    assert GuardShift.objects.count() == 0 and ShiftPerson.objects.count() == 0


def test_a_person_of_another_station_is_refused_by_id_only(world, line):
    with pytest.raises(ValidationError) as exc:
        h.shift(world, line["first"], h.hour(1), h.hour(5), people=[line["stranger"]])

    assert _people_error(exc) == f"Not of this park: the people with id {line['stranger'].pk}."
    assert GuardShift.objects.count() == 0


def test_a_segment_without_a_team_takes_volunteers_of_any_team_of_the_park(world, line):
    services.segment_assign(actor=world.officer, segment=line["second"], team=None,
                            expected_version=line["second"].version)
    line["second"].refresh_from_db()

    shift = h.shift(world, line["second"], h.hour(1), h.hour(5), people=[world.volunteer, line["team2_volunteer"]])

    assert shift.roster.count() == 2


def _give(world, segment, team):
    segment = Segment.objects.get(pk=segment.pk)
    return services.segment_assign(actor=world.officer, segment=segment, team=team, expected_version=segment.version)


def test_an_edit_keeps_who_is_on_it_but_adds_no_one_of_another_team(world, line):
    shift = h.shift(world, line["first"], h.hour(-1), h.hour(3), people=[world.volunteer])
    _give(world, line["first"], line["second"].team)  # changing hands under way: its volunteer stays on
    shift = GuardShift.objects.get(pk=shift.pk)

    services.shift_update(actor=world.officer, shift=shift, data={"note": "交接"}, expected_version=shift.version)
    _give(world, line["first"], world.team)
    shift = GuardShift.objects.get(pk=shift.pk)
    with pytest.raises(ValidationError) as exc:
        services.shift_update(actor=world.officer, shift=shift, data={},
                              people=[world.volunteer, line["team2_volunteer"]], expected_version=shift.version)

    assert "李二队" in _people_error(exc)
    stored = GuardShift.objects.get(pk=shift.pk)
    assert (list(stored.roster.values_list("user_id", flat=True)), stored.note) == ([world.volunteer.pk], "交接")


@pytest.mark.parametrize("who", ["team2_volunteer", "stranger"])
def test_the_page_refuses_them_as_an_error_of_the_people_field(world, line, page_as, settings, who):
    client = page_as(world.officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    first = line["first"]
    local = h.timezone.localtime

    form_page = client.get(reverse("guarding:shift_create") + f"?segment={first.pk}")
    response = client.post(reverse("guarding:shift_create") + f"?segment={first.pk}", {
        "segment": first.pk, "starts_at": local(h.hour(2)).strftime(FMT), "ends_at": local(h.hour(6)).strftime(FMT),
        "people": [world.volunteer.pk, line[who].pk]})

    offered = {u.pk for u in form_page.context["form"].fields["people"].queryset}
    assert world.volunteer.pk in offered and world.auxiliary.pk in offered and line[who].pk not in offered
    assert response.status_code == 200
    assert response.context["form"].errors["people"] == [
        f"Choose volunteers of the segment's team or the police of the park ({line[who].pk} is neither)."]
    assert GuardShift.objects.count() == 0


@pytest.mark.parametrize("who,expected", [
    ("team2_volunteer", "Not of 新马机械义警队, the team that watches Segment 1 (0–1500 m): 李二队."),
    ("stranger", "Not of this park: the people with id {pk}."),
])
def test_the_api_refuses_them_with_400_naming_the_people_field(world, line, api_as, who, expected):
    response = api_as(world.officer).post("/api/v1/guard-shifts/", {
        "segment": line["first"].pk, "starts_at": h.hour(2).isoformat(), "ends_at": h.hour(6).isoformat(),
        "people": [world.volunteer.pk, line[who].pk]}, format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert response.json()["people"][0].startswith(expected.format(pk=line[who].pk))
    assert GuardShift.objects.count() == 0


def test_the_api_refuses_another_teams_volunteer_on_an_edit_too(world, line, api_as):
    shift = h.shift(world, line["first"], h.hour(1), h.hour(5))

    response = api_as(world.officer).patch(f"/api/v1/guard-shifts/{shift.pk}/", {
        "people": [world.volunteer.pk, line["team2_volunteer"].pk], "version": shift.version}, format="json",
        HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400 and "李二队" in response.json()["people"][0]
    assert list(shift.roster.values_list("user_id", flat=True)) == [world.volunteer.pk]


# ---------------------------------------------------------------- the overlap race
def test_the_people_are_locked_in_id_order_before_the_overlap_check(world, line, monkeypatch):
    calls = []
    lock, check = services._lock_people, services._check_shift
    monkeypatch.setattr(services, "_lock_people", lambda people: calls.append(("lock", lock(people))) or calls[-1][1])
    monkeypatch.setattr(services, "_check_shift", lambda *a, **k: calls.append(("check",)) or check(*a, **k))
    people = sorted([world.volunteer, world.auxiliary, world.officer], key=lambda u: -u.pk)

    shift = h.shift(world, line["first"], h.hour(1), h.hour(5), people=people)
    services.shift_update(actor=world.officer, shift=shift, data={"note": "改"}, expected_version=shift.version)

    ids = sorted(u.pk for u in people)
    assert calls == [("lock", ids), ("check",), ("lock", ids), ("check",)]


def test_the_lock_is_a_select_for_update_of_the_user_rows(world):
    from django.test.utils import CaptureQueriesContext

    if not connection.features.has_select_for_update:
        pytest.skip("SQLite serialises writers with IMMEDIATE transactions; FOR UPDATE runs on PostgreSQL")
    with CaptureQueriesContext(connection) as queries:
        with services.transaction.atomic():
            services._lock_people([world.volunteer, world.officer])

    sql = [q["sql"] for q in queries.captured_queries if "org_user" in q["sql"]]
    assert len(sql) == 1 and "FOR UPDATE" in sql[0] and "ORDER BY" in sql[0]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_planners_putting_one_person_on_two_overlapping_shifts_at_once_make_one(world):
    if connection.vendor != "postgresql":
        pytest.skip("row locks: runs in the PostgreSQL phase (DATABASE_URL=postgres://...)")
    asset = h.asset(world)
    first, second = h.split(world, asset)
    planners = [world.officer, world.leader]
    for n in range(5):  # several rounds, so a race that a missing lock would lose shows up
        person = assign(UserFactory(username=f"t_race_{n}"), Role.AUXILIARY, park=world.park)
        barrier, errors = threading.Barrier(2), []

        def work(i, person=person, n=n):
            try:
                close_old_connections()
                translation.activate("en")  # a new thread starts in the default language
                barrier.wait()
                services.shift_create(actor=planners[i], segment=(first, second)[i], starts_at=h.hour(2 + 6 * n),
                                      ends_at=h.hour(6 + 6 * n), people=[person])
            except BaseException as exc:  # noqa: BLE001 - collected and asserted below
                errors.append(exc)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        assert len(errors) == 1 and isinstance(errors[0], ValidationError), errors
        assert "already on another shift" in " ".join(errors[0].message_dict["people"])
        assert ShiftPerson.objects.filter(user=person).count() == 1
