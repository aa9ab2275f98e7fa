"""Every write to the enterprise registry: permission, validation, version check and audit in one place."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parkbeat.core.bounds import happened
from parkbeat.core.permissions import AGENCY, LIAISON, can, require
from parkbeat.core.scoping import is_visible
from parkbeat.core.services import ConflictError, IllegalTransition, lock_for_update, model_create, model_update
from parkbeat.audit.services import record, snapshot
from parkbeat.enterprises.models import (Demand, DemandTransition, Enterprise, KeyDesignation, Liaison, RiskCategory,
                                         Visit, default_due_at)

ENTERPRISE_FIELDS = ("name", "credit_code", "park", "address", "lon", "lat", "industry", "headcount",
                     "production_hours", "status")
# The current key designation on the enterprise row: written only by enterprise_designate/_undesignate.
DESIGNATION_FIELDS = ("is_key", "key_reason", "risk_category")
LIAISON_FIELDS = ("kind", "name", "title", "mobile", "user")
VISIT_FIELDS = ("visited_at", "companions", "met_with", "findings")
DEMAND_EDIT_FIELDS = ("category", "content", "due_at")


def _require_park_move_allowed(actor, enterprise, data):
    park = data.get("park")
    if park is not None and park.pk != enterprise.park_id:
        require(actor, "enterprise.add", park)


def _refuse_designation_fields(data):
    """Key status changes only through a designation, which keeps who, when and why."""
    sent = [name for name in DESIGNATION_FIELDS if name in data]
    if sent:
        raise ValidationError({name: _("Key status is set by designating the enterprise, not by editing it.")
                               for name in sent})


def enterprise_create(*, actor, **data):
    require(actor, "enterprise.add", data.get("park"))
    _refuse_designation_fields(data)
    enterprise = Enterprise(**{k: v for k, v in data.items() if k in ENTERPRISE_FIELDS})
    return model_create(actor=actor, obj=enterprise)


def enterprise_update(*, actor, enterprise, data, expected_version=None):
    require(actor, "enterprise.change", enterprise)
    _require_park_move_allowed(actor, enterprise, data)
    _refuse_designation_fields(data)
    data = {k: v for k, v in data.items() if k in ENTERPRISE_FIELDS}
    obj, _changed = model_update(actor=actor, obj=enterprise, data=data, expected_version=expected_version)
    return obj


def current_designation(enterprise):
    return enterprise.designations.filter(ended_on__isnull=True).first()


def _mirror_designation(*, actor, enterprise, designation, note):
    """The enterprise row's is_key, key_reason and risk_category follow the current designation (or none)."""
    data = ({"is_key": True, "key_reason": designation.reason, "risk_category": designation.risk_category}
            if designation else {"is_key": False, "key_reason": "", "risk_category": RiskCategory.NONE})
    model_update(actor=actor, obj=enterprise, data=data, note=note)


def _check_day(day, field):
    """A day that has come (from 2000 on), refused under the name of the field that carried it."""
    try:
        happened(day)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None


def enterprise_designate(*, actor, enterprise, risk_category, reason, starts_on=None, review_on=None,
                         expected_version=None):
    """Make `enterprise` a key enterprise, or change its designation: the current one (if any) ends the day the
    new one starts, and the enterprise row mirrors the new one. The enterprise's version guards the change."""
    require(actor, "enterprise.designate", enterprise)
    reason = (reason or "").strip()
    starts_on = starts_on or timezone.localdate()
    _check_day(starts_on, "starts_on")
    if review_on is not None and review_on <= timezone.localdate():
        raise ValidationError({"review_on": _("The review date must lie in the future.")})
    with transaction.atomic():
        lock_for_update(enterprise, expected_version)
        if enterprise.status == Enterprise.Status.CLOSED:
            raise ValidationError(_("A closed enterprise cannot be designated."))
        previous = current_designation(enterprise)
        if previous is not None:
            if starts_on < previous.starts_on:
                raise ValidationError({"starts_on": _(
                    "The new designation cannot start before the current one (%(day)s).") % {
                    "day": previous.starts_on.isoformat()}})
            before = snapshot(previous, ["ended_on", "ended_reason", "ended_by"])
            previous.ended_on, previous.ended_by = starts_on, actor
            previous.ended_reason = _("Replaced by a new designation")
            previous.full_clean()
            previous.save(update_fields=["ended_on", "ended_reason", "ended_by"])
            record(actor=actor, verb="update", obj=previous, before=before,
                   after=snapshot(previous, ["ended_on", "ended_reason", "ended_by"]))
        designation = KeyDesignation(enterprise=enterprise, risk_category=risk_category, reason=reason,
                                     starts_on=starts_on, review_on=review_on, created_by=actor)
        model_create(actor=actor, obj=designation)
        _mirror_designation(actor=actor, enterprise=enterprise, designation=designation,
                            note=_("Designated a key enterprise"))
    return designation


