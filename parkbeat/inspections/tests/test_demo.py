"""The inspections demo: a year of quarterly inspections of the demo station's key enterprises."""
import pytest
from django.db import transaction

from parkbeat.core import demo
from parkbeat.inspections import selectors
from parkbeat.inspections.models import Campaign, Inspection, InspectionResult, KeyDate
from parkbeat.inspections.quarters import Quarter
from parkbeat.org.models import User
from parkbeat.org.tests.test_seed_demo import NOW

pytestmark = pytest.mark.usefixtures("demo_clock")  # the clock at NOW, as the demo's dates


@pytest.fixture
def demo_mode(settings):
    settings.DEMO_MODE = True
    settings.DEMO_PASSWORD = "demo-Passw0rd"


@pytest.mark.django_db
def test_the_demo_shows_every_state_of_the_board(demo_mode):
    with transaction.atomic():
        demo.seed(seed=2026, now=NOW)
        leader, fire = User.objects.get(username="leader"), User.objects.get(username="agency_fire")
        rows = selectors.compliance_board(user=leader, year=2026, now=NOW)
        states = {state for row in rows for _q, state in row.cells}
        done = Inspection.objects.filter(status="done")
        joined = Inspection.objects.visible_to(fire)
        hazards = InspectionResult.objects.filter(outcome="hazard")
        facts = (len(rows), {"done", "late", "due"} <= states,
                 done.filter(coverage="partial").exists(), done.filter(counts_for_rule=True).exists(),
                 joined.exists(), not joined.filter(agency_staff__isnull=True).exists(),
                 all(r.note for r in hazards), all(Quarter.of(i.happened_at) <= Quarter.of(NOW) for i in done))
        key_dates = set(KeyDate.objects.values_list("name", flat=True))
        summer = Campaign.objects.get(theme="夏季消防专项")
        summer_states = {row.state for row in selectors.campaign_progress(campaign=summer, user=leader, now=NOW)}
        winter = Campaign.objects.get(theme="冬季防火专项")
        tagged = Inspection.objects.filter(campaign=summer, status="done")
        plans = (key_dates, summer_states, tagged.exists(), winter.inspections.exists())
        transaction.set_rollback(True)

    assert facts == (60, True, True, True, True, True, True, True)
    assert plans == ({"国庆", "元旦", "春节"}, {"done", "late"}, True, True)
