"""Every write to crime: leads (recorded, observed, worked jointly, closed, turned into a case) and cases (recorded,
suspects, key times, recovery, solved / closed).

Invariants kept here: a case occurs before it is reported; amounts are not negative and the value recovered is
not above the loss (when a loss is given); the key times are event times (core.events) not before the occurrence
(and an arrest not before the suspect was identified); a lead becomes at most one case and a closed lead nothing;
only leaders and officers close or convert leads and handle cases; every change leaves an audit event (and a
timeline row) in its transaction; a stale version is a conflict (409).
"""
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parkbeat.audit.services import record, snapshot
from parkbeat.core.events import event_time, row_fields
from parkbeat.core.permissions import LEADER, OFFICER, POLICE, require
from parkbeat.core.personal import validate_resident_id
from parkbeat.core.scoping import is_visible
from parkbeat.core.services import ConflictError, IllegalTransition, lock_for_update, model_create, model_update
from parkbeat.crime.models import Case, CaseEvent, Lead, LeadObservation, Suspect

Source, Kind = Lead.Source, CaseEvent.Kind
MAX_YUAN = Decimal("9999999999.99")


def _event(case, kind, *, actor, when=None, note=""):
    fields = row_fields(when)
    return CaseEvent.objects.create(case=case, kind=kind, recorded_by=actor, note=(note or "")[:2000], **fields)


def _text(value, field, limit, message):
    value = (value or "").strip()
    if not value and message:
        raise ValidationError({field: message})
    if len(value) > limit:
        raise ValidationError({field: _("At most %(n)s characters.") % {"n": limit}})
    return value


def _yuan(value, field):
    if value in (None, ""):
        return Decimal("0")
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Give an amount in yuan.")}) from None
    if amount < 0:
        raise ValidationError({field: _("The amount cannot be negative.")})
    if amount > MAX_YUAN:
        raise ValidationError({field: _("The amount is too large.")})
    return amount


def _check_agency(agency, park):
    if agency is not None and not agency.parks.filter(pk=park.pk).exists():
        raise ValidationError({"agency": _("Choose an agency that serves this park.")})


# ---------------------------------------------------------------- leads
def lead_create(*, actor, park, description, source, area="", enterprise=None, agency=None, finding=None,
                incident=None, received_at=None, late_reason=""):
    """Record a lead in `park` (the jurisdiction; `area` names a place outside the park, e.g. a campus's
    surroundings), from a patrol finding, an incident, a liaison or a partner agency."""
    if park is None:
        raise ValidationError({"park": _("Choose the park whose police work the lead.")})
    require(actor, "lead.add", park)
    if source not in Source.values:
        raise ValidationError({"source": _("Choose where the lead came from.")})
    description = _text(description, "description", 2000, _("Describe the lead."))
    area = _text(area, "area", 200, None)
    default_at = None
    if finding is not None:
        if not is_visible(actor, finding, roles=POLICE):
            raise PermissionDenied(_("You are not allowed to do this here."))
        source, default_at = Source.PATROL, finding.at
    if incident is not None:
        if not is_visible(actor, incident, roles=POLICE):
            raise PermissionDenied(_("You are not allowed to do this here."))
        source = Source.INCIDENT
    if enterprise is not None and enterprise.park_id != park.pk:
        raise ValidationError({"enterprise": _("The enterprise is not in this park.")})
    _check_agency(agency, park)
    when = event_time(received_at or default_at, actor=actor, field="received_at", reason=late_reason)
    lead = Lead(park=park, area=area, enterprise=enterprise, source=source, finding=finding, incident=incident,
                description=description, agency=agency, received_at=when.at, recorded_at=when.recorded_at,
                recorded_by=actor, **when.late_fields())
    model_create(actor=actor, obj=lead)
    return lead


def lead_observe(*, actor, lead, note, at=None, late_reason=""):
    """An observation of the lead's work (a stake-out, a test purchase, a check with the agency)."""
    require(actor, "lead.observe", lead)
    note = _text(note, "note", 2000, _("Say what was observed."))
    if lead.status != Lead.Status.OPEN:
        raise ValidationError(_("This lead is no longer being worked."))
    when = event_time(at, actor=actor, field="at", reason=late_reason,
                      after=[(lead.received_at.replace(second=0, microsecond=0), _("the time the lead came in"))])
    with transaction.atomic():
        lock_for_update(lead)
        if lead.status != Lead.Status.OPEN:  # closed or made a case meanwhile
            raise ValidationError(_("This lead is no longer being worked."))
        row = LeadObservation.objects.create(lead=lead, at=when.at, recorded_at=when.recorded_at, recorded_by=actor,
                                             note=note, **when.late_fields())
        record(actor=actor, verb="create", obj=row, after=snapshot(row, ["lead", "at", "note"]))
    return row


