"""The hazard figures against hand-computed expectations, for a period and each user's scope."""
from datetime import datetime, time, timedelta

from django.utils import timezone

from parkbeat.hazards import services as s
from parkbeat.hazards.figures import hazard_figures
from parkbeat.hazards.tests import helpers as h


def _struck_off(hazard, actor):
    hazard.refresh_from_db()
    s.hazard_review(actor=actor, hazard=hazard, accept=True, expected_version=hazard.version)


def setup(w):
    """1 general under a deadline still rectifying; 1 major submitted (at enterprise2); 1 general on the spot found
    2 days ago and 1 major under a deadline found 4 days ago, both struck off now; another station's one."""
    now = timezone.now()
    h.deadline_hazard(w, days=3)
    waiting = h.deadline_hazard(w, enterprise=w.enterprise2, severity="major")
    s.hazard_evidence_add(actor=w.officer, hazard=waiting, uploads=[h.png()])
    _struck_off(h.on_spot_hazard(w, found_at=now - timedelta(days=2)), w.officer)
    major = h.deadline_hazard(w, severity="major", found_at=now - timedelta(days=4))
    s.hazard_evidence_add(actor=w.liaison, hazard=major, uploads=[h.png()])
    _struck_off(major, w.leader)
    s.hazard_create(actor=w.other_officer, enterprise=w.other_enterprise, description="x", disposition="on_spot",
                    evidence=[h.png()])
    return now


def test_the_figures_of_the_officers_scope(world):
    now = setup(world)
    assert hazard_figures(user=world.officer) == {
        "found": 4, "by_severity": {"general": 2, "major": 2}, "on_spot": 1, "deadline": 3, "struck_off": 2,
        "open": 2, "overdue": 0, "median_days_to_strike_off": 3.0, "median_hours_to_strike_off": 72.0}
    later = hazard_figures(user=world.officer, now=now + timedelta(days=10))
    assert later["overdue"] == 1  # the one still rectifying; the submitted one waits for review, not overdue


def test_a_period_and_the_liaisons_scope(world):
    now = setup(world)
    recent = hazard_figures(user=world.officer, start=now - timedelta(days=3))
    assert (recent["found"], recent["struck_off"], recent["median_days_to_strike_off"]) == (3, 1, 2.0)
    liaison = hazard_figures(user=world.liaison)
    assert (liaison["found"], liaison["by_severity"], liaison["on_spot"]) == (3, {"general": 2, "major": 1}, 1)
    assert hazard_figures(user=world.other_officer)["found"] == 1
    assert hazard_figures(user=world.volunteer)["found"] == 0
    assert hazard_figures(user=world.officer, start=now + timedelta(hours=1))["median_days_to_strike_off"] is None


def test_the_api_and_the_list_page_show_them(world, api_as, page_as, english_pages):
    now = setup(world)
    today = timezone.localdate(now)
    body = api_as(world.officer).get(f"/api/v1/hazards/figures/?start={today - timedelta(days=3)}&end={today}").json()
    assert (body["found"], body["on_spot"], body["deadline"], body["struck_off"]) == (3, 1, 2, 1)
    assert api_as(world.officer).get(f"/api/v1/hazards/figures/?park={world.other_park.pk}").status_code == 400
    page = page_as(world.officer).get("/hazards/?severity=major").content.decode()
    assert "Found 2 hazards: 0 fixed on the spot, 2 under a deadline, 0 overdue, 1 struck off" in page
    assert datetime.combine(today, time()) and "median 4.0 days to strike-off" in page
