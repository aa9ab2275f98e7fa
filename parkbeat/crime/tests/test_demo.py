"""The crime demo: the CNC-template theft (suspect within 48 h, recovered across regions, the loss recovered in
yuan) and the campus cigarettes lead worked with the tobacco bureau that became a case."""
import pytest
from django.db import transaction

from parkbeat.core import demo
from parkbeat.crime.figures import case_figures
from parkbeat.crime.models import Case, Lead
from parkbeat.org.models import User
from parkbeat.org.tests.test_seed_demo import NOW

pytestmark = pytest.mark.usefixtures("demo_clock")  # the clock at NOW, as the demo's dates


@pytest.fixture
def demo_mode(settings):
    settings.DEMO_MODE = True
    settings.DEMO_PASSWORD = "demo-Passw0rd"


@pytest.mark.django_db
def test_the_demo_has_the_theft_and_the_campus_lead(demo_mode):
    with transaction.atomic():
        demo.seed(seed=2026, now=NOW)
        leader, liaison = User.objects.get(username="leader"), User.objects.get(username="liaison1")
        theft = Case.objects.get(title="数控模板被盗案")
        lead = Lead.objects.get(agency__kind="tobacco")
        figures = case_figures(user=leader)
        facts = (
            theft.status == "solved", theft.cross_region, theft.recovered_yuan == theft.loss_yuan > 0,
            (theft.suspect_identified_at - theft.reported_at).total_seconds() <= 48 * 3600,
            lead.status == "case" and lead.case.kind == "illegal_business", lead.observations.count() == 3,
            figures["cases"] == 2 and figures["within_48h"] == 2,
            Case.objects.visible_to(liaison).filter(pk=theft.pk).exists(),
        )
        transaction.set_rollback(True)

    assert facts == (True,) * 8


@pytest.mark.django_db
def test_the_campus_lead_and_its_case_are_in_the_school_surroundings(demo_mode):
    with transaction.atomic():
        demo.seed(seed=2026, now=NOW)
        lead = Lead.objects.select_related("park", "case__park").get(agency__kind="tobacco")
        bureau_staff_parks = set(lead.agency.parks.values_list("kind", flat=True))
        facts = (lead.park.kind, lead.park.name, lead.case.park_id == lead.park_id, lead.case.enterprise_id,
                 "campus" in bureau_staff_parks)
        transaction.set_rollback(True)
    assert facts == ("campus", "马家河中学周边", True, None, True)
