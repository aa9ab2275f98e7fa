"""Publicity in the city-scale build (parkbeat.outreach.city): lectures held outside the demo station, outside the
enterprises' production hours, with their speaker, attendance and events never ahead of now; rows that pass
full_clean; coverage and figures answer for the city leader; the audit chain verifies."""
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from parkbeat.audit.services import verify_chain
from parkbeat.org.models import User
from parkbeat.outreach.figures import coverage_rows, outreach_figures
from parkbeat.outreach.models import Lecture, LectureEvent, Speaker
from parkbeat.outreach.timetable import in_production

pytestmark = pytest.mark.django_db(transaction=True)
SIZES = ("--stations", "2", "--enterprises", "300", "--incidents", "800", "--disputes", "80",
         "--track-points", "1000")


def test_the_city_holds_lectures_in_proportion(settings):
    settings.DEMO_MODE = True
    settings.DEMO_PASSWORD = "demo-Passw0rd"
    call_command("seed_demo", *SIZES, stdout=StringIO())
    now = timezone.now()
    city = Lecture.objects.exclude(park__station__name__contains="马家河")  # beyond the demo's own lectures
    held = city.filter(status="held")
    assert held.count() > 20
    for lecture in held.select_related("enterprise").order_by("id")[:80]:
        lecture.full_clean()
        assert not in_production(lecture.enterprise.production_hours, lecture.starts_at, lecture.ends_at)
        assert lecture.attendance > 0 and lecture.attendance_recorded_at <= now
        assert Speaker.objects.filter(lecture=lecture, kind="police").count() == 1
        kinds = list(LectureEvent.objects.filter(lecture=lecture).order_by("id").values_list("kind", flat=True))
        assert kinds == ["scheduled", "held", "attendance"]
    assert not LectureEvent.objects.filter(recorded_at__gt=now).exists()
    leader = User.objects.filter(role_assignments__role="station_leader", role_assignments__unit__kind="city").first()
    if leader is not None:
        figures = outreach_figures(user=leader)
        assert figures["lectures_held"] == Lecture.objects.filter(status="held").count()
        assert coverage_rows(user=leader, band="never").exists()
    assert verify_chain()[1] is None
