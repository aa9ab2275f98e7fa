"""Figures computed in the database equal the old straightforward computation (kept below as the reference,
as it was before the figures moved into SQL: every row of the period fetched, percentiles over Fractions), on
the engine the suite runs on: SQLite, and PostgreSQL in `.ci/run`. Percentiles are compared at their edges
(no rows, one, two, ties, p90 on an exact rank) and over a seeded random city of cases across period bounds
and Asia/Shanghai day boundaries. PostgreSQL's percentile_cont interpolates in double precision, so
percentile values are compared to within 1e-9 relative; counts, sums and everything else exactly."""
import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.models import Count, Q, Sum
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from parkbeat.core.figures import Seconds, percentile, percentiles, percentiles_each
from parkbeat.core.scoping import forget_access
from parkbeat.disputes.models import (
    Agreement,
    Dispute,
    DisputeTransition,
    Obligation,
    Payment,
)
from parkbeat.disputes.selectors import _bounds, _settlements, dispute_figures
from parkbeat.incidents.models import Incident
from parkbeat.incidents.selectors import (
    CLOCKS,
    FIGURES_FIRST_DAY,
    FIGURES_LAST_DAY,
    _day_bounds,
    incident_figures,
)

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 4, 10, 12, 0, tzinfo=TZ)


# ---------------------------------------------------------------- the reference (the code before issue 12)
def _reference_clock(seconds):
    """Count, median and 90th percentile in minutes (one decimal) of the clocks that were reached."""
    def minutes(p):
        value = percentile(seconds, p)
        return None if value is None else round(value / 60, 1)

    return {"count": len(seconds), "median_minutes": minutes(50), "p90_minutes": minutes(90)}


def reference_incident_figures(*, user, start, end, park=None, enterprise=None, now=None):
    """Figures for the incidents the user sees that were reported from `start` to `end` (dates, both
    included; clamped to 2000-01-01 … 2100-12-31), in one park or all (and one enterprise or all):

    - total, by kind and by source (every choice present, zero when none);
    - to_accept / to_scene / to_close: count, median and 90th percentile in minutes from the report
      (linear interpolation, core.figures.percentile) over the incidents that reached the step;
    - escalated: incidents escalated at least once; acceptance_overdue: of those, awaiting acceptance
      past their deadline `now`.

    One query whatever the number of incidents.
    """
    now = now or timezone.now()
    start, end = max(start, FIGURES_FIRST_DAY), min(end, FIGURES_LAST_DAY)
    lo, hi = _day_bounds(start, end)
    rows = Incident.objects.visible_to(user).filter(reported_at__gte=lo, reported_at__lt=hi)
    if park is not None:
        rows = rows.filter(park=park)
    if enterprise is not None:
        rows = rows.filter(enterprise=enterprise)
    rows = list(rows.order_by().values("kind", "source", "status", "escalation_level", "accept_due_at",
                                       "reported_at", *CLOCKS.values()))
    by_kind = {value: 0 for value in Incident.Kind.values}
    by_source = {value: 0 for value in Incident.Source.values}
    spans = {name: [] for name in CLOCKS}
    for row in rows:
        by_kind[row["kind"]] += 1
        by_source[row["source"]] += 1
        for name, field in CLOCKS.items():
            if row[field] is not None:
                spans[name].append((row[field] - row["reported_at"]).total_seconds())
    return {
        "period": {"start": start.isoformat(), "end": end.isoformat(), "park": park.pk if park else None},
        "total": len(rows),
        "by_kind": by_kind,
        "by_source": by_source,
        **{name: _reference_clock(values) for name, values in spans.items()},
        "escalated": sum(1 for row in rows if row["escalation_level"] > 0),
        "acceptance_overdue": sum(1 for row in rows if row["status"] == Incident.Status.REPORTED
                                  and row["accept_due_at"] is not None and row["accept_due_at"] < now),
    }


def _reference_span(values):
    return {"count": len(values), "median_seconds": percentile(values, 50), "p90_seconds": percentile(values, 90)}


