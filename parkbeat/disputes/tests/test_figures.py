"""Figures against values computed by hand (comments show the arithmetic)."""
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from parkbeat.disputes.models import Agreement, Dispute, Obligation, Payment
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
    def dispute(began, category, level, **kw):
        incident = kw.pop("incident", None)
        if incident:
            reported, on_scene = incident
            incident = Incident.objects.create(source="phone", kind="labour_dispute", park=kw.get("park", world.park),
                                               description="x", reported_by=world.officer, reported_at=reported,
                                               on_scene_at=on_scene, status="on_scene")
        return Dispute.objects.create(park=kw.pop("park", world.park), title="t", summary="s", category=category,
                                      level=level, began_at=began, level_since=kw.pop("level_since", began),
                                      opened_by=world.officer, incident=incident, **kw)

    d1 = dispute(at(3, 2, 10), "labour_wage", "enterprise", status="settled", settled_at=at(3, 2, 16),
                 settled_level="enterprise", seconds_enterprise=21600, incident=(at(3, 2, 9), at(3, 2, 9, 20)))
    d2 = dispute(at(3, 5, 8), "labour_wage", "park", status="settled", settled_at=at(3, 7, 8), settled_level="park",
                 seconds_park=172800, incident=(at(3, 5, 7), at(3, 5, 7, 10)))
    dispute(at(3, 10), "economic_contract", "park", status="settled", settled_at=at(3, 11), settled_level="park",
            seconds_enterprise=3600, seconds_park=82800, incident=(at(3, 10), at(3, 10, 0, 40)))
    dispute(at(3, 20), "other", "beyond", level_since=at(3, 25), seconds_park=432000)  # open, running at beyond
    d5 = dispute(at(2, 20), "labour_other", "beyond", status="settled", settled_at=at(3, 3), settled_level="beyond",
                 seconds_beyond=950400)
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
