"""Who sees and does what with volunteers, through the pages, the API and the export (SECURITY B1, B2, B4, D2).

Station A: the world's team (enterprise of `liaison`, park of `officer`), its captain is the `volunteer`
account; station B has a team of its own. Another station's record is a 404, a role without the
right a 403, and a refused write changes nothing."""
import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from parkbeat.volunteers.models import SupportRecord, Training, Volunteer, VolunteerTeam
from parkbeat.volunteers.tests.factories import CANDIDATE_ID, Cast

COVERS = {
    "volunteers:volunteer_list", "volunteers:my_volunteer", "volunteers:volunteer_detail",
    "volunteers:volunteer_update", "volunteers:volunteer_vet", "volunteers:volunteer_status",
    "volunteers:training_create", "volunteers:support_create", "volunteers:team_list", "volunteers:team_create",
    "volunteers:team_detail", "volunteers:team_update", "volunteers:team_captain", "volunteers:nominate",
    "volunteer-list", "volunteer-detail", "volunteer-approve", "volunteer-reject", "volunteer-transition",
    "volunteer-team-list", "volunteer-team-detail", "volunteer-team-captain",
    "volunteer-training-list", "volunteer-training-detail", "volunteer-support-list", "volunteer-support-detail",
}

ALL = ["leader", "officer", "auxiliary", "mediator", "agency_staff", "liaison", "volunteer", "sysadmin", "secadmin",
       "auditor"]
VIEWERS = {"leader", "officer", "auxiliary", "liaison", "volunteer"}
FULL = {"leader", "officer", "auxiliary", "liaison"}  # see every member of the team
VETTERS = {"leader", "officer"}
POLICE = {"leader", "officer", "auxiliary"}


@pytest.fixture
def cast(world):
    return Cast(world)


def fingerprint():
    return (sorted(Volunteer.objects.values_list("id", "version", "status", "is_captain", "name")),
            sorted(VolunteerTeam.objects.values_list("id", "version", "name")),
            Training.objects.count(), SupportRecord.objects.count())


def user_of(world, role):
    return world.role_users()[role]


# ---------------------------------------------------------------- lists: pages, API, export
@pytest.mark.parametrize("role", ALL)
def test_volunteer_list_page_and_api_show_exactly_the_role_s_scope(world, cast, client, api_as, role):
    user = user_of(world, role)
    client.force_login(user)

    page = client.get(reverse("volunteers:volunteer_list"))
    api = api_as(user).get(reverse("volunteer-list"))

    if role not in VIEWERS:
        assert (page.status_code, api.status_code) == (403, 403)
        return
    assert (page.status_code, api.status_code) == (200, 200)
    names = sorted(row["name"] for row in api.json()["results"])
    expected = ["候选王", "队员李", "队长张"] if role in FULL else ["队长张"]  # a volunteer: their own record
    assert names == expected
    body = page.content.decode()
    assert all(name in body for name in expected) and "外所义警" not in body
    assert cast.captain.resident_id not in body and cast.captain.resident_id_masked in body


@pytest.mark.parametrize("role", ["officer", "liaison", "leader"])
def test_the_export_holds_the_scope_with_resident_ids_masked(world, cast, client, role):
    client.force_login(user_of(world, role))

    response = client.get(reverse("volunteers:volunteer_list") + "?export=csv")

    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    names = sorted(row[header.index("姓名") if "姓名" in header else 0] for row in body)
    assert names == ["候选王", "队员李", "队长张"]
    ids = {row[header.index(next(h for h in header if "身份证" in h or "Resident" in h))] for row in body}
    assert cast.captain.resident_id_masked in ids and cast.captain.resident_id not in response.content.decode()


@pytest.mark.parametrize("role", ["sysadmin", "auditor", "mediator", "agency_staff"])
def test_the_export_is_refused_to_roles_without_the_list(world, cast, client, role):
    client.force_login(user_of(world, role))

    assert client.get(reverse("volunteers:volunteer_list") + "?export=csv").status_code == 403


