"""Organisation services and selectors: accounts, role assignments (三员分立), the duty roster, park figures."""
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from parkbeat.audit.models import AuditEvent
from parkbeat.core.scoping import access_for
from parkbeat.testing import EnterpriseFactory, ParkFactory, UserFactory, VolunteerFactory, assign
from parkbeat.org import selectors, services
from parkbeat.org.models import ApiToken, DutyShift, Role, RoleAssignment, User

GOOD_PASSWORD = "Pale-Harbour-Lantern-42"


@pytest.fixture(autouse=True)
def _english():
    """Service messages are compared in the msgid language, so they hold once translations arrive."""
    with translation.override("en"):
        yield


def messages_of(exc_info):
    return exc_info.value.messages


def events(object_type):
    return list(AuditEvent.objects.filter(object_type=object_type).order_by("id"))


def token_for(user):
    return ApiToken.objects.create(user=user, key_hash=f"hash-{user.pk}",
                                   expires_at=timezone.now() + timedelta(hours=1))


# ------------------------------------------------------------------ accounts
def test_user_create_stores_a_hashed_password_and_audits(world):
    user = services.user_create(actor=world.sysadmin, username="zhang_wei", password=GOOD_PASSWORD,
                                full_name="张伟", mobile="13812345678")

    user.refresh_from_db()
    assert (user.username, user.full_name, user.mobile, user.is_active) == ("zhang_wei", "张伟", "13812345678", True)
    assert user.check_password(GOOD_PASSWORD)
    assert user.password_changed_at is not None
    [event] = events("org.User")
    assert (event.verb, event.actor_username, event.object_id) == ("create", "t_sysadmin", str(user.pk))
    assert event.changes["mobile"] == [None, "138****5678"]
    assert event.changes["username"] == [None, "zhang_wei"]
    assert GOOD_PASSWORD not in str(event.changes)


def test_user_create_refuses_a_weak_password_and_creates_nothing(world):
    before = User.objects.count()

    with pytest.raises(ValidationError) as exc_info:
        services.user_create(actor=world.sysadmin, username="li_na", password="12345678")

    assert messages_of(exc_info) == [
        "This password is too short. It must contain at least 10 characters.",
        "The password needs at least 3 of: upper-case letters, lower-case letters, digits, other signs — or use "
        "a passphrase of 20 characters or more.",
        "This password is too common.", "This password is entirely numeric."]
    assert User.objects.count() == before
    assert events("org.User") == []


def test_user_create_refuses_a_username_differing_only_in_case(world):
    with pytest.raises(ValidationError) as exc_info:
        services.user_create(actor=world.sysadmin, username="T_Officer", password=GOOD_PASSWORD)

    assert exc_info.value.message_dict == {"username": ["A user with that username already exists."]}
    assert User.objects.filter(username__iexact="t_officer").count() == 1


@pytest.mark.parametrize("name", ["secadmin", "auditor", "leader", "officer"])
def test_only_the_system_admin_creates_accounts(world, name):
    before = User.objects.count()

    with pytest.raises(PermissionDenied):
        services.user_create(actor=getattr(world, name), username="newcomer", password=GOOD_PASSWORD)

    assert User.objects.count() == before


def test_disabling_a_user_revokes_tokens_and_audits_before_and_after(world):
    token = token_for(world.officer)

    services.user_set_active(actor=world.sysadmin, user=world.officer, active=False)

    world.officer.refresh_from_db()
    token.refresh_from_db()
    assert world.officer.is_active is False
    assert token.revoked_at is not None
    [event] = events("org.User")
    assert (event.verb, event.object_id) == ("update", str(world.officer.pk))
    assert event.changes == {"is_active": [True, False]}
    assert access_for(world.officer).roles == frozenset()


def test_the_system_admin_cannot_disable_their_own_account(world):
    with pytest.raises(ValidationError) as exc_info:
        services.user_set_active(actor=world.sysadmin, user=world.sysadmin, active=False)

    assert messages_of(exc_info) == ["You cannot disable your own account."]
    world.sysadmin.refresh_from_db()
    assert world.sysadmin.is_active is True
    assert events("org.User") == []


def test_password_reset_sets_the_password_revokes_tokens_and_audits(world):
    token = token_for(world.officer)

    services.user_set_password(actor=world.sysadmin, user=world.officer, password=GOOD_PASSWORD)

    world.officer.refresh_from_db()
    token.refresh_from_db()
    assert world.officer.check_password(GOOD_PASSWORD)
    assert token.revoked_at is not None
    [event] = events("org.User")
    assert (event.verb, event.note, event.changes) == ("update", "Password reset", {})