def lead_set_agency(*, actor, lead, agency, expected_version=None):
    """Work the lead jointly with a partner agency serving its park (its staff then see it), or with none."""
    require(actor, "lead.decide", lead)
    _check_agency(agency, lead.park)
    with transaction.atomic():
        lock_for_update(lead, expected_version)
        if lead.status != Lead.Status.OPEN:
            raise ValidationError(_("This lead is no longer being worked."))
        model_update(actor=actor, obj=lead, data={"agency": agency})
    return lead


def lead_close(*, actor, lead, reason, expected_version=None):
    require(actor, "lead.decide", lead)
    reason = _text(reason, "reason", 500, _("Say why the lead is closed."))
    with transaction.atomic():
        lock_for_update(lead, expected_version)
        if lead.status != Lead.Status.OPEN:
            raise ConflictError(_("This lead was closed or turned into a case already."))
        model_update(actor=actor, obj=lead, verb="transition", note=reason, data={
            "status": Lead.Status.CLOSED, "closed_reason": reason, "closed_at": timezone.now()})
    return lead


# ---------------------------------------------------------------- cases
def case_create(*, actor, kind, title, description, occurred_at, reported_at=None, park=None, enterprise=None,
                area="", loss_yuan=None, loss_items="", cross_region=False, incident=None, lead=None,
                late_reason="", expected_version=None):
    """Record a case at `enterprise` (or, with none, in `park`, e.g. outside it in `area`), from an incident or a
    lead (which then becomes a case; `expected_version` is the lead's)."""
    if lead is not None:
        require(actor, "crime.handle", lead.park)
        if not is_visible(actor, lead, roles=POLICE):
            raise PermissionDenied(_("You are not allowed to do this here."))
        park = park or lead.park
        enterprise = enterprise or lead.enterprise
        area = area or lead.area
        incident = incident or lead.incident
    if enterprise is not None:
        park = enterprise.park
    if park is None:
        raise ValidationError({"enterprise": _("Choose the enterprise (or the park) of the case.")})
    require(actor, "crime.handle", park)
    if incident is not None and not is_visible(actor, incident, roles=POLICE):
        raise PermissionDenied(_("You are not allowed to do this here."))
    if kind not in Case.Kind.values:
        raise ValidationError({"kind": _("Choose the type of case.")})
    title = _text(title, "title", 100, _("Give the case a title."))
    description = _text(description, "description", 4000, _("Describe the case."))
    loss = _yuan(loss_yuan, "loss_yuan")
    reported = event_time(reported_at, actor=actor, field="reported_at", reason=late_reason)
    if occurred_at is None:
        raise ValidationError({"occurred_at": _("Give the time the case occurred.")})
    occurred = event_time(occurred_at, actor=None, field="occurred_at")  # an old occurrence needs no reason
    if occurred.at > reported.at:
        raise ValidationError({"occurred_at": _("The case cannot have occurred after it was reported.")})
    case = Case(kind=kind, park=park, area=_text(area, "area", 200, None), enterprise=enterprise, title=title,
                description=description, occurred_at=occurred.at, reported_at=reported.at,
                recorded_at=reported.recorded_at, recorded_by=actor, loss_yuan=loss,
                loss_items=_text(loss_items, "loss_items", 500, None), cross_region=bool(cross_region),
                incident=incident, lead=lead, **reported.late_fields())
    with transaction.atomic():
        if lead is not None:
            lock_for_update(lead, expected_version)
            if lead.status != Lead.Status.OPEN:
                raise ConflictError(_("This lead was closed or turned into a case already."))
            model_update(actor=actor, obj=lead, verb="transition", note=_("Became a case"),
                         data={"status": Lead.Status.CASE})
        model_create(actor=actor, obj=case)
        _event(case, Kind.REPORTED, actor=actor, when=reported, note=case.get_kind_display())
    return case


