"""The patrol card on the workbench: running now, missed checks of the last 7 days and the share of checkpoints
visited, in the user's parks, for the police only; linked to the pages behind each figure."""
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from parkbeat.core.home import home_page
from parkbeat.patrols.models import CheckIn, MissedCheck, PatrolRun
from parkbeat.patrols.tests.helpers import all_week_plan


def _panel(user):
    return next((p["context"] for p in home_page(user=user)["panels"] if p["key"] == "patrols_week"), None)


def _setup(world):
    plan = all_week_plan(world)
    a, b, c = plan.route.ordered_checkpoints()
    now = timezone.now()
    run = PatrolRun.objects.create(plan=plan, route=plan.route, park=world.park, started_at=now - timedelta(hours=1),
                                   window_start=now - timedelta(hours=1), window_end=now + timedelta(hours=1),
                                   started_by=world.officer)
    CheckIn.objects.create(run=run, checkpoint=a, at=now - timedelta(minutes=30), recorded_by=world.officer)
    CheckIn.objects.create(run=run, checkpoint=b, at=now - timedelta(minutes=20), recorded_by=world.officer,
                           counted=False, flags=["far"])
    MissedCheck.objects.create(plan=plan, window_start=now - timedelta(days=2), window_end=now - timedelta(days=2),
                               checkpoint=c)
    MissedCheck.objects.create(plan=plan, window_start=now - timedelta(days=9), window_end=now - timedelta(days=9),
                               checkpoint=b)  # older than the week
    return run


def test_the_officer_and_the_leader_see_their_parks_week(world):
    _setup(world)
    for user in (world.officer, world.leader, world.auxiliary):
        panel = _panel(user)
        assert (panel["running"], panel["missed"], panel["visited"], panel["checkpoints"]) == (1, 1, 1, 3)
        assert panel["coverage_share"] == 33.3
    panel = _panel(world.officer)
    assert panel["running_url"] == reverse("patrols:run_list") + "?status=running"
    assert panel["coverage_url"].startswith(reverse("patrols:coverage") + "?date_from=")


def test_other_stations_and_roles_without_patrol_pages_get_no_card(world):
    _setup(world)
    assert _panel(world.other_officer) is None  # no checkpoint in their park
    assert _panel(world.officer2) is None
    for user in (world.volunteer, world.liaison, world.mediator, world.sysadmin, world.auditor):
        assert _panel(user) is None


def test_the_card_is_on_the_home_page(world, page_as):
    _setup(world)
    html = page_as(world.officer).get(reverse("home")).content.decode()
    assert 'id="wb-patrols"' in html and 'data-figure="running">1<' in html
    assert 'id="wb-patrols"' not in page_as(world.volunteer).get(reverse("home")).content.decode()
