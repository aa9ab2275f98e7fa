"""Coverage figures against a hand-built week (tests/coverage_data.py): counted visits at when they happened,
flagged scans left out, the period's edges, night visits, missed checks, the longest gap, parks and teams."""
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parkbeat.patrols import coverage
from parkbeat.patrols.models import CheckIn
from parkbeat.patrols.tests.coverage_data import AFTER, PERIOD, at, build


@pytest.fixture
def week(world):
    return build(world)


def _by_name(figures):
    return {row["name"]: row for row in figures["checkpoints"]}


def test_checkpoint_figures_count_what_happened_in_the_period(world, week):
    rows = _by_name(coverage.coverage(user=world.officer, period=PERIOD, now=AFTER))

    assert set(rows) == {"东大门", "一号仓库", "变电站"}
    a, b, c = rows["东大门"], rows["一号仓库"], rows["变电站"]
    assert (a["visits"], a["night_visits"], a["missed"]) == (3, 2, 0)
    assert a["last_visit"] == at(5, 10, 5)
    assert (b["visits"], b["night_visits"], b["night_share"]) == (2, 2, 100.0)  # the flagged scan is not one
    assert b["last_visit"] == at(8, 23)  # recorded two days after the period, counted in it
    assert (c["visits"], c["missed"], c["last_visit"]) == (0, 1, None)  # 11-09 00:00 is the next period's
    assert a["night_share"] == 66.7


def test_the_longest_gap_includes_the_period_edges(world, week):
    rows = _by_name(coverage.coverage(user=world.officer, period=PERIOD, now=AFTER))

    assert rows["东大门"]["longest_gap_seconds"] == 3 * 86400 + 13 * 3600 + 55 * 60  # last visit → the end
    assert rows["一号仓库"]["longest_gap_seconds"] == 5 * 86400 + 3600 + 40 * 60  # between its two visits
    assert rows["变电站"]["longest_gap_seconds"] == 7 * 86400  # never visited: the whole period


def test_the_gap_of_a_period_not_yet_over_ends_now(world, week):
    assert coverage.longest_gap(PERIOD, at(4, 0), at(5, 0), 3600, now=at(6, 0)) == 2 * 86400  # start → first
    assert coverage.longest_gap(PERIOD, at(2, 1), at(3, 0), 3600, now=at(6, 0)) == 3 * 86400  # last → now
    assert coverage.longest_gap(PERIOD, None, None, None, now=at(6, 0)) == 4 * 86400  # so far, nothing


def test_levels(world, week):
    rows = _by_name(coverage.coverage(user=world.officer, period=PERIOD, now=AFTER))

    assert [rows[n]["level"] for n in ("东大门", "一号仓库", "变电站")] == ["low", "low", "none"]
    assert coverage.level(7, 0, 7) == "good"
    assert coverage.level(7, 1, 7) == "low"
    assert coverage.level(6, 0, 7) == "low"


def test_per_park_and_per_team(world, week):
    figures = coverage.coverage(user=world.leader, period=PERIOD, now=AFTER)

    assert figures["parks"] == [{"park_id": world.park.pk, "park__name": world.park.name, "checkpoints": 3,
                                 "visited": 2, "visits": 5, "night_visits": 4, "last_visit": at(8, 23), "missed": 1,
                                 "coverage_share": 66.7, "night_share": 80.0}]
    assert figures["teams"] == [{"pk": world.team.pk, "name": world.team.name, "park__name": world.park.name,
                                 "runs": 2, "visits": 3, "night_visits": 3, "checkpoints_reached": 2,
                                 "last_visit": at(8, 23), "missed": 1, "night_share": 100.0}]
    assert figures["totals"]["coverage_share"] == 66.7


def test_the_period_edges_move_the_visits(world, week):
    first_day = coverage.period_of_days(date(2026, 11, 2), date(2026, 11, 2))
    rows = _by_name(coverage.coverage(user=world.officer, period=first_day, now=AFTER))
    assert rows["东大门"]["visits"] == 1  # 00:00:00 counts, 23:59:59 the day before does not

    next_day = coverage.period_of_days(date(2026, 11, 9), date(2026, 11, 9))
    rows = _by_name(coverage.coverage(user=world.officer, period=next_day, now=AFTER))
    assert (rows["变电站"]["visits"], rows["变电站"]["missed"]) == (1, 1)


def test_another_station_sees_only_its_own(world, week):
    figures = coverage.coverage(user=world.other_officer, period=PERIOD, now=AFTER)

    assert {row["park"] for row in figures["checkpoints"]} == {world.other_park.pk}
    assert {row["name"]: row["visits"] for row in figures["checkpoints"]} == {"东大门": 1, "一号仓库": 0, "变电站": 0}
    assert [p["park_id"] for p in figures["parks"]] == [world.other_park.pk]
    assert figures["teams"] == []


def test_a_volunteer_or_an_officer_of_another_park_sees_nothing(world, week):
    for user in (world.volunteer, world.officer2, world.liaison):
        figures = coverage.coverage(user=user, period=PERIOD, now=AFTER)
        assert (figures["checkpoints"], figures["parks"], figures["teams"]) == ([], [], [])


def test_one_park_only(world, week):
    figures = coverage.coverage(user=world.leader, period=PERIOD, park=world.park2, now=AFTER)
    assert figures["checkpoints"] == [] and figures["parks"] == []


def test_the_figures_are_a_fixed_handful_of_queries(world, week):
    coverage.coverage(user=world.leader, period=PERIOD, now=AFTER)  # the user's access, read once
    with CaptureQueriesContext(connection) as queries:
        coverage.coverage(user=world.leader, period=PERIOD, now=AFTER)
    run = CheckIn.objects.filter(checkpoint=week.a).first().run
    for hour in range(1, 12):  # more rows: the same queries
        CheckIn.objects.create(run=run, checkpoint=week.c, at=at(6, hour), recorded_by=world.officer)
    with CaptureQueriesContext(connection) as again:
        coverage.coverage(user=world.leader, period=PERIOD, now=AFTER)
    assert len(again) == len(queries) == 6  # the gaps, per checkpoint, per park, missed, teams, missed per team


def test_the_command_prints_the_same_figures(world, week, tmp_path):
    import io as _io
    import json

    from django.core.management import CommandError, call_command
    from openpyxl import load_workbook

    out = _io.StringIO()
    call_command("patrol_coverage", "--as", world.officer.username, "--from", "2026-11-02", "--to", "2026-11-08",
                 stdout=out)
    printed = json.loads(out.getvalue())
    assert printed["totals"]["visits"] == 5 and printed["totals"]["missed"] == 1
    assert {c["name"]: c["visits"] for c in printed["checkpoints"]} == {"东大门": 3, "一号仓库": 2, "变电站": 0}

    target = tmp_path / "coverage.xlsx"
    call_command("patrol_coverage", "--as", world.other_officer.username, "--from", "2026-11-02", "--to",
                 "2026-11-08", "--xlsx", str(target), stdout=_io.StringIO())
    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    assert {row[1] for row in rows[1:]} == {world.other_park.name}

    for args in (["--as", world.volunteer.username, "--from", "2026-11-02", "--to", "2026-11-08"],
                 ["--as", world.officer.username, "--from", "2026-11-08", "--to", "2026-11-02"],
                 ["--as", world.officer.username, "--from", "x", "--to", "2026-11-02"],
                 ["--as", world.other_officer.username, "--from", "2026-11-02", "--to", "2026-11-08", "--park",
                  world.park.code]):
        with pytest.raises(CommandError):
            call_command("patrol_coverage", *args, stdout=_io.StringIO())
