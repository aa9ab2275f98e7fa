"""Every write to hazards: registering one, follow-up visits, evidence of the fix, review, referral, reminders.

Invariants kept here: a hazard under a deadline has a deadline not in the past (Asia/Shanghai) and the person
responsible at the enterprise; a hazard fixed on the spot has evidence from the start and waits, as one whose
evidence was submitted, for a leader or officer to strike it off (销号) — the strike-off is always a review act of
its own, never a side effect of recording; a hazard is struck off only with evidence on record and only by a
leader or officer; nothing is deleted; every change leaves a HazardEvent and an audit event in its transaction.
Two reviews of the same evidence: the second carries a stale version and gets a conflict.
"""
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parkbeat.audit.services import record, snapshot
from parkbeat.core.events import event_time, row_fields
from parkbeat.core.permissions import POLICE, require
from parkbeat.core.scoping import is_visible
from parkbeat.core.services import ConflictError, claim_next_version, lock_for_update, model_create, model_update
from parkbeat.enterprises.models import Enterprise
from parkbeat.hazards.models import Hazard, HazardEvent, HazardEvidence

SHANGHAI = ZoneInfo("Asia/Shanghai")
MAX_FILES = 10  # per upload of evidence
EVIDENCE_KINDS = ("image", "pdf")
State, Disposition, Source, Kind = Hazard.State, Hazard.Disposition, Hazard.Source, HazardEvent.Kind


def today_in_shanghai(now=None):
    return (now or timezone.now()).astimezone(SHANGHAI).date()


def _event(hazard, kind, *, actor, when=None, note="", tier=""):
    """One row of the hazard's history; `when` (a core.events EventTime) says when it happened, else now."""
    fields = row_fields(when)
    return HazardEvent.objects.create(hazard=hazard, kind=kind, recorded_by=actor, note=(note or "")[:2000],
                                      tier=tier, **fields)


def _store_evidence(actor, hazard, uploads, note):
    """An evidence row with its files (images or PDF, checked and stored by files.services); a refused file refuses
    the whole upload, naming it."""
    from parkbeat.files.services import attachment_create

    uploads = [upload for upload in uploads or () if upload]
    if not uploads:
        raise ValidationError({"evidence": _("Add at least one photo or PDF of the fix.")})
    if len(uploads) > MAX_FILES:
        raise ValidationError({"evidence": _("At most %(n)s files at once.") % {"n": MAX_FILES}})
    note = (note or "").strip()
    if len(note) > 500:
        raise ValidationError({"note": _("The note has at most 500 characters.")})
    row = HazardEvidence.objects.create(hazard=hazard, note=note, uploaded_by=actor, uploaded_at=timezone.now())
    for upload in uploads:
        try:
            attachment_create(actor=actor, obj=row, upload=upload, kinds=EVIDENCE_KINDS, perm="hazard.evidence")
        except ValidationError as exc:
            raise ValidationError({"evidence": _("%(file)s: %(why)s") % {
                "file": getattr(upload, "name", ""), "why": " ".join(exc.messages)}}) from None
    return row


def has_evidence(hazard):
    """Whether at least one file of evidence is on record for the hazard."""
    from parkbeat.files.models import Attachment

    return Attachment.objects.filter(content_type=ContentType.objects.get_for_model(HazardEvidence),
                                     object_id__in=HazardEvidence.objects.filter(hazard=hazard).values("pk")).exists()


def _check_deadline(deadline, now=None):
    if deadline is None:
        raise ValidationError({"deadline": _("Give the deadline to rectify by.")})
    if deadline < today_in_shanghai(now):
        raise ValidationError({"deadline": _("The deadline cannot lie in the past.")})


def _source(actor, result, incident, finding, enterprise):
    """Where the hazard came from, checked against what the actor sees: (source, enterprise, inspection, default
    time found)."""
    from parkbeat.inspections.models import Inspection, InspectionResult

    given = [x for x in (result, incident, finding) if x is not None]
    if len(given) > 1:
        raise ValidationError(_("A hazard comes from one inspection item, incident or patrol finding."))
    if result is not None:
        if not is_visible(actor, result, roles=POLICE):
            raise PermissionDenied(_("You are not allowed to do this here."))
        inspection = result.inspection
        if inspection.status != Inspection.Status.DONE or result.outcome != InspectionResult.Outcome.HAZARD:
            raise ValidationError({"result": _("Only an item found as a hazard in a recorded inspection is "
                                               "registered as one.")})
        if enterprise is not None and enterprise.pk != inspection.enterprise_id:
            raise ValidationError({"enterprise": _("The hazard is at the inspected enterprise.")})
        return Source.INSPECTION, inspection.enterprise, inspection, inspection.happened_at
    if incident is not None:
        if not is_visible(actor, incident, roles=POLICE):
            raise PermissionDenied(_("You are not allowed to do this here."))
        return Source.INCIDENT, enterprise or incident.enterprise, None, None
    if finding is not None:
        if not is_visible(actor, finding, roles=POLICE):
            raise PermissionDenied(_("You are not allowed to do this here."))
        return Source.PATROL, enterprise, None, finding.at
    return Source.OTHER, enterprise, None, None


