"""Crime figures against hand-computed expectations, including the 48 h edge (exactly 48 h is within, 48 h 10 min
is not), on whichever engine runs the suite (SQLite and PostgreSQL)."""
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from parkbeat.crime import services as s
from parkbeat.crime.figures import case_figures
from parkbeat.crime.tests import helpers as h


def _case(w, reported, kind, loss, identified_after=None, recovered=None, status=None, enterprise=None, actor=None):
    actor = actor or w.leader
    case = h.case(w, actor=actor, kind=kind, loss_yuan=loss, reported_at=reported,
                  occurred_at=reported - timedelta(hours=3), enterprise=enterprise or w.enterprise)
    if identified_after is not None:
        s.case_key_time(actor=actor, case=case, kind="identified", at=reported + identified_after,
                        expected_version=case.version)
    if recovered is not None:
        s.case_key_time(actor=actor, case=case, kind="recovered", recovered_yuan=recovered,
                        at=reported + timedelta(hours=50), expected_version=case.version)
    for step in status or ():
        s.case_transition(actor=actor, case=case, status=step, reason="结案", expected_version=case.version)
    return case


def test_figures_by_hand_with_the_48_hour_edge(world):
    reported = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=100)
    _case(world, reported, "theft", "1000", identified_after=timedelta(hours=48), recovered="1000", status=["solved"])
    _case(world, reported, "theft", "2000.50", identified_after=timedelta(hours=48, minutes=10))
    _case(world, reported, "fraud", "500", identified_after=timedelta(hours=2), recovered="200",
          status=["solved", "closed"])
    _case(world, reported, "damage", "0", status=["closed"])
    _case(world, reported, "theft", "99999", identified_after=timedelta(hours=1), enterprise=world.other_enterprise,
          actor=world.other_officer)  # another station's: never counted here

    f = case_figures(user=world.officer)
    assert f["cases"] == 4
    assert f["by_kind"]["theft"] == 2 and f["by_kind"]["fraud"] == 1 and f["by_kind"]["damage"] == 1
    assert f["by_kind"]["embezzlement"] == 0
    assert f["identified"] == 3
    assert f["within_48h"] == 2  # 48 h and 2 h; 48 h 10 min is not within
    assert f["share_within_48h"] == round(2 / 3, 3)
    assert f["median_hours_to_identify"] == 48.0  # of 2, 48 and 48.17 hours
    assert f["loss_yuan"] == Decimal("3500.50") and f["recovered_yuan"] == Decimal("1200.00")
    assert f["recovered_share"] == round(1200 / 3500.5, 3)
    assert f["solved"] == 2 and f["clearance_rate"] == 0.5  # solved, and solved then closed; not closed unsolved

    other = case_figures(user=world.other_officer)
    assert (other["cases"], other["within_48h"], other["median_hours_to_identify"]) == (1, 1, 1.0)
    assert case_figures(user=world.liaison, queryset=None)["cases"] == 4  # the liaison's enterprise's own


def test_figures_of_nothing(world):
    f = case_figures(user=world.officer)
    assert (f["cases"], f["median_hours_to_identify"], f["share_within_48h"], f["clearance_rate"],
            f["recovered_share"], f["loss_yuan"]) == (0, None, None, None, None, Decimal("0"))
    assert case_figures(user=world.auditor)["cases"] == 0


def test_figures_of_a_period_and_a_park(world):
    now = timezone.now().replace(second=0, microsecond=0)
    _case(world, now - timedelta(days=3), "theft", "100")
    _case(world, now - timedelta(hours=5), "fraud", "200")
    _case(world, now - timedelta(hours=5), "theft", "300", enterprise=world.park2_enterprise)
    assert case_figures(user=world.leader, start=now - timedelta(days=1))["cases"] == 2
    assert case_figures(user=world.leader, end=now - timedelta(days=1))["loss_yuan"] == Decimal("100")
    assert case_figures(user=world.leader, park=world.park2)["by_kind"]["theft"] == 1
    assert case_figures(user=world.officer)["cases"] == 2  # officer of park A only
