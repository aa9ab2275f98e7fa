"""Every read of disputes a user sees starts from `visible_to(user)`; figures included."""
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import (BigIntegerField, Case, Count, DateTimeField, DecimalField, Exists, F, OuterRef, Q,
                              Subquery, Sum, Value, When)
from django.db.models.functions import Coalesce, Greatest
from django.db.models.lookups import GreaterThan
from django.http import Http404
from django.utils import timezone

from parkbeat.core.events import CLOCK_SKEW
from parkbeat.core.figures import Seconds, WholeSeconds, count_by, counted, percentiles, percentiles_each
from parkbeat.disputes.models import Agreement, Dispute, DisputeTransition, MediationSession, Obligation, Payment


def dispute_list(*, user):
    return (Dispute.objects.visible_to(user)
            .select_related("park", "enterprise", "handler", "mediator", "mediation_centre")
            .defer("park__boundary", "park__description"))


def pickable_users(*, user, roles):
    """Active users holding one of `roles` in a park `user` reaches: whom `user` may name as handler,
    mediator or session mediator. Anyone else is, to `user`, a user that does not exist."""
    from parkbeat.core.permissions import LEADER
    from parkbeat.org.models import Park, RoleAssignment, User

    if user is None:
        return User.objects.none()
    parks = list(Park.objects.visible_to(user).values_list("pk", "station__path"))
    park_ids = [pk for pk, _path in parks]
    # A leader is police of the parks under their unit: the units on the path of each park's station.
    unit_ids = {int(part) for _pk, path in parks for part in (path or "").split("/") if part.isdigit()}
    held = RoleAssignment.objects.filter(role__in=[r for r in roles if r != LEADER], park_id__in=park_ids)
    if LEADER in roles:
        held = held | RoleAssignment.objects.filter(role=LEADER, unit_id__in=unit_ids)
    return User.objects.filter(is_active=True, pk__in=held.values("user_id"))


def dispute_get(*, user, pk):
    """The dispute if the user may see it, else 404 (never a hint that it exists)."""
    try:
        return dispute_list(user=user).get(pk=pk)
    except (Dispute.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_visible(queryset, pk):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def obligation_list(*, user):
    return Obligation.objects.visible_to(user).select_related("agreement", "agreement__dispute")


def session_list(*, user):
    return (MediationSession.objects.filter(dispute__in=Dispute.objects.visible_to(user).values("pk"))
            .select_related("dispute", "recorded_by").prefetch_related("mediators", "agencies"))


def agreement_list(*, user):
    return (Agreement.objects.filter(dispute__in=Dispute.objects.visible_to(user).values("pk"))
            .select_related("dispute", "recorded_by").prefetch_related("obligations", "parties"))


# ---------------------------------------------------------------- timeline: one small function per event type
def _when(happened, recorded_at, recorded_by, late=False):
    """When an event happened and was recorded, by whom; `back_entered`: recorded noticeably later (the page
    shows both times); `late`: after the back-entry window."""
    return {"at": happened, "recorded_at": recorded_at, "recorded_by": recorded_by, "late": late,
            "back_entered": recorded_at - happened > CLOCK_SKEW}


def _transition_events(dispute):
    from parkbeat.org.models import MediationCentre

    transitions = list(dispute.transitions.select_related("actor"))
    centre_ids = {int(v) for t in transitions if t.kind == DisputeTransition.Kind.ROUTE
                  for v in (t.from_value, t.to_value) if v.isdigit()}
    centres = {str(pk): name
               for pk, name in MediationCentre.objects.filter(pk__in=centre_ids).values_list("pk", "name")}
    labels = {**dict(Dispute.Status.choices), **dict(Dispute.Level.choices), **centres}
    for t in transitions:
        yield {**_when(t.at, t.recorded_at, t.actor, t.entered_late), "type": f"transition_{t.kind}", "object": t,
               "from_label": labels.get(t.from_value, t.from_value), "to_label": labels.get(t.to_value, t.to_value)}


def _session_events(dispute):
    for s in dispute.sessions.select_related("recorded_by").prefetch_related("mediators", "agencies"):
        ended = s.started_at + timedelta(minutes=s.duration_minutes)
        yield {**_when(s.started_at, max(s.created_at, s.started_at), s.recorded_by), "type": "session", "object": s,
               "back_entered": s.created_at - ended > CLOCK_SKEW}


def _dated(day, recorded, moment=None):
    """A row known by its date (signed on, paid on): when it was recorded if on that day, else `moment` if on that
    day (the end of the session where an agreement was signed), else the day's start."""
    if timezone.localdate(recorded) == day:
        return recorded
    if moment is not None and timezone.localdate(moment) == day:
        return moment
    return timezone.make_aware(datetime.combine(day, time.min))


def _agreement_events(dispute):
    for a in dispute.agreements.select_related("recorded_by", "session"):
        session = a.session
        at = _dated(a.signed_on, a.created_at,
                    session and session.started_at + timedelta(minutes=session.duration_minutes))
        yield {**_when(at, a.created_at, a.recorded_by), "type": "agreement", "object": a}


def _payment_events(dispute):
    from parkbeat.files.models import Attachment

    payments = list(Payment.objects.filter(obligation__agreement__dispute=dispute)
                    .select_related("obligation", "recorded_by"))
    evidence = {}
    if payments:  # every payment's evidence in one query
        for attachment in Attachment.objects.filter(content_type=ContentType.objects.get_for_model(Payment),
                                                    object_id__in=[p.pk for p in payments]).order_by("pk"):
            evidence.setdefault(attachment.object_id, []).append(attachment)
    for p in payments:
        at = _dated(p.paid_on, p.created_at)
        yield {**_when(at, p.created_at, p.recorded_by), "type": "payment", "object": p,
               "attachments": evidence.get(p.pk, [])}


TIMELINE = (_transition_events, _session_events, _agreement_events, _payment_events)


def dispute_timeline(*, dispute):
    """Transitions, sessions, agreements and payments (with their evidence), oldest first by when they happened;
    `back_entered` marks those recorded noticeably later (the page shows both times).

    The caller has loaded `dispute` through `dispute_get`, so the user may see all of it.
    """
    events = [event for source in TIMELINE for event in source(dispute)]
    return sorted(events, key=lambda e: (e["at"], e["type"]))


# ---------------------------------------------------------------- figures
def _span(span):
    return {"count": span["count"], "median_seconds": span[50], "p90_seconds": span[90]}


def _bounds(start, end):
    """[start 00:00, the day after end 00:00) in the station's time zone: both dates count."""
    tz = timezone.get_current_timezone()
    return (timezone.make_aware(datetime.combine(start, time.min), tz),
            timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), tz))


