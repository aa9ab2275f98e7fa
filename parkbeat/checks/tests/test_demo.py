"""The background checks demo: a year of requests per demo liaison, answered by the park's officers, the oldest
erased by retention, the latest awaiting an answer."""
import pytest
from django.db import transaction

from parkbeat.checks import selectors
from parkbeat.checks.models import BackgroundCheck
from parkbeat.core import demo
from parkbeat.org.models import User
from parkbeat.org.tests.test_seed_demo import NOW

pytestmark = pytest.mark.usefixtures("demo_clock")  # the clock at NOW, as the demo's dates


@pytest.fixture
def demo_mode(settings):
    settings.DEMO_MODE = True
    settings.DEMO_PASSWORD = "demo-Passw0rd"


@pytest.mark.django_db
def test_the_demo_shows_every_state_of_a_check(demo_mode):
    with transaction.atomic():
        counts = demo.seed(seed=2026, now=NOW)
        liaison, officer, auxiliary = (User.objects.get(username=n) for n in ("liaison1", "officer1", "auxiliary1"))
        mine = BackgroundCheck.objects.visible_to(liaison)
        figures = selectors.check_figures(user=User.objects.get(username="leader"))
        facts = (counts["background checks"], mine.count(), mine.filter(status="requested").count(),
                 mine.filter(erased_at__isnull=False).exists(),
                 not mine.filter(erased_at__isnull=False).exclude(candidate_name="").exists(),
                 BackgroundCheck.objects.visible_to(officer).exists(),
                 BackgroundCheck.objects.visible_to(auxiliary).exists(),
                 set(BackgroundCheck.objects.exclude(outcome="").values_list("outcome", flat=True)),
                 figures["requests"] == counts["background checks"], figures["median_answer_hours"] is not None)
        transaction.set_rollback(True)

    assert facts == (36, 12, 2, True, True, True, False, {"suitable", "advice", "not_recommended"}, True, True)
