"""Every write to a dispute case: permission, validation, version check, transition row and audit in one place.

Every step (opened, level changed, routed, settled, withdrawn, reopened) carries when it happened (`at`,
checked by core.events.event_time: not in the future, not before the dispute began, its current level's
start or its last step, older than the back-entry window only by a leader or with a reason) beside when
and by whom it was recorded. The clocks, `settled_at` and the transition row read the happened time; the
audit event keeps the time of entry and notes the happened time and a late entry's reason.

A dispute's tier clocks: `level_since` starts at `began_at`; each level change, settlement or withdrawal
closes the running span into `seconds_<level>`; a reopening restarts it. Steps never precede the one
before, so the tier seconds never go negative and their sum never exceeds the time since the dispute began.
Steps the system takes are dated by rule, not by the run: an instalment due on 09-10 and unpaid is missed
on 09-11 at 00:00 (station time), and the dispute reopens at that moment however late the sweep runs.
"""
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from parkbeat.audit.services import record, snapshot
from parkbeat.core.events import CLOCK_SKEW, event_time
from parkbeat.core.permissions import MEDIATOR, POLICE, require
from parkbeat.core.scoping import is_visible
from parkbeat.core.services import (ConflictError, IllegalTransition, claim_next_version, lock_for_update,
                                    model_create, model_update)
from parkbeat.disputes.models import (Agreement, Dispute, DisputeParty, DisputeTransition, MediationSession,
                                      Obligation, Payment)
from parkbeat.incidents.models import Incident
from parkbeat.incidents.services import incident_transfer
from parkbeat.notifications.models import Notification
from parkbeat.notifications.services import notify

DETAIL_FIELDS = ("title", "category", "summary", "core_demands", "amount_in_dispute", "people_involved",
                 "enterprise", "handler")
PARTY_FIELDS = ("side", "kind", "name", "enterprise", "headcount", "representatives", "contact_mobile")
CONFLICT = "This record was changed by someone else. Reload it and try again."
PAID = (Obligation.Status.PAID, Obligation.Status.PAID_LATE)
LIVE_AGREEMENTS = (Agreement.Status.PERFORMING, Agreement.Status.BREACHED)
REMIND_DAYS = 3
# Dates outside these bounds are typing errors (year 1, year 9999) and overflow the time-zone arithmetic.
EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)
KEEP = object()  # dispute_route: "leave this as it is"
# what the audit event of a new dispute keeps (as core.services.model_create does)
CREATE_FIELDS = [f.name for f in Dispute._meta.concrete_fields if f.name not in ("id", "created_at", "updated_at")]


def _now():
    """The clock every service reads (one place for tests to move it)."""
    return timezone.now()


def _today():
    return timezone.localdate(_now())


# ---------------------------------------------------------------- helpers
def _save_dispute(*, actor, dispute, data, verb="update", note="", m2m=None):
    """Apply `data` to a dispute already locked by the caller, claim the next version, save, audit once.

    `m2m`: {name: (before ids, after ids)} for many-to-many changes logged beside the fields.
    """
    fields = [name for name, value in data.items() if getattr(dispute, name) != value]
    before = snapshot(dispute, fields)
    for name, value in data.items():
        setattr(dispute, name, value)
    dispute.full_clean()
    claim_next_version(dispute)
    dispute.save(update_fields=[*fields, "updated_at"])
    after = snapshot(dispute, fields)
    for name, (old, new) in (m2m or {}).items():
        before[name], after[name] = sorted(old), sorted(new)
    record(actor=actor, verb=verb, obj=dispute, before=before, after=after, note=note)
    return dispute


def _lock(dispute, expected_version):
    lock_for_update(dispute)
    if expected_version is not None and expected_version != dispute.version:
        raise ConflictError(_(CONFLICT))
    return dispute


def _close_span(dispute, at):
    """The running tier span up to `at` (when the step happened), added to its level's clock; the changed fields."""
    spent = max(0, int((at - dispute.level_since).total_seconds()))
    name = f"seconds_{dispute.level}"
    return {name: getattr(dispute, name) + spent, "level_since": at}


# ---------------------------------------------------------------- when a step happened
def _follows(dispute):
    """What a new step of the dispute may not precede: its start, its current level's start, its last step."""
    last = dispute.transitions.order_by("-at", "-id").values_list("at", flat=True).first()
    return [(dispute.began_at, _("the start of the dispute")),
            (dispute.level_since, _("the start of its current level")),
            (last, _("its last recorded step"))]


def _step_time(dispute, at, *, actor, late_reason=""):
    """The checked time of a step `actor` records now on a locked dispute (`at` None: just now)."""
    return event_time(at, actor=actor, now=_now(), after=_follows(dispute), reason=late_reason)


def _by_rule(dispute, at):
    """A step dated by rule (the night after a missed due date, the day an agreement was signed or the last
    instalment paid): at that moment, or at the dispute's last step if that came later; never in the future."""
    now = _now()
    follows = _follows(dispute)
    latest = max(moment for moment, _label in follows if moment is not None)
    return event_time(min(max(at, latest), now), actor=None, now=now, after=follows)


