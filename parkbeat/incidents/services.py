"""Every write to incidents: intake, dispatch, the state machine, handover, linked agencies, escalation.

Invariants kept here: an open incident always has a holder; every change of status or holder leaves an
IncidentTransition row and an audit event in the same transaction; the clocks only move forward.

Every event (reported, accepted, on scene, closed, cancelled, reopened, handed over) takes an optional `at`
(when it happened; None: now) and `late_reason`, checked by core.events.event_time against the events it
follows. The clock fields hold the happened time; the transition row and the audit event keep both.
"""
import unicodedata
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from parkbeat.audit.services import record, snapshot
from parkbeat.core.events import event_time
from parkbeat.core.permissions import LIAISON, POLICE, VOLUNTEER, can, require
from parkbeat.core.scoping import access_for
from parkbeat.core.services import (ConflictError, IllegalTransition, claim_next_version, lock_for_update,
                                    model_update)
from parkbeat.files.services import attachment_create, check_upload
from parkbeat.incidents.models import Incident, IncidentTransition
from parkbeat.notifications.models import Notification
from parkbeat.notifications.services import notify
from parkbeat.org.models import Park, Role, RoleAssignment

MAX_PHOTOS = 9
# what the audit event of a new incident keeps (as core.services.model_create does)
CREATE_FIELDS = [f.name for f in Incident._meta.concrete_fields if f.name not in ("id", "created_at", "updated_at")]


def accept_minutes():
    return getattr(settings, "PARKBEAT_INCIDENT_ACCEPT_MINUTES", 10)


def _stale():
    return ConflictError(_("This record was changed by someone else. Reload it and try again."))


