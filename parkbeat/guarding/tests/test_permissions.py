"""Who sees and does what in special guarding, through the pages and the API; another station gets 404."""
import pytest
from django.urls import reverse

from parkbeat.guarding.models import GuardedAsset, GuardShift, Segment
from parkbeat.guarding.tests import helpers as h

COVERS = {
    "guarding:asset_list", "guarding:asset_create", "guarding:my_shifts", "guarding:asset_detail",
    "guarding:asset_update", "guarding:asset_split", "guarding:fixed_point_create", "guarding:segment_assign",
    "guarding:shift_create", "guarding:shift_detail", "guarding:shift_update", "guarding:shift_cancel",
    "guarding:shift_checkin",
    "guarded-asset-list", "guarded-asset-detail", "guarded-asset-split", "guarded-asset-coverage",
    "guarded-asset-gaps", "guard-segment-list", "guard-segment-detail", "guard-shift-list", "guard-shift-detail",
    "guard-shift-checkin", "guard-fixed-point-list", "guard-fixed-point-detail",
}


@pytest.fixture
def cast(world):
    """Park A: a line of two segments (the first beside the liaison's enterprise, watched by the volunteer's
    team; the second beside enterprise 2, another team), a shift on each with the auxiliary; the other station:
    its own line and shift."""
    line = h.asset(world)
    first, second = h.split(world, line)
    mine = h.shift(world, first, h.hour(1), h.hour(5), people=[world.auxiliary])
    theirs = h.shift(world, second, h.hour(6), h.hour(9), people=[world.auxiliary])
    other_line = h.asset(world, park=world.other_park)
    other_first, _other_second = h.split(world, other_line)
    other = h.shift(world, other_first, h.hour(1), h.hour(5), people=[world.other_officer], actor=world.other_officer)
    return {"line": line, "first": first, "second": second, "mine": mine, "theirs": theirs,
            "other_line": other_line, "other_segment": other_first, "other": other}


def _pages(cast):
    return {
        "line": reverse("guarding:asset_detail", args=[cast["line"].pk]),
        "other_line": reverse("guarding:asset_detail", args=[cast["other_line"].pk]),
        "mine": reverse("guarding:shift_detail", args=[cast["mine"].pk]),
        "theirs": reverse("guarding:shift_detail", args=[cast["theirs"].pk]),
        "other": reverse("guarding:shift_detail", args=[cast["other"].pk]),
        "edit": reverse("guarding:asset_update", args=[cast["line"].pk]),
        "other_edit": reverse("guarding:asset_update", args=[cast["other_line"].pk]),
        "split": reverse("guarding:asset_split", args=[cast["line"].pk]),
        "new_shift": reverse("guarding:shift_create") + f"?segment={cast['first'].pk}",
        "mine_page": reverse("guarding:my_shifts"),
    }


@pytest.mark.parametrize("role,expected", [
    ("officer", {"line": 200, "other_line": 404, "mine": 200, "theirs": 200, "other": 404, "edit": 200,
                 "other_edit": 404, "split": 200, "new_shift": 200, "mine_page": 200}),
    ("auxiliary", {"line": 200, "other_line": 404, "mine": 200, "theirs": 200, "other": 404, "edit": 403,
                   "other_edit": 403, "split": 403, "new_shift": 403, "mine_page": 200}),
    ("volunteer", {"line": 200, "other_line": 404, "mine": 200, "theirs": 404, "other": 404, "edit": 403,
                   "other_edit": 403, "split": 403, "new_shift": 403, "mine_page": 200}),
    ("liaison", {"line": 200, "other_line": 404, "mine": 200, "theirs": 404, "other": 404, "edit": 403,
                 "other_edit": 403, "split": 403, "new_shift": 403, "mine_page": 403}),
    ("mediator", {"line": 403, "other_line": 403, "mine": 403, "theirs": 403, "other": 403, "edit": 403,
                  "other_edit": 403, "split": 403, "new_shift": 403, "mine_page": 403}),
    ("sysadmin", {"line": 403, "other_line": 403, "mine": 403, "theirs": 403, "other": 403, "edit": 403,
                  "other_edit": 403, "split": 403, "new_shift": 403, "mine_page": 403}),
])
def test_pages_follow_scope(world, cast, client, role, expected):
    client.force_login(getattr(world, role))

    got = {name: client.get(url).status_code for name, url in _pages(cast).items()}

    assert got == expected