def _level_at_step():
    """The dispute's level at a transition row (the outer query's): the last level change before it, else the
    level the dispute started at (its first change's from), else its level now."""
    changes = DisputeTransition.objects.filter(dispute=OuterRef("dispute"), kind=DisputeTransition.Kind.LEVEL)
    before = changes.filter(Q(at__lt=OuterRef("at")) | Q(at=OuterRef("at"), id__lt=OuterRef("id")))
    return Coalesce(Subquery(before.order_by("-at", "-id").values("to_value")[:1]),
                    Subquery(changes.order_by("at", "id").values("from_value")[:1]), F("dispute__level"))


def _settled_steps(disputes, lo, hi):
    """The settle steps in [lo, hi) that are their dispute's last status step before `hi`: a dispute settled in
    the period and not reopened by its end, counted once."""
    status = DisputeTransition.objects.filter(kind=DisputeTransition.Kind.STATUS)
    later = status.filter(dispute=OuterRef("dispute"), at__lt=hi).filter(
        Q(at__gt=OuterRef("at")) | Q(at=OuterRef("at"), id__gt=OuterRef("id")))
    return (status.filter(dispute__in=disputes, to_value=Dispute.Status.SETTLED, at__gte=lo, at__lt=hi)
            .exclude(Exists(later)))


def _settlements(disputes, lo, hi):
    """The settled steps with the level at each (the level it was settled at)."""
    return _settled_steps(disputes, lo, hi).annotate(level=_level_at_step())


def _seconds_at(level, now):
    """Dispute.seconds_at(level, now) as an expression: the closed spans at `level`, plus the running span in
    whole seconds (never below zero) while the dispute is open at that level."""
    running = Greatest(WholeSeconds(Value(now, output_field=DateTimeField()), "level_since"), Value(0))
    return Case(When(level=level, status__in=Dispute.OPEN_STATUSES, then=F(f"seconds_{level}") + running),
                default=F(f"seconds_{level}"), output_field=BigIntegerField())