def test_another_station_s_officer_sees_none_of_station_a(world, cast, client, api_as):
    client.force_login(world.other_officer)

    listed = [row["name"] for row in api_as(world.other_officer).get(reverse("volunteer-list")).json()["results"]]

    assert listed == ["外所义警"]
    assert client.get(reverse("volunteers:volunteer_detail", args=[cast.member.pk])).status_code == 404
    assert client.get(reverse("volunteers:team_detail", args=[cast.team.pk])).status_code == 404
    assert api_as(world.other_officer).get(reverse("volunteer-detail", args=[cast.member.pk])).status_code == 404
    assert api_as(world.other_officer).get(reverse("volunteer-team-detail", args=[cast.team.pk])).status_code == 404


# ---------------------------------------------------------------- one record
@pytest.mark.parametrize("role", ALL)
def test_a_member_s_record_is_seen_by_police_and_liaison_only(world, cast, client, api_as, role):
    user = user_of(world, role)
    client.force_login(user)

    page = client.get(reverse("volunteers:volunteer_detail", args=[cast.member.pk]))
    api = api_as(user).get(reverse("volunteer-detail", args=[cast.member.pk]))

    expected = 200 if role in FULL else 403 if role not in VIEWERS else 404
    assert page.status_code == expected
    assert api.status_code == (200 if role in FULL else 404)
    if role in FULL:
        assert api.json()["resident_id"] == cast.member.resident_id_masked
        assert [t["topic"] for t in api.json()["trainings"]] == ["消防器材使用"]


def test_a_volunteer_reads_their_own_record_and_the_team_roster_names_only(world, cast, client, api_as):
    client.force_login(world.volunteer)

    mine = client.get(reverse("volunteers:my_volunteer"))
    team = client.get(reverse("volunteers:team_detail", args=[cast.team.pk]))
    api_team = api_as(world.volunteer).get(reverse("volunteer-team-detail", args=[cast.team.pk])).json()

    assert mine.status_code == 200 and team.status_code == 200
    body = mine.content.decode()
    assert "队长张" in body and "队员李" in body and cast.captain.resident_id_masked in body
    assert cast.member.resident_id_masked not in body and cast.member.mobile_masked not in team.content.decode()
    assert "候选王" not in team.content.decode()  # a nomination is not a member yet
    assert api_team["roster"] == [{"name": "队长张", "is_captain": True}, {"name": "队员李", "is_captain": False}]
    assert client.get(reverse("volunteers:volunteer_detail", args=[cast.captain.pk])).status_code == 200
    assert api_as(world.volunteer).get(reverse("volunteer-detail", args=[cast.member.pk])).status_code == 404


@pytest.mark.parametrize("role", ["leader", "officer", "liaison", "sysadmin"])
def test_my_volunteer_record_is_for_accounts_linked_to_a_record(world, cast, client, role):
    client.force_login(user_of(world, role))

    response = client.get(reverse("volunteers:my_volunteer"))

    assert response.status_code == (403 if role == "sysadmin" else 200)
    if role != "sysadmin":
        assert "队长张" not in response.content.decode()


@pytest.mark.parametrize("role", ALL)
def test_team_pages_and_api(world, cast, client, api_as, role):
    user = user_of(world, role)
    client.force_login(user)

    page = client.get(reverse("volunteers:team_list"))
    api = api_as(user).get(reverse("volunteer-team-list"))
    detail = client.get(reverse("volunteers:team_detail", args=[cast.team.pk]))

    if role not in VIEWERS:
        assert (page.status_code, api.status_code, detail.status_code) == (403, 403, 403)
        return
    assert (page.status_code, api.status_code, detail.status_code) == (200, 200, 200)
    assert [row["name"] for row in api.json()["results"]] == ["新马机械义警队"]
    assert "群丰食品义警队" not in page.content.decode()