def hazard_create(*, actor, description, disposition, enterprise=None, severity=Hazard.Severity.GENERAL,
                  location="", found_at=None, late_reason="", deadline=None, responsible_name="",
                  responsible_mobile="", evidence=(), evidence_note="", result=None, incident=None, finding=None):
    """Register a hazard found at `enterprise` (from an inspection result, an incident or a patrol finding, or
    otherwise), with its disposition: fixed on the spot (`evidence` uploads required; it then awaits an officer's
    strike-off) or a `deadline` (not in the past, Asia/Shanghai) with the person responsible at the enterprise."""
    source, enterprise, inspection, default_at = _source(actor, result, incident, finding, enterprise)
    if enterprise is None:
        raise ValidationError({"enterprise": _("Choose the enterprise where the hazard was found.")})
    require(actor, "hazard.add", enterprise)
    if enterprise.status == Enterprise.Status.CLOSED:
        raise ValidationError({"enterprise": _("This enterprise is closed.")})
    if severity not in Hazard.Severity.values:
        raise ValidationError({"severity": _("Choose general or major.")})
    if disposition not in Disposition.values:
        raise ValidationError({"disposition": _("Choose fixed on the spot or a deadline.")})
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": _("Describe the hazard.")})
    when = event_time(found_at or default_at, actor=actor, field="found_at", reason=late_reason)
    responsible_name, responsible_mobile = (responsible_name or "").strip(), (responsible_mobile or "").strip()
    if disposition == Disposition.ON_SPOT:
        if not [upload for upload in evidence or () if upload]:
            raise ValidationError({"evidence": _("A hazard fixed on the spot needs at least one photo or PDF of the "
                                                 "fix.")})
        deadline, state = None, State.SUBMITTED
    else:
        _check_deadline(deadline)
        if not responsible_name:
            raise ValidationError({"responsible_name": _("Name the person responsible at the enterprise.")})
        state = State.RECTIFYING
    hazard = Hazard(enterprise=enterprise, park_id=enterprise.park_id, severity=severity, description=description,
                    location=(location or "").strip(), source=source, inspection=inspection, result=result,
                    incident=incident, finding=finding, found_at=when.at, recorded_at=when.recorded_at,
                    recorded_by=actor, entered_late=when.late, late_reason=when.reason if when.late else "",
                    disposition=disposition, deadline=deadline, responsible_name=responsible_name,
                    responsible_mobile=responsible_mobile, state=state)
    try:
        with transaction.atomic():
            model_create(actor=actor, obj=hazard)
            _event(hazard, Kind.FOUND, actor=actor, when=when, note=hazard.get_severity_display())
            if disposition == Disposition.ON_SPOT:
                _event(hazard, Kind.DISPOSED, actor=actor, when=when, note=_("Fixed on the spot"))
                _store_evidence(actor, hazard, evidence, evidence_note)
                _event(hazard, Kind.EVIDENCE, actor=actor, when=when, note=(evidence_note or "").strip())
            else:
                _event(hazard, Kind.DISPOSED, actor=actor, when=when, note=_(
                    "Deadline %(deadline)s; responsible: %(person)s") % {"deadline": deadline.isoformat(),
                                                                          "person": responsible_name})
    except IntegrityError:
        # two registrations of the same item at the same moment (full_clean saw neither): the second is told
        if result is not None and Hazard.objects.filter(result=result).exists():
            raise ConflictError(_("A hazard is already registered for this item.")) from None
        raise
    return hazard


def hazard_follow_up(*, actor, hazard, note, at=None, late_reason=""):
    """A follow-up visit (跟踪回访) of a hazard not yet struck off: when it happened and what was seen; it changes
    nothing on the hazard itself."""
    require(actor, "hazard.follow_up", hazard)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what the follow-up visit found.")})
    if len(note) > 2000:
        raise ValidationError({"note": _("The note has at most 2000 characters.")})
    when = event_time(at, actor=actor, field="at", reason=late_reason,
                      after=[(hazard.found_at.replace(second=0, microsecond=0),  # forms give whole minutes
                              _("the time the hazard was found"))])
    with transaction.atomic():
        lock_for_update(hazard)
        if hazard.state == State.STRUCK_OFF:  # its page no longer offers one; the API refuses it the same
            raise ValidationError({"note": _("This hazard is struck off: it takes no more follow-up visits.")})
        row = _event(hazard, Kind.FOLLOW_UP, actor=actor, when=when, note=note)
        record(actor=actor, verb="create", obj=row, after=snapshot(row, ["hazard", "kind", "at", "note"]))
    return row