def reference_dispute_figures(*, user, start, end, park=None, now=None):
    """Figures for the disputes the user sees, from `start` to `end` (dates, both included), one park or all,
    by when things happened (a quarter entered in December counts as if entered live).

    - opened: disputes that began in the period, by category and by their current level;
    - settled: disputes whose last status step by the end of the period is a settlement within it, by the level
      they were settled at, with shares: a dispute reopened and settled again counts once, at its final level;
      one reopened and not settled again by the end of the period is not counted;
    - reopened: disputes reopened in the period (by the reopen step's time), and the reopenings;
    - to_on_scene: linked incidents of disputes opened in the period, on_scene_at − reported_at;
    - to_settlement: the settled ones above, settlement − began_at;
    - tiers: for disputes opened in the period, seconds at each level (running spans up to `now`):
      the total and the median over the disputes that spent any time at that level;
    - agreed: agreements signed in the period (superseded ones left out); paid: payments dated in it;
    - obligations_due: instalments falling due in the period; overdue: unpaid instalments past due now.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    lo, hi = _bounds(start, end)
    base = Dispute.objects.visible_to(user)
    if park is not None:
        base = base.filter(park=park)
    visible_ids = base.values("pk")

    opened = list(base.filter(began_at__gte=lo, began_at__lt=hi).select_related("incident"))
    by_category = {value: 0 for value, _label in Dispute.Category.choices}
    by_level = {value: 0 for value, _label in Dispute.Level.choices}
    for d in opened:
        by_category[d.category] += 1
        by_level[d.level] += 1

    settlements = _settlements(visible_ids, lo, hi)
    settled_by_level = {value: 0 for value, _label in Dispute.Level.choices}
    settled_by_level.update(settlements.order_by().values_list("level").annotate(n=Count("id")))
    total_settled = sum(settled_by_level.values())
    settled_share = {k: (round(v / total_settled, 4) if total_settled else None) for k, v in settled_by_level.items()}
    reopened = (DisputeTransition.objects.filter(dispute__in=visible_ids, kind=DisputeTransition.Kind.STATUS,
                                                 to_value=Dispute.Status.OPEN, at__gte=lo, at__lt=hi)
                .exclude(from_value="").aggregate(total=Count("dispute", distinct=True), times=Count("id")))

    on_scene = [(d.incident.on_scene_at - d.incident.reported_at).total_seconds() for d in opened
                if d.incident is not None and d.incident.on_scene_at is not None]
    to_settle = [(at - began).total_seconds() for at, began in settlements.values_list("at", "dispute__began_at")]

    tiers = {}
    for level, _label in Dispute.Level.choices:
        spent = [d.seconds_at(level, now) for d in opened]
        nonzero = [s for s in spent if s > 0]
        tiers[level] = {"total_seconds": sum(spent), "disputes": len(nonzero),
                        "median_seconds": percentile(nonzero, 50)}

    agreements = Agreement.objects.filter(dispute__in=visible_ids, signed_on__gte=start, signed_on__lte=end).exclude(
        status=Agreement.Status.SUPERSEDED)
    agreed = agreements.aggregate(count=Count("id"), amount=Sum("total_amount"))
    paid = Payment.objects.filter(obligation__agreement__dispute__in=visible_ids, paid_on__gte=start,
                                  paid_on__lte=end).aggregate(count=Count("id"), amount=Sum("amount"))
    live = Obligation.objects.filter(agreement__dispute__in=visible_ids).exclude(
        agreement__status=Agreement.Status.SUPERSEDED)
    due = live.filter(due_on__gte=start, due_on__lte=end).aggregate(count=Count("id"), amount=Sum("amount"))
    overdue_rows = live.filter(Q(status=Obligation.Status.MISSED)
                               | Q(status=Obligation.Status.PENDING, due_on__lt=today))
    overdue = {"count": overdue_rows.count(),
               "outstanding": sum((o.amount - o.paid_amount for o in overdue_rows.only("amount", "paid_amount")),
                                  Decimal("0"))}
    return {
        "period": {"start": start.isoformat(), "end": end.isoformat(), "park": park.pk if park else None},
        "opened": {"total": len(opened), "by_category": by_category, "by_level": by_level},
        "settled": {"total": total_settled, "by_level": settled_by_level, "share": settled_share},
        "reopened": reopened,
        "to_on_scene": _reference_span(on_scene),
        "to_settlement": _reference_span(to_settle),
        "tiers": tiers,
        "agreed": {"count": agreed["count"], "amount": agreed["amount"] or Decimal("0")},
        "paid": {"count": paid["count"], "amount": paid["amount"] or Decimal("0")},
        "obligations_due": {"count": due["count"], "amount": due["amount"] or Decimal("0")},
        "overdue": overdue,
    }




# ---------------------------------------------------------------- the data
def _close(a, b):
    """Equal; floats (percentiles) to within 1e-9 relative (PostgreSQL interpolates in double precision)."""
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, float) and isinstance(b, float):
        return a == pytest.approx(b, rel=1e-9, abs=1e-9)
    return a == b


def _random_incidents(world, rng, n=160):
    parks = [world.park, world.park, world.park2, world.other_park]
    enterprises = {world.park.pk: [None, world.enterprise, world.enterprise2], world.park2.pk: [None],
                   world.other_park.pk: [None]}
    rows = []
    for _ in range(n):
        park = rng.choice(parks)
        # around the periods' bounds and Shanghai midnights, with microseconds and repeated durations
        at = datetime(2026, 3, rng.choice([1, 1, 2, 14, 15, 15, 16, 31]), rng.choice([0, 0, 23, 7, 12]),
                      rng.choice([0, 0, 59]), rng.choice([0, 59]), rng.choice([0, 0, 1, 999999]), tzinfo=TZ)
        clocks, t = {}, at
        for field in ("accepted_at", "on_scene_at", "closed_at"):
            if rng.random() < 0.75:
                t = t + timedelta(seconds=rng.choice([0, 60, 60, 61, 600, 3601]), microseconds=rng.choice([0, 1, 7]))
                clocks[field] = t
            else:
                break
        status = ("closed" if "closed_at" in clocks else "on_scene" if "on_scene_at" in clocks
                  else "accepted" if "accepted_at" in clocks else "reported")
        rows.append(Incident(
            source=rng.choice(Incident.Source.values), kind=rng.choice(Incident.Kind.values), park=park,
            enterprise=rng.choice(enterprises[park.pk]), description="x", reported_by=world.officer,
            reported_at=at, status=status, escalation_level=rng.choice([0, 0, 1, 2]),
            accept_due_at=rng.choice([None, at + timedelta(minutes=5), NOW + timedelta(hours=1)]),
            result="resolved" if status == "closed" else "", **clocks))
    Incident.objects.bulk_create(rows)


def _random_disputes(world, rng, n=60):
    incidents = list(Incident.objects.filter(on_scene_at__isnull=False)[:20]) + [None] * 20
    for i in range(n):
        park = rng.choice([world.park, world.park2, world.other_park])
        began = datetime(2026, 3, rng.choice([1, 2, 15, 16, 31]), rng.choice([0, 10, 23]), rng.choice([0, 30]),
                         tzinfo=TZ) - timedelta(days=rng.choice([0, 0, 40]))
        levels = ["enterprise", "park", "beyond"]
        level = rng.choice(levels)
        steps, t, status, settled_level = [], began, "open", ""
        for _ in range(rng.choice([0, 1, 2, 3])):
            t = t + timedelta(hours=rng.choice([1, 24, 24, 300]), microseconds=rng.choice([0, 3]))
            move = rng.choice(["level", "settle", "reopen"])
            if move == "level":
                to = rng.choice([x for x in levels if x != level])
                steps.append((t, "level", level, to))
                level = to
            elif move == "settle" and status != "settled":
                steps.append((t, "status", status, "settled"))
                status, settled_level = "settled", level
            elif move == "reopen" and status == "settled":
                steps.append((t, "status", "settled", "open"))
                status, settled_level = "open", ""
        if status == "open" and rng.random() < 0.3:
            status = "performing"
        d = Dispute.objects.create(
            park=park, title=f"t{i}", summary="s", category=rng.choice(Dispute.Category.values), level=level,
            began_at=began, level_since=t, opened_by=world.officer, status=status, settled_level=settled_level,
            settled_at=t if status == "settled" else None, incident=rng.choice(incidents),
            seconds_enterprise=rng.choice([0, 0, 3600, 86400]), seconds_park=rng.choice([0, 7200, 7200]),
            seconds_beyond=rng.choice([0, 0, 99]))
        DisputeTransition.objects.create(dispute=d, kind="status", at=began, recorded_at=began, from_value="",
                                         to_value="open")
        for at, kind, from_value, to_value in steps:
            DisputeTransition.objects.create(dispute=d, kind=kind, at=at, recorded_at=at, from_value=from_value,
                                             to_value=to_value)
        if rng.random() < 0.5:
            agreement = Agreement.objects.create(
                dispute=d, terms="x", total_amount=Decimal("1000.10"), signed_on=rng.choice(
                    [date(2026, 3, 1), date(2026, 3, 31), date(2026, 2, 28)]),
                status=rng.choice(["performing", "superseded", "breached"]), recorded_by=world.officer)
            for seq in (1, 2):
                paid = rng.choice([Decimal("0"), Decimal("0.30"), Decimal("500.05")])
                o = Obligation.objects.create(
                    agreement=agreement, sequence=seq, description="x", amount=Decimal("500.05"), paid_amount=paid,
                    due_on=rng.choice([date(2026, 3, 1), date(2026, 3, 20), date(2026, 4, 30)]),
                    status="paid" if paid == Decimal("500.05") else rng.choice(["pending", "missed"]))
                if paid:
                    Payment.objects.create(obligation=o, paid_on=rng.choice([date(2026, 3, 3), date(2026, 4, 1)]),
                                           amount=paid, recorded_by=world.officer)


PERIODS = [(date(2026, 3, 1), date(2026, 3, 31)), (date(2026, 3, 1), date(2026, 3, 1)),
           (date(2026, 3, 15), date(2026, 3, 15)), (date(2026, 3, 2), date(2026, 3, 14)),
           (date(2026, 1, 1), date(2026, 12, 31)), (date(2025, 1, 1), date(2025, 1, 2))]


@pytest.fixture
def city(world):
    rng = random.Random(12)
    _random_incidents(world, rng)
    _random_disputes(world, rng)
    return world


@pytest.mark.parametrize("who", ["leader", "officer", "officer2", "liaison", "nobody"])
def test_incident_figures_equal_the_reference(city, who):
    user = getattr(city, who)
    for start, end in PERIODS:
        for park in (None, city.park):
            for enterprise in (None, city.enterprise):
                args = dict(user=user, start=start, end=end, park=park, enterprise=enterprise, now=NOW)
                new, old = incident_figures(**args), reference_incident_figures(**args)
                assert _close(new, old), (who, start, end, park, enterprise, new, old)


@pytest.mark.parametrize("who", ["leader", "officer", "officer2", "nobody"])
def test_dispute_figures_equal_the_reference(city, who):
    user = getattr(city, who)
    for start, end in PERIODS:
        for park in (None, city.park):
            args = dict(user=user, start=start, end=end, park=park, now=NOW)
            new, old = dispute_figures(**args), reference_dispute_figures(**args)
            assert _close(new, old), (who, start, end, park, new, old)


def test_the_reference_data_reaches_every_branch(city):
    """The comparison above is worth something only if the data has settled, reopened and running cases,
    incidents with and without each clock, and ties."""
    full = reference_dispute_figures(user=city.leader, start=date(2026, 1, 1), end=date(2026, 12, 31), now=NOW)
    assert full["settled"]["total"] > 3 and full["reopened"]["total"] > 0 and full["to_on_scene"]["count"] > 2
    assert all(tier["disputes"] > 0 for tier in full["tiers"].values())
    assert full["overdue"]["count"] > 0 and full["paid"]["count"] > 0
    inc = reference_incident_figures(user=city.leader, start=date(2026, 3, 1), end=date(2026, 3, 31), now=NOW)
    assert 0 < inc["to_close"]["count"] < inc["to_accept"]["count"] < inc["total"]
    assert inc["escalated"] > 0 and inc["acceptance_overdue"] > 0


@pytest.mark.parametrize("values", [[], [5], [5, 7], [1, 2, 3], [3, 3, 3, 9], list(range(11)), list(range(12)),
                                    [0.000001, 86400.5, 0.000001, 7, 7, 7, 1e6]])
def test_percentiles_at_their_edges_equal_the_reference(world, values):
    """No rows, one, two, ties, p90 on an exact rank (n = 11: h = 9), and uneven steps; p0 and p100 too."""
    at = datetime(2026, 3, 1, tzinfo=TZ)
    Incident.objects.bulk_create([Incident(source="phone", kind="other", park=world.park, description="x",
                                           reported_by=world.officer, reported_at=at,
                                           accepted_at=at + timedelta(seconds=v)) for v in values])
    ps = (0, 50, 90, 100)
    got = percentiles(Incident.objects.all(), Seconds("accepted_at", "reported_at"), ps=ps)
    seconds = [timedelta(seconds=v).total_seconds() for v in values]
    assert got["count"] == len(values)
    assert _close({p: got[p] for p in ps}, {p: percentile(seconds, p) for p in ps})


def test_several_percentiles_at_once_equal_each_alone(world):
    """`percentiles_each` (one pass on PostgreSQL) gives what `percentiles` gives for each expression, its own
    filter and NULLs included; a filter that keeps nothing gives no values."""
    at = datetime(2026, 3, 1, tzinfo=TZ)
    Incident.objects.bulk_create([
        Incident(source="phone", kind="other", park=world.park, description="x", reported_by=world.officer,
                 reported_at=at, accepted_at=at + timedelta(seconds=a),
                 on_scene_at=None if b is None else at + timedelta(seconds=b))
        for a, b in [(5, None), (7, 30), (1, 2), (90, 91.5), (3, None), (0.25, 600)]])
    rows = Incident.objects.all()
    accept, scene = Seconds("accepted_at", "reported_at"), Seconds("on_scene_at", "reported_at")
    declared = {"accept": accept, "scene": scene, "slow": (accept, Q(accepted_at__gt=at + timedelta(seconds=4))),
                "none": (scene, Q(pk__lt=0))}
    with CaptureQueriesContext(connection) as queries:
        got = percentiles_each(rows, declared, ps=(0, 50, 90))
    assert len(queries) == (1 if connection.vendor == "postgresql" else len(declared))
    assert got["accept"] == percentiles(rows, accept, ps=(0, 50, 90))
    assert got["scene"] == percentiles(rows, scene, ps=(0, 50, 90)) and got["scene"]["count"] == 4
    assert got["slow"] == percentiles(rows.filter(accepted_at__gt=at + timedelta(seconds=4)), accept, ps=(0, 50, 90))
    assert got["slow"]["count"] == 3
    assert got["none"] == {"count": 0, 0: None, 50: None, 90: None}


def test_figures_take_the_same_queries_for_ten_times_the_rows(world):
    def measure():
        forget_access(world.leader)  # each measure reads the leader's access afresh
        with CaptureQueriesContext(connection) as queries:
            incident_figures(user=world.leader, start=date(2026, 3, 1), end=date(2026, 3, 31), now=NOW)
            dispute_figures(user=world.leader, start=date(2026, 3, 1), end=date(2026, 3, 31), now=NOW)
        return len(queries)

    rng = random.Random(3)
    _random_incidents(world, rng, n=15)
    _random_disputes(world, rng, n=6)
    few = measure()
    _random_incidents(world, rng, n=150)
    _random_disputes(world, rng, n=60)
    assert measure() == few
