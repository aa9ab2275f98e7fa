"""Crime in the city-scale build (parkbeat.crime.city): cases in proportion to each park's enterprises (not at the
demo station, which has its own), with key times in order, a timeline row per step, suspects where identified,
rows that pass full_clean; leads with observations; the crime figures answer for the city leader."""
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count

from parkbeat.crime.figures import case_figures
from parkbeat.crime.models import Case, CaseEvent, Lead, LeadObservation, Suspect
from parkbeat.org import demo as org_demo
from parkbeat.org.models import User

pytestmark = pytest.mark.django_db(transaction=True)
SIZES = ("--stations", "2", "--enterprises", "300", "--incidents", "800", "--disputes", "80",
         "--track-points", "1000")


@pytest.fixture
def city(settings):
    settings.DEMO_MODE = True
    settings.DEMO_PASSWORD = "demo-Passw0rd"
    call_command("seed_demo", *SIZES, stdout=StringIO())


def test_the_city_has_cases_and_leads_in_proportion(city):
    demo_station = org_demo.demo_station()
    city_cases = Case.objects.exclude(park__station=demo_station)
    assert city_cases.count() >= 2 and Lead.objects.exclude(park__station=demo_station).exists()
    for case in city_cases.select_related("park", "enterprise"):
        case.full_clean()
        assert case.enterprise.park_id == case.park_id and case.occurred_at <= case.reported_at
        if case.arrested_at:
            assert case.suspect_identified_at <= case.arrested_at
            assert case.suspects.exists()
        assert case.recovered_yuan <= case.loss_yuan
        kinds = list(CaseEvent.objects.filter(case=case).order_by("at", "id").values_list("kind", flat=True))
        assert kinds[0] == "reported"
        assert ("identified" in kinds) == bool(case.suspect_identified_at)
        assert case.version == len(kinds)
    for lead in Lead.objects.exclude(park__station=demo_station).annotate(n=Count("observations")):
        lead.full_clean()
        assert lead.status != "closed" or lead.n >= 1
    assert LeadObservation.objects.exists() and Suspect.objects.exists()
    figures = case_figures(user=User.objects.get(username="city_leader") if User.objects.filter(
        username="city_leader").exists() else User.objects.get(username="leader"))
    assert figures["cases"] >= 2