def hazard_evidence_add(*, actor, hazard, uploads, note="", expected_version=None):
    """Evidence of the fix from the enterprise's liaison (or the police): a hazard being rectified then awaits
    review; one awaiting review takes more files. A struck-off hazard takes none."""
    require(actor, "hazard.evidence", hazard)
    with transaction.atomic():
        lock_for_update(hazard, expected_version)
        if hazard.state == State.STRUCK_OFF:
            raise ValidationError(_("This hazard has been struck off; it takes no more evidence."))
        row = _store_evidence(actor, hazard, uploads, note)
        _event(hazard, Kind.EVIDENCE, actor=actor, note=row.note)
        if hazard.state == State.RECTIFYING:
            model_update(actor=actor, obj=hazard, data={"state": State.SUBMITTED}, verb="transition",
                         note=_("Evidence submitted"))
        else:
            claim_next_version(hazard, touch=True)  # a reviewer who loaded it before these files must look again
            record(actor=actor, verb="update", obj=hazard, note=_("More evidence added"))
    return row


def hazard_review(*, actor, hazard, accept, reason="", new_deadline=None, expected_version=None):
    """A leader or officer reviews the evidence: accepted, the hazard is struck off (销号, only with evidence on
    record); rejected, it goes back to the enterprise to rectify, with the reason (and optionally a new deadline)."""
    require(actor, "hazard.review", hazard)
    reason = (reason or "").strip()
    if len(reason) > 500:
        raise ValidationError({"reason": _("The reason has at most 500 characters.")})
    if not accept and not reason:
        raise ValidationError({"reason": _("Say why the evidence is not accepted.")})
    if not accept and new_deadline is not None:
        _check_deadline(new_deadline)
    with transaction.atomic():
        lock_for_update(hazard, expected_version)
        if hazard.state != State.SUBMITTED:
            raise ConflictError(_("This hazard is not awaiting review (it was reviewed already, or no evidence "
                                  "was submitted)."))
        if accept:
            if not has_evidence(hazard):
                raise ValidationError(_("A hazard is struck off only with evidence of the fix on record."))
            model_update(actor=actor, obj=hazard, verb="transition", note=reason or _("Struck off"), data={
                "state": State.STRUCK_OFF, "struck_off_at": timezone.now(), "struck_off_by": actor})
            _event(hazard, Kind.ACCEPTED, actor=actor, note=reason)
        else:
            data = {"state": State.RECTIFYING}
            if new_deadline is None and hazard.deadline is None:  # fixed on the spot, but not well enough
                raise ValidationError({"new_deadline": _(
                    "This hazard was fixed on the spot and has no deadline: give one for the rectification.")})
            if new_deadline is not None:
                data["deadline"] = new_deadline
            model_update(actor=actor, obj=hazard, verb="transition", note=reason, data=data)
            _event(hazard, Kind.REJECTED, actor=actor, note=reason if "deadline" not in data else _(
                "%(reason)s (new deadline %(deadline)s)") % {"reason": reason, "deadline": new_deadline.isoformat()})
    return hazard


def hazard_refer(*, actor, hazard, agency, note, expected_version=None):
    """Refer the hazard to a partner agency serving its park, whose staff then see it (when it is theirs to
    enforce: fire, emergency management…)."""
    require(actor, "hazard.refer", hazard)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say why the hazard is referred.")})
    if len(note) > 500:
        raise ValidationError({"note": _("The note has at most 500 characters.")})
    if agency is None or not agency.parks.filter(pk=hazard.park_id).exists():
        raise ValidationError({"agency": _("Choose an agency that serves this park.")})
    with transaction.atomic():
        lock_for_update(hazard, expected_version)
        if hazard.state == State.STRUCK_OFF:
            raise ValidationError(_("This hazard has been struck off."))
        if hazard.referred_to_id == agency.pk:
            raise ValidationError({"agency": _("The hazard is already referred to this agency.")})
        model_update(actor=actor, obj=hazard, data={"referred_to": agency, "referral_note": note},
                     note=_("Referred to %(agency)s") % {"agency": agency.name})
        _event(hazard, Kind.REFERRED, actor=actor, note=f"{agency.name}: {note}")
    return hazard


