"""Inspections in the city-scale build (parkbeat.inspections.city): every key enterprise outside the demo's
inspections gets its quarters as the services would record them (the checklist that fits, a result per walked
item of that version, coverage and the quarterly rule as computed, the enterprise's park, its officer, the fire
agency of the park), rows that pass full_clean, and the compliance board and figures answer for the city leader."""
import random
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q
from django.utils import timezone

from parkbeat.audit.services import verify_chain
from parkbeat.core.permissions import can
from parkbeat.enterprises.models import Enterprise
from parkbeat.inspections import figures, selectors, services
from parkbeat.inspections.city import quarters_to_seed
from parkbeat.inspections.models import Inspection, InspectionResult
from parkbeat.inspections.quarters import Quarter
from parkbeat.org import demo as org_demo
from parkbeat.org.models import Agency, User

pytestmark = pytest.mark.django_db(transaction=True)
SIZES = ("--stations", "2", "--enterprises", "300", "--incidents", "800", "--disputes", "80",
         "--track-points", "1000")


@pytest.fixture
def city(settings):
    settings.DEMO_MODE = True
    settings.DEMO_PASSWORD = "demo-Passw0rd"
    call_command("seed_demo", *SIZES, stdout=StringIO())


def _sample(queryset, n=60):
    ids = list(queryset.order_by("id").values_list("id", flat=True))
    return queryset.filter(pk__in=random.Random(queryset.model.__name__).sample(ids, min(n, len(ids))))


def test_the_city_inspects_its_key_enterprises_every_quarter_as_the_services_would(city):
    now = timezone.now()
    today = timezone.localdate(now)
    demo_station = org_demo.demo_station()
    ours = Inspection.objects.exclude(park__station=demo_station)
    key = Enterprise.objects.filter(is_key=True, status=Enterprise.Status.ACTIVE).exclude(park__station=demo_station)
    assert key.count() >= 5
    assert set(ours.values_list("enterprise_id", flat=True)) <= set(key.values_list("id", flat=True))
    assert ours.values("enterprise").distinct().count() == key.count()  # every one has some
    assert ours.count() <= 4 * key.count()
    quarters = quarters_to_seed(now)
    assert not ours.exclude(planned_on__gte=quarters[0].first_day - timedelta(days=14)).exists()
    for model in (Inspection, InspectionResult):
        for row in _sample(model.objects.filter(pk__in=ours.values("pk")) if model is Inspection
                           else model.objects.filter(inspection__in=ours)):
            row.full_clean()

    # The park, the officer, the times, the status.
    assert not Inspection.objects.exclude(park_id=F("enterprise__park_id")).exists()
    done, planned = ours.filter(status="done"), ours.filter(status="planned")
    assert done.count() > 2 * key.count() and planned.exists()
    assert not done.filter(Q(happened_at__isnull=True) | Q(happened_at__gt=now) | Q(recorded_at__lt=F("happened_at"))
                           | Q(recorded_at__gt=now) | ~Q(recorded_by_id=F("led_by_id")) | Q(coverage="")).exists()
    assert not planned.filter(Q(happened_at__isnull=False) | Q(planned_on__lte=today) | ~Q(coverage="")
                              | Q(counts_for_rule=True)).exists()
    assert not planned.filter(results__isnull=False).exists()
    for inspection in _sample(ours.select_related("enterprise", "led_by"), 40):
        assert can(inspection.led_by, "inspection.conduct", inspection), inspection.pk
        assert inspection.checklist_id == services.checklist_for(inspection.enterprise).pk
        assert Quarter.of(inspection.happened_at or inspection.planned_on) in quarters or inspection.status == "planned"

    # Results: one per walked item of the inspection's version; coverage and the rule as recorded by the services.
    results = InspectionResult.objects.filter(inspection__in=ours)
    assert not results.exclude(item__area__version_id=F("inspection__checklist_id")).exists()
    assert not results.filter(outcome="na", item__area__required=True).exists()
    assert not results.filter(outcome="hazard", note="").exists()
    assert results.filter(outcome="hazard").exists() and results.filter(outcome="na").exists()
    assert not done.annotate(n=Count("results")).filter(n=0).exists()
    for inspection in _sample(done.select_related("enterprise"), 80):
        items = list(inspection.results.values_list("item_id", flat=True))
        assert inspection.coverage == services.coverage_of(inspection.checklist_id, items), inspection.pk
        day = timezone.localtime(inspection.happened_at).date()
        assert inspection.counts_for_rule == (inspection.coverage == "full" and services.was_key_on(
            inspection.enterprise, day)), inspection.pk
    assert not ours.filter(counts_for_rule=True).exclude(coverage="full", status="done").exists()
    assert done.filter(coverage="partial").exists()
    assert 0.6 * done.count() < done.filter(coverage="full").count() < done.count()

    # Joint with the fire agency serving the park, about half where there is one.
    joint = ours.filter(agencies__isnull=False).distinct()
    assert not Inspection.agencies.through.objects.filter(inspection__in=ours).exclude(
        agency__kind=Agency.Kind.FIRE).exists()
    for inspection in _sample(joint, 40):
        for agency in inspection.agencies.all():
            assert agency.parks.filter(pk=inspection.park_id).exists()
    with_fire = ours.filter(park__agencies__kind=Agency.Kind.FIRE).distinct()
    assert 0.3 * with_fire.count() < joint.count() < 0.7 * with_fire.count()

    # The compliance board and the figures answer for the city leader, from these rows.
    leader = User.objects.get(username="cityleader")
    year = quarters[-1].year
    rows = selectors.compliance_board(user=leader, year=year, now=now)
    assert len(rows) == Enterprise.objects.filter(is_key=True).exclude(status="closed").count()
    counting = {(e, Quarter.of(at)) for e, at in Inspection.objects.filter(counts_for_rule=True).values_list(
        "enterprise_id", "happened_at")}
    states = {}
    for row in rows:
        for quarter, state in row.cells:
            if state == selectors.DONE:
                assert (row.enterprise.pk, quarter) in counting
            elif state in (selectors.LATE, selectors.DUE, selectors.DUE_SOON):
                assert (row.enterprise.pk, quarter) not in counting
            states[state] = states.get(state, 0) + 1
    assert states.get(selectors.DONE, 0) > 0
    past = [q for q in quarters if q.end <= now]
    rates = figures.compliance_rates(user=leader, quarters=past)
    assert len(rates) == len(past)
    found = figures.inspection_figures(user=leader, start=quarters[0].first_day, end=today, now=now)
    assert found.done == Inspection.objects.filter(status="done", happened_at__gte=quarters[0].start).count()
    assert found.joint > 0 and found.partial > 0

    # Another station's leader sees none of these.
    other = User.objects.get(username="leader")
    assert not Inspection.objects.visible_to(other).filter(pk__in=ours.values("pk")).exists()

    assert verify_chain()[1] is None
