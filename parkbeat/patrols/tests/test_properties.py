"""Checkpoint matching and scan flagging as properties (hypothesis): what holds for every input."""
from datetime import datetime, timedelta, timezone as dt_timezone

from hypothesis import given, settings, strategies as st

from parkbeat.patrols import geo

START = datetime(2026, 12, 1, 20, 0, tzinfo=dt_timezone.utc)
lons = st.floats(min_value=113.0, max_value=113.2, allow_nan=False)
lats = st.floats(min_value=27.7, max_value=27.9, allow_nan=False)
scans = st.builds(geo.Scan, checkpoint_id=st.integers(1, 5), lon=lons, lat=lats,
                  at=st.integers(0, 240 * 60).map(lambda s: START + timedelta(seconds=s)))
modes = st.sampled_from(sorted(geo.MAX_SPEED))


@settings(max_examples=200, deadline=None)
@given(lon1=lons, lat1=lats, lon2=lons, lat2=lats)
def test_distance_is_symmetric_non_negative_and_zero_only_at_the_point(lon1, lat1, lon2, lat2):
    d = geo.haversine_m(lon1, lat1, lon2, lat2)
    assert d >= 0
    assert abs(d - geo.haversine_m(lon2, lat2, lon1, lat1)) < 1e-6
    assert geo.haversine_m(lon1, lat1, lon1, lat1) == 0


@settings(max_examples=300, deadline=None)
@given(scan=scans, earlier=st.lists(scans, max_size=8), mode=modes)
def test_a_scan_at_its_checkpoint_is_flagged_exactly_by_the_rules(scan, earlier, mode):
    flags, distance = geo.scan_flags(scan, earlier, mode=mode, position=(scan.lon, scan.lat))

    before = [s for s in earlier if s.at <= scan.at]
    repeat = any(s.checkpoint_id == scan.checkpoint_id and scan.at - s.at < timedelta(minutes=geo.REPEAT_MINUTES)
                 for s in before)
    assert ("repeat" in flags) == repeat
    assert distance == 0 and "far" not in flags  # at the checkpoint's own position: never far
    if not before:
        assert flags == []
    # scans after it never change the verdict (a late scan from the offline queue judges only what came before)
    assert geo.scan_flags(scan, before, mode=mode, position=(scan.lon, scan.lat)) == (flags, distance)


@settings(max_examples=300, deadline=None)
@given(scan=scans, lon=lons, lat=lats, mode=modes)
def test_far_means_beyond_the_radius(scan, lon, lat, mode):
    flags, distance = geo.scan_flags(scan, [], mode=mode, position=(lon, lat))

    assert ("far" in flags) == (distance > geo.SCAN_RADIUS_M)
    assert flags in ([], ["far"])


@settings(max_examples=300, deadline=None)
@given(first=scans, second=scans, mode=modes)
def test_too_fast_means_the_mode_speed_was_exceeded(first, second, mode):
    if second.at < first.at:
        first, second = second, first
    flags, _ = geo.scan_flags(second, [first], mode=mode)

    if first.checkpoint_id == second.checkpoint_id:
        assert "too_fast" not in flags
    else:
        metres = geo.haversine_m(first.lon, first.lat, second.lon, second.lat)
        seconds = (second.at - first.at).total_seconds()
        fast = metres > 0 and (seconds <= 0 or metres / seconds > geo.MAX_SPEED[mode])
        assert ("too_fast" in flags) == fast
    # a vehicle is never held to a lower limit than a walker
    if "too_fast" in geo.scan_flags(second, [first], mode="vehicle")[0]:
        assert "too_fast" in geo.scan_flags(second, [first], mode="foot")[0]