CASE_EDITABLE = {"kind", "title", "description", "enterprise", "area", "occurred_at", "reported_at", "loss_yuan",
                 "loss_items", "cross_region"}


def case_update(*, actor, case, data, expected_version=None, late_reason=""):
    """Change the case's details: type, title, description, the enterprise (the case then belongs to its park: the
    actor must handle cases there too), the area, when it occurred and was reported (never occurred after reported,
    never in the future), the loss (yuan, items; not below what is recovered) and the cross-region flag."""
    require(actor, "crime.handle", case)
    unknown = set(data) - CASE_EDITABLE
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("This field cannot be changed here.")})
    clean = dict(data)
    if "kind" in clean and clean["kind"] not in Case.Kind.values:
        raise ValidationError({"kind": _("Choose the type of case.")})
    if "title" in clean:
        clean["title"] = _text(clean["title"], "title", 100, _("Give the case a title."))
    if "description" in clean:
        clean["description"] = _text(clean["description"], "description", 4000, _("Describe the case."))
    if "area" in clean:
        clean["area"] = _text(clean["area"], "area", 200, None)
    if "loss_items" in clean:
        clean["loss_items"] = _text(clean["loss_items"], "loss_items", 500, None)
    if "cross_region" in clean:
        clean["cross_region"] = bool(clean["cross_region"])
    if "loss_yuan" in clean:
        clean["loss_yuan"] = _yuan(clean["loss_yuan"], "loss_yuan")
    if "enterprise" in clean:
        enterprise = clean["enterprise"]
        if enterprise is None:
            clean["enterprise"] = None  # the case stays in its park (e.g. outside any enterprise)
        else:
            if not is_visible(actor, enterprise, roles=(LEADER, OFFICER)):
                raise ValidationError({"enterprise": _("Choose an enterprise of a park whose cases you handle.")})
            clean["park"] = enterprise.park
    for field in ("occurred_at", "reported_at"):
        if field in clean:
            if clean[field] is None:
                raise ValidationError({field: _("Give the time.")})
            current = getattr(case, field)
            if clean[field] in (current, current.replace(second=0, microsecond=0)):
                del clean[field]  # unchanged (a form writes the minute): no check, no back-entry reason asked
    if "occurred_at" in clean:  # an old occurrence needs no reason
        clean["occurred_at"] = event_time(clean["occurred_at"], actor=None, field="occurred_at").at
    reported = None
    if "reported_at" in clean:  # a report time moved back is entered late as at case_create: a reason or a leader
        reported = event_time(clean["reported_at"], actor=actor, field="reported_at", reason=late_reason)
        clean["reported_at"] = reported.at
        clean.update(reported.late_fields())
    with transaction.atomic():
        lock_for_update(case, expected_version)
        if "loss_yuan" in clean and case.recovered_yuan > clean["loss_yuan"] > 0:  # recovered meanwhile
            raise ValidationError({"loss_yuan": _("The loss cannot be below the value already recovered.")})
        occurred_at, reported_at = clean.get("occurred_at", case.occurred_at), clean.get("reported_at", case.reported_at)
        if occurred_at > reported_at:
            field = "reported_at" if "occurred_at" not in clean else "occurred_at"
            raise ValidationError({field: _("The case cannot have occurred after it was reported.")})
        first_key = min((t for t in (case.suspect_identified_at, case.arrested_at, case.recovered_at) if t),
                        default=None)
        if first_key is not None and occurred_at > first_key:
            raise ValidationError({"occurred_at": _("The case cannot have occurred after its key times.")})
        if first_key is not None and reported_at > first_key:  # the 48 h figures read report → identified
            raise ValidationError({"reported_at": _(
                "The case cannot have been reported after its first key time (%(at)s).") % {
                "at": timezone.localtime(first_key).strftime("%Y-%m-%d %H:%M")}})
        model_update(actor=actor, obj=case, data=clean)
        if reported is not None:  # the timeline's report moves with it
            CaseEvent.objects.filter(case=case, kind=Kind.REPORTED).update(at=reported.at, **reported.late_fields())
    return case


