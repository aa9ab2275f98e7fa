"""Guarding in the city-scale build (parkbeat.guarding.city): lines in the busier parks, segments that tile
them exactly, shifts whose people the services would accept (the segment's team or the police of the park,
nobody on two shifts at once), arrivals and declines as the app records them, rows that pass full_clean, gaps
that the coverage computes exactly, and an audit chain that still verifies."""
import random
from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db.models import F, Q
from django.utils import timezone

from parkbeat.audit.services import verify_chain
from parkbeat.guarding import intervals, selectors, services
from parkbeat.guarding.city import AHEAD_HOURS, GUARD_DAYS
from parkbeat.guarding.models import GuardedAsset, GuardShift, Segment, ShiftPerson
from parkbeat.notifications.models import Notification
from parkbeat.org import demo as org_demo
from parkbeat.org.models import Park

pytestmark = pytest.mark.django_db(transaction=True)
SIZES = ("--stations", "2", "--enterprises", "200", "--incidents", "800", "--disputes", "80",
         "--track-points", "1000")


@pytest.fixture
def city(settings):
    settings.DEMO_MODE = True
    settings.DEMO_PASSWORD = "demo-Passw0rd"
    call_command("seed_demo", *SIZES, stdout=StringIO())


def _sample(queryset, n=60):
    ids = list(queryset.order_by("id").values_list("id", flat=True))
    return queryset.filter(pk__in=random.Random(queryset.model.__name__).sample(ids, min(n, len(ids))))


def test_the_city_guards_lines_in_its_busier_parks_as_the_app_would(city):
    now = timezone.now()
    demo_station = org_demo.demo_station()
    city_assets = GuardedAsset.objects.exclude(park__station=demo_station)
    parks = Park.objects.count()
    assert city_assets.count() >= 1 and GuardedAsset.objects.count() <= parks
    assert GuardedAsset.objects.filter(park__station=demo_station).count() >= 2  # the demo's line and the city's

    for model in (GuardedAsset, Segment, GuardShift, ShiftPerson):
        for row in _sample(model.objects.all()):
            row.full_clean()

    for asset in GuardedAsset.objects.prefetch_related("segments"):
        segments = list(asset.segments.order_by("order"))
        services.check_pieces(asset.length_m, [(s.from_m, s.to_m) for s in segments])  # tiles the line exactly
        assert [s.order for s in segments] == list(range(1, len(segments) + 1))
        for s in segments:
            assert s.park_id == asset.park_id
            assert s.enterprise is None or s.enterprise.park_id == asset.park_id
            assert s.team is None or s.team.park_id == asset.park_id
    city_shifts = GuardShift.objects.filter(segment__asset__in=city_assets)
    assert city_shifts.count() > GUARD_DAYS * 2 * city_assets.count()  # two a day on most segments
    assert not GuardShift.objects.exclude(park_id=F("segment__park_id")).exists()
    assert not GuardShift.objects.filter(Q(starts_at__lt=F("segment__asset__starts_at"))
                                         | Q(ends_at__gt=F("segment__asset__ends_at"))
                                         | Q(ends_at__lte=F("starts_at"))).exists()
    assert not city_shifts.filter(starts_at__gt=now + timedelta(hours=AHEAD_HOURS)).exists()
    assert city_shifts.filter(starts_at__gt=now).exists() and city_shifts.filter(ends_at__lt=now).exists()

    # The people: each one the services would put on that segment, never on two shifts at once.
    rows = ShiftPerson.objects.filter(shift__in=city_shifts).select_related("shift__segment__asset__park",
                                                                            "shift__segment__team", "user")
    for row in _sample(rows, 150):
        segment = row.shift.segment
        assert services._eligible(row.user, segment.asset.park, segment.team), row.pk
    by_user = {}
    for user, start, end in ShiftPerson.objects.filter(declined_at__isnull=True).values_list(
            "user_id", "shift__starts_at", "shift__ends_at"):
        by_user.setdefault(user, []).append((start, end))
    for user, spans in by_user.items():
        assert intervals.first_overlap(spans) is None, user

    # Arrivals from half an hour before the start, before the end and now; declines ahead, late as the rule says.
    assert not rows.filter(checked_in_at__isnull=False, declined_at__isnull=False).exists()
    assert not rows.filter(Q(checked_in_at__lt=F("shift__starts_at") - services.EARLY_CHECKIN)
                           | Q(checked_in_at__gte=F("shift__ends_at")) | Q(checked_in_at__gt=now)
                           | Q(checked_in_recorded_at__lt=F("checked_in_at"))).exists()
    assert not rows.filter(shift__starts_at__gt=now + services.EARLY_CHECKIN, checked_in_at__isnull=False).exists()
    arrived = rows.filter(checked_in_at__isnull=False).count()
    begun = rows.filter(shift__starts_at__lte=now, declined_at__isnull=True).count()
    assert 0.8 * begun <= arrived < begun  # most came, a few did not
    assert rows.filter(checked_in_at__isnull=False).exclude(checked_in_by_id=F("user_id")).count() == 0
    declined = rows.filter(declined_at__isnull=False)
    assert declined.exists() and not declined.filter(Q(declined_at__gte=F("shift__starts_at"))
                                                     | Q(declined_at__gt=now) | Q(declined_reason="")).exists()
    late = timedelta(hours=django_settings.GUARDING_LATE_DECLINE_HOURS)
    for row in declined:
        assert row.declined_late == (row.shift.starts_at - row.declined_at < late), row.pk
    assert Notification.objects.filter(kind="guarding_gap", dedupe_key__startswith="guarding-decline:").exists()

    # The coverage of the next 72 hours: gaps and covered stretches tile the window, and some gap is ahead.
    lo = now.replace(minute=0, second=0, microsecond=0)
    hi = lo + timedelta(hours=72)
    gaps_seen = 0
    for asset in city_assets:
        segments = list(asset.segments.all())
        found = selectors.asset_coverage(asset, segments, lo, hi, now=now)
        for segment in segments:
            pieces = [(s, e) for sid, s, e in found["gaps"] + found["covered"] if sid == segment.pk]
            assert intervals.first_overlap(pieces) is None
            assert intervals.subtract(lo, min(hi, asset.ends_at), pieces) == []
        gaps_seen += len(found["gaps"])
    assert gaps_seen > 0  # the shifts are planned two days ahead, some stretches nobody covers

    assert verify_chain()[1] is None