def _day_start(day):
    """00:00 of `day` in the station's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def _on_day(day, moment=None):
    """When something known only by its date happened: now if that is today, else `moment` if it falls on that
    day (the end of the session where an agreement was signed), else the day's start."""
    if day == _today():
        return _now()
    if moment is not None and timezone.localdate(moment) == day:
        return moment
    return _day_start(day)


def _noted(note, event):
    """The audit note of a step: its reason, when it happened if entered afterwards, why it came in late."""
    parts = [note] if note else []
    if event.recorded_at - event.at > CLOCK_SKEW:
        parts.append(_("happened %(at)s") % {"at": date_format(timezone.localtime(event.at), "Y-m-d H:i")})
    if event.late:
        parts.append(_("entered late: %(reason)s") % {"reason": event.reason} if event.reason else _("entered late"))
    return " · ".join(parts)


def _status_change(*, actor, dispute, to, note, event, transition_actor="same"):
    """Move a locked dispute to `to` at `event.at` with its clock, settlement fields, transition row and audit event.

    `event`: a core.events.EventTime. `transition_actor`: who the timeline names (None: the system), by default
    the actor.
    """
    at = event.at
    to = Dispute.Status(to)
    if to not in Dispute.TRANSITIONS[dispute.status]:
        raise IllegalTransition(_("A dispute that is “%(from)s” cannot become “%(to)s”.") % {
            "from": dispute.get_status_display(), "to": to.label})
    data = {"status": to}
    if to in (Dispute.Status.SETTLED, Dispute.Status.WITHDRAWN):
        data.update(_close_span(dispute, at))
    if to == Dispute.Status.SETTLED:
        data.update(settled_at=at, settled_level=dispute.level)
    if to == Dispute.Status.OPEN:
        data["reopen_count"] = dispute.reopen_count + 1
        if dispute.status == Dispute.Status.SETTLED:  # the clock stopped at settlement: it runs again from `at`
            data.update(level_since=at, settled_at=None, settled_level="")
    from_status = dispute.status
    _save_dispute(actor=actor, dispute=dispute, data=data, verb="transition", note=_noted(note, event))
    DisputeTransition.objects.create(dispute=dispute, kind=DisputeTransition.Kind.STATUS,
                                     actor=actor if transition_actor == "same" else transition_actor,
                                     from_value=from_status, to_value=to, note=note, **event.row_fields())
    return dispute


def _route_note(mediator, agencies):
    parts = []
    if mediator is not None:
        parts.append(_("lead mediator: %(name)s") % {"name": mediator.display_name})
    if agencies:
        parts.append(_("partner agencies: %(names)s") % {"names": "、".join(a.name for a in agencies)})
    return "; ".join(parts)


def _route_transition(*, actor, dispute, old_centre_id, mediator, agencies, event):
    """The ROUTE step of a routing change: from/to are the mediation centre ids ("" for none)."""
    DisputeTransition.objects.create(dispute=dispute, kind=DisputeTransition.Kind.ROUTE, actor=actor,
                                     from_value=str(old_centre_id or ""),
                                     to_value=str(dispute.mediation_centre_id or ""),
                                     note=_route_note(mediator, agencies), **event.row_fields())


def _is_mediator_of(user, park):
    return user.role_assignments.filter(role=MEDIATOR, park=park).exists()


def _check_routing(dispute_park, station_id, centre, mediator, agencies):
    errors = {}
    if centre is not None and centre.park_id != dispute_park.pk:
        errors["mediation_centre"] = _("This mediation centre is not the park's own.")
    if mediator is not None and not _is_mediator_of(mediator, dispute_park):
        errors["mediator"] = _("Choose a mediator of this park.")
    for agency in agencies:
        if not (agency.parks.filter(pk=dispute_park.pk).exists() or agency.station_id == station_id):
            errors["agencies"] = _("%(agency)s does not serve this park.") % {"agency": agency}
    if errors:
        raise ValidationError(errors)


def _agency_staff(agencies):
    from parkbeat.org.models import Role, User

    return User.objects.filter(is_active=True, role_assignments__role=Role.AGENCY_STAFF,
                               role_assignments__agency__in=list(agencies)).distinct()


def _centre_mediators(centre):
    from parkbeat.org.models import Role, User

    return User.objects.filter(is_active=True, role_assignments__role=Role.MEDIATOR,
                               role_assignments__park_id=centre.park_id).distinct()


def _routing_recipients(centre=None, mediator=None, agencies=()):
    """Who a routing tells: the lead mediator, else the centre's mediators; and the agencies' staff."""
    recipients = []
    if mediator is not None:
        recipients.append(mediator)
    elif centre is not None:
        recipients.extend(_centre_mediators(centre))
    recipients.extend(_agency_staff(agencies) if agencies else [])
    return recipients


def _notify_routing(dispute, centre=None, mediator=None, agencies=()):
    recipients = []
    if mediator is not None:
        recipients.append(mediator)
    elif centre is not None:
        recipients.extend(_centre_mediators(centre))
    recipients.extend(_agency_staff(agencies) if agencies else [])
    if recipients:
        notify(recipients=recipients, kind=Notification.Kind.DISPUTE_ROUTED,
               title=_("Dispute routed to you: %(title)s") % {"title": dispute.title}, obj=dispute)


