"""The guarding services: the line, the split, shifts and check-ins; every refusal names what is wrong."""
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from parkbeat.audit.models import AuditEvent
from parkbeat.guarding import selectors, services
from parkbeat.guarding.models import GuardShift, Segment, ShiftPerson
from parkbeat.guarding.tests import helpers as h
from parkbeat.org.models import Role
from parkbeat.testing import UserFactory, assign


def _message(exc, field):
    return " ".join(exc.value.message_dict[field])


@pytest.mark.parametrize("geometry,message", [
    ("not json", "This is not GeoJSON"),
    ({"type": "Point", "coordinates": [113.1, 27.8]}, "Give a GeoJSON LineString"),
    ({"type": "LineString", "coordinates": [[113.1, 27.8]]}, "A line needs at least two points."),
    ({"type": "LineString", "coordinates": [[27.8, 113.1], [27.9, 113.1]]}, "Point 1 lies outside WGS-84"),
    ({"type": "LineString", "coordinates": [[113.1, 27.8], ["a", 27.8]]}, "Point 2 is not a [longitude, latitude]"),
    ({"type": "LineString", "coordinates": [[113.1, 27.8], [113.1, 27.8]]}, "shorter than one metre"),
    ({"type": "FeatureCollection", "features": []}, "exactly one line"),
])
def test_a_line_that_is_not_a_wgs84_linestring_is_refused(world, geometry, message):
    with pytest.raises(ValidationError) as exc:
        h.asset(world, geometry=geometry)

    assert message in _message(exc, "geometry")


def test_a_line_comes_as_a_feature_and_its_length_is_computed_in_metres(world):
    line = h.asset(world, geometry={"type": "Feature", "properties": {}, "geometry": h.LINE})

    assert line.length_m == 3000 and line.geometry == h.LINE


def test_split_every_n_metres_ends_with_the_rest(world):
    line = h.asset(world)

    segments = services.asset_split(actor=world.officer, asset=line, every_m=800)

    assert [(s.order, s.from_m, s.to_m) for s in segments] == [(1, 0, 800), (2, 800, 1600), (3, 1600, 2400),
                                                               (4, 2400, 3000)]


@pytest.mark.parametrize("pieces,message", [
    ([(0, 1000), (1200, 3000)], "No segment covers 1000–1200 m of the line"),
    ([(0, 1000), (900, 3000)], "The segments 0–1000 m and 900–3000 m overlap at 900–1000 m."),
    ([(0, 1000), (1000, 2500)], "No segment covers 2500–3000 m"),
    ([(0, 1000), (1000, 3100)], "runs past the end of the line (3000 m)"),
    ([(500, 500), (0, 3000)], "Each segment runs from a whole number of metres to a larger one"),
])
def test_a_split_that_leaves_part_unassigned_or_overlaps_is_refused_and_changes_nothing(world, pieces, message):
    line = h.asset(world)
    services.asset_split(actor=world.officer, asset=line, every_m=1500)
    events = AuditEvent.objects.count()

    with pytest.raises(ValidationError) as exc:
        services.asset_split(actor=world.officer, asset=line, pieces=[{"from_m": a, "to_m": b} for a, b in pieces])

    assert message in _message(exc, "pieces")
    assert list(Segment.objects.filter(asset=line).values_list("from_m", "to_m")) == [(0, 1500), (1500, 3000)]
    assert AuditEvent.objects.count() == events


def test_a_split_with_an_enterprise_of_another_park_is_refused(world):
    line = h.asset(world)

    with pytest.raises(ValidationError) as exc:
        services.asset_split(actor=world.officer, asset=line, pieces=[
            {"from_m": 0, "to_m": 3000, "enterprise": world.other_enterprise}])

    message = _message(exc, "pieces")
    assert "not of this park" in message and world.other_enterprise.name not in message  # never named


def test_a_line_with_shifts_is_not_split_again(world):
    line = h.asset(world)
    first, _second = h.split(world, line)
    h.shift(world, first, h.hour(1), h.hour(3))

    with pytest.raises(ValidationError) as exc:
        services.asset_split(actor=world.officer, asset=line, every_m=500)

    assert "already has shifts planned" in _message(exc, "pieces")
    assert Segment.objects.filter(asset=line).count() == 2


def test_a_shift_overlapping_the_same_persons_other_shift_is_refused_naming_both(world):
    line = h.asset(world)
    first, second = h.split(world, line)
    h.shift(world, first, h.hour(2), h.hour(6), people=[world.auxiliary])  # the police: on any segment

    with pytest.raises(ValidationError) as exc:
        h.shift(world, second, h.hour(5), h.hour(9), people=[world.auxiliary])

    message = _message(exc, "people")
    assert world.auxiliary.display_name in message and "高压电缆敷设" in message and str(first) in message
    assert GuardShift.objects.count() == 1


def test_a_shift_just_after_another_is_fine_and_covers_on(world):
    line = h.asset(world)
    first, _second = h.split(world, line)
    h.shift(world, first, h.hour(2), h.hour(6))
    h.shift(world, first, h.hour(6), h.hour(8))

    gaps = selectors.asset_gaps(line, [first], h.hour(2), h.hour(8))

    assert gaps == []


@pytest.mark.parametrize("start,end,field", [(-48, -40, "starts_at"), (24 * 10 - 2, 24 * 10 + 2, "ends_at")])
def test_a_shift_outside_the_assets_period_is_refused(world, start, end, field):
    line = h.asset(world)
    first, _second = h.split(world, line)

    with pytest.raises(ValidationError) as exc:
        h.shift(world, first, h.hour(start), h.hour(end))

    assert "outside the guarding period" in _message(exc, field)