def test_password_reset_refuses_a_password_containing_the_username(world):
    with pytest.raises(ValidationError):
        services.user_set_password(actor=world.sysadmin, user=world.officer, password="t_officer2024")

    world.officer.refresh_from_db()
    assert world.officer.check_password("Correct-Horse-9")
    assert events("org.User") == []


# ------------------------------------------------------------------ role assignments
def test_role_assign_records_the_assignment_and_audits(world):
    person = UserFactory(username="wang_fang")

    assignment = services.role_assign(actor=world.secadmin, user=person, role=Role.AUXILIARY, park=world.park2)

    assert list(person.role_assignments.values_list("role", "park_id")) == [("auxiliary", world.park2.pk)]
    assert access_for(person).park_ids({"auxiliary"}) == {world.park2.pk}
    [event] = events("org.RoleAssignment")
    assert (event.verb, event.actor_username, event.object_id) == ("create", "t_secadmin", str(assignment.pk))
    assert event.changes["park"] == [None, world.park2.pk]


def test_role_assign_refuses_a_missing_place(world):
    person = UserFactory(username="wang_fang")

    with pytest.raises(ValidationError) as exc_info:
        services.role_assign(actor=world.secadmin, user=person, role=Role.PARK_OFFICER)

    assert exc_info.value.message_dict == {"park": ["This role needs a park."]}
    assert person.role_assignments.count() == 0


def test_role_assign_refuses_a_place_the_role_does_not_take(world):
    person = UserFactory(username="wang_fang")

    with pytest.raises(ValidationError) as exc_info:
        services.role_assign(actor=world.secadmin, user=person, role=Role.LIAISON, park=world.park,
                             enterprise=world.enterprise)

    assert exc_info.value.message_dict == {"park": ["This role does not take a park."]}
    assert person.role_assignments.count() == 0


def test_an_admin_role_cannot_join_another_role(world):
    with pytest.raises(ValidationError) as exc_info:
        services.role_assign(actor=world.secadmin, user=world.officer, role=Role.AUDITOR)

    assert messages_of(exc_info) == ["An administrator role cannot be combined with any other role."]
    assert list(world.officer.role_assignments.values_list("role", flat=True)) == ["park_officer"]


def test_an_administrator_cannot_take_a_second_role(world):
    with pytest.raises(ValidationError) as exc_info:
        services.role_assign(actor=world.secadmin, user=world.sysadmin, role=Role.AUDITOR)

    assert messages_of(exc_info) == ["An administrator role cannot be combined with any other role."]
    with pytest.raises(ValidationError) as exc_info:
        services.role_assign(actor=world.secadmin, user=world.auditor, role=Role.PARK_OFFICER, park=world.park)

    assert messages_of(exc_info) == ["This person is an administrator and cannot take another role."]
    assert list(world.auditor.role_assignments.values_list("role", flat=True)) == ["auditor"]
    assert events("org.RoleAssignment") == []


def test_the_security_admin_cannot_change_their_own_roles(world):
    own = world.secadmin.role_assignments.get()

    with pytest.raises(ValidationError) as exc_info:
        services.role_revoke(actor=world.secadmin, assignment=own)

    assert messages_of(exc_info) == ["You cannot change your own roles."]
    assert RoleAssignment.objects.filter(pk=own.pk).exists()
    assert events("org.RoleAssignment") == []


def test_role_revoke_deletes_audits_and_revokes_tokens(world):
    assignment = world.officer.role_assignments.get()
    pk = assignment.pk
    token = token_for(world.officer)

    services.role_revoke(actor=world.secadmin, assignment=assignment)

    token.refresh_from_db()
    assert not RoleAssignment.objects.filter(pk=pk).exists()
    assert token.revoked_at is not None
    [event] = events("org.RoleAssignment")
    assert (event.verb, event.object_id) == ("delete", str(pk))
    assert event.changes["role"] == ["park_officer", None]


@pytest.mark.parametrize("name", ["sysadmin", "auditor", "leader"])
def test_only_the_security_admin_assigns_roles(world, name):
    person = UserFactory(username="wang_fang")

    with pytest.raises(PermissionDenied):
        services.role_assign(actor=getattr(world, name), user=person, role=Role.AUXILIARY, park=world.park)

    assert person.role_assignments.count() == 0