# ---------------------------------------------------------------- reminders and escalation
# (tier, first day, last day) relative to the deadline: the tier a hazard is in today is sent once, to the park's
# officers and the enterprise's liaisons; three days overdue it climbs to the leaders over the station.
TIERS = (("due_in_3", 1, 3), ("due_today", 0, 0), ("overdue_1", -2, -1), ("escalated", None, -3))


def tier_of(deadline, today):
    left = (deadline - today).days
    for name, low, high in TIERS:
        if (low is None or left >= low) and left <= high:
            return name
    return None


def tier_key(tier, deadline):
    """A tier is sent once per deadline: a rejection that sets a new deadline starts the tiers again."""
    return f"{tier}:{deadline:%Y%m%d}"


def _leaders_over(parks):
    from parkbeat.org.models import Role, RoleAssignment

    leaders = list(RoleAssignment.objects.filter(role=Role.STATION_LEADER, user__is_active=True)
                   .select_related("user", "unit").order_by("user_id"))
    return {park.pk: [a.user for a in leaders if park.station.path.startswith(a.unit.path)] for park in parks}


def _liaisons_of(enterprise_ids):
    from parkbeat.org.models import Role, RoleAssignment

    found = {pk: [] for pk in enterprise_ids}
    for a in (RoleAssignment.objects.filter(role=Role.LIAISON, enterprise_id__in=enterprise_ids,
                                            user__is_active=True).select_related("user").order_by("user_id")):
        found[a.enterprise_id].append(a.user)
    return found


def hazard_reminders(*, now=None):
    """Remind about each hazard being rectified as its deadline nears, on the day, and when overdue; escalate to
    the station leader three days after it. Each tier once per hazard and deadline (a HazardEvent with the tier, and the
    notification's dedupe key), so running it twice sends nothing new. Returns the notifications created."""
    from parkbeat.notifications.models import Notification
    from parkbeat.notifications.reminders import park_officers
    from parkbeat.notifications.services import notify
    from parkbeat.org.models import Park

    now = now or timezone.now()
    today = today_in_shanghai(now)
    hazards = list(Hazard.objects.filter(state=State.RECTIFYING, deadline__lte=today + timedelta(days=3))
                   .select_related("enterprise").order_by("deadline", "id"))
    if not hazards:
        return 0
    fired = set(HazardEvent.objects.filter(hazard__in=hazards).exclude(tier="").values_list("hazard_id", "tier"))
    due = [(h, tier_of(h.deadline, today)) for h in hazards]
    due = [(h, tier) for h, tier in due if tier and (h.pk, tier_key(tier, h.deadline)) not in fired]
    park_ids = {h.park_id for h, _tier in due}
    officers = park_officers(park_ids)
    leaders = _leaders_over(Park.objects.filter(pk__in=park_ids).select_related("station"))
    liaisons = _liaisons_of({h.enterprise_id for h, _tier in due})
    created = 0
    for hazard, tier in due:
        late = (today - hazard.deadline).days
        if tier == "escalated":
            recipients = leaders.get(hazard.park_id, [])
            title = _("Hazard overdue: %(enterprise)s, %(days)s days past the deadline") % {
                "days": late, "enterprise": hazard.enterprise.name}
        elif tier == "overdue_1":
            recipients = officers.get(hazard.park_id, []) + liaisons.get(hazard.enterprise_id, [])
            title = _("Hazard overdue: %(enterprise)s") % {"enterprise": hazard.enterprise.name}
        else:
            recipients = officers.get(hazard.park_id, []) + liaisons.get(hazard.enterprise_id, [])
            title = _("Hazard due: %(enterprise)s by %(deadline)s") % {"deadline": hazard.deadline.isoformat(),
                                                                      "enterprise": hazard.enterprise.name}
        body = _("%(severity)s: %(description)s. Rectify by %(deadline)s (responsible: %(person)s).") % {
            "severity": hazard.get_severity_display(), "description": hazard.description[:100],
            "deadline": hazard.deadline.isoformat(), "person": hazard.responsible_name}
        try:
            with transaction.atomic():
                key = tier_key(tier, hazard.deadline)
                _event(hazard, Kind.ESCALATED if tier == "escalated" else Kind.REMINDED, actor=None, tier=key,
                       note=title)
                kind = Notification.Kind.HAZARD_DUE if tier.startswith("due") else Notification.Kind.HAZARD_OVERDUE
                created += len(notify(recipients=recipients, kind=kind, obj=hazard, title=title,
                                      body=body, dedupe_key=f"hazard:{hazard.pk}:{key}"))
        except IntegrityError:  # the same tier, sent at the same moment by another worker
            continue
    return created