# ---------------------------------------------------------------- nominate
@pytest.mark.parametrize("role", ALL)
def test_only_the_team_s_liaison_nominates(world, cast, client, api_as, role):
    user = user_of(world, role)
    client.force_login(user)
    before = fingerprint()
    body = {"team": cast.team.pk, "name": "新候选", "resident_id": CANDIDATE_ID, "mobile": "13912345678",
            "post": "操作工", "duties": ["patrol"], "consent_confirmed": True, "consent_date": timezone.localdate().isoformat()}

    page = client.get(reverse("volunteers:nominate", args=[cast.team.pk]))
    api = api_as(user).post(reverse("volunteer-list"), body, format="json")

    if role == "liaison":
        assert page.status_code == 200 and api.status_code == 201
        assert Volunteer.objects.get(name="新候选").nominated_by == world.liaison
        return
    assert page.status_code == 403
    assert api.status_code in (400, 403)  # the team is not in reach (400 names it) or the role lacks the right
    assert fingerprint() == before


def test_a_liaison_cannot_nominate_for_another_enterprise_s_team(world, cast, client, api_as):
    own_park_other_team = VolunteerTeam.objects.create(park=world.park, enterprise=world.enterprise2, name="电子义警队")
    client.force_login(world.liaison)
    before = fingerprint()

    page = client.get(reverse("volunteers:nominate", args=[own_park_other_team.pk]))
    other = client.get(reverse("volunteers:nominate", args=[cast.other_team.pk]))
    api = api_as(world.liaison).post(reverse("volunteer-list"), {
        "team": own_park_other_team.pk, "name": "越界", "resident_id": CANDIDATE_ID, "mobile": "13912345678",
        "post": "工人", "duties": ["patrol"], "consent_confirmed": True, "consent_date": timezone.localdate().isoformat()},
        format="json")

    assert (page.status_code, other.status_code) == (404, 404)
    assert api.status_code == 400 and "team" in api.json()
    assert fingerprint() == before


# ---------------------------------------------------------------- vet, status, edit, records
@pytest.mark.parametrize("role", ALL)
def test_vetting_by_the_park_s_officer_or_leader_only(world, cast, client, api_as, role):
    user = user_of(world, role)
    client.force_login(user)
    before = fingerprint()

    page = client.post(reverse("volunteers:volunteer_vet", args=[cast.nominee.pk]),
                       {"decision": "approve", "version": cast.nominee.version})

    cast.nominee.refresh_from_db()
    if role in VETTERS:
        assert page.status_code == 302 and cast.nominee.status == "active"
        return
    assert page.status_code == 403  # the role is checked before the record is looked up
    assert fingerprint() == before
    api = api_as(user).post(reverse("volunteer-reject", args=[cast.nominee.pk]),
                            {"version": cast.nominee.version, "note": "不符合"}, format="json")
    assert api.status_code == (403 if role in FULL else 404)
    assert fingerprint() == before


def test_another_station_s_officer_gets_404_on_every_action(world, cast, client, api_as):
    client.force_login(world.other_officer)
    api = api_as(world.other_officer)
    before = fingerprint()
    pk, team = cast.nominee.pk, cast.team.pk

    answers = [
        client.post(reverse("volunteers:volunteer_vet", args=[pk]), {"decision": "approve", "version": 1}),
        client.get(reverse("volunteers:volunteer_status", args=[cast.member.pk])),
        client.get(reverse("volunteers:volunteer_update", args=[cast.member.pk])),
        client.get(reverse("volunteers:training_create", args=[cast.member.pk])),
        client.get(reverse("volunteers:support_create", args=[cast.member.pk])),
        client.get(reverse("volunteers:team_update", args=[team])),
        client.post(reverse("volunteers:team_captain", args=[team]), {"volunteer": cast.member.pk, "version": 1}),
        api.post(reverse("volunteer-approve", args=[pk]), {"version": 1}, format="json"),
        api.post(reverse("volunteer-transition", args=[cast.member.pk]),
                 {"version": 1, "to": "suspended", "note": "x"}, format="json"),
        api.patch(reverse("volunteer-detail", args=[cast.member.pk]), {"version": 1, "post": "x"}, format="json"),
        api.patch(reverse("volunteer-team-detail", args=[team]), {"version": 1, "name": "x"}, format="json"),
        api.post(reverse("volunteer-team-captain", args=[team]), {"version": 1, "volunteer": cast.member.pk},
                 format="json"),
        api.get(reverse("volunteer-training-detail", args=[cast.training.pk])),
        api.get(reverse("volunteer-support-detail", args=[cast.support.pk])),
    ]

    assert [r.status_code for r in answers] == [404] * len(answers)
    assert fingerprint() == before


