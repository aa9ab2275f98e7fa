"""A struck-off hazard's page offers no follow-up visit; a same-day strike-off reads in hours, not "0.0 days"."""
from datetime import timedelta

from django.utils import timezone

from parkbeat.hazards import services as s
from parkbeat.hazards.figures import hazard_figures
from parkbeat.hazards.tests import helpers as h


def _struck_off(hazard, actor):
    hazard.refresh_from_db()
    s.hazard_review(actor=actor, hazard=hazard, accept=True, expected_version=hazard.version)
    hazard.refresh_from_db()
    return hazard


def test_a_struck_off_hazard_offers_no_follow_up(world, page_as, english_pages):
    open_ = h.deadline_hazard(world)
    assert 'id="follow-up-form"' in page_as(world.officer).get(f"/hazards/{open_.pk}/").content.decode()
    done = _struck_off(h.on_spot_hazard(world), world.officer)
    assert done.state == "struck_off"
    assert 'id="follow-up-form"' not in page_as(world.officer).get(f"/hazards/{done.pk}/").content.decode()


def test_a_same_day_strike_off_reads_in_hours(world, page_as, english_pages):
    now = timezone.now()
    _struck_off(h.on_spot_hazard(world, found_at=now - timedelta(hours=3)), world.officer)
    figures = hazard_figures(user=world.officer)
    assert figures["median_days_to_strike_off"] == 0.1 and figures["median_hours_to_strike_off"] == 3.0
    page = page_as(world.officer).get("/hazards/").content.decode()
    assert "median 3.0 hours to strike-off (the same day)" in page and "0.1 days" not in page


def test_a_strike_off_within_the_hour(world, page_as, english_pages):
    _struck_off(h.on_spot_hazard(world, found_at=timezone.now() - timedelta(minutes=10)), world.officer)
    page = page_as(world.officer).get("/hazards/").content.decode()
    assert "median under an hour to strike-off (the same day)" in page and "0.0 days" not in page