def _audit_note(note, event):
    """The audit note of an event: its own note, when it happened if that was not the moment of entry, and
    "entered late" (with the reason) when it came in after the back-entry window."""
    parts = [note] if note else []
    if event.at != event.recorded_at:
        parts.append(_("happened %(at)s") % {"at": timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M")})
    if event.late:
        parts.append(_("entered late: %(reason)s") % {"reason": event.reason} if event.reason
                     else _("entered late"))
    return " · ".join(parts)


# ---------------------------------------------------------------- who takes an incident
def _chain_people(park, at):
    """The people of `park`'s chain in order, duplicates and inactive users included: read lazily, so the
    first holder costs one query when someone is on duty."""
    from parkbeat.org.services import on_duty

    yield from on_duty(park=park, at=at)
    officers = RoleAssignment.objects.filter(park=park, role=Role.PARK_OFFICER, user__is_active=True)
    yield from (a.user for a in officers.select_related("user").order_by("id"))
    leaders = RoleAssignment.objects.filter(unit_id=park.station_id, role=Role.STATION_LEADER, user__is_active=True)
    yield from (a.user for a in leaders.select_related("user").order_by("id"))


def _active_once(people):
    seen = set()
    for user in people:
        if user.is_active and user.pk not in seen:
            seen.add(user.pk)
            yield user


def dispatch_chain(park, at=None):
    """Who an incident in `park` goes to, in order: on duty now, the park's officers, the station's leaders.

    Active users only, each once. The holder at escalation step n is chain[min(n, len - 1)].
    """
    return list(_active_once(_chain_people(park, at)))


def first_holder(park, at=None):
    """chain[0] of `dispatch_chain` without reading the rest of the chain (None: nobody)."""
    return next(_active_once(_chain_people(park, at)), None)


def _may_hold(user, park):
    """Police of the park or a leader of its station: the people an incident may be handed to."""
    return user.is_active and RoleAssignment.objects.filter(user=user).filter(
        Q(role__in=[Role.PARK_OFFICER, Role.AUXILIARY], park=park)
        | Q(role=Role.STATION_LEADER, unit_id=park.station_id)).exists()


# ---------------------------------------------------------------- intake
def _reporter_place(actor, source, park, enterprise):
    """(source, park, enterprise) as the actor's role allows: police anywhere in scope; a liaison for
    their own enterprise; a volunteer in their own team's park."""
    from parkbeat.volunteers.models import VolunteerTeam

    access = access_for(actor)
    if access.roles & POLICE:
        place = park if park is not None or enterprise is None else enterprise.park  # the enterprise's park
        if place is None and not access.roles & {LIAISON, VOLUNTEER}:
            raise ValidationError({"park": _("Choose the park where it happened.")})
        # the park is one the actor polices (no query: Park's scope reaches every police role's parks),
        # else the scoping query decides
        if place is not None and (place.pk in access.park_ids(POLICE)
                                  or can(actor, "incident.add", place)):
            return source, place, enterprise
    if LIAISON in access.roles:
        if enterprise is None and len(access.enterprises) == 1:
            from parkbeat.enterprises.models import Enterprise
            enterprise = Enterprise.objects.get(pk=next(iter(access.enterprises)))
        if enterprise is None or enterprise.pk not in access.enterprises:
            raise ValidationError({"enterprise": _("A liaison reports only for their own enterprise.")})
        if park is not None and park.pk != enterprise.park_id:
            raise ValidationError({"park": _("The enterprise is not in this park.")})
        return Incident.Source.LIAISON, enterprise.park, enterprise
    if VOLUNTEER in access.roles:
        parks = list(VolunteerTeam.objects.filter(id__in=access.teams).values_list("park_id", flat=True))
        if park is None and len(set(parks)) == 1:
            park = Park.objects.get(pk=parks[0])
        if park is None or park.pk not in parks:
            raise ValidationError({"park": _("A volunteer reports only in the park of their own team.")})
        return Incident.Source.VOLUNTEER, park, enterprise
    raise PermissionDenied(_("You are not allowed to do this here."))


def normalise_dispatch_number(number):
    """The one spelling a 110 dispatch number is compared and stored in: Unicode NFKC (full-width → ASCII),
    no spaces, upper case, so that "ｊ2026 0714 00123" and "J2026071400123" are the same transfer."""
    return "".join(unicodedata.normalize("NFKC", number or "").split()).upper()


def _check_dispatch_number(source, number, *, recorded=True):
    """Refuse a missing, misplaced or (`recorded`) already recorded 110 dispatch number."""
    if source == Incident.Source.DISPATCH_110:
        if not number:
            raise ValidationError({"dispatch_number": _("A 110 dispatch transfer needs its dispatch number.")})
        existing = Incident.objects.filter(dispatch_number=number).only("pk", "reported_at").first() \
            if recorded else None
        if existing is not None:
            raise ValidationError({"dispatch_number": _(
                "110 dispatch number %(number)s was already recorded as incident %(incident)s.") % {
                "number": number, "incident": existing.number}})
    elif number:
        raise ValidationError({"dispatch_number": _("Only a 110 dispatch transfer carries a dispatch number.")})


def incident_report(*, actor, source, kind, park=None, enterprise=None, description, location="", lon=None,
                    lat=None, people_involved=1, dispatch_number="", caller_name="", caller_mobile="",
                    reported_at=None, occurred_at=None, late_reason="", photos=()):
    """Record an incident from any source and dispatch it to the first person in the park's chain.

    `reported_at` is when it reached the police (None: now; an officer may enter it after the fact, then
    `late_reason` past the back-entry window); `occurred_at` when it happened as the reporter says, never
    after the report. The acceptance deadline counts from the moment it reaches ParkBeat.
    """
    return incident_report_prepare(
        actor=actor, source=source, kind=kind, park=park, enterprise=enterprise, description=description,
        location=location, lon=lon, lat=lat, people_involved=people_involved, dispatch_number=dispatch_number,
        caller_name=caller_name, caller_mobile=caller_mobile, reported_at=reported_at, occurred_at=occurred_at,
        late_reason=late_reason, photos=photos)()


def incident_report_prepare(*, actor, source, kind, park=None, enterprise=None, description, location="",
                            lon=None, lat=None, people_involved=1, dispatch_number="", caller_name="",
                            caller_mobile="", reported_at=None, occurred_at=None, late_reason="", photos=()):
    """`incident_report` in two steps: every check and read now, outside any transaction; the writes in the
    callable returned (which returns the incident), so that the write transaction holds only INSERTs.

    The API calls the two steps itself and stores its idempotency key in the same transaction as the writes.
    """
    require(actor, "incident.add")
    source, park, enterprise = _reporter_place(actor, source, park, enterprise)
    if source not in Incident.Source.values:
        raise ValidationError({"source": _("Choose a source from the list.")})
    if reported_at is not None and source in (Incident.Source.LIAISON, Incident.Source.VOLUNTEER):
        # a report from the field reaches ParkBeat as it is sent: the reporter says when it happened instead
        raise ValidationError({"reported_at": _("A report from the field is stamped when it arrives: give when "
                                                "it happened instead.")})
    dispatch_number = normalise_dispatch_number(dispatch_number)
    # A number already recorded is found by its unique constraint at the INSERT (one query less for every
    # 110 transfer); the IntegrityError then names the incident that has it.
    _check_dispatch_number(source, dispatch_number, recorded=False)
    if enterprise is not None and enterprise.park_id != park.pk:
        raise ValidationError({"enterprise": _("This enterprise is not in the park of the incident.")})
    if people_involved is None or people_involved < 1:
        raise ValidationError({"people_involved": _("At least one person is involved.")})
    if not (description or "").strip():
        raise ValidationError({"description": _("Describe what happened.")})
    now = timezone.now()
    # The reporter's word ("half an hour ago") is no entry after the fact: checked without the back-entry
    # window (actor None), only for the future and before 2000. A phone a little ahead reads as now.
    occurred = None if occurred_at is None else event_time(occurred_at, actor=None, field="occurred_at", now=now)
    reported = event_time(reported_at, actor=actor, field="reported_at", now=now, reason=late_reason,
                          after=[(occurred.at if occurred else None, _("the time it happened"))])
    photos = list(photos or ())
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": _("At most %(n)s photos per report.") % {"n": MAX_PHOTOS}})
    for photo in photos:  # every photo is checked before anything is stored: a bad one refuses the report
        try:
            check_upload(photo, kinds=("image",))
        except ValidationError as exc:
            raise ValidationError({"photos": exc.messages}) from None
    holder = first_holder(park, at=now)
    if holder is None:
        raise ValidationError(_("Nobody can take incidents in this park yet: assign a park officer or a "
                                "station leader first."))
    incident = Incident(
        source=source, kind=kind, park=park, enterprise=enterprise, description=description.strip(),
        location=(location or "").strip(), lon=lon, lat=lat, people_involved=people_involved,
        dispatch_number=dispatch_number, caller_name=(caller_name or "").strip(),
        caller_mobile=(caller_mobile or "").strip(), reported_by=actor, reported_at=reported.at,
        occurred_at=occurred.at if occurred else None, holder=holder, held_since=reported.at, escalation_level=0,
        accept_due_at=reported.recorded_at + timedelta(minutes=accept_minutes()))
    # Park, enterprise, holder and reporter were just read: no query to check that they exist. The dispatch
    # number's uniqueness is the INSERT's to find (see write), a new incident is not closed, and a place
    # without coordinates is valid: the location check (a query) runs only for coordinates.
    incident.full_clean(exclude=["park", "enterprise", "holder", "reported_by"], validate_unique=False,
                        validate_constraints=False)
    if lon is not None or lat is not None:
        incident.validate_constraints(exclude={"dispatch_number", "status"})
    audit_note = _audit_note("", reported)
    minutes = accept_minutes()

    def write():
        try:
            with transaction.atomic():
                incident.save(force_insert=True)
                IncidentTransition.objects.create(
                    incident=incident, kind=IncidentTransition.Kind.DISPATCH, actor=actor, from_status="",
                    to_status=incident.status, holder=holder, note=_("Dispatched to %(user)s") % {"user": holder},
                    **reported.row_fields())
                notify(recipients=[holder], kind=Notification.Kind.INCIDENT_DISPATCHED, obj=incident,
                       title=_("New incident %(number)s: %(kind)s") % {
                           "number": incident.number, "kind": incident.get_kind_display()},
                       body=_("%(park)s · %(location)s. Accept it within %(minutes)s minutes.") % {
                           "park": park.name, "location": incident.location or _("no location given"),
                           "minutes": minutes})
                # last (but for photos, which follow their incident in the trail): the audit chain's head
                # stays locked from here to the commit
                record(actor=actor, verb="create", obj=incident, after=snapshot(incident, CREATE_FIELDS),
                       note=audit_note)
                for photo in photos:
                    attachment_create(actor=actor, obj=incident, upload=photo, kinds=("image",))
        except IntegrityError:
            # The same dispatch number arrived twice at the same moment: the other request recorded it.
            incident.pk = None
            _check_dispatch_number(source, dispatch_number)
            raise
        return incident

    return write


# ---------------------------------------------------------------- the state machine
def reopen_status(incident):
    """Where reopening a closed incident leads: back on scene if someone had arrived, else back to accepted."""
    return Incident.Status.ON_SCENE if incident.on_scene_at is not None else Incident.Status.ACCEPTED


def _require_transition_right(actor, incident, to):
    if to == Incident.Status.CANCELLED or incident.status == Incident.Status.CLOSED:  # cancel or reopen
        require(actor, "incident.dispatch", incident)
    elif to == Incident.Status.ACCEPTED:
        if incident.holder_id != actor.pk:
            require(actor, "incident.handle", incident)
    else:
        require(actor, "incident.handle", incident)


def _illegal(incident, to):
    if to == Incident.Status.ACCEPTED and incident.status != Incident.Status.REPORTED and incident.accepted_at:
        return IllegalTransition(_("Incident %(number)s was already accepted by %(user)s.") % {
            "number": incident.number, "user": incident.holder or _("someone else")})
    if incident.status == Incident.Status.CLOSED and to == Incident.Status.ON_SCENE:
        return IllegalTransition(_("Nobody arrived on scene before incident %(number)s was closed: it is "
                                   "reopened as “%(to)s”.") % {"number": incident.number,
                                                              "to": reopen_status(incident).label})
    return IllegalTransition(_("An incident that is “%(from)s” cannot become “%(to)s”.") % {
        "from": incident.get_status_display(), "to": to.label})


def _last_step(incident):
    """(when, what) of the incident's latest transition: a cancellation, reopening or handover follows it."""
    last = incident.transitions.order_by("-at", "-id").first()
    if last is None:
        return (incident.reported_at, _("the report"))
    step = last.get_to_status_display() if last.kind == IncidentTransition.Kind.STATUS else last.get_kind_display()
    return (last.at, _("the last step “%(step)s”") % {"step": step})


def _follows(incident, to):
    """The events that the one taking `incident` to `to` cannot precede, the nearest first (core.events)."""
    if incident.status == Incident.Status.CLOSED or to == Incident.Status.CANCELLED:  # reopen, cancel
        return [_last_step(incident)]
    reported = (incident.reported_at, _("the report"))
    accepted = (incident.accepted_at, _("the acceptance"))
    on_scene = (incident.on_scene_at, _("the arrival on scene"))
    return {Incident.Status.ACCEPTED: [reported], Incident.Status.ON_SCENE: [accepted, reported],
            Incident.Status.CLOSED: [on_scene, accepted, reported]}[to]


def incident_transition(*, actor, incident, to, at=None, late_reason="", note="", result="", result_note="",
                        expected_version=None):
    """Accept, arrive on scene, close (with a result), cancel (with a reason) or reopen an incident.

    `at` is when it happened (None: now), checked against the steps it follows; `late_reason` says why an
    event older than the back-entry window is entered only now (a station leader needs none).
    """
    try:
        to = Incident.Status(to)
    except ValueError:
        raise ValidationError({"status": _("Unknown status.")}) from None
    note = (note or "").strip()
    with transaction.atomic():
        # Decide on the committed row, locked: of two officers accepting at once exactly one wins (part D).
        lock_for_update(incident)
        _require_transition_right(actor, incident, to)
        if expected_version is not None and expected_version != incident.version:
            raise _stale()
        if to not in Incident.TRANSITIONS[incident.status] or (
                incident.status == Incident.Status.CLOSED and to != reopen_status(incident)):
            raise _illegal(incident, to)
        event = event_time(at, actor=actor, after=_follows(incident, to), reason=late_reason)
        at = event.at  # the clocks take when it happened
        from_status = incident.status
        data = {"status": to}
        if from_status == Incident.Status.CLOSED:
            # reopened: back to where it was before closing (on scene only if someone arrived); the first
            # acceptance and arrival stay, the closing is undone
            data.update(closed_at=None, result="", result_note="")
            if not note:
                raise ValidationError({"note": _("Say why the incident is reopened.")})
        elif to == Incident.Status.ACCEPTED:
            data.update(accepted_at=at, holder=actor, held_since=at if incident.holder_id != actor.pk
                        else incident.held_since)
        elif to == Incident.Status.ON_SCENE:
            data["on_scene_at"] = at
        elif to == Incident.Status.CLOSED:
            if result not in Incident.Result.values:
                raise ValidationError({"result": _("Choose the result of the incident.")})
            data.update(closed_at=at, result=result, result_note=(result_note or "").strip())
        elif to == Incident.Status.CANCELLED:
            if not note:
                raise ValidationError({"note": _("Say why the incident is cancelled.")})
        if incident.holder_id is None:
            data.setdefault("holder", actor)
            data.setdefault("held_since", at)
        model_update(actor=actor, obj=incident, data=data, expected_version=incident.version,
                     note=_audit_note(note, event), verb="transition")
        IncidentTransition.objects.create(incident=incident, kind=IncidentTransition.Kind.STATUS, actor=actor,
                                          from_status=from_status, to_status=to, holder=incident.holder, note=note,
                                          **event.row_fields())
        if incident.reported_by_id != actor.pk and to in (Incident.Status.ACCEPTED, Incident.Status.CLOSED):
            notify(recipients=[incident.reported_by], kind=Notification.Kind.INCIDENT_UPDATE, obj=incident,
                   title=_("Incident %(number)s: %(status)s") % {"number": incident.number, "status": to.label},
                   body=_("By %(user)s.") % {"user": actor})
    return incident


def incident_transfer(*, actor, incident, result, note):
    """Close an open incident because its case goes on as another record (a dispute opened from it): called
    inside the caller's transaction, so the record and the closing stand or fall together.

    An incident still awaiting acceptance is accepted by `actor` first (who takes it on by transferring it);
    one already closed or cancelled is left as it is (returns False). Needs `incident.handle`: refused, the
    caller's transaction rolls back and nothing changes."""
    require(actor, "incident.handle", incident)
    incident.refresh_from_db()
    if not incident.is_open:
        return False
    if incident.status == Incident.Status.REPORTED:
        incident_transition(actor=actor, incident=incident, to=Incident.Status.ACCEPTED, note=note)
    incident_transition(actor=actor, incident=incident, to=Incident.Status.CLOSED, result=result, note=note,
                        result_note=note)
    return True


def incident_handover(*, actor, incident, to_user, note, at=None, late_reason="", expected_version=None):
    """Hand an open incident to another officer of the park or a leader of its station.

    `at` is when it was handed over (None: now), not before the incident's last step; the new holder holds it
    from then, and if it still awaits acceptance gets the full time to accept from the moment they are told.
    """
    require(actor, "incident.dispatch", incident)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say why the incident is handed over.")})
    if to_user is None or not _may_hold(to_user, incident.park):
        # never the name: the id may belong to anybody, and the answer must not tell who it is
        raise ValidationError({"to_user": _("Hand the incident only to police of its park or a leader of its "
                                            "station.")})
    with transaction.atomic():
        lock_for_update(incident)
        if expected_version is not None and expected_version != incident.version:
            raise _stale()
        if not incident.is_open:
            raise IllegalTransition(_("A closed or cancelled incident cannot be handed over."))
        if incident.holder_id == to_user.pk:
            raise ValidationError({"to_user": _("%(user)s already holds this incident.") % {"user": to_user}})
        event = event_time(at, actor=actor, after=[_last_step(incident)], reason=late_reason)
        data = {"holder": to_user, "held_since": event.at}
        if incident.status == Incident.Status.REPORTED:  # the new holder gets the full time to accept
            data["accept_due_at"] = event.recorded_at + timedelta(minutes=accept_minutes())
        model_update(actor=actor, obj=incident, data=data, expected_version=incident.version,
                     note=_audit_note(_("Handed over: %(note)s") % {"note": note}, event))
        IncidentTransition.objects.create(incident=incident, kind=IncidentTransition.Kind.HANDOVER, actor=actor,
                                          from_status=incident.status, to_status=incident.status,
                                          holder=to_user, note=note, **event.row_fields())
        notify(recipients=[to_user], kind=Notification.Kind.INCIDENT_DISPATCHED, obj=incident,
               title=_("Incident %(number)s handed to you") % {"number": incident.number},
               body=_("By %(user)s: %(note)s") % {"user": actor, "note": note})
    return incident


def incident_add_agency(*, actor, incident, agency, note="", expected_version=None):
    """Bring a partner agency into the disposal (联动处置): its staff then see the incident and are told."""
    require(actor, "incident.handle", incident)
    park = incident.park
    if agency is None or not (agency.station_id == park.station_id or agency.parks.filter(pk=park.pk).exists()):
        raise ValidationError({"agency": _("This agency neither serves the park nor belongs to its station.")})
    with transaction.atomic():
        lock_for_update(incident)
        if expected_version is not None and expected_version != incident.version:
            raise _stale()
        if incident.status == Incident.Status.CANCELLED:
            raise IllegalTransition(_("A cancelled incident takes no agencies."))
        before = sorted(incident.agencies.values_list("id", flat=True))
        if agency.pk in before:
            raise ValidationError({"agency": _("%(agency)s is already involved.") % {"agency": agency}})
        claim_next_version(incident, touch=True)
        incident.agencies.add(agency)
        record(actor=actor, verb="update", obj=incident, before={"agencies": before},
               after={"agencies": sorted([*before, agency.pk])},
               note=(_("Agency brought in: %(agency)s") % {"agency": agency} + (f" · {note}" if note else "")))
        staff = [a.user for a in RoleAssignment.objects.filter(role=Role.AGENCY_STAFF, agency=agency)
                 .select_related("user")]
        notify(recipients=staff, kind=Notification.Kind.INCIDENT_UPDATE, obj=incident,
               title=_("Your agency was brought into incident %(number)s") % {"number": incident.number},
               body=note or incident.get_kind_display())
    return incident


def photo_refusal(actor, incident):
    """Why `actor` may not add a photo to `incident` now (an exception to raise), or None.

    The reporter adds photos while the incident is open; whoever may handle it (the police of its park) also
    afterwards, until it is cancelled. Agency staff and liaisons who merely see it add none.
    """
    handles = can(actor, "incident.handle", incident)
    if not handles and incident.reported_by_id != actor.pk:
        return PermissionDenied(_("Only the reporter or the police handling the incident add photos to it."))
    if incident.status == Incident.Status.CANCELLED:
        return ValidationError({"photo": _("A cancelled incident takes no more photos.")})
    if incident.status == Incident.Status.CLOSED and not handles:
        return PermissionDenied(_("The incident is closed: only the police handling it add photos now."))
    return None


def incident_add_photo(*, actor, incident, upload):
    """Add one photo (images only, size-limited, re-encoded) to an incident the actor reported or handles."""
    refusal = photo_refusal(actor, incident)
    if refusal is not None:
        raise refusal
    with transaction.atomic():
        lock_for_update(incident)
        refusal = photo_refusal(actor, incident)  # decided again on the committed row
        if refusal is not None:
            raise refusal
        return attachment_create(actor=actor, obj=incident, upload=upload, kinds=("image",))


# ---------------------------------------------------------------- escalation (system)
def _escalate_one(pk, now):
    with transaction.atomic():
        # OF self: the holder is a nullable join, and PostgreSQL locks no outer-joined rows.
        incident = (Incident._base_manager.select_for_update(of=("self",))
                    .select_related("park", "holder").get(pk=pk))
        if incident.status != Incident.Status.REPORTED or not incident.accept_due_at or incident.accept_due_at >= now:
            return False  # accepted or already moved on since the sweep started
        chain = dispatch_chain(incident.park, at=now)
        previous = incident.holder
        level = incident.escalation_level + 1
        holder = chain[min(level, len(chain) - 1)] if chain else previous
        data = {"escalation_level": level, "accept_due_at": now + timedelta(minutes=accept_minutes())}
        if holder is not None and holder != previous:
            data.update(holder=holder, held_since=now)
        note = _("Not accepted in time: escalated to %(user)s") % {"user": holder or _("nobody (no one on duty)")}
        model_update(actor=None, obj=incident, data=data, expected_version=incident.version, note=note)
        IncidentTransition.objects.create(incident=incident, kind=IncidentTransition.Kind.ESCALATION, actor=None,
                                          at=now, recorded_at=now, from_status=incident.status,
                                          to_status=incident.status, holder=holder, note=note)
        key = f"incident:{incident.pk}:escalation:{level}"
        notify(recipients=[holder], kind=Notification.Kind.INCIDENT_ESCALATED, obj=incident, dedupe_key=key,
               title=_("Incident %(number)s awaits your acceptance") % {"number": incident.number},
               body=_("It was not accepted within %(minutes)s minutes.") % {"minutes": accept_minutes()})
        if previous is not None and previous != holder:
            notify(recipients=[previous], kind=Notification.Kind.INCIDENT_ESCALATED, obj=incident, dedupe_key=key,
                   title=_("Incident %(number)s moved on to %(user)s") % {"number": incident.number, "user": holder},
                   body=_("It was not accepted within %(minutes)s minutes.") % {"minutes": accept_minutes()})
    return True


def incidents_escalate_overdue(*, now=None):
    """Move every incident not accepted in time to the next person in its chain; returns how many moved.

    At the end of the chain it stays with the last person (a station leader) who is reminded again at
    each step. Safe to run twice: a moved incident has a fresh acceptance deadline.
    """
    now = now or timezone.now()
    pks = list(Incident.objects.acceptance_overdue(now).order_by("accept_due_at", "id").values_list("pk", flat=True))
    return sum(1 for pk in pks if _escalate_one(pk, now))