# ------------------------------------------------------------------ duty roster
def at(hours):
    base = timezone.localtime().replace(hour=8, minute=0, second=0, microsecond=0) + timedelta(days=1)
    return base + timedelta(hours=hours)


def test_duty_shift_create_audits(world):
    shift = services.duty_shift_create(actor=world.officer, park=world.park, user=world.auxiliary,
                                       role=Role.AUXILIARY, starts_at=at(0), ends_at=at(12), note="夜巡")

    assert (shift.park, shift.user, shift.role, shift.note) == (world.park, world.auxiliary, "auxiliary", "夜巡")
    [event] = events("org.DutyShift")
    assert (event.verb, event.actor_username, event.object_id) == ("create", "t_officer", str(shift.pk))


def test_an_overlapping_shift_is_refused(world):
    services.duty_shift_create(actor=world.officer, park=world.park, user=world.officer,
                               starts_at=at(0), ends_at=at(12))

    with pytest.raises(ValidationError) as exc_info:
        services.duty_shift_create(actor=world.leader, park=world.park, user=world.officer, starts_at=at(11),
                                   ends_at=at(20))

    assert messages_of(exc_info) == [f"{world.officer} already has a shift in that period."]
    assert DutyShift.objects.count() == 1
    assert len(events("org.DutyShift")) == 1


def test_back_to_back_shifts_are_allowed(world):
    services.duty_shift_create(actor=world.officer, park=world.park, user=world.officer,
                               starts_at=at(0), ends_at=at(12))

    services.duty_shift_create(actor=world.officer, park=world.park, user=world.officer,
                               starts_at=at(12), ends_at=at(24))

    assert DutyShift.objects.count() == 2


def test_a_shift_ending_before_it_starts_is_refused(world):
    with pytest.raises(ValidationError) as exc_info:
        services.duty_shift_create(actor=world.officer, park=world.park, user=world.officer, starts_at=at(12),
                                   ends_at=at(4))

    assert messages_of(exc_info) == ["A shift must end after it starts."]
    assert DutyShift.objects.count() == 0
    assert events("org.DutyShift") == []


def test_a_shift_for_someone_without_that_role_in_the_park_is_refused(world):
    with pytest.raises(ValidationError) as exc_info:
        services.duty_shift_create(actor=world.leader, park=world.park, user=world.officer2, starts_at=at(0),
                                   ends_at=at(8))

    assert exc_info.value.message_dict == {"user": ["This person does not hold that role in this park."]}
    assert DutyShift.objects.count() == 0


@pytest.mark.parametrize("name", ["auxiliary", "officer2", "mediator", "sysadmin"])
def test_shifts_are_planned_only_by_leaders_and_the_park_officer(world, name):
    with pytest.raises(PermissionDenied):
        services.duty_shift_create(actor=getattr(world, name), park=world.park, user=world.officer, starts_at=at(0),
                                   ends_at=at(8))

    assert DutyShift.objects.count() == 0


def test_duty_shift_delete_audits(world):
    shift = services.duty_shift_create(actor=world.officer, park=world.park, user=world.officer, starts_at=at(0),
                                       ends_at=at(8))

    services.duty_shift_delete(actor=world.leader, shift=shift)

    assert DutyShift.objects.count() == 0
    assert [e.verb for e in events("org.DutyShift")] == ["create", "delete"]


def test_on_duty_prefers_the_roster_and_falls_back_to_the_park_officer(world):
    deputy = assign(UserFactory(username="t_deputy", full_name="副手"), Role.PARK_OFFICER, park=world.park)
    now = timezone.now()
    DutyShift.objects.create(park=world.park, user=deputy, starts_at=now - timedelta(hours=1),
                             ends_at=now + timedelta(hours=1))

    assert services.on_duty(park=world.park) == [deputy]
    assert services.on_duty(park=world.park, at=now + timedelta(hours=2)) == [world.officer, deputy]
    assert services.on_duty(park=world.park2) == [world.officer2]


