"""The volunteers' API: nominate, vet, change status, edit with versions, teams, trainings and support; JSON
bodies only, unknown fields refused naming them, personal data masked in every answer."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from parkbeat.volunteers.models import Volunteer
from parkbeat.volunteers.tests.factories import CANDIDATE_ID, CANDIDATE_ID_2, Cast


@pytest.fixture
def cast(world):
    return Cast(world)


def body(team, **extra):
    return {"team": team.pk, "name": "赵六", "resident_id": CANDIDATE_ID, "mobile": "13912345678", "post": "操作工",
            "duties": ["patrol", "publicity"], "consent_confirmed": True, "consent_date": timezone.localdate().isoformat(),
            **extra}


def test_the_liaison_nominates_and_the_answer_is_masked(world, cast, api_as):
    response = api_as(world.liaison).post(reverse("volunteer-list"), body(cast.team), format="json")

    assert response.status_code == 201
    data = response.json()
    assert (data["status"], data["name"], data["resident_id"], data["mobile"]) == (
        "nominated", "赵六", "110***********0038", "139****5678")
    assert sorted(data["duties"]) == ["patrol", "publicity"]
    assert [(t["from_status"], t["to_status"]) for t in data["transitions"]] == [(None, "nominated")]


def test_a_duplicate_nomination_is_400_naming_the_resident_id(world, cast, api_as):
    api = api_as(world.liaison)
    api.post(reverse("volunteer-list"), body(cast.team), format="json")

    again = api.post(reverse("volunteer-list"), body(cast.team, name="赵六二"), format="json")

    assert again.status_code == 400 and list(again.json()) == ["resident_id", "detail"]
    assert Volunteer.objects.filter(team=cast.team, name__startswith="赵六").count() == 1


@pytest.mark.parametrize("extra,named", [
    ({"status": "active"}, "status"), ({"is_captain": True}, "is_captain"), ({"nominated_by": 1}, "nominated_by"),
    ({"colour": "red"}, "colour")])
def test_unknown_or_read_only_fields_are_400_naming_them(world, cast, api_as, extra, named):
    response = api_as(world.liaison).post(reverse("volunteer-list"), body(cast.team, **extra), format="json")

    assert response.status_code == 400
    assert named in response.json() and named in response.json()["detail"]
    assert not Volunteer.objects.filter(name="赵六").exists()


def test_consent_must_be_confirmed(world, cast, api_as):
    response = api_as(world.liaison).post(reverse("volunteer-list"), body(cast.team, consent_confirmed=False),
                                          format="json")

    assert response.status_code == 400 and "consent_confirmed" in response.json()


def test_a_form_body_is_refused(world, cast, api_as):
    response = api_as(world.liaison).post(reverse("volunteer-list"), body(cast.team), format="multipart")

    assert response.status_code == 415


def test_approve_and_reject_through_the_api(world, cast, api_as):
    api = api_as(world.officer)
    second = Volunteer.objects.create(team=cast.team, name="候选二", resident_id=CANDIDATE_ID_2, duties=["patrol"],
                                      nominated_by=world.liaison)

    approved = api.post(reverse("volunteer-approve", args=[cast.nominee.pk]), {"version": cast.nominee.version},
                        format="json")
    no_reason = api.post(reverse("volunteer-reject", args=[second.pk]), {"version": second.version}, format="json")
    rejected = api.post(reverse("volunteer-reject", args=[second.pk]), {"version": second.version, "note": "不合适"},
                        format="json")

    assert approved.status_code == 200 and approved.json()["status"] == "active"
    assert no_reason.status_code == 400 and "note" in no_reason.json()
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert rejected.json()["transitions"][-1]["note"] == "不合适"


def test_a_stale_version_is_409_and_an_illegal_move_409(world, cast, api_as):
    api = api_as(world.officer)
    version = cast.nominee.version
    api.post(reverse("volunteer-approve", args=[cast.nominee.pk]), {"version": version}, format="json")

    stale = api.post(reverse("volunteer-reject", args=[cast.nominee.pk]), {"version": version, "note": "x"},
                     format="json")
    illegal = api.post(reverse("volunteer-approve", args=[cast.nominee.pk]), {"version": version + 1},
                       format="json")

    assert stale.status_code == 409 and illegal.status_code == 409
    assert "不能变为" in illegal.json()["detail"]


def test_status_change_with_when_it_happened_and_never_in_the_future(world, cast, api_as):
    api = api_as(world.officer)
    url = reverse("volunteer-transition", args=[cast.member.pk])
    future = (timezone.now() + timedelta(days=1)).isoformat()
    yesterday = timezone.now() - timedelta(days=1)

    refused = api.post(url, {"version": cast.member.version, "to": "suspended", "note": "x", "at": future},
                       format="json")
    done = api.post(url, {"version": cast.member.version, "to": "suspended", "note": "多次缺勤",
                          "at": yesterday.isoformat()}, format="json")

    assert refused.status_code == 400 and "at" in refused.json()
    assert done.status_code == 200 and done.json()["status"] == "suspended"
    row = done.json()["transitions"][-1]
    assert row["at"] < row["recorded_at"] and row["actor"] == world.officer.display_name
    bad_to = api.post(url, {"version": done.json()["version"], "to": "rejected", "note": "x"}, format="json")
    assert bad_to.status_code == 400 and "to" in bad_to.json()


def test_edit_with_version_and_without(world, cast, api_as):
    api = api_as(world.liaison)
    url = reverse("volunteer-detail", args=[cast.member.pk])

    missing = api.patch(url, {"post": "班组长"}, format="json")
    done = api.patch(url, {"post": "班组长", "version": cast.member.version}, format="json")
    stale = api.patch(url, {"post": "旧", "version": cast.member.version}, format="json")
    status = api.patch(url, {"status": "left", "version": done.json()["version"]}, format="json")

    assert missing.status_code == 400 and "version" in missing.json()
    assert done.status_code == 200 and done.json()["post"] == "班组长"
    assert stale.status_code == 409
    assert status.status_code == 400 and "status" in status.json()
    assert Volunteer.objects.get(pk=cast.member.pk).status == "active"


def test_teams_create_rename_and_captain(world, cast, api_as):
    api = api_as(world.officer)

    created = api.post(reverse("volunteer-team-list"), {"park": world.park.pk, "enterprise": world.enterprise2.pk,
                                                         "name": "电子义警队"}, format="json")
    renamed = api.patch(reverse("volunteer-team-detail", args=[created.json()["id"]]),
                        {"name": "电子护厂队", "version": 1}, format="json")
    captain = api.post(reverse("volunteer-team-captain", args=[cast.team.pk]),
                       {"volunteer": cast.member.pk, "version": cast.team.version}, format="json")
    not_member = api.post(reverse("volunteer-team-captain", args=[cast.team.pk]),
                          {"volunteer": cast.other_member.pk, "version": captain.json()["version"]}, format="json")

    assert created.status_code == 201 and renamed.json()["name"] == "电子护厂队"
    assert captain.status_code == 200 and captain.json()["captain"] == "队员李"
    assert not_member.status_code == 400 and "volunteer" in not_member.json()


def test_trainings_and_support_through_the_api(world, cast, api_as):
    api = api_as(world.officer)

    training = api.post(reverse("volunteer-training-list"), {
        "volunteer": cast.member.pk, "trained_on": timezone.localdate().isoformat(), "topic": "急救", "hours": "1.5",
        "trainer": "红十字会"}, format="json")
    support = api.post(reverse("volunteer-support-list"), {
        "volunteer": cast.member.pk, "kind": "insurance", "provider": "人保", "starts_on": timezone.localdate().isoformat(),
        "expires_on": (timezone.localdate() + timedelta(days=365)).isoformat()}, format="json")
    backwards = api.post(reverse("volunteer-support-list"), {
        "volunteer": cast.member.pk, "kind": "insurance", "provider": "人保", "starts_on": timezone.localdate().isoformat(),
        "expires_on": (timezone.localdate() - timedelta(days=1)).isoformat()}, format="json")
    foreign = api.post(reverse("volunteer-training-list"), {
        "volunteer": cast.other_member.pk, "trained_on": timezone.localdate().isoformat(), "topic": "x", "hours": "1",
        "trainer": "x"}, format="json")
    listed = api.get(reverse("volunteer-training-list") + f"?volunteer={cast.member.pk}")

    assert training.status_code == 201 and training.json()["hours"] == "1.5"
    assert support.status_code == 201 and support.json()["reminded_at"] is None
    assert backwards.status_code == 400 and "expires_on" in backwards.json()
    assert foreign.status_code == 400 and "volunteer" in foreign.json()
    assert sorted(r["topic"] for r in listed.json()["results"]) == ["急救", "消防器材使用"]


def test_list_filters_by_status_team_and_name(world, cast, api_as):
    api = api_as(world.officer)

    nominated = api.get(reverse("volunteer-list") + "?status=nominated").json()["results"]
    named = api.get(reverse("volunteer-list") + "?q=队员").json()["results"]
    foreign_team = api.get(reverse("volunteer-list") + f"?team={cast.other_team.pk}")

    assert [r["name"] for r in nominated] == ["候选王"]
    assert [r["name"] for r in named] == ["队员李"]
    assert foreign_team.status_code == 400 and "team" in foreign_team.json()


def test_hours_of_an_id_that_is_not_a_number_is_404_for_every_role(world, api_as):
    for user in (world.officer, world.volunteer, world.liaison):
        assert api_as(user).get("/api/v1/volunteers/abc/hours/").status_code == 404
