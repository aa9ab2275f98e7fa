"""The publicity demo: three campaigns, about thirty lectures held with attendance, some planned, a helmet rule
adopted by a few enterprises, and enterprises never reached."""
import pytest
from django.db import transaction

from parkbeat.core import demo
from parkbeat.org.models import User
from parkbeat.org.tests.test_seed_demo import NOW
from parkbeat.outreach.figures import coverage_rows, outreach_figures
from parkbeat.outreach.models import Campaign, Lecture, LectureEvent, RuleAdoption


@pytest.fixture
def demo_mode(settings):
    settings.DEMO_MODE = True
    settings.DEMO_PASSWORD = "demo-Passw0rd"


@pytest.mark.django_db
def test_the_demo_has_a_year_of_publicity(demo_mode):
    with transaction.atomic():
        demo.seed(seed=2026, now=NOW)
        leader, liaison = (User.objects.get(username=name) for name in ("leader", "liaison1"))
        held = Lecture.objects.filter(status="held")
        figures = outreach_figures(user=leader)
        facts = (
            Campaign.objects.count() == 3,
            25 <= held.count() <= 30, not held.filter(attendance__isnull=True).exists(),
            Lecture.objects.filter(status="planned").exists(), Lecture.objects.filter(status="cancelled").exists(),
            LectureEvent.objects.filter(kind="attendance", entered_late=True).exists(),
            RuleAdoption.objects.filter(rule__text="未戴头盔不得入厂").count() == 4,
            coverage_rows(user=leader, band="never").exists(),
            coverage_rows(user=leader).exclude(band="never").exists(),
            figures["lectures_held"] == held.count() and figures["people_reached"] > 0,
            not Lecture.objects.visible_to(liaison).exclude(enterprise__liaisons__user=liaison).exists(),
        )
        transaction.set_rollback(True)

    assert facts == (True,) * 11
