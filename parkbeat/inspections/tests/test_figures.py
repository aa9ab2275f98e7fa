"""Inspection figures against hand-computed expectations: done by when they happened (Asia/Shanghai days), full,
partial, joint, planned and cancelled by their day, and the quarterly rule's compliance rate; scope and park."""
from datetime import date, datetime
from datetime import timezone as dt_timezone

import pytest

from parkbeat.inspections import services
from parkbeat.inspections.figures import inspection_figures, quarters_between
from parkbeat.inspections.quarters import Quarter
from parkbeat.inspections.tests import helpers as h

COVERS = {"inspection-figures"}
UTC = dt_timezone.utc
NOW = h.shanghai(2026, 12, 1, 12)


@pytest.fixture
def year(world):
    """Park 1: enterprise (key from 2024) and enterprise2 (not key); park 2: park2_enterprise (key from
    1 May 2026). Hand count of 2026 in the station:
      Q1: enterprise full joint at 23:30 on 31 March (counts), enterprise2 full (not key: does not count)
      Q2: enterprise partial (does not count); park2_enterprise full on 10 June (counts)
      Q3: enterprise full at 00:10 on 1 July Shanghai (= 30 June 16:10 UTC: Q3, counts)
      Q4: nothing done; one planned for 20 Dec, one cancelled (planned for 5 Dec)
    plus another station's full inspection (never counted here)."""
    h.make_key(world)
    h.make_key(world, enterprise=world.park2_enterprise, starts_on=date(2026, 5, 1))
    h.make_key(world, enterprise=world.other_enterprise, actor=world.other_officer)
    h.record(world, h.plan(world, agencies=[world.agency], agency_staff=[world.agency_staff]),
             h.shanghai(2026, 3, 31, 23, 30))
    h.record(world, h.plan(world, enterprise=world.enterprise2), h.shanghai(2026, 2, 3, 10))
    h.record(world, h.plan(world), h.shanghai(2026, 5, 6, 10), skip_area="仓库")
    park2 = services.inspection_plan(actor=world.officer2, enterprise=world.park2_enterprise,
                                     planned_on=date(2026, 6, 10), checklist=h.general())
    h.record(world, park2, h.shanghai(2026, 6, 10, 9), actor=world.officer2)
    h.record(world, h.plan(world), datetime(2026, 6, 30, 16, 10, tzinfo=UTC))
    h.plan(world, planned_on=date(2026, 12, 20))
    cancelled = h.plan(world, planned_on=date(2026, 12, 5))
    services.inspection_cancel(actor=world.officer, inspection=cancelled, reason="企业停产", expected_version=1)
    other = services.inspection_plan(actor=world.other_officer, enterprise=world.other_enterprise,
                                     planned_on=date(2026, 3, 1), checklist=h.general())
    h.record(world, other, h.shanghai(2026, 3, 1, 10), actor=world.other_officer)


def facts(f):
    return {"done": f.done, "full": f.full, "partial": f.partial, "joint": f.joint, "planned": f.planned,
            "cancelled": f.cancelled, "quarters": [(str(q.quarter), q.key, q.done, q.rate) for q in f.quarters],
            "rate": f.rate}


def test_the_year_for_the_leader(world, year):
    f = inspection_figures(user=world.leader, start=date(2026, 1, 1), end=date(2026, 12, 31), now=NOW)
    # Q1: key = enterprise only (park2_enterprise key from May) -> 1/1; Q2: both key, only park2's counts -> 1/2;
    # Q3: both key, enterprise done -> 1/2; Q4: 0/2. Period: 3 of 7 = 42.9 %.
    assert facts(f) == {"done": 5, "full": 4, "partial": 1, "joint": 1, "planned": 1, "cancelled": 1,
                        "quarters": [("2026Q1", 1, 1, 100.0), ("2026Q2", 2, 1, 50.0), ("2026Q3", 2, 1, 50.0),
                                     ("2026Q4", 2, 0, 0.0)], "rate": 42.9}


