"""`record` writes one audit event inside the caller's transaction; the hash chain stays in this module."""
import json
from datetime import date, datetime
from decimal import Decimal

from cryptography.hazmat.primitives import hashes
from django.db import transaction
from django.utils import timezone

from parkbeat.audit.models import AuditChainHead, AuditEvent
from parkbeat.core.middleware import current_request
from parkbeat.core.personal import mask_for_log

HASHED_FIELDS = ("at", "actor_username", "actor_roles", "ip", "request_id", "verb", "outcome",
                 "object_type", "object_id", "object_repr", "changes", "note", "prev_hash")


def _plain(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (date, Decimal)):
        return str(value)
    if hasattr(value, "pk"):
        return value.pk
    return value


NEVER_LOGGED = frozenset({"password", "key_hash"})


def snapshot(obj, fields):
    """The loggable values of `fields` on `obj`: foreign keys as ids, personal data masked, secrets left out."""
    model = obj._meta.label  # obj._meta, not type(obj): request.user is a lazy proxy
    values = {}
    for name in fields:
        if name in NEVER_LOGGED:
            continue
        field = obj._meta.get_field(name)
        attname = field.attname if field.is_relation else name
        values[name] = mask_for_log(model, name, _plain(getattr(obj, attname)))
    return values


def event_hash(event):
    digest = hashes.Hash(hashes.SM3())
    payload = {name: _plain(getattr(event, name)) for name in HASHED_FIELDS}
    digest.update(json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode())
    return digest.finalize().hex()


def _diff(before, after):
    before, after = before or {}, after or {}
    keys = list(dict.fromkeys([*before, *after]))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def record(*, actor, verb, obj=None, before=None, after=None, note="", outcome=AuditEvent.Outcome.SUCCESS,
           object_type="", object_repr=""):
    """Append one event. Call inside the business transaction: if this fails, the change rolls back."""
    from parkbeat.core.scoping import access_for

    ctx = current_request()
    username = getattr(actor, "username", "") or ""
    event = AuditEvent(
        at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_username=username,
        actor_roles=",".join(sorted(access_for(actor).roles)) if actor is not None else "",
        ip=ctx.ip if ctx else "",
        request_id=ctx.request_id if ctx else "",
        verb=verb,
        outcome=outcome,
        object_type=object_type or (obj._meta.label if obj is not None else ""),
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=(object_repr or (str(obj) if obj is not None else ""))[:200],
        changes=_diff(before, after),
        note=note,
    )
    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head, _created = AuditChainHead.objects.get_or_create(pk=1)
        event.prev_hash = head.last_hash
        event.hash = event_hash(event)
        event.save()
        AuditChainHead.objects.filter(pk=1).update(last_hash=event.hash)
    return event


def verify_chain():
    """Return (checked, first_bad_event_id or None) walking the chain from the start.

    A deleted newest event shows as a head that no longer matches: reported as the id after the last one.
    """
    prev = ""
    checked = 0
    last_pk = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if event.prev_hash != prev or event_hash(event) != event.hash:
            return checked, event.pk
        prev = event.hash
        last_pk = event.pk
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_hash != prev:
        return checked, last_pk + 1
    return checked, None
