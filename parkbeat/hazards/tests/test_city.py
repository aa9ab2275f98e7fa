"""Hazards in the city-scale build (parkbeat.hazards.city): registered from the city's inspection results found as
hazards, at the inspected enterprise and its park, in every state with a timeline the services could have written
(each step a valid transition, at or before now, the version counting them), evidence with a stored file behind
every struck-off one, rows that pass full_clean, and the hazard figures answer for the city leader."""
import random
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F, Q
from django.utils import timezone

from parkbeat.audit.services import verify_chain
from parkbeat.files.models import Attachment
from parkbeat.hazards import services
from parkbeat.hazards.figures import hazard_figures
from parkbeat.hazards.models import Hazard, HazardEvent, HazardEvidence
from parkbeat.inspections.models import InspectionResult
from parkbeat.org import demo as org_demo
from parkbeat.org.models import User

pytestmark = pytest.mark.django_db(transaction=True)
SIZES = ("--stations", "2", "--enterprises", "300", "--incidents", "800", "--disputes", "80",
         "--track-points", "1000")
MOVES = {"evidence": ("rectifying", "submitted"), "rejected": ("submitted", "rectifying"),
         "accepted": ("submitted", "struck_off")}


@pytest.fixture
def city(settings):
    settings.DEMO_MODE = True
    settings.DEMO_PASSWORD = "demo-Passw0rd"
    call_command("seed_demo", *SIZES, stdout=StringIO())


def _sample(queryset, n=60):
    ids = list(queryset.order_by("id").values_list("id", flat=True))
    return queryset.filter(pk__in=random.Random(queryset.model.__name__).sample(ids, min(n, len(ids))))


def _replay(hazard, events):
    """The state and version the services would leave after these events, checking each step is allowed."""
    kinds = [e.kind for e in events]
    assert kinds[:2] == ["found", "disposed"], hazard.pk
    state = "submitted" if hazard.disposition == "on_spot" else "rectifying"
    version = 1
    if hazard.disposition == "on_spot":
        assert kinds[2] == "evidence", hazard.pk
        events = events[3:]
    else:
        events = events[2:]
    for event in events:
        if event.kind in MOVES:
            before, after = MOVES[event.kind]
            if event.kind == "evidence" and state == "submitted":
                version += 1  # more evidence while awaiting review
                continue
            assert state == before and after in Hazard.TRANSITIONS[before], (hazard.pk, kinds)
            state, version = after, version + 1
        elif event.kind == "referred":
            assert state != "struck_off"
            version += 1
        else:
            assert event.kind == "follow_up", (hazard.pk, kinds)
    return state, version


def test_the_city_follows_hazards_from_its_inspections_in_every_state(city):
    now = timezone.now()
    today = services.today_in_shanghai(now)
    demo_station = org_demo.demo_station()
    ours = Hazard.objects.exclude(park__station=demo_station)
    found_results = InspectionResult.objects.filter(outcome="hazard", inspection__status="done").exclude(
        inspection__park__station=demo_station)
    assert 0.7 * found_results.count() <= ours.count() <= found_results.count() and ours.count() >= 10
    for model in (Hazard, HazardEvent, HazardEvidence):
        queryset = model.objects.filter(**({"pk__in": ours.values("pk")} if model is Hazard else {"hazard__in": ours}))
        for row in _sample(queryset):
            row.full_clean()

    # From an inspection's hazard result, at its enterprise and park, found when it happened.
    assert not ours.exclude(source="inspection").exists()
    assert not Hazard.objects.exclude(park_id=F("enterprise__park_id")).exists()
    assert not ours.exclude(Q(enterprise_id=F("inspection__enterprise_id")) & Q(park_id=F("inspection__park_id"))
                            & Q(inspection_id=F("result__inspection_id")) & Q(result__outcome="hazard")
                            & Q(found_at=F("inspection__happened_at"))
                            & Q(recorded_by_id=F("inspection__led_by_id"))).exists()
    assert not ours.filter(Q(found_at__gt=now) | Q(recorded_at__lt=F("found_at")) | Q(struck_off_at__gt=now)
                           | Q(struck_off_at__lt=F("found_at"))).exists()
    assert not ours.filter(disposition="deadline", deadline__lt=F("found_at__date")).exists()
    assert not ours.filter(disposition="on_spot", state="rectifying").exists()

    # Every state, both dispositions, some overdue, some referred to an agency serving the park.
    for state in Hazard.State.values:
        assert ours.filter(state=state).exists(), state
    for disposition in Hazard.Disposition.values:
        assert ours.filter(disposition=disposition).exists(), disposition
    assert ours.overdue(today).exists()
    referred = ours.filter(referred_to__isnull=False)
    assert referred.exists()
    for hazard in referred.select_related("referred_to"):
        assert hazard.referred_to.parks.filter(pk=hazard.park_id).exists() and hazard.referral_note

    # The timeline: in order, never ahead, each step a valid transition, state and version as the services leave.
    assert not HazardEvent.objects.filter(hazard__in=ours).filter(Q(at__gt=now) | Q(recorded_at__lt=F("at"))
                                                                  | Q(at__lt=F("hazard__found_at"))).exists()
    for hazard in _sample(ours.prefetch_related("events", "evidence"), 200):
        events = sorted(hazard.events.all(), key=lambda e: (e.at, e.pk))
        assert [e.pk for e in events] == sorted(e.pk for e in events), hazard.pk
        state, version = _replay(hazard, events)
        assert (state, version) == (hazard.state, hazard.version), hazard.pk
        evidence_events = [e for e in events if e.kind == "evidence"]
        assert len(evidence_events) == len(hazard.evidence.all()), hazard.pk
        if hazard.state == "struck_off":
            accepted = [e for e in events if e.kind == "accepted"]
            assert len(accepted) == 1 and accepted[0].at == hazard.struck_off_at, hazard.pk
            assert services.has_evidence(hazard), hazard.pk
        else:
            assert hazard.struck_off_at is None and hazard.struck_off_by is None
    files = Attachment.objects.filter(content_type__model="hazardevidence",
                                      object_id__in=HazardEvidence.objects.filter(hazard__in=ours).values("pk"))
    assert files.count() == HazardEvidence.objects.filter(hazard__in=ours).count()
    for attachment in _sample(files, 20):
        assert attachment.path.is_file() and attachment.path.stat().st_size == attachment.size

    # The figures answer for the city leader; another station's leader sees none of these.
    leader = User.objects.get(username="cityleader")
    result = hazard_figures(user=leader, now=now)
    everything = Hazard.objects.all()
    assert result["found"] == everything.count()
    assert result["struck_off"] == everything.filter(state="struck_off").count()
    assert result["overdue"] == everything.overdue(today).count() > 0
    assert result["on_spot"] + result["deadline"] == result["found"]
    assert result["median_days_to_strike_off"] is not None and result["median_days_to_strike_off"] >= 0
    assert not Hazard.objects.visible_to(User.objects.get(username="leader")).filter(pk__in=ours.values("pk")).exists()

    assert verify_chain()[1] is None