def enterprise_undesignate(*, actor, enterprise, reason, ended_on=None, expected_version=None):
    """End the current designation (with why and when): the enterprise is no longer a key enterprise."""
    require(actor, "enterprise.designate", enterprise)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the designation ends.")})
    ended_on = ended_on or timezone.localdate()
    _check_day(ended_on, "ended_on")
    with transaction.atomic():
        lock_for_update(enterprise, expected_version)
        designation = current_designation(enterprise)
        if designation is None:
            raise ValidationError(_("This enterprise is not a key enterprise."))
        if ended_on < designation.starts_on:
            raise ValidationError({"ended_on": _("A designation cannot end before it starts.")})
        before = snapshot(designation, ["ended_on", "ended_reason", "ended_by"])
        designation.ended_on, designation.ended_reason, designation.ended_by = ended_on, reason, actor
        designation.full_clean()
        designation.save(update_fields=["ended_on", "ended_reason", "ended_by"])
        record(actor=actor, verb="update", obj=designation, before=before,
               after=snapshot(designation, ["ended_on", "ended_reason", "ended_by"]))
        _mirror_designation(actor=actor, enterprise=enterprise, designation=None,
                            note=_("Key designation ended"))
    return designation


def _check_liaison_account(enterprise, user):
    """A liaison row links only to an account that holds the liaison role for that same enterprise."""
    if user is not None and not is_visible(user, enterprise, roles=[LIAISON]):
        raise ValidationError({"user": _("This account is not a liaison of this enterprise.")})


def liaison_create(*, actor, enterprise, **data):
    require(actor, "liaison.add", enterprise)
    _check_liaison_account(enterprise, data.get("user"))
    liaison = Liaison(enterprise=enterprise, **{k: v for k, v in data.items() if k in LIAISON_FIELDS})
    return model_create(actor=actor, obj=liaison)


def liaison_update(*, actor, liaison, data, expected_version=None):
    require(actor, "liaison.change", liaison.enterprise)
    if "user" in data:
        _check_liaison_account(liaison.enterprise, data["user"])
    data = {k: v for k, v in data.items() if k in LIAISON_FIELDS}
    obj, _changed = model_update(actor=actor, obj=liaison, data=data, expected_version=expected_version)
    return obj


def visit_create(*, actor, enterprise, demands=(), **data):
    """Record a visit and, in the same transaction, each demand raised during it."""
    require(actor, "visit.add", enterprise)
    visit = Visit(enterprise=enterprise, visitor=actor, **{k: v for k, v in data.items() if k in VISIT_FIELDS})
    with transaction.atomic():
        model_create(actor=actor, obj=visit)
        for demand in demands:
            demand_create(actor=actor, enterprise=enterprise, visit=visit, source=Demand.Source.VISIT, **demand)
    return visit


def visit_update(*, actor, visit, data, expected_version=None):
    require(actor, "visit.change", visit.enterprise)
    data = {k: v for k, v in data.items() if k in VISIT_FIELDS}
    obj, _changed = model_update(actor=actor, obj=visit, data=data, expected_version=expected_version)
    return obj