# ------------------------------------------------------------------ selectors
def test_park_list_counts_open_enterprises_and_names_the_police_team(world):
    EnterpriseFactory(park=world.park, is_key=True, key_reason="危化品仓储")
    EnterpriseFactory(park=world.park, status="closed")

    parks = {p.name: p for p in selectors.park_list(user=world.leader)}

    assert sorted(parks) == ["新马工业园", "栗雨工业园"]
    xinma = parks["新马工业园"]
    assert (xinma.enterprise_count, xinma.key_enterprise_count) == (3, 1)
    assert [(a.role, a.user.username) for a in xinma.team_assignments] == [("auxiliary", "t_auxiliary"),
                                                                             ("park_officer", "t_officer")]
    assert (parks["栗雨工业园"].enterprise_count, parks["栗雨工业园"].key_enterprise_count) == (1, 0)


def test_park_list_follows_the_scope(world):
    assert [p.name for p in selectors.park_list(user=world.officer)] == ["新马工业园"]
    assert [p.name for p in selectors.park_list(user=world.agency_staff)] == ["新马工业园"]
    assert [p.name for p in selectors.park_list(user=world.other_officer)] == ["群丰园区"]
    for name in ("liaison", "volunteer", "sysadmin", "secadmin", "auditor", "nobody"):
        assert list(selectors.park_list(user=getattr(world, name))) == [], name


def test_park_team_counts_active_volunteers(world):
    VolunteerFactory(team=world.team, status="active", resident_id="11010519491231002X")
    VolunteerFactory(team=world.team, status="nominated", resident_id="110105194912310021")
    VolunteerFactory(team=world.team, status="left", resident_id="110105194912310048")

    team = selectors.park_team(user=world.officer, park=world.park)

    assert [u.username for u in team["officers"]] == ["t_officer"]
    assert [u.username for u in team["auxiliaries"]] == ["t_auxiliary"]
    assert [u.username for u in team["mediators"]] == ["t_mediator"]
    assert team["mediation_centre"].name == "新马园区调解中心"
    assert [a.name for a in team["agencies"]] == ["天元区消防救援大队"]
    [volunteer_team] = team["volunteer_teams"]
    assert (volunteer_team.name, volunteer_team.active_members, volunteer_team.all_members) == ("新马机械义警队", 1, 2)


def test_park_team_hides_volunteer_teams_from_roles_that_do_not_reach_them(world):
    assert selectors.park_team(user=world.mediator, park=world.park)["volunteer_teams"] == []


def test_park_map_data_draws_located_visible_enterprises_key_first_up_to_the_limit(world):
    park = world.park
    EnterpriseFactory(park=park, name="A机械厂", lon="113.100000", lat="27.800000")
    EnterpriseFactory(park=park, name="D化工厂", lon="113.110000", lat="27.810000", is_key=True, key_reason="粉尘涉爆")
    EnterpriseFactory(park=park, name="B电子厂", lon="113.120000", lat="27.820000")
    EnterpriseFactory(park=park, name="C食品厂", lon="113.130000", lat="27.830000", status="closed")
    EnterpriseFactory(park=world.other_park, name="E物流", lon="113.140000", lat="27.840000")

    data = selectors.park_map_data(user=world.officer, park=park, limit=2)

    assert data["enterprises"] == [
        {"id": data["enterprises"][0]["id"], "name": "D化工厂", "lat": 27.81, "lon": 113.11, "key": True},
        {"id": data["enterprises"][1]["id"], "name": "A机械厂", "lat": 27.8, "lon": 113.1, "key": False},
    ]
    assert data["detail_url"] == "/enterprises/0/"
    assert [e["name"] for e in selectors.park_map_data(user=world.officer, park=park)["enterprises"]] == [
        "D化工厂", "A机械厂", "B电子厂"]


def test_duty_candidates_are_the_active_police_of_the_parks(world):
    inactive = assign(UserFactory(username="t_gone", is_active=False), Role.AUXILIARY, park=world.park)

    names = [u.username for u in selectors.duty_candidates(parks=selectors.duty_parks(user=world.officer))]

    assert sorted(names) == ["t_auxiliary", "t_officer"]
    assert inactive.username not in names
    assert [p.name for p in selectors.duty_parks(user=world.auxiliary)] == []
    assert sorted(p.name for p in selectors.duty_parks(user=world.leader)) == ["新马工业园", "栗雨工业园"]


def test_a_new_park_appears_in_the_leaders_list(world):
    ParkFactory(station=world.station, name="云龙园区", code="yunlong")

    assert sorted(p.name for p in selectors.park_list(user=world.leader)) == ["云龙园区", "新马工业园", "栗雨工业园"]