def _check_handler(handler, park):
    if handler is not None and not is_visible(handler, park, roles=POLICE):
        raise ValidationError({"handler": _("Choose a police officer of this park.")})


def _local_date(dt):
    return timezone.localdate(dt)


def _too_early(value):
    """A date (or an aware datetime, read in the station's time zone) before EARLIEST."""
    if isinstance(value, datetime):
        try:
            value = timezone.localtime(value).date()
        except (OverflowError, ValueError):
            return True
    return value < EARLIEST


def _early_message():
    return _("Choose a date from %(earliest)s on.") % {"earliest": EARLIEST.isoformat()}


def _bump_dispute(dispute, expected_version):
    """Lock the dispute, check the version the user loaded, and claim the next one (a change inside it)."""
    _lock(dispute, expected_version)
    claim_next_version(dispute, touch=True)


# ---------------------------------------------------------------- dispute
def dispute_open_prepare(*, actor, category, title, summary, park=None, incident=None, enterprise=None,
                 level=Dispute.Level.PARK, core_demands="", amount_in_dispute=None, people_involved=1,
                 began_at=None, late_reason="", parties=(), mediation_centre=None, mediator=None, handler=None,
                 close_incident=True):
    """`dispute_open` in two steps: the checks and reads now, the writes in the callable returned (which
    returns the dispute), so the API's write transaction holds only the writes.

    Open a case in a park, or from an incident (park, enterprise and start taken from it).

    From an incident still open, the hand-over closes it with the result "transferred to a dispute case" in
    the same transaction (`close_incident`, default on; it needs the right to handle the incident, refused
    both stay as they were); an incident already closed is left as it is.

    `began_at` (default now) is when the dispute began: its first step and the start of its level's clock;
    older than the back-entry window it needs a leader or `late_reason`, and is marked late.
    """
    now = _now()
    if incident is not None:
        if not is_visible(actor, incident):
            raise ValidationError({"incident": _("This incident does not exist or is not yours to see.")})
        require(actor, "dispute.add", incident)
        if close_incident and incident.is_open:
            require(actor, "incident.handle", incident)
        if park is not None and park.pk != incident.park_id:
            raise ValidationError({"park": _("The dispute is in the incident's park.")})
        park = incident.park
        enterprise = incident.enterprise or enterprise
        began_at = incident.reported_at
    if park is None:
        raise ValidationError({"park": _("Choose the park.")})
    require(actor, "dispute.add", park)
    errors, event = {}, None
    if began_at is not None and _too_early(began_at):
        errors["began_at"] = _early_message()
    else:
        try:
            event = event_time(began_at, actor=actor, field="began_at", now=now, reason=late_reason)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if enterprise is not None and enterprise.park_id != park.pk:
        errors["enterprise"] = _("This enterprise is not in the dispute's park.")
    if errors:
        raise ValidationError(errors)
    if mediation_centre is None and _is_mediator_of(actor, park) and not is_visible(actor, park, roles=POLICE):
        # A mediator opening a case works on it through the park's centre, or would not see it again.
        mediation_centre = getattr(park, "mediation_centre", None)
        if mediation_centre is None:
            raise ValidationError({"park": _("This park has no mediation centre: a mediator cannot open a "
                                             "dispute here. Ask the park's police to open it.")})
        mediator = mediator or actor
    if mediator is not None and mediation_centre is None:
        mediation_centre = getattr(park, "mediation_centre", None)
    _check_routing(park, park.station_id, mediation_centre, mediator, ())
    if handler is None and is_visible(actor, park, roles=POLICE):
        handler = actor
    _check_handler(handler, park)
    dispute = Dispute(park=park, incident=incident, enterprise=enterprise, category=category, title=title,
                      summary=summary, core_demands=core_demands, amount_in_dispute=amount_in_dispute,
                      people_involved=people_involved, began_at=event.at, level=level, level_since=event.at,
                      opened_by=actor, handler=handler, mediation_centre=mediation_centre, mediator=mediator)
    dispute.full_clean()  # before the write transaction, which then holds only the writes
    recipients = _routing_recipients(centre=mediation_centre, mediator=mediator)

    def write():
        with transaction.atomic():
            dispute.save(force_insert=True)
            DisputeTransition.objects.create(
                dispute=dispute, kind=DisputeTransition.Kind.STATUS, actor=actor, from_value="",
                to_value=Dispute.Status.OPEN, **event.row_fields(),
                note=_("Opened at level “%(level)s”") % {"level": dispute.get_level_display()})
            if mediation_centre is not None:
                _route_transition(actor=actor, dispute=dispute, old_centre_id=None, mediator=mediator, agencies=(),
                                  event=event)
            if recipients:
                notify(recipients=recipients, kind=Notification.Kind.DISPUTE_ROUTED,
                       title=_("Dispute routed to you: %(title)s") % {"title": dispute.title}, obj=dispute)
            # the audit chain's head stays locked from the first event to the commit: the case's own rows first
            record(actor=actor, verb="create", obj=dispute, after=snapshot(dispute, CREATE_FIELDS),
                   note=_noted("", event))
            for party in parties:
                _party_create(actor=actor, dispute=dispute, data=party)
            if incident is not None and close_incident:
                incident_transfer(actor=actor, incident=incident, result=Incident.Result.DISPUTE,
                                  note=_("Transferred to dispute case %(number)s") % {"number": dispute.number})
        return dispute

    return write


