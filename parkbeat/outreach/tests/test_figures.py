"""Coverage and publicity figures against a hand-computed expectation: per enterprise (reached / headcount, capped
shown at 100 %, bands), per campaign's targets, a period, the liaison's scope; and computed in a fixed number of
queries whatever the rows."""
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from parkbeat.enterprises.models import Enterprise
from parkbeat.outreach import services
from parkbeat.outreach.figures import coverage_rows, outreach_figures, shown_percent
from parkbeat.outreach.tests import helpers as h


def setup(world):
    """Headcounts: enterprise 100, enterprise2 40, park2_enterprise 200 (park2: officer2's).
    - enterprise: held 30 (campaign, 3 days ago) + held 25 (10 days ago, fire) + cancelled + planned
    - enterprise2: held 50 (campaign, 3 days ago): 125 % of 40, shown 100 %
    - park2_enterprise: never reached."""
    Enterprise.objects.filter(pk=world.enterprise2.pk).update(headcount=40)
    Enterprise.objects.filter(pk=world.park2_enterprise.pk).update(headcount=200)
    today = timezone.localdate()
    campaign = services.campaign_create(actor=world.leader, theme="anti_fraud", title="反诈春季行动",
                                        starts_on=today - timedelta(days=20), ends_on=today + timedelta(days=10),
                                        parks=[world.park], enterprises=[world.park2_enterprise])
    h.held(world, attendance=30, days=3, campaign=campaign)
    h.held(world, attendance=25, days=10, theme="fire", topic="消防")
    cancelled = h.past(world, days=5)
    services.lecture_transition(actor=world.officer, lecture=cancelled, to="cancelled")
    h.planned(world)
    h.held(world, enterprise=world.enterprise2, attendance=50, days=3, campaign=campaign)
    return campaign


def table(rows):
    return {r.pk: (r.reached, r.lectures_held, shown_percent(r.coverage), r.band) for r in rows}


def test_coverage_per_enterprise_for_the_leader(world):
    setup(world)
    rows = table(coverage_rows(user=world.leader))
    assert rows == {world.enterprise.pk: (55, 2, 55, "half_and_over"),
                    world.enterprise2.pk: (50, 1, 100, "half_and_over"),
                    world.park2_enterprise.pk: (0, 0, 0, "never")}
    assert [r.pk for r in coverage_rows(user=world.leader, band="never")] == [world.park2_enterprise.pk]


def test_coverage_for_a_period_and_a_campaign(world):
    campaign = setup(world)
    now = timezone.now()
    recent = table(coverage_rows(user=world.leader, start=now - timedelta(days=7)))
    assert recent[world.enterprise.pk] == (30, 1, 30, "under_half")
    by_campaign = table(coverage_rows(user=world.leader, campaign=campaign))
    assert by_campaign == {world.enterprise.pk: (30, 1, 30, "under_half"),
                           world.enterprise2.pk: (50, 1, 100, "half_and_over"),
                           world.park2_enterprise.pk: (0, 0, 0, "never")}
    # the officer of park A sees park A's enterprises only, the liaison only their own
    assert set(table(coverage_rows(user=world.officer))) == {world.enterprise.pk, world.enterprise2.pk}
    assert table(coverage_rows(user=world.liaison)) == {world.enterprise.pk: (55, 2, 55, "half_and_over")}
    assert table(coverage_rows(user=world.other_officer)) == {world.other_enterprise.pk: (0, 0, 0, "never")}


def test_the_figures_by_theme_and_campaign(world):
    campaign = setup(world)
    figures = outreach_figures(user=world.leader)
    assert {k: figures[k] for k in ("lectures_held", "lectures_planned", "people_reached", "enterprises_reached",
                                    "enterprises_in_scope")} == {
        "lectures_held": 3, "lectures_planned": 1, "people_reached": 105, "enterprises_reached": 2,
        "enterprises_in_scope": 3}
    assert figures["by_theme"] == {"anti_fraud": 2, "fire": 1, "traffic": 0, "helmet": 0, "other": 0}
    assert figures["reached_by_theme"]["anti_fraud"] == 80 and figures["reached_by_theme"]["fire"] == 25
    assert figures["by_campaign"] == [{"campaign": campaign.pk, "title": "反诈春季行动", "lectures_held": 2,
                                       "people_reached": 80, "enterprises_reached": 2}]
    of_campaign = outreach_figures(user=world.leader, campaign=campaign)
    assert (of_campaign["lectures_held"], of_campaign["enterprises_in_scope"]) == (2, 3)
    recent = outreach_figures(user=world.leader, start=timezone.now() - timedelta(days=7))
    assert (recent["lectures_held"], recent["people_reached"]) == (2, 80)
    liaison = outreach_figures(user=world.liaison)
    assert (liaison["lectures_held"], liaison["people_reached"], liaison["enterprises_in_scope"]) == (2, 55, 1)
    assert outreach_figures(user=world.other_officer)["lectures_held"] == 0


def test_coverage_and_figures_take_a_fixed_number_of_queries(world):
    setup(world)
    with CaptureQueriesContext(connection) as few:
        list(coverage_rows(user=world.leader))
        outreach_figures(user=world.leader)
    for _ in range(5):
        h.held(world, enterprise=world.park2_enterprise, actor=world.officer2, attendance=3, days=2)
    with CaptureQueriesContext(connection) as many:
        list(coverage_rows(user=world.leader))
        outreach_figures(user=world.leader)
    assert len(many) == len(few)


def test_the_coverage_page_and_the_map(world, page_as, english_pages):
    setup(world)
    page = page_as(world.leader).get("/outreach/coverage/?band=never").content.decode()
    assert f'id="coverage-{world.park2_enterprise.pk}"' in page and f'id="coverage-{world.enterprise.pk}"' not in page
    assert "3 lectures held, 105 people reached; 2 of 3 enterprises reached." in page
    Enterprise.objects.filter(pk=world.enterprise.pk).update(lon=113.1, lat=27.8)
    body = page_as(world.leader).get("/outreach/coverage/map/").content.decode()
    assert '"band": "half_and_over"' in body and '"reached": 55' in body


def test_the_coverage_command(world, tmp_path):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError
    from openpyxl import load_workbook

    setup(world)
    out = StringIO()
    call_command("outreach_coverage", "--band", "never", stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert lines[0].startswith("enterprise_id,") and len(lines) == 3  # park2's enterprise and another station's
    assert any(line.startswith(f"{world.park2_enterprise.pk},") for line in lines[1:])
    path = tmp_path / "coverage.xlsx"
    call_command("outreach_coverage", "--output", str(path), stdout=StringIO())
    rows = list(load_workbook(path).active.iter_rows(min_row=2, values_only=True))
    assert {r[0]: (r[5], r[6]) for r in rows}[world.enterprise2.pk] == (50, 100)
    with pytest.raises(CommandError):
        call_command("outreach_coverage", "--from", "2026-13-01", stdout=StringIO())
