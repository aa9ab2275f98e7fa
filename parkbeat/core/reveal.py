"""The one way to see a masked personal value in full (SECURITY D2): an allowed role, in scope, with a reason.

Each reveal leaves one audit event (verb "reveal") holding the reason and the masked value, never the
value itself; the event is kept for the sensitive-access retention (3 years).
"""
from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from parkbeat.audit.models import AuditEvent
from parkbeat.audit.services import record, snapshot
from parkbeat.core.logging import scrub
from parkbeat.core.permissions import MEDIATOR, POLICE, has_role
from parkbeat.core.personal import masked_kind
from parkbeat.core.ratelimit import QuotaExceeded, take_hourly_slot
from parkbeat.core.scoping import is_visible

# (model label, field) -> roles that may reveal it, each only within that role's scope.
REVEALABLE = {
    ("enterprises.Liaison", "mobile"): frozenset(POLICE),
    ("incidents.Incident", "caller_mobile"): frozenset(POLICE),
    ("disputes.DisputeParty", "contact_mobile"): frozenset(POLICE | {MEDIATOR}),
}
REASON_MIN = 4
REASON_MAX = 200
# Set on every response that carries a revealed value: never cached, and recognised by the test scanner.
REVEAL_HEADER = "X-Personal-Data"


def may_reveal(user, obj, field):
    """Whether `user` may reveal `field` of `obj` (for showing the button; `reveal` checks again)."""
    roles = REVEALABLE.get((obj._meta.label, field))
    return bool(roles) and has_role(user, *roles) and is_visible(user, obj, roles=roles)


class RevealRateLimited(QuotaExceeded):
    """More reveals this hour than settings.REVEAL_RATE_PER_HOUR allows (answered 429)."""


def reveal(*, actor, model_label, pk, field, reason):
    """The full value of a registered, masked field; refused with 400/403/404/429 semantics.

    A granted reveal leaves a "reveal" event; a refused one leaves a "reveal" event with outcome failure
    and why, so the auditor sees attempts too (written in its own transaction: the refusal rolls back
    the request's).
    """
    try:
        obj = _revealable(actor, model_label, pk, field, reason)
    except (ValidationError, PermissionDenied, Http404, RevealRateLimited) as refused:
        _record_refusal(actor, model_label, pk, field, refused)
        raise
    reason = " ".join((reason or "").split())
    with transaction.atomic():
        # The reason is scrubbed too, in case someone types the number into it.
        record(actor=actor, verb=AuditEvent.Verb.REVEAL, obj=obj, after=snapshot(obj, [field]),
               note=scrub(reason[:REASON_MAX]))
    return getattr(obj, field)


def _revealable(actor, model_label, pk, field, reason):
    roles = REVEALABLE.get((model_label, field))
    if roles is None or masked_kind(model_label, field) is None:
        raise ValidationError({"field": _("This field cannot be revealed.")})
    if not has_role(actor, *roles):
        raise PermissionDenied(_("Your role may not see this value in full."))
    reason = " ".join((reason or "").split())
    if len(reason) < REASON_MIN:
        raise ValidationError({"reason": _("Give a reason of at least %(min)s characters.") % {"min": REASON_MIN}})
    obj = apps.get_model(model_label).objects.visible_to(actor, roles=roles).filter(pk=pk).first()
    if obj is None:
        raise Http404
    limit = settings.REVEAL_RATE_PER_HOUR
    take_hourly_slot("reveal", actor, limit, _("At most %(limit)s reveals an hour; try again later.") % {
        "limit": limit}, error=RevealRateLimited)
    return obj


def _record_refusal(actor, model_label, pk, field, refused):
    """The attempt on the trail: what was asked (never a value) and why it was refused."""
    why = " ".join(getattr(refused, "messages", None) or [str(refused) or type(refused).__name__])
    with transaction.atomic():
        record(actor=actor, verb=AuditEvent.Verb.REVEAL, outcome=AuditEvent.Outcome.FAILURE,
               object_type=str(model_label)[:60], object_id=str(pk)[:40], object_repr=str(field)[:200],
               note=scrub(_("Refused: %(why)s") % {"why": why})[:500])


def mark_revealed(response):
    """Headers for a response that carries a revealed value."""
    response["Cache-Control"] = "no-store"
    response[REVEAL_HEADER] = "revealed"
    return response