@pytest.mark.parametrize("role", ALL)
def test_status_changes_trainings_and_support_by_role(world, cast, client, role):
    user = user_of(world, role)
    client.force_login(user)
    pk = cast.member.pk

    status_page = client.get(reverse("volunteers:volunteer_status", args=[pk]))
    training_page = client.get(reverse("volunteers:training_create", args=[pk]))
    support_page = client.get(reverse("volunteers:support_create", args=[pk]))
    edit_page = client.get(reverse("volunteers:volunteer_update", args=[pk]))

    def expected(allowed):  # the role is checked before the record is looked up
        return 200 if role in allowed else 403

    assert status_page.status_code == expected(VETTERS)
    assert training_page.status_code == expected(POLICE)
    assert support_page.status_code == expected(POLICE)
    assert edit_page.status_code == expected({"leader", "officer", "liaison"})


@pytest.mark.parametrize("role", ALL)
def test_records_through_the_api_follow_scope_and_role(world, cast, api_as, role):
    user = user_of(world, role)
    api = api_as(user)
    before = fingerprint()

    trainings = api.get(reverse("volunteer-training-list"))
    support = api.get(reverse("volunteer-support-list"))
    created = api.post(reverse("volunteer-training-list"), {
        "volunteer": cast.member.pk, "trained_on": timezone.localdate().isoformat(), "topic": "反诈宣传", "hours": "1.5",
        "trainer": "派出所"}, format="json")

    if role not in VIEWERS:
        assert (trainings.status_code, support.status_code) == (403, 403)
    else:
        seen = [r["topic"] for r in trainings.json()["results"]]
        assert seen == (["消防器材使用"] if role in FULL else [])
        assert [r["provider"] for r in support.json()["results"]] == (["人保意外险"] if role in FULL else [])
    if role in POLICE:
        assert created.status_code == 201 and Training.objects.filter(topic="反诈宣传").count() == 1
    else:
        assert created.status_code in (400, 403)
        assert fingerprint() == before


@pytest.mark.parametrize("role", ALL)
def test_teams_are_managed_by_the_park_s_officer_or_leader(world, cast, client, api_as, role):
    user = user_of(world, role)
    client.force_login(user)
    before = fingerprint()

    create_page = client.get(reverse("volunteers:team_create"))
    rename_page = client.get(reverse("volunteers:team_update", args=[cast.team.pk]))
    created = api_as(user).post(reverse("volunteer-team-list"), {"park": world.park.pk, "name": "园区巡防队"},
                                format="json")
    captain = client.post(reverse("volunteers:team_captain", args=[cast.team.pk]),
                          {"volunteer": cast.member.pk, "version": cast.team.version})

    if role in VETTERS:
        assert (create_page.status_code, rename_page.status_code, created.status_code) == (200, 200, 201)
        assert captain.status_code == 302
        assert Volunteer.objects.get(team=cast.team, is_captain=True) == cast.member
        return
    assert create_page.status_code == 403
    assert rename_page.status_code == 403
    assert created.status_code in (400, 403)
    assert captain.status_code == 403
    assert fingerprint() == before