def dispute_figures(*, user, start, end, park=None, now=None):
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

    opened_rows = base.filter(began_at__gte=lo, began_at__lt=hi).order_by()
    spent = {level: _seconds_at(level, now) for level in Dispute.Level.values}
    opened = opened_rows.aggregate(
        total=Count("pk"), **count_by("category", Dispute.Category.values), **count_by("level", Dispute.Level.values),
        **{f"tier_{level}_total": Sum(expression) for level, expression in spent.items()},
        **{f"tier_{level}_disputes": Count("pk", filter=Q(GreaterThan(expression, 0)))
           for level, expression in spent.items()})

    settlements = _settlements(visible_ids, lo, hi)
    settled_by_level = {value: 0 for value, _label in Dispute.Level.choices}
    settled_by_level.update(settlements.order_by().values_list("level").annotate(n=Count("id")))
    total_settled = sum(settled_by_level.values())
    settled_share = {k: (round(v / total_settled, 4) if total_settled else None) for k, v in settled_by_level.items()}
    reopened = (DisputeTransition.objects.filter(dispute__in=visible_ids, kind=DisputeTransition.Kind.STATUS,
                                                 to_value=Dispute.Status.OPEN, at__gte=lo, at__lt=hi)
                .exclude(from_value="").aggregate(total=Count("dispute", distinct=True), times=Count("id")))

    on_scene = percentiles(opened_rows, Seconds("incident__on_scene_at", "incident__reported_at"))
    to_settle = percentiles(_settled_steps(visible_ids, lo, hi), Seconds("at", "dispute__began_at"))
    medians = percentiles_each(opened_rows, {level: (expression, Q(GreaterThan(expression, 0)))
                                             for level, expression in spent.items()}, ps=(50,))
    tiers = {level: {"total_seconds": opened[f"tier_{level}_total"] or 0,
                     "disputes": opened[f"tier_{level}_disputes"], "median_seconds": medians[level][50]}
             for level in spent}

    agreements = Agreement.objects.filter(dispute__in=visible_ids, signed_on__gte=start, signed_on__lte=end).exclude(
        status=Agreement.Status.SUPERSEDED)
    agreed = agreements.aggregate(count=Count("id"), amount=Sum("total_amount"))
    paid = Payment.objects.filter(obligation__agreement__dispute__in=visible_ids, paid_on__gte=start,
                                  paid_on__lte=end).aggregate(count=Count("id"), amount=Sum("amount"))
    live = Obligation.objects.filter(agreement__dispute__in=visible_ids).exclude(
        agreement__status=Agreement.Status.SUPERSEDED)
    due = live.filter(due_on__gte=start, due_on__lte=end).aggregate(count=Count("id"), amount=Sum("amount"))
    overdue = live.filter(Q(status=Obligation.Status.MISSED)
                          | Q(status=Obligation.Status.PENDING, due_on__lt=today)).aggregate(
        count=Count("id"), outstanding=Sum(F("amount") - F("paid_amount"), output_field=DecimalField(max_digits=14, decimal_places=2)))
    overdue["outstanding"] = _yuan(overdue["outstanding"])
    return {
        "period": {"start": start.isoformat(), "end": end.isoformat(), "park": park.pk if park else None},
        "opened": {"total": opened["total"], "by_category": counted(opened, "category", Dispute.Category.values),
                   "by_level": counted(opened, "level", Dispute.Level.values)},
        "settled": {"total": total_settled, "by_level": settled_by_level, "share": settled_share},
        "reopened": reopened,
        "to_on_scene": _span(on_scene),
        "to_settlement": _span(to_settle),
        "tiers": tiers,
        "agreed": {"count": agreed["count"], "amount": _yuan(agreed["amount"])},
        "paid": {"count": paid["count"], "amount": _yuan(paid["amount"])},
        "obligations_due": {"count": due["count"], "amount": _yuan(due["amount"])},
        "overdue": overdue,
    }


def _yuan(amount):
    """A sum of money to the fen: SQLite's sums drop trailing zeros, PostgreSQL's keep them."""
    return (amount or Decimal("0")).quantize(Decimal("0.01"))


def figures_json(figures):
    """The figures with Decimals as strings, ready for JSON (API, command, the page's charts)."""
    def plain(value):
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, Decimal):
            return str(value)
        return value

    return plain(figures)