def suspect_add(*, actor, case, name, resident_id="", note=""):
    """A suspect of the case (name masked in lists; the resident ID, if given, validated and encrypted)."""
    require(actor, "crime.handle", case)
    name = _text(name, "name", 50, _("Give the suspect's name."))
    rid = str(resident_id or "").strip().upper()
    if rid:
        try:
            validate_resident_id(rid)
        except ValidationError as exc:
            raise ValidationError({"resident_id": exc.messages}) from None
    with transaction.atomic():
        lock_for_update(case)
        row = Suspect(case=case, name=name, resident_id=rid, note=_text(note, "note", 500, None), added_by=actor,
                      added_at=timezone.now())
        row.full_clean()
        row.save()
        record(actor=actor, verb="create", obj=row, after=snapshot(row, ["case", "name", "resident_id"]))
    return row


KEY_TIMES = {Kind.SUSPECT_IDENTIFIED: "suspect_identified_at", Kind.ARRESTED: "arrested_at",
             Kind.RECOVERED: "recovered_at"}


def case_key_time(*, actor, case, kind, at=None, note="", recovered_yuan=None, cross_region=None, late_reason="",
                  expected_version=None):
    """Record a key time: the suspect identified, arrested (not before identified), or property recovered (with
    the value recovered so far, not above the loss); each once, never before the case occurred."""
    require(actor, "crime.handle", case)
    if kind not in KEY_TIMES:
        raise ValidationError({"kind": _("Choose suspect identified, arrested or property recovered.")})
    field = KEY_TIMES[kind]
    note = _text(note, "note", 2000, None)
    with transaction.atomic():
        lock_for_update(case, expected_version)
        if case.status == Case.Status.CLOSED:
            raise ValidationError(_("This case is closed."))
        if getattr(case, field) is not None:
            raise ValidationError({"kind": _("This time is recorded already.")})
        after = [(case.occurred_at.replace(second=0, microsecond=0), _("the time the case occurred"))]
        if kind == Kind.ARRESTED:
            if case.suspect_identified_at is None:
                raise ValidationError({"kind": _("Record the suspect identified first.")})
            after.append((case.suspect_identified_at, _("the time the suspect was identified")))
        when = event_time(at, actor=actor, field="at", reason=late_reason, after=after)
        data = {field: when.at}
        if kind == Kind.RECOVERED:
            value = _yuan(recovered_yuan, "recovered_yuan")
            if case.loss_yuan > 0 and value > case.loss_yuan:
                raise ValidationError({"recovered_yuan": _("The value recovered cannot exceed the loss.")})
            data["recovered_yuan"] = value
            note = note or _("%(yuan)s yuan recovered") % {"yuan": value}
        if cross_region is not None:
            data["cross_region"] = bool(cross_region)
        model_update(actor=actor, obj=case, data=data, note=str(Kind(kind).label))
        _event(case, kind, actor=actor, when=when, note=note)
    return case


def case_note(*, actor, case, note, at=None, late_reason=""):
    require(actor, "crime.handle", case)
    note = _text(note, "note", 2000, _("Write the note."))
    when = event_time(at, actor=actor, field="at", reason=late_reason,
                      after=[(case.occurred_at.replace(second=0, microsecond=0), _("the time the case occurred"))])
    with transaction.atomic():
        lock_for_update(case)
        row = _event(case, Kind.NOTE, actor=actor, when=when, note=note)
        record(actor=actor, verb="create", obj=row, after=snapshot(row, ["case", "kind", "at", "note"]))
    return row


def case_transition(*, actor, case, status, reason="", expected_version=None):
    """Solved (破案) or closed (结案, with a reason)."""
    require(actor, "crime.handle", case)
    if status not in (Case.Status.SOLVED, Case.Status.CLOSED):
        raise ValidationError({"status": _("Choose solved or closed.")})
    reason = _text(reason, "reason", 500, _("Say why the case is closed.") if status == Case.Status.CLOSED else None)
    with transaction.atomic():
        lock_for_update(case, expected_version)
        if status not in Case.TRANSITIONS[case.status]:
            raise IllegalTransition(_("The case cannot move from %(from)s to %(to)s.") % {
                "from": case.get_status_display(), "to": str(Case.Status(status).label)})
        data = {"status": status}
        if status == Case.Status.SOLVED:
            data["solved_at"] = timezone.now()
        if status == Case.Status.CLOSED:
            data["closed_reason"] = reason
        model_update(actor=actor, obj=case, data=data, verb="transition", note=reason)
        _event(case, Kind.SOLVED if status == Case.Status.SOLVED else Kind.CLOSED, actor=actor, note=reason)
    return case