def dispute_open(*, actor, **kwargs):
    """Open a case in a park, or from an incident: see `dispute_open_prepare`, whose writes this runs at once."""
    return dispute_open_prepare(actor=actor, **kwargs)()


def dispute_update(*, actor, dispute, data, expected_version=None):
    """The case's details; status, level and routing change only through their own services."""
    require(actor, "dispute.change", dispute)
    data = {k: v for k, v in data.items() if k in DETAIL_FIELDS}
    if data.get("enterprise") is not None and data["enterprise"].park_id != dispute.park_id:
        raise ValidationError({"enterprise": _("This enterprise is not in the dispute's park.")})
    if "handler" in data:
        _check_handler(data["handler"], dispute.park)
    with transaction.atomic():
        _lock(dispute, expected_version)
        if not any(getattr(dispute, k) != v for k, v in data.items()):
            return dispute
        _save_dispute(actor=actor, dispute=dispute, data=data)
    return dispute


def dispute_route(*, actor, dispute, mediation_centre=KEEP, mediator=KEEP, agencies=KEEP, at=None, late_reason="",
                  expected_version):
    """Bring in the park's mediation centre, a lead mediator and partner agencies; the newcomers are told.

    What is not given (KEEP) stays as it is. Taking the centre away (mediation_centre=None on a routed
    dispute) is a decision (`dispute.decide`), drops the lead mediator, and is not for the centre's own mediators.
    A change is a ROUTE transition at `at` (default now; from/to: the centre ids, "" for none).
    """
    require(actor, "dispute.change", dispute)
    with transaction.atomic():
        _lock(dispute, expected_version)
        if dispute.status == Dispute.Status.WITHDRAWN:
            raise ValidationError(_("A withdrawn dispute is not routed any more."))
        event = _step_time(dispute, at, actor=actor, late_reason=late_reason)
        old_agencies = set(dispute.agencies.values_list("id", flat=True))
        agencies = list(dispute.agencies.all()) if agencies is KEEP else list(agencies)
        if mediator is KEEP:
            mediator = None if mediation_centre is None else dispute.mediator
        if mediation_centre is KEEP:
            mediation_centre = dispute.mediation_centre
        if mediator is not None and mediation_centre is None:
            mediation_centre = getattr(dispute.park, "mediation_centre", None)
        if dispute.mediation_centre_id is not None and mediation_centre is None:
            require(actor, "dispute.decide", dispute)
            if _is_mediator_of(actor, dispute.park) and not is_visible(actor, dispute.park, roles=POLICE):
                raise ValidationError({"mediation_centre": _(
                    "A mediator cannot take the dispute away from their own centre; ask the park's police.")})
        _check_routing(dispute.park, dispute.park.station_id, mediation_centre, mediator, agencies)
        new_agencies = {a.pk for a in agencies}
        old_centre, old_mediator = dispute.mediation_centre_id, dispute.mediator_id
        _save_dispute(actor=actor, dispute=dispute, data={"mediation_centre": mediation_centre, "mediator": mediator},
                      m2m={"agencies": (old_agencies, new_agencies)} if old_agencies != new_agencies else None,
                      note=_noted(_("Routed"), event))
        dispute.agencies.set(agencies)
        if (old_centre, old_mediator, old_agencies) != (dispute.mediation_centre_id, dispute.mediator_id, new_agencies):
            _route_transition(actor=actor, dispute=dispute, old_centre_id=old_centre, mediator=mediator,
                              agencies=agencies, event=event)
        _notify_routing(
            dispute,
            centre=mediation_centre if mediation_centre and mediation_centre.pk != old_centre else None,
            mediator=mediator if mediator and mediator.pk != old_mediator else None,
            agencies=[a for a in agencies if a.pk not in old_agencies])
    return dispute


def dispute_change_level(*, actor, dispute, to, reason, at=None, late_reason="", expected_version):
    """Escalate or de-escalate at `at` (default now); the tier left keeps the time it held the case up to then."""
    require(actor, "dispute.decide", dispute)
    to = Dispute.Level(to)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for changing the level.")})
    with transaction.atomic():
        _lock(dispute, expected_version)
        if dispute.status not in Dispute.OPEN_STATUSES:
            raise IllegalTransition(_("Only a dispute being mediated or kept can change level."))
        if to == dispute.level:
            raise ValidationError({"to": _("The dispute is already at this level.")})
        event = _step_time(dispute, at, actor=actor, late_reason=late_reason)
        from_level = dispute.level
        data = _close_span(dispute, event.at)
        data["level"] = to
        _save_dispute(actor=actor, dispute=dispute, data=data, verb="transition", note=_noted(reason.strip(), event))
        DisputeTransition.objects.create(dispute=dispute, kind=DisputeTransition.Kind.LEVEL, actor=actor,
                                         from_value=from_level, to_value=to, note=reason.strip(), **event.row_fields())
    return dispute


