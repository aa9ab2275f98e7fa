"""Figures against values computed by hand (comments show the arithmetic)."""
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from parkbeat.disputes.models import Agreement, Dispute, DisputeTransition, Obligation, Payment
from parkbeat.core.figures import percentile
from parkbeat.disputes.selectors import dispute_figures
from parkbeat.incidents.models import Incident

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 4, 10, 0, 0, tzinfo=TZ)
START, END = date(2026, 3, 1), date(2026, 3, 31)


def at(month, day, hour=0, minute=0):
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


def test_percentile_linear_interpolation_by_hand():
    assert percentile([], 50) is None
    assert percentile([7], 90) == 7
    assert percentile([1, 2, 3, 4], 50) == 2.5  # h = 3·0.5 = 1.5 → 2 + 0.5·(3−2)
    assert percentile([10, 20, 30, 40, 50], 90) == 46  # h = 4·0.9 = 3.6 → 40 + 0.6·10
    assert percentile([600, 2400, 1200], 90) == 2160  # sorted; h = 1.8 → 1200 + 0.8·1200


@pytest.fixture
def scene(world):
    def dispute(began, category, level, steps=(), **kw):
        """A dispute as the services leave it, with its steps: opened at `began`, then (at, kind, from, to)."""
        incident = kw.pop("incident", None)
        if incident:
            reported, on_scene = incident
            incident = Incident.objects.create(source="phone", kind="labour_dispute", park=kw.get("park", world.park),
                                               description="x", reported_by=world.officer, reported_at=reported,
                                               on_scene_at=on_scene, status="on_scene")
        d = Dispute.objects.create(park=kw.pop("park", world.park), title="t", summary="s", category=category,
                                   level=level, began_at=began, level_since=kw.pop("level_since", began),
                                   opened_by=world.officer, incident=incident, **kw)
        for moment, kind, from_value, to_value in [(began, "status", "", "open"), *steps]:
            DisputeTransition.objects.create(dispute=d, kind=kind, at=moment, recorded_at=moment,
                                             from_value=from_value, to_value=to_value)
        return d

    dispute(at(3, 2, 10), "labour_wage", "enterprise", status="settled", settled_at=at(3, 2, 16),
            settled_level="enterprise", seconds_enterprise=21600, incident=(at(3, 2, 9), at(3, 2, 9, 20)),
            steps=[(at(3, 2, 16), "status", "open", "settled")])
    d2 = dispute(at(3, 5, 8), "labour_wage", "park", status="settled", settled_at=at(3, 7, 8), settled_level="park",
                 seconds_park=172800, incident=(at(3, 5, 7), at(3, 5, 7, 10)),
                 steps=[(at(3, 7, 8), "status", "open", "settled")])
    dispute(at(3, 10), "economic_contract", "park", status="settled", settled_at=at(3, 11), settled_level="park",
            seconds_enterprise=3600, seconds_park=82800, incident=(at(3, 10), at(3, 10, 0, 40)),
            steps=[(at(3, 10, 1), "level", "enterprise", "park"), (at(3, 11), "status", "open", "settled")])
    dispute(at(3, 20), "other", "beyond", level_since=at(3, 25), seconds_park=432000,  # open, running at beyond
            steps=[(at(3, 25), "level", "park", "beyond")])
    d5 = dispute(at(2, 20), "labour_other", "beyond", status="settled", settled_at=at(3, 3), settled_level="beyond",
                 seconds_beyond=950400, steps=[(at(3, 3), "status", "open", "settled")])
    dispute(at(3, 12), "labour_wage", "park", park=world.other_park)  # another station: never counted
    dispute(at(4, 2), "labour_wage", "park")  # after the period

    def agreement(d, signed, total, status="performing"):
        return Agreement.objects.create(dispute=d, terms="x", total_amount=Decimal(total), signed_on=signed,
                                        status=status, recorded_by=world.officer)

    a2 = agreement(d2, date(2026, 3, 6), "3000")
    o1 = Obligation.objects.create(agreement=a2, sequence=1, description="一", due_on=date(2026, 3, 20),
                                   amount=1000, paid_amount=1000, status="paid", paid_on=date(2026, 3, 19))
    Payment.objects.create(obligation=o1, paid_on=date(2026, 3, 19), amount=1000, recorded_by=world.officer)
    Obligation.objects.create(agreement=a2, sequence=2, description="二", due_on=date(2026, 4, 5), amount=2000)
    old = agreement(d2, date(2026, 3, 5), "9999", status="superseded")
    Obligation.objects.create(agreement=old, sequence=1, description="旧", due_on=date(2026, 3, 10), amount=9999)
    a5 = agreement(d5, date(2026, 2, 25), "500", status="breached")
    o5 = Obligation.objects.create(agreement=a5, sequence=1, description="一", due_on=date(2026, 3, 15), amount=500,
                                   paid_amount=200, status="missed")
    Payment.objects.create(obligation=o5, paid_on=date(2026, 3, 16), amount=200, recorded_by=world.officer)


