"""The demo station's 应访未访 list is believable: some key enterprises overdue by days to weeks, most of them
visited on time, the most overdue first."""
import pytest
from django.db import transaction

from parkbeat.core import demo
from parkbeat.enterprises.models import Enterprise
from parkbeat.enterprises.visit_plan import due_list, local_today, overdue_days
from parkbeat.org.models import User
from parkbeat.org.tests.test_seed_demo import NOW

pytestmark = pytest.mark.usefixtures("demo_clock")  # the clock at NOW, as the demo's dates


@pytest.fixture
def demo_mode(settings):
    settings.DEMO_MODE = True
    settings.DEMO_PASSWORD = "demo-Passw0rd"


@pytest.mark.django_db
def test_the_demo_officers_due_list_has_some_key_enterprises_overdue(demo_mode):
    with transaction.atomic():
        demo.seed(seed=2026, now=NOW)
        officer = User.objects.get(username="officer1")
        today = local_today(NOW)
        due = list(due_list(user=officer, now=NOW))
        key = Enterprise.objects.visible_to(officer).filter(is_key=True, status="active").count()
        days = [overdue_days(e, today) for e in due]
        transaction.set_rollback(True)
    assert due and all(e.is_key for e in due)
    assert 0 < len(due) <= key // 3  # a few, not all: most key enterprises were visited on time
    assert days == sorted(days, reverse=True) and max(days) >= 14 and min(days) >= 0