def settle_refusal(dispute):
    """Why `dispute` may not be marked settled by hand now, or None: the one rule for pages, API and commands.

    While an agreement is live (being kept, or breached with the case open again) and has instalments
    unpaid, the agreement decides: the last payment settles the case by itself, and a new agreement
    (which supersedes the old one) is how the parties agree otherwise. Settling beside it would leave
    instalments followed, reminded and swept on a case shown as settled."""
    unpaid = Obligation.objects.filter(agreement__dispute=dispute, agreement__status__in=LIVE_AGREEMENTS,
                                       status__in=(Obligation.Status.PENDING, Obligation.Status.MISSED))
    first = unpaid.select_related("agreement").order_by("agreement__signed_on", "sequence").first()
    if first is None:
        return None
    return _("The agreement signed on %(date)s is “%(status)s” with %(n)s instalments unpaid: the dispute is "
             "settled by itself when the last one is paid. If the parties agreed otherwise, record the new "
             "agreement first.") % {"date": first.agreement.signed_on.isoformat(),
                                    "status": first.agreement.get_status_display(), "n": unpaid.count()}


def dispute_transition(*, actor, dispute, to, note="", at=None, late_reason="", expected_version):
    """Settle (with a note, not beside a live agreement: settle_refusal), withdraw, reopen (with a reason) along
    Dispute.TRANSITIONS at `at` (default now); an agreement makes it PERFORMING."""
    require(actor, "dispute.decide", dispute)
    to = Dispute.Status(to)
    note = (note or "").strip()
    with transaction.atomic():
        _lock(dispute, expected_version)
        if to not in Dispute.TRANSITIONS[dispute.status]:
            raise IllegalTransition(_("A dispute that is “%(from)s” cannot become “%(to)s”.") % {
                "from": dispute.get_status_display(), "to": to.label})
        if to == Dispute.Status.PERFORMING:
            raise IllegalTransition(_("A dispute is kept under an agreement: record the agreement instead."))
        if to == Dispute.Status.SETTLED:
            refusal = settle_refusal(dispute)  # decided on the locked row: a payment cannot slip in between
            if refusal:
                raise IllegalTransition(refusal)
            if not note:
                raise ValidationError({"note": _("Say how the dispute was settled.")})
        if to == Dispute.Status.WITHDRAWN and not note:
            raise ValidationError({"note": _("Say why the dispute is withdrawn.")})
        if to == Dispute.Status.OPEN and not note:
            raise ValidationError({"note": _("Give the reason for reopening the dispute.")})
        event = _step_time(dispute, at, actor=actor, late_reason=late_reason)
        _status_change(actor=actor, dispute=dispute, to=to, note=note, event=event)
        if to == Dispute.Status.WITHDRAWN:  # nothing is followed up on a withdrawn case any more
            for agreement in dispute.agreements.filter(status__in=LIVE_AGREEMENTS):
                _agreement_status(actor=actor, agreement=agreement, to=Agreement.Status.SUPERSEDED,
                                  note=_("The dispute was withdrawn"))
    return dispute


# ---------------------------------------------------------------- parties
def _party_create(*, actor, dispute, data):
    data = {k: v for k, v in dict(data).items() if k in PARTY_FIELDS}
    enterprise = data.get("enterprise")
    if enterprise is not None and enterprise.park_id != dispute.park_id:
        raise ValidationError({"enterprise": _("This enterprise is not in the dispute's park.")})
    return model_create(actor=actor, obj=DisputeParty(dispute=dispute, **data))


def party_add(*, actor, dispute, **data):
    require(actor, "dispute.change", dispute)
    with transaction.atomic():
        return _party_create(actor=actor, dispute=dispute, data=data)


def party_update(*, actor, party, data, expected_version=None):
    """Change a party; `expected_version` is the DISPUTE's version the user loaded (parties have none of
    their own): the dispute is locked and its version claimed, so of two edits made from the same page
    the second is refused (ConflictError) instead of silently overwriting the first."""
    dispute = party.dispute
    require(actor, "dispute.change", dispute)
    data = {k: v for k, v in data.items() if k in PARTY_FIELDS}
    if data.get("enterprise") is not None and data["enterprise"].park_id != dispute.park_id:
        raise ValidationError({"enterprise": _("This enterprise is not in the dispute's park.")})
    with transaction.atomic():
        _lock(dispute, expected_version)
        party.refresh_from_db()
        fields = [k for k, v in data.items() if getattr(party, k) != v]
        if not fields:
            return party
        before = snapshot(party, fields)
        for k, v in data.items():
            setattr(party, k, v)
        party.full_clean()
        _bump_dispute(dispute, None)
        party.save(update_fields=fields)
        record(actor=actor, verb="update", obj=party, before=before, after=snapshot(party, fields))
    return party