def test_figures_for_the_leader_match_the_hand_computed_values(world, scene):
    f = dispute_figures(user=world.leader, start=START, end=END, now=NOW)

    assert f["opened"] == {"total": 4, "by_category": {
        "labour_wage": 2, "labour_other": 0, "economic_contract": 1, "work_injury": 0, "neighbour": 0, "other": 1},
        "by_level": {"enterprise": 1, "park": 2, "beyond": 1}}
    # settled in March: d1 (enterprise), d2 and d3 (park), d5 (beyond, began in February)
    assert f["settled"] == {"total": 4, "by_level": {"enterprise": 1, "park": 2, "beyond": 1},
                            "share": {"enterprise": 0.25, "park": 0.5, "beyond": 0.25}}
    # on scene: 1200, 600, 2400 s → sorted 600, 1200, 2400; median 1200; P90 h = 1.8 → 1200 + 0.8·1200 = 2160
    assert f["to_on_scene"] == {"count": 3, "median_seconds": 1200.0, "p90_seconds": 2160.0}
    # settlement: 21600, 172800, 86400, 950400 → median (86400 + 172800)/2 = 129600;
    # P90 h = 3·0.9 = 2.7 → 172800 + 0.7·(950400 − 172800) = 717120
    assert f["to_settlement"] == {"count": 4, "median_seconds": 129600.0, "p90_seconds": 717120.0}
    # tiers of the 4 opened: enterprise 21600 + 3600; park 172800 + 82800 + 432000;
    # beyond: the open one's running span 25 March → 10 April = 16 days = 1382400 s
    assert f["tiers"] == {
        "enterprise": {"total_seconds": 25200, "disputes": 2, "median_seconds": 12600.0},
        "park": {"total_seconds": 687600, "disputes": 3, "median_seconds": 172800.0},
        "beyond": {"total_seconds": 1382400, "disputes": 1, "median_seconds": 1382400.0}}
    assert f["agreed"] == {"count": 1, "amount": Decimal("3000")}  # the superseded 9999 is left out
    assert f["paid"] == {"count": 2, "amount": Decimal("1200")}  # 1000 on 19 March + 200 on 16 March
    assert f["obligations_due"] == {"count": 2, "amount": Decimal("1500")}  # 1000 due 20 March + 500 due 15 March
    # overdue on 10 April: 2000 pending since 5 April, and 500 missed with 200 paid → 300
    assert f["overdue"] == {"count": 2, "outstanding": Decimal("2300")}


def test_figures_for_one_park_and_for_other_scopes(world, scene):
    assert dispute_figures(user=world.leader, start=START, end=END, park=world.park2, now=NOW)["opened"]["total"] == 0
    assert dispute_figures(user=world.officer2, start=START, end=END, now=NOW)["settled"]["total"] == 0
    mediator = dispute_figures(user=world.mediator, start=START, end=END, now=NOW)
    assert (mediator["opened"]["total"], mediator["settled"]["share"]["park"], mediator["to_settlement"]) == (
        0, None, {"count": 0, "median_seconds": None, "p90_seconds": None})
    other = dispute_figures(user=world.other_officer, start=START, end=END, now=NOW)
    assert other["opened"]["total"] == 1


# ---------------------------------------------------------------- a quarter entered in December
DECEMBER = datetime(2026, 12, 1, 20, 0, tzinfo=TZ)
Q3, Q4 = (date(2026, 7, 1), date(2026, 9, 30)), (date(2026, 10, 1), date(2026, 12, 31))


def q(month, day, hour=10):
    return datetime(2026, month, day, hour, 0, tzinfo=TZ)


def back_entered(world, began, steps, level="park"):
    """A dispute entered on 1 December by the leader, every step with the time it happened:
    steps are (at, "level", to) or (at, status)."""
    from parkbeat.disputes import services
    from parkbeat.disputes.tests.factories import open_dispute

    dispute = open_dispute(world, actor=world.leader, began_at=began, level=level)
    for step in steps:
        dispute.refresh_from_db()
        if step[1] == "level":
            services.dispute_change_level(actor=world.leader, dispute=dispute, to=step[2], reason="台账记载",
                                          at=step[0], expected_version=dispute.version)
        else:
            services.dispute_transition(actor=world.leader, dispute=dispute, to=step[1], note="台账记载",
                                        at=step[0], expected_version=dispute.version)
    dispute.refresh_from_db()
    return dispute