def test_the_period_edges_are_shanghai_days(world, year):
    q1 = inspection_figures(user=world.leader, start=date(2026, 1, 1), end=date(2026, 3, 31), now=NOW)
    from_july = inspection_figures(user=world.leader, start=date(2026, 7, 1), end=date(2026, 9, 30), now=NOW)
    june = inspection_figures(user=world.leader, start=date(2026, 6, 1), end=date(2026, 6, 30), now=NOW)

    assert (q1.done, q1.joint, q1.full) == (2, 1, 2)   # 23:30 on 31 March is inside
    assert (from_july.done, [str(q.quarter) for q in from_july.quarters]) == (1, ["2026Q3"])  # 00:10 on 1 July
    assert june.done == 1 and [(q.key, q.done) for q in june.quarters] == [(2, 1)]


def test_scope_and_park(world, year):
    officer = inspection_figures(user=world.officer, start=date(2026, 1, 1), end=date(2026, 12, 31), now=NOW)
    park2 = inspection_figures(user=world.leader, start=date(2026, 1, 1), end=date(2026, 12, 31), park=world.park2,
                               now=NOW)
    other = inspection_figures(user=world.other_officer, start=date(2026, 1, 1), end=date(2026, 12, 31), now=NOW)
    agency = inspection_figures(user=world.agency_staff, start=date(2026, 1, 1), end=date(2026, 12, 31), now=NOW)

    assert (officer.done, officer.planned, [(q.key, q.done) for q in officer.quarters]) == (
        4, 1, [(1, 1), (1, 0), (1, 1), (1, 0)])
    assert (park2.done, [(q.key, q.done) for q in park2.quarters]) == (1, [(0, 0), (1, 1), (1, 0), (1, 0)])
    assert (other.done, other.rate) == (1, 25.0)
    assert (agency.done, agency.joint) == (1, 1)  # only the inspection they joined


def test_the_quarters_a_period_touches():
    assert quarters_between(date(2026, 3, 31), date(2026, 7, 1)) == [Quarter(2026, 1), Quarter(2026, 2),
                                                                     Quarter(2026, 3)]


def test_no_rows_no_rate(world):
    f = inspection_figures(user=world.leader, start=date(2026, 1, 1), end=date(2026, 3, 31), now=NOW)
    assert (f.done, f.rate, [(q.key, q.rate) for q in f.quarters]) == (0, None, [(0, None)])


def test_the_api_and_the_board(world, year, api_as, client, settings):
    api = api_as(world.leader)
    body = api.get("/api/v1/inspections/figures/", {"start": "2026-01-01", "end": "2026-06-30"})
    bad = api.get("/api/v1/inspections/figures/", {"start": "2026-06-01", "end": "2026-01-01"})
    unknown = api.get("/api/v1/inspections/figures/", {"start": "2026-01-01", "since": "x"})
    foreign = api.get("/api/v1/inspections/figures/", {"park": world.other_park.pk})

    assert body.status_code == 200
    assert {k: body.json()[k] for k in ("done", "full", "partial", "joint", "key", "key_done", "rate")} == {
        "done": 4, "full": 3, "partial": 1, "joint": 1, "key": 3, "key_done": 2, "rate": 66.7}
    assert [q["quarter"] for q in body.json()["quarters"]] == ["2026Q1", "2026Q2"]
    assert bad.status_code == 400 and "end" in bad.json()
    assert unknown.status_code == 400 and foreign.status_code == 400 and "park" in foreign.json()
    for who in (world.liaison, world.volunteer, world.agency_staff, world.auditor):
        assert api_as(who).get("/api/v1/inspections/figures/").status_code == 403

    client.force_login(world.leader)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    board = client.get("/inspections/compliance/", {"year": 2026}).content.decode()
    assert 'id="inspection-figures"' in board and 'data-figure="done">5<' in board


@pytest.mark.parametrize("query", ["start=9999-12-31", "end=9999-12-31", "start=1899-01-01"])
def test_a_day_out_of_range_is_a_400_naming_it(world, api_as, query):
    response = api_as(world.leader).get(f"/api/v1/inspections/figures/?{query}")

    assert response.status_code == 400
    assert query.split("=")[0] in response.json()
