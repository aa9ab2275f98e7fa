"""core.events.event_time: the check every event entered after the fact goes through."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from parkbeat.core.events import CLOCK_SKEW, event_time

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 1, 20, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def refusal(**kwargs):
    with pytest.raises(ValidationError) as refused:
        event_time(now=NOW, **kwargs)
    return refused.value.message_dict


def test_no_time_is_now_and_a_past_time_is_kept_beside_the_time_of_entry(world):
    assert event_time(actor=world.officer, now=NOW).at == NOW

    written_up = event_time(datetime(2026, 12, 1, 11, 2, tzinfo=SHANGHAI), actor=world.officer, now=NOW)

    assert (written_up.at, written_up.recorded_at, written_up.late) == (
        datetime(2026, 12, 1, 11, 2, tzinfo=SHANGHAI), NOW, False)


def test_a_time_in_the_future_is_refused_naming_the_field_but_a_phone_slightly_ahead_reads_as_now(world):
    assert refusal(at=NOW + CLOCK_SKEW + timedelta(seconds=1), actor=world.officer, field="on_scene_at") == {
        "on_scene_at": ["The time cannot lie in the future."]}
    assert event_time(NOW + timedelta(minutes=2), actor=world.officer, now=NOW).at == NOW


def test_a_time_before_the_event_it_follows_is_refused_naming_that_event(world):
    accepted = datetime(2026, 12, 1, 10, 50, tzinfo=SHANGHAI)

    assert refusal(at=datetime(2026, 12, 1, 10, 49, tzinfo=SHANGHAI), actor=world.officer,
                   after=[(None, "nothing yet"), (accepted, "the acceptance")]) == {
        "at": ["The time cannot lie before the acceptance (2026-12-01 10:50)."]}
    assert event_time(accepted, actor=world.officer, now=NOW, after=[(accepted, "the acceptance")]).at == accepted


def test_before_2000_is_a_typo(world):
    assert refusal(at=datetime(1999, 12, 31, tzinfo=SHANGHAI), actor=world.officer) == {
        "at": ["The time cannot lie before 1 January 2000."]}


def test_older_than_the_window_needs_a_leader_or_a_reason_and_is_marked_late(world, settings):
    settings.PARKBEAT_BACK_ENTRY_DAYS = 30
    long_ago = NOW - timedelta(days=31)

    assert "say why" in refusal(at=long_ago, actor=world.officer)["at"][0]
    by_reason = event_time(long_ago, actor=world.officer, now=NOW, reason="  台账补录  ")
    by_leader = event_time(long_ago, actor=world.leader, now=NOW)
    by_system = event_time(long_ago, actor=None, now=NOW)
    assert [(t.late, t.reason) for t in (by_reason, by_leader, by_system)] == [
        (True, "台账补录"), (True, ""), (True, "")]
    assert by_reason.row_fields() == {"at": long_ago, "recorded_at": NOW, "entered_late": True,
                                      "late_reason": "台账补录"}
    assert event_time(NOW - timedelta(days=29), actor=world.officer, now=NOW).late is False


def test_a_naive_time_is_read_in_the_station_time_zone(world):
    assert event_time(datetime(2026, 12, 1, 11, 2), actor=world.officer, now=NOW).at == datetime(
        2026, 12, 1, 11, 2, tzinfo=SHANGHAI)
