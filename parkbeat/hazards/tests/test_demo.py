"""The hazards demo: a hazard for each item the demo inspections found, in every state."""
import pytest
from django.db import transaction

from parkbeat.core import demo
from parkbeat.hazards.figures import hazard_figures
from parkbeat.hazards.models import Hazard, HazardEvent
from parkbeat.hazards.services import today_in_shanghai
from parkbeat.inspections.models import InspectionResult
from parkbeat.org.models import User
from parkbeat.org.tests.test_seed_demo import NOW

pytestmark = pytest.mark.usefixtures("demo_clock")  # the clock at NOW, as the demo's dates


@pytest.fixture
def demo_mode(settings):
    settings.DEMO_MODE = True
    settings.DEMO_PASSWORD = "demo-Passw0rd"


@pytest.mark.django_db
def test_the_demo_has_hazards_in_every_state(demo_mode):
    with transaction.atomic():
        demo.seed(seed=2026, now=NOW)
        leader, fire, liaison = (User.objects.get(username=name) for name in ("leader", "agency_fire", "liaison1"))
        hazards = Hazard.objects.all()
        facts = (
            hazards.count() == InspectionResult.objects.filter(outcome="hazard", inspection__status="done").count(),
            {"rectifying", "submitted", "struck_off"} <= set(hazards.values_list("state", flat=True)),
            {"on_spot", "deadline"} <= set(hazards.values_list("disposition", flat=True)),
            hazards.overdue(today_in_shanghai()).exists(),
            HazardEvent.objects.filter(kind="rejected").exists(), HazardEvent.objects.filter(kind="escalated").exists(),
            Hazard.objects.visible_to(fire).exists(),
            hazard_figures(user=leader)["found"] == hazards.count(),
            not Hazard.objects.visible_to(liaison).exclude(enterprise__liaisons__user=liaison).exists(),
        )
        transaction.set_rollback(True)

    assert facts == (True,) * 9