def demand_create(*, actor, enterprise, category, content, due_at=None, assignee=None, visit=None, source=None):
    """A liaison raises a demand for their own enterprise; staff record one for any enterprise they cover."""
    require(actor, "demand.add", enterprise)
    if source is None:
        source = Demand.Source.OFFICER if can(actor, "visit.add", enterprise) else Demand.Source.LIAISON
    if assignee is not None:
        if not can(actor, "demand.assign", enterprise):
            raise ValidationError({"assignee": _("Only the station leader or the park officer assigns demands.")})
        _check_assignee(assignee, enterprise)
    now = timezone.now()
    if due_at is not None and due_at <= now:
        raise ValidationError({"due_at": _("The answer deadline must lie in the future.")})
    demand = Demand(enterprise=enterprise, visit=visit, source=source, category=category, content=content,
                    raised_by=actor, assignee=assignee, due_at=due_at or default_due_at(now))
    with transaction.atomic():
        model_create(actor=actor, obj=demand)
        DemandTransition.objects.create(demand=demand, actor=actor, from_status="", to_status=demand.status,
                                        note=_("Raised"))
    return demand


def demand_update(*, actor, demand, data, expected_version=None):
    require(actor, "demand.assign", demand)
    data = {k: v for k, v in data.items() if k in DEMAND_EDIT_FIELDS}
    if data.get("due_at") is not None and data["due_at"] != demand.due_at and data["due_at"] <= timezone.now():
        raise ValidationError({"due_at": _("The answer deadline must lie in the future.")})
    obj, _changed = model_update(actor=actor, obj=demand, data=data, expected_version=expected_version)
    return obj


def _check_assignee(assignee, enterprise):
    """Only someone who can answer for this enterprise may be handed its demand."""
    if not can(assignee, "demand.answer", enterprise) and not is_visible(assignee, enterprise, roles=[AGENCY]):
        raise ValidationError({"assignee": _("%(user)s does not cover this enterprise.") % {"user": assignee}})


def demand_assign(*, actor, demand, assignee, expected_version=None):
    require(actor, "demand.assign", demand)
    _check_assignee(assignee, demand.enterprise)
    with transaction.atomic():
        lock_for_update(demand)  # the status checked below is the committed one (part D: contended claims)
        if demand.status == Demand.Status.CLOSED:
            raise ValidationError(_("A closed demand cannot be reassigned."))
        obj, _changed = model_update(actor=actor, obj=demand, data={"assignee": assignee},
                                     expected_version=expected_version, note=_("Assigned"))
    return obj


def _may_answer(actor, demand):
    return demand.assignee_id == actor.pk or can(actor, "demand.answer", demand)


def demand_transition(*, actor, demand, to, note="", answer="", expected_version=None):
    """Move a demand along its state machine; illegal moves and missing answers are refused."""
    to = Demand.Status(to)
    with transaction.atomic():
        # Decide on the committed state, row locked: of two people claiming at once exactly one wins (part D).
        lock_for_update(demand)
        if to == Demand.Status.CLOSED or (demand.status == Demand.Status.ANSWERED
                                          and to == Demand.Status.IN_PROGRESS):
            require(actor, "demand.close", demand)
        elif not _may_answer(actor, demand):
            require(actor, "demand.answer", demand)
        if expected_version is not None and expected_version != demand.version:
            raise ConflictError(_("This record was changed by someone else. Reload it and try again."))
        if to not in Demand.TRANSITIONS[demand.status]:
            raise IllegalTransition(_("A demand that is “%(from)s” cannot become “%(to)s”.") % {
                "from": demand.get_status_display(), "to": to.label})
        data = {"status": to}
        now = timezone.now()
        if to == Demand.Status.ANSWERED:
            if not answer.strip():
                raise ValidationError({"answer": _("Write the answer given to the enterprise.")})
            data.update(answer=answer.strip(), answered_at=now)
        elif to == Demand.Status.CLOSED:
            data["closed_at"] = now
        from_status = demand.status
        model_update(actor=actor, obj=demand, data=data, expected_version=expected_version, note=note,
                     verb="transition")
        DemandTransition.objects.create(demand=demand, actor=actor, at=now, from_status=from_status,
                                        to_status=to, note=note)
    return demand