@pytest.mark.parametrize("role,shifts,segments,assets", [
    ("officer", {"mine", "theirs"}, {"first", "second"}, {"line"}),
    ("leader", {"mine", "theirs"}, {"first", "second"}, {"line"}),
    ("volunteer", {"mine"}, {"first"}, {"line"}),
    ("liaison", {"mine"}, {"first"}, {"line"}),
    ("officer2", set(), set(), set()),
    ("other_officer", {"other"}, {"other_segment"}, {"other_line"}),
])
def test_lists_hold_exactly_what_the_role_sees(world, cast, api_as, role, shifts, segments, assets):
    api = api_as(getattr(world, role))
    ids = {name: obj.pk for name, obj in cast.items()}

    got_shifts = {row["id"] for row in api.get("/api/v1/guard-shifts/").json()["results"]}
    got_segments = {row["id"] for row in api.get("/api/v1/guard-segments/").json()["results"]}
    got_assets = {row["id"] for row in api.get("/api/v1/guarded-assets/").json()["results"]}

    assert got_shifts == {ids[n] for n in shifts}
    assert got_segments == {ids[n] for n in segments} | ({cast["other_line"].segments.last().pk}
                                                          if role == "other_officer" else set())
    assert got_assets == {ids[n] for n in assets}


def test_the_volunteers_coverage_holds_only_their_teams_segment(world, cast, api_as):
    body = api_as(world.volunteer).get(f"/api/v1/guarded-assets/{cast['line'].pk}/gaps/").json()

    assert {row["segment"] for row in body["gaps"]} == {cast["first"].pk}


def test_another_station_gets_404_on_every_api_record_and_nothing_changes(world, cast, api_as):
    api = api_as(world.officer)
    line, shift, segment = cast["other_line"], cast["other"], cast["other_segment"]

    responses = [
        api.get(f"/api/v1/guarded-assets/{line.pk}/"),
        api.get(f"/api/v1/guarded-assets/{line.pk}/coverage/"),
        api.get(f"/api/v1/guarded-assets/{line.pk}/gaps/"),
        api.patch(f"/api/v1/guarded-assets/{line.pk}/", {"name": "改名", "version": line.version}, format="json"),
        api.post(f"/api/v1/guarded-assets/{line.pk}/split/", {"every_m": 500, "version": line.version}, format="json"),
        api.get(f"/api/v1/guard-segments/{segment.pk}/"),
        api.patch(f"/api/v1/guard-segments/{segment.pk}/", {"team": None, "version": segment.version}, format="json"),
        api.get(f"/api/v1/guard-shifts/{shift.pk}/"),
        api.post(f"/api/v1/guard-shifts/{shift.pk}/checkin/", {}, format="json"),
        api.delete(f"/api/v1/guard-shifts/{shift.pk}/?version={shift.version}"),
    ]

    assert [r.status_code for r in responses] == [404] * len(responses)
    assert GuardedAsset.objects.get(pk=line.pk).name == "高压电缆敷设"
    assert Segment.objects.filter(asset=line).count() == 2 and GuardShift.objects.filter(pk=shift.pk).exists()


def test_another_station_gets_404_on_the_page_actions_and_nothing_changes(world, cast, client):
    client.force_login(world.officer)
    shift, segment = cast["other"], cast["other_segment"]

    responses = [
        client.post(reverse("guarding:shift_cancel", args=[shift.pk]), {"version": shift.version}),
        client.post(reverse("guarding:shift_checkin", args=[shift.pk])),
        client.post(reverse("guarding:segment_assign", args=[segment.pk]), {"version": segment.version, "team": ""}),
        client.get(reverse("guarding:shift_create") + f"?segment={segment.pk}"),
        client.get(reverse("guarding:fixed_point_create", args=[cast["other_line"].pk])),
        client.get(reverse("guarding:shift_update", args=[shift.pk])),
    ]

    assert [r.status_code for r in responses] == [404] * len(responses)
    assert GuardShift.objects.filter(pk=shift.pk).exists() and Segment.objects.get(pk=segment.pk).team_id is None


def test_a_volunteer_neither_plans_nor_checks_in_to_a_shift_they_are_not_on(world, cast, api_as):
    api = api_as(world.volunteer)
    first, mine = cast["first"], cast["mine"]

    created = api.post("/api/v1/guard-shifts/", {"segment": first.pk, "starts_at": h.hour(10).isoformat(),
                                                  "ends_at": h.hour(12).isoformat(), "people": [world.volunteer.pk]},
                       format="json")
    split = api.post(f"/api/v1/guarded-assets/{cast['line'].pk}/split/", {"every_m": 500, "version": 2},
                     format="json")
    checkin = api.post(f"/api/v1/guard-shifts/{mine.pk}/checkin/", {}, format="json")

    assert (created.status_code, split.status_code, checkin.status_code) == (403, 403, 403)
    assert GuardShift.objects.count() == 3 and not mine.roster.filter(checked_in_at__isnull=False).exists()


def test_a_liaison_reads_but_never_writes(world, cast, api_as):
    api = api_as(world.liaison)
    shift = cast["mine"]

    response = api.patch(f"/api/v1/guard-shifts/{shift.pk}/", {"note": "改", "version": shift.version}, format="json")
    fixed = api.get("/api/v1/guard-fixed-points/")

    assert response.status_code == 403 and GuardShift.objects.get(pk=shift.pk).note == ""
    assert fixed.status_code == 200 and fixed.json()["results"] == []