def test_a_person_of_another_park_is_not_put_on_a_shift(world):
    line = h.asset(world)
    first, _second = h.split(world, line)

    with pytest.raises(ValidationError) as exc:
        h.shift(world, first, h.hour(1), h.hour(2), people=[world.other_officer])

    assert "Not of this park" in _message(exc, "people")


def test_check_in_by_the_person_once_and_not_by_someone_else(world):
    line = h.asset(world)
    first, _second = h.split(world, line)
    shift = h.shift(world, first, h.hour(0), h.hour(4))
    other = assign(UserFactory(username="t_volunteer2"), Role.VOLUNTEER, team=world.team)

    row, created = services.shift_checkin(actor=world.volunteer, shift=shift)
    again, created_again = services.shift_checkin(actor=world.volunteer, shift=shift)

    assert created and not created_again and again.checked_in_at == row.checked_in_at
    assert row.checked_in_by == world.volunteer and row.checked_in_recorded_at is not None
    with pytest.raises(PermissionDenied):
        services.shift_checkin(actor=other, shift=shift)


def test_the_police_record_an_arrival_for_someone_and_a_time_before_the_shift_is_refused(world):
    line = h.asset(world)
    first, _second = h.split(world, line)
    shift = h.shift(world, first, h.hour(-2), h.hour(3))

    with pytest.raises(ValidationError) as exc:
        services.shift_checkin(actor=world.officer, shift=shift, person=world.volunteer, at=h.hour(-3))
    row, created = services.shift_checkin(actor=world.officer, shift=shift, person=world.volunteer, at=h.hour(-1))

    assert "half an hour before the shift" in _message(exc, "at")
    assert created and row.checked_in_at == h.hour(-1) and row.checked_in_by == world.officer


def test_shift_started_with_nobody_checked_in_shows_in_real_time(world):
    line = h.asset(world)
    first, second = h.split(world, line)
    h.shift(world, first, h.hour(-1), h.hour(3))

    found = selectors.asset_coverage(line, [first, second], h.hour(0), h.hour(1))

    assert [r.user for r in found["not_checked_in"]] == [world.volunteer]
    assert [(g[0], g[1], g[2]) for g in found["gaps"]] == [(second.pk, h.hour(0), h.hour(1))]


def test_a_period_narrowed_past_a_shift_is_refused_naming_it(world):
    line = h.asset(world)
    first, _second = h.split(world, line)
    shift = h.shift(world, first, h.hour(30), h.hour(34))

    with pytest.raises(ValidationError) as exc:
        services.asset_update(actor=world.officer, asset=line, data={"ends_at": h.hour(32)},
                              expected_version=line.version)

    assert str(shift) in _message(exc, "ends_at")


def test_a_line_is_not_redrawn_under_its_segments(world):
    line = h.asset(world)
    h.split(world, line)
    line.refresh_from_db()
    other = {"type": "LineString", "coordinates": [[113.1, 27.8], [113.12, 27.81]]}

    with pytest.raises(ValidationError) as exc:
        services.asset_update(actor=world.officer, asset=line, data={"geometry": other}, expected_version=line.version)

    assert "already split into segments" in _message(exc, "geometry")


def test_updating_a_shifts_people_keeps_whoever_checked_in(world):
    line = h.asset(world)
    first, _second = h.split(world, line)
    shift = h.shift(world, first, h.hour(0), h.hour(4), people=[world.volunteer, world.auxiliary])
    services.shift_checkin(actor=world.volunteer, shift=shift)

    with pytest.raises(ValidationError) as exc:
        services.shift_update(actor=world.officer, shift=shift, data={}, people=[world.auxiliary],
                              expected_version=shift.version)
    services.shift_update(actor=world.officer, shift=shift, data={}, people=[world.volunteer],
                          expected_version=shift.version)

    assert "Already checked in" in _message(exc, "people")
    assert list(ShiftPerson.objects.filter(shift=shift).values_list("user", flat=True)) == [world.volunteer.pk]


def test_a_shift_someone_checked_in_to_is_not_cancelled(world):
    line = h.asset(world)
    first, _second = h.split(world, line)
    shift = h.shift(world, first, h.hour(0), h.hour(4))
    services.shift_checkin(actor=world.volunteer, shift=shift)

    with pytest.raises(ValidationError):
        services.shift_cancel(actor=world.officer, shift=shift, expected_version=shift.version)

    assert GuardShift.objects.filter(pk=shift.pk).exists()


def test_only_leader_and_officer_plan(world):
    line = h.asset(world)

    for user in (world.auxiliary, world.volunteer, world.liaison, world.other_officer):
        with pytest.raises(PermissionDenied):
            services.asset_split(actor=user, asset=line, every_m=1000)
    assert not Segment.objects.exists()


def test_the_window_is_parsed_and_limited(world):
    lo, hi = selectors.parse_window("2026-12-03T20:00 08:00", None)

    assert (lo.isoformat(), hi - lo) == ("2026-12-03T20:00:00+08:00", timedelta(hours=72))
    for start, end, field in [("yesterday", None, "from"), ("2026-12-03T20:00", "2026-13-01T00:00", "to"),
                              ("2026-12-03T20:00", "2026-12-03T19:00", "to"),
                              ("2026-12-01T00:00", "2027-01-02T00:00", "to")]:
        with pytest.raises(ValidationError) as exc:
            selectors.parse_window(start, end)
        assert field in exc.value.message_dict