def party_remove(*, actor, party, expected_version=None):
    """Remove a party that signed nothing; `expected_version` is the dispute's, as for party_update."""
    dispute = party.dispute
    require(actor, "dispute.change", dispute)
    with transaction.atomic():
        _lock(dispute, expected_version)
        if party.agreements.exists():
            raise ValidationError(_("This party signed an agreement and stays on record."))
        _bump_dispute(dispute, None)
        record(actor=actor, verb="delete", obj=party, before=snapshot(party, ["side", "kind", "name"]))
        party.delete()


# ---------------------------------------------------------------- sessions and agreements
def session_mediator_candidates(park):
    """Who may be named as a mediator in a session of a dispute in `park`: its police (officers, auxiliaries)
    and the mediators of any park of its station, a mediator lent by a neighbouring park's centre included.
    Being named lets them open the case (DisputeQuerySet.scope_participant)."""
    return session_mediators_of(park_ids=[park.pk], station_ids=[park.station_id])


def session_mediators_of(*, park_ids, station_ids):
    """session_mediator_candidates over several parks (the API's choices: those of every park a user reaches)."""
    from parkbeat.org.models import Role, RoleAssignment, User

    held = RoleAssignment.objects.filter(
        Q(role__in=[Role.PARK_OFFICER, Role.AUXILIARY], park_id__in=park_ids)
        | Q(role=Role.MEDIATOR, park__station_id__in=station_ids))
    return User.objects.filter(is_active=True, pk__in=held.values("user_id"))


def session_record(*, actor, dispute, started_at, duration_minutes, place, outcome, mediators=(), agencies=(),
                   participants="", claimant_position="", respondent_position="", concessions="", notes="",
                   new_parties=()):
    """One mediation session at the dispute's current level; `new_parties` (PARTY_FIELDS dicts) are the sides
    met there and not yet on record, added with it in one transaction."""
    require(actor, "dispute.change", dispute)
    if dispute.status not in Dispute.OPEN_STATUSES:
        raise ValidationError(_("Sessions are recorded while the dispute is open; reopen it first."))
    errors = {}
    # Forms give minutes: a session in the minute the dispute began is not "before" it.
    if _too_early(started_at):
        errors["started_at"] = _early_message()
    elif started_at < dispute.began_at.replace(second=0, microsecond=0):
        errors["started_at"] = _("The session cannot start before the dispute began.")
    elif started_at > _now():
        errors["started_at"] = _("The session cannot start in the future.")
    allowed = set(session_mediator_candidates(dispute.park).filter(pk__in=[u.pk for u in mediators])
                  .values_list("pk", flat=True))
    if any(user.pk not in allowed for user in mediators):
        errors["mediators"] = _("Choose police of this park or mediators of its station.")
    if errors:
        raise ValidationError(errors)
    _check_routing(dispute.park, dispute.park.station_id, None, None, agencies)
    session = MediationSession(dispute=dispute, started_at=started_at, duration_minutes=duration_minutes,
                               place=place, level=dispute.level, participants=participants, outcome=outcome,
                               claimant_position=claimant_position, respondent_position=respondent_position,
                               concessions=concessions, notes=notes, recorded_by=actor)
    with transaction.atomic():
        model_create(actor=actor, obj=session)
        session.mediators.set(mediators)
        session.agencies.set(agencies)
        for party in new_parties:
            _party_create(actor=actor, dispute=dispute, data=party)
    return session