def test_tier_clocks_and_percentiles_of_a_back_entered_quarter_are_the_hand_computed_ones(world):
    with time_machine.travel(DECEMBER, tick=False):
        long = back_entered(world, q(9, 1, 9), [(q(9, 3, 15), "level", "park"), (q(9, 10, 9), "level", "beyond"),
                                                (q(9, 20, 12), "settled")], level="enterprise")
        short = back_entered(world, q(9, 5), [(q(9, 6), "settled")])

    # enterprise 1 Sep 09:00 → 3 Sep 15:00 = 54 h; park → 10 Sep 09:00 = 162 h; beyond → 20 Sep 12:00 = 243 h
    assert (long.seconds_enterprise, long.seconds_park, long.seconds_beyond) == (194400, 583200, 874800)
    assert (long.settled_at, long.settled_level, long.level_since) == (q(9, 20, 12), "beyond", q(9, 20, 12))
    assert (short.seconds_park, short.settled_at) == (86400, q(9, 6))
    f = dispute_figures(user=world.leader, start=Q3[0], end=Q3[1], now=DECEMBER)
    assert f["settled"] == {"total": 2, "by_level": {"enterprise": 0, "park": 1, "beyond": 1},
                            "share": {"enterprise": 0.0, "park": 0.5, "beyond": 0.5}}
    # settlement: 459 h = 1652400 s and 24 h = 86400 s → median 869400; P90 h = 0.9 → 86400 + 0.9·1566000
    assert f["to_settlement"] == {"count": 2, "median_seconds": 869400.0, "p90_seconds": 1495800.0}
    # park: 583200 and 86400 → median 334800; the clocks stopped when settled, not on the day of entry
    assert f["tiers"] == {
        "enterprise": {"total_seconds": 194400, "disputes": 1, "median_seconds": 194400.0},
        "park": {"total_seconds": 669600, "disputes": 2, "median_seconds": 334800.0},
        "beyond": {"total_seconds": 874800, "disputes": 1, "median_seconds": 874800.0}}
    assert dispute_figures(user=world.leader, start=Q4[0], end=Q4[1], now=DECEMBER)["settled"]["total"] == 0


def test_reopened_and_settled_again_counts_once_at_its_final_level(world):
    with time_machine.travel(DECEMBER, tick=False):
        # A: settled at park, reopened, escalated, settled again beyond: once, beyond
        back_entered(world, q(7, 1), [(q(7, 10), "settled"), (q(8, 1), "open"), (q(8, 5), "level", "beyond"),
                                      (q(8, 20), "settled")])
        # B: settled, reopened in September and still open at the end of the quarter: not settled
        back_entered(world, q(7, 5), [(q(7, 15), "settled"), (q(9, 1), "open")])
        # C: settled at the enterprise in September, reopened in October: settled in Q3, reopened in Q4
        back_entered(world, q(7, 20), [(q(9, 29), "settled"), (q(10, 5), "open")], level="enterprise")
        # D: began in June, settled in July
        back_entered(world, q(6, 20), [(q(7, 2), "settled")])
        # E: settled and reopened twice in August: once, and two reopenings
        back_entered(world, q(8, 1), [(q(8, 2), "settled"), (q(8, 3), "open"), (q(8, 4), "settled"),
                                      (q(8, 5), "open"), (q(8, 6), "settled")])
        # F: began in the quarter, settled in October
        back_entered(world, q(9, 25), [(q(10, 2), "settled")])

    f = dispute_figures(user=world.leader, start=Q3[0], end=Q3[1], now=DECEMBER)

    assert f["settled"] == {"total": 4, "by_level": {"enterprise": 1, "park": 2, "beyond": 1},
                            "share": {"enterprise": 0.25, "park": 0.5, "beyond": 0.25}}  # C; D, E; A
    assert f["reopened"] == {"total": 3, "times": 4}  # A, B, E (twice)
    # A 50 days, C 71, D 12, E 5 → 432000, 1036800, 4320000, 6134400: median (1036800 + 4320000)/2;
    # P90 h = 2.7 → 4320000 + 0.7·1814400
    assert f["to_settlement"] == {"count": 4, "median_seconds": 2678400.0, "p90_seconds": 5590080.0}
    assert f["opened"]["total"] == 5  # A, B, C, E, F
    q4 = dispute_figures(user=world.leader, start=Q4[0], end=Q4[1], now=DECEMBER)
    assert (q4["settled"]["by_level"], q4["reopened"]) == ({"enterprise": 0, "park": 1, "beyond": 0},
                                                          {"total": 1, "times": 1})  # F; C


def test_the_new_counts_are_in_the_api_and_its_schema(world, api_as):
    with time_machine.travel(DECEMBER, tick=False):
        back_entered(world, q(7, 1), [(q(7, 10), "settled"), (q(8, 1), "open"), (q(8, 20), "settled")])
        api = api_as(world.leader)
        data = api.get("/api/v1/disputes/figures/", {"start": "2026-07-01", "end": "2026-09-30"}).json()
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()["components"]["schemas"]

    assert (data["settled"]["by_level"], data["settled"]["share"]["park"], data["reopened"]) == (
        {"enterprise": 0, "park": 1, "beyond": 0}, 1.0, {"total": 1, "times": 1})
    assert set(schema["Figures"]["properties"]) == set(data)
    assert set(schema["FiguresReopened"]["properties"]) == {"total", "times"}
