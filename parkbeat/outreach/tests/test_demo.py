"""The publicity demo: three campaigns, about thirty lectures held with attendance, some planned, a helmet rule
adopted by a few enterprises, and enterprises never reached."""
import pytest
from django.db import transaction

from parkbeat.core import demo
from parkbeat.org.models import User
from parkbeat.org.tests.test_seed_demo import NOW

pytestmark = pytest.mark.usefixtures("demo_clock")  # the clock at NOW, as the demo's dates
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


def _campaigns_windows(today):
    from parkbeat.outreach.demo import _campaign_periods

    return _campaign_periods(today)


@pytest.mark.parametrize("today", ["2026-01-10", "2026-03-01", "2026-04-15", "2026-07-01", "2026-07-15",
                                   "2026-08-31", "2026-09-01", "2026-12-28"])
def test_every_campaign_period_has_begun_whatever_the_day(today):
    from datetime import date

    today = date.fromisoformat(today)
    (spring_from, spring_to), (autumn_from, autumn_to) = _campaigns_windows(today)
    assert (spring_from <= today, autumn_from <= today, spring_from < spring_to, autumn_from < autumn_to,
            (today - autumn_from).days < 366, (today - spring_from).days < 366) == (True,) * 6


def _seed_publicity(now):
    """The publicity demo with only the modules it builds on (org, enterprises, volunteers), as seed_demo runs them,
    with the clock at `now`."""
    import time_machine

    from parkbeat.core.demo import DemoContext, demo_modules

    ctx = DemoContext(now=now, seed=2026)
    wanted = {"org", "enterprises", "volunteers", "outreach"}
    with time_machine.travel(now, tick=False):
        for module in demo_modules():
            if module.app in wanted:
                counted = module.module.seed(ctx)
    return counted


@pytest.mark.django_db
@pytest.mark.parametrize("moment", [(2026, 4, 15), (2026, 7, 15), (2026, 12, 28)], ids=["spring", "july", "year-end"])
def test_the_demo_seeds_in_spring_in_july_and_at_the_year_end(demo_mode, moment):
    from datetime import datetime

    from django.utils import timezone

    now = timezone.make_aware(datetime(*moment, 10, 0))
    with transaction.atomic():
        counted = _seed_publicity(now)
        today = timezone.localdate(now)
        held = Lecture.objects.filter(status="held")
        facts = (
            counted["publicity campaigns"] == Campaign.objects.count() == 3,
            not Campaign.objects.filter(starts_on__gt=today).exists(),
            20 <= held.count() <= 30, not held.filter(starts_at__gte=now).exists(),
            not held.filter(attendance__isnull=True).exists(),
            not Lecture.objects.filter(status="planned", starts_at__lt=now).exists(),
            not Lecture.objects.filter(status="planned", campaign__ends_on__lt=today).exists(),
        )
        transaction.set_rollback(True)

    assert facts == (True,) * 7