def agreement_record(*, actor, dispute, terms, total_amount, signed_on, obligations=(), parties=(), session=None,
                     instalments_declared=None, expected_version=None):
    """Record the agreement; with obligations the dispute is kept under it (PERFORMING), else it is SETTLED.

    Either way the case's status is decided, so this needs `dispute.decide`."""
    require(actor, "dispute.decide", dispute)
    obligations = list(obligations)
    total_amount = Decimal(total_amount)
    errors = {}
    if _too_early(signed_on):
        errors["signed_on"] = _early_message()
    elif signed_on < _local_date(dispute.began_at):
        errors["signed_on"] = _("The agreement cannot be signed before the dispute began.")
    elif signed_on > _today():
        errors["signed_on"] = _("The agreement cannot be signed in the future.")
    if instalments_declared and not obligations:
        errors["obligations"] = _("%(n)s instalments were declared but none was given.") % {"n": instalments_declared}
    elif instalments_declared and len(obligations) != instalments_declared:
        errors["obligations"] = _("%(n)s instalments were declared but %(m)s were given.") % {
            "n": instalments_declared, "m": len(obligations)}
    for number, ob in enumerate(obligations, start=1):
        if not EARLIEST <= ob["due_on"] <= LATEST:
            errors["obligations"] = _("Instalment %(n)s: choose a due date between %(earliest)s and %(latest)s.") % {
                "n": number, "earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()}
        elif ob["due_on"] < signed_on:
            errors["obligations"] = _("Instalment %(n)s is due before the agreement was signed.") % {"n": number}
        if Decimal(ob["amount"]) <= 0:
            errors["obligations"] = _("Instalment %(n)s needs an amount above zero.") % {"n": number}
    if obligations and sum(Decimal(ob["amount"]) for ob in obligations) != total_amount:
        errors["total_amount"] = _("The instalments add up to %(sum)s, not the total of %(total)s.") % {
            "sum": sum(Decimal(ob["amount"]) for ob in obligations), "total": total_amount}
    if session is not None and session.dispute_id != dispute.pk:
        errors["session"] = _("This session belongs to another dispute.")
    if any(p.dispute_id != dispute.pk for p in parties):
        errors["parties"] = _("Only this dispute's parties can sign its agreement.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        _lock(dispute, expected_version)
        if dispute.status not in Dispute.OPEN_STATUSES:
            raise IllegalTransition(_("An agreement is recorded while the dispute is open; reopen it first."))
        for old in dispute.agreements.filter(status__in=LIVE_AGREEMENTS):
            _agreement_status(actor=actor, agreement=old, to=Agreement.Status.SUPERSEDED,
                              note=_("Superseded by a new agreement"))
        agreement = Agreement(dispute=dispute, session=session, terms=terms, total_amount=total_amount,
                              signed_on=signed_on, recorded_by=actor,
                              status=Agreement.Status.PERFORMING if obligations else Agreement.Status.FULFILLED)
        model_create(actor=actor, obj=agreement)
        agreement.parties.set(parties)
        for number, ob in enumerate(obligations, start=1):
            model_create(actor=actor, obj=Obligation(
                agreement=agreement, sequence=number, due_on=ob["due_on"], amount=Decimal(ob["amount"]),
                description=ob.get("description") or _("Instalment %(n)s") % {"n": number}))
        # Dated by its signing: the end of its session that day, else the day's start (now if signed today).
        signed = _by_rule(dispute, _on_day(signed_on, session and session.started_at
                                           + timedelta(minutes=session.duration_minutes)))
        if obligations:
            if dispute.status != Dispute.Status.PERFORMING:
                _status_change(actor=actor, dispute=dispute, to=Dispute.Status.PERFORMING, event=signed,
                               note=_("Agreement signed: %(n)s instalments to follow") % {"n": len(obligations)})
        else:
            _status_change(actor=actor, dispute=dispute, to=Dispute.Status.SETTLED, note=_("Agreement signed"),
                           event=signed)
    return agreement


def _agreement_status(*, actor, agreement, to, note=""):
    before = snapshot(agreement, ["status"])
    agreement.status = to
    agreement.save(update_fields=["status"])
    record(actor=actor, verb="transition", obj=agreement, before=before, after=snapshot(agreement, ["status"]),
           note=note)


# ---------------------------------------------------------------- payments
def payment_record(*, actor, obligation, paid_on, amount, note="", evidence=None, expected_version=None):
    """A payment towards one instalment, with its evidence; the last one due settles the dispute."""
    agreement = obligation.agreement
    dispute = agreement.dispute
    require(actor, "dispute.change", dispute)
    amount = Decimal(amount)
    with transaction.atomic():
        lock_for_update(dispute)  # first the dispute, as a withdrawal does: the two never cross
        lock_for_update(obligation, expected_version)
        agreement.refresh_from_db(fields=["status"])
        errors = {}
        if dispute.status == Dispute.Status.WITHDRAWN:
            raise ValidationError(_("This dispute was withdrawn: no payments are recorded on it."))
        if agreement.status not in LIVE_AGREEMENTS:
            raise ValidationError(_("This agreement is “%(status)s”: no payments are recorded on it.") % {
                "status": agreement.get_status_display()})
        if obligation.status in PAID:
            raise IllegalTransition(_("This instalment is already paid in full."))
        if amount <= 0:
            errors["amount"] = _("The amount must be above zero.")
        elif amount > obligation.outstanding_amount:
            errors["amount"] = _("%(amount)s is more than the %(due)s still due on this instalment.") % {
                "amount": amount, "due": obligation.outstanding_amount}
        if _too_early(paid_on):
            errors["paid_on"] = _early_message()
        elif paid_on < _local_date(dispute.began_at):
            errors["paid_on"] = _("A payment cannot be dated before the dispute began.")
        elif paid_on > _today():
            errors["paid_on"] = _("A payment cannot be dated in the future.")
        if errors:
            raise ValidationError(errors)
        payment = model_create(actor=actor, obj=Payment(obligation=obligation, paid_on=paid_on, amount=amount,
                                                        note=note, recorded_by=actor))
        data = {"paid_amount": obligation.paid_amount + amount}
        if data["paid_amount"] == obligation.amount:
            data.update(paid_on=paid_on,
                        status=Obligation.Status.PAID if paid_on <= obligation.due_on else Obligation.Status.PAID_LATE)
        _save_obligation(actor=actor, obligation=obligation, data=data, note=_("Payment recorded"))
        if evidence is not None:
            from parkbeat.files.services import attachment_create

            attachment_create(actor=actor, obj=payment, upload=evidence, kinds=("image", "pdf"), perm="dispute.change")
        if not agreement.obligations.exclude(status__in=PAID).exists():
            _agreement_status(actor=actor, agreement=agreement, to=Agreement.Status.FULFILLED,
                              note=_("Every instalment paid"))
            lock_for_update(dispute)
            if dispute.status in Dispute.OPEN_STATUSES:  # settled the day the last payment was made
                _status_change(actor=actor, dispute=dispute, to=Dispute.Status.SETTLED, transition_actor=None,
                               event=_by_rule(dispute, _on_day(paid_on)),
                               note=_("Every instalment of the agreement is paid: settled automatically"))
    return payment


def _save_obligation(*, actor, obligation, data, note=""):
    """Versioned, audited save of a locked obligation (core.services.model_update)."""
    model_update(actor=actor, obj=obligation, data=data, note=note)


# ---------------------------------------------------------------- periodic (system, no actor)
def _followers(dispute):
    """Who is told about an instalment: the handling officer (else who opened it) and the lead mediator."""
    return [dispute.handler or dispute.opened_by, dispute.mediator]


def missed_at(due_on):
    """When an unpaid instalment is missed: 00:00 (station time) of the day after its due date."""
    return _day_start(due_on + timedelta(days=1))


def obligations_sweep(*, today=None):
    """Instalments past due and not paid on `today` (default and at most the real today) become MISSED; their
    agreement BREACHED; the dispute open again, dated by the rule (`missed_at`), not by the run: a sweep
    catching up after downtime dates each finding as the nightly run would have.

    Safe to run twice: only PENDING instalments are looked at, and each is changed once.
    """
    today = min(today or _today(), _today())
    counts = {"missed": 0, "breached": 0, "reopened": 0}
    due = (Obligation.objects.filter(status=Obligation.Status.PENDING, due_on__lt=today,
                                     agreement__status__in=LIVE_AGREEMENTS)
           .exclude(agreement__dispute__status=Dispute.Status.WITHDRAWN)
           .select_related("agreement__dispute").order_by("due_on", "id"))
    for obligation in due:
        with transaction.atomic():
            lock_for_update(obligation)
            if obligation.status != Obligation.Status.PENDING:
                continue
            _save_obligation(actor=None, obligation=obligation, data={"status": Obligation.Status.MISSED},
                             note=_("Not paid by the due date"))
            counts["missed"] += 1
            agreement = obligation.agreement
            agreement.refresh_from_db(fields=["status"])
            if agreement.status == Agreement.Status.PERFORMING:
                _agreement_status(actor=None, agreement=agreement, to=Agreement.Status.BREACHED,
                                  note=_("Instalment %(n)s missed") % {"n": obligation.sequence})
                counts["breached"] += 1
            dispute = lock_for_update(agreement.dispute)
            note = _("Instalment %(n)s (%(amount)s yuan, due %(due)s) was not paid: the dispute is open again.") % {
                "n": obligation.sequence, "amount": obligation.outstanding_amount, "due": obligation.due_on}
            if dispute.status in (Dispute.Status.PERFORMING, Dispute.Status.SETTLED):
                _status_change(actor=None, dispute=dispute, to=Dispute.Status.OPEN, transition_actor=None, note=note,
                               event=_by_rule(dispute, missed_at(obligation.due_on)))
                counts["reopened"] += 1
            notify(recipients=_followers(dispute), kind=Notification.Kind.DISPUTE_REOPENED,
                   title=_("Instalment missed: %(title)s") % {"title": dispute.title}, body=note, obj=dispute,
                   dedupe_key=f"obligation-missed-{obligation.pk}")
    return counts


def obligation_reminders(*, today=None):
    """Unpaid instalments due within the next 3 days: the handler, the mediator and the enterprise's liaisons
    are told once (dedupe key per instalment, `reminded_on` set). Safe to run twice.

    The reminder is the message itself, so `reminded_on` is the day it goes out; `today` (default and at most
    the real today) decides the window, and an instalment whose due date passed meanwhile is the sweep's.
    """
    from parkbeat.enterprises.models import Liaison

    today = min(today or _today(), _today())
    sent = 0
    due = (Obligation.objects.filter(status=Obligation.Status.PENDING, reminded_on__isnull=True,
                                     due_on__gte=today, due_on__lte=today + timedelta(days=REMIND_DAYS),
                                     agreement__status__in=LIVE_AGREEMENTS)
           .exclude(agreement__dispute__status__in=(Dispute.Status.WITHDRAWN, Dispute.Status.SETTLED))
           .select_related("agreement__dispute").order_by("due_on", "id"))
    for obligation in due:
        dispute = obligation.agreement.dispute
        recipients = _followers(dispute)
        if dispute.enterprise_id:
            recipients += [liaison.user for liaison in Liaison.objects.filter(
                enterprise_id=dispute.enterprise_id, user__isnull=False).select_related("user")]
        with transaction.atomic():
            if not Obligation.objects.filter(pk=obligation.pk, reminded_on__isnull=True).update(reminded_on=today):
                continue
            record(actor=None, verb="update", obj=obligation, before={"reminded_on": None},
                   after={"reminded_on": str(today)}, note=_("Reminder sent"))
            notify(recipients=recipients, kind=Notification.Kind.OBLIGATION_DUE,
                   title=_("Instalment %(n)s due on %(due)s: %(title)s") % {
                       "n": obligation.sequence, "due": obligation.due_on, "title": dispute.title},
                   body=_("%(amount)s yuan still due.") % {"amount": obligation.outstanding_amount},
                   obj=dispute, dedupe_key=f"obligation-due-{obligation.pk}")
        sent += 1
    return {"reminded": sent}
