"""`record` writes one audit event inside the caller's transaction; the hash chain stays in this module."""
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from cryptography.hazmat.primitives import hashes
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from parkbeat.audit.models import AuditChainHead, AuditChainLink, AuditEvent
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
           object_type="", object_id="", object_repr=""):
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
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else str(object_id),
        object_repr=(object_repr or (str(obj) if obj is not None else ""))[:200],
        changes=_diff(before, after),
        note=note,
    )
    _append(event)
    return event


def _append(event):
    """Link `event` to the chain and insert it: the head is locked (PostgreSQL: the row, until commit;
    SQLite: the write transaction already serialises) only for this read, hash, insert and update, so a
    caller writes its own rows first and records last. No savepoint: a failure here rolls back the caller."""
    head = AuditChainHead._meta.db_table
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(f"SELECT last_hash FROM {head} WHERE id = 1{lock}")  # nosec B608 - the model's table
        row = cursor.fetchone()
        if row is None:  # the first event ever (the head row is created once)
            AuditChainHead.objects.get_or_create(pk=1)
            cursor.execute(f"SELECT last_hash FROM {head} WHERE id = 1{lock}")  # nosec B608 - the model's table
            row = cursor.fetchone()
        event.prev_hash = row[0]
        event.hash = event_hash(event)
        event.save(force_insert=True)
        cursor.execute(f"UPDATE {head} SET last_hash = %s WHERE id = 1", [event.hash])  # nosec B608 - model table


@dataclass(frozen=True)
class ChainCheck:
    """The outcome of walking the chain: how many events verified, and the first problem if any."""

    checked: int
    bad_id: int | None = None
    problem: str = ""  # "altered", "missing" or "broken"
    message: str = ""


def check_chain():
    """Walk every kept event in id order, recomputing its SM3 hash and its link to the event before.

    A link may skip purged events only where the purge left an AuditChainLink naming that exact hash.
    Ids are not required to be contiguous (PostgreSQL sequences skip on rollback); a broken link over a
    gap is reported as the missing event right after the last good one.
    """
    links = dict(AuditChainLink.objects.values_list("event_id", "prev_hash"))
    prev, last_pk, checked = "", 0, 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if event_hash(event) != event.hash:
            return ChainCheck(checked, event.pk, "altered",
                              f"event #{event.pk} was altered: its content no longer matches its hash")
        if event.prev_hash != prev and links.get(event.pk) != event.prev_hash:
            if not last_pk:
                return ChainCheck(checked, event.pk - 1, "missing",
                                  f"events before #{event.pk} are missing: it does not start the chain")
            if event.pk != last_pk + 1:
                return ChainCheck(checked, last_pk + 1, "missing",
                                  f"event #{last_pk + 1} is missing (between #{last_pk} and #{event.pk})")
            return ChainCheck(checked, event.pk, "broken",
                              f"event #{event.pk} does not follow event #{last_pk}: one of them was altered")
        prev, last_pk = event.hash, event.pk
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_hash != prev:
        return ChainCheck(checked, last_pk + 1, "missing",
                          f"event #{last_pk + 1} is missing: the newest events after #{last_pk} were removed")
    return ChainCheck(checked)


def verify_chain():
    """(checked, first bad or missing event id or None): the short form used by tests and the backup drill."""
    result = check_chain()
    return result.checked, result.bad_id


# ------------------------------------------------------------------ retention (SECURITY C4)
# Reveals of masked personal data and reads of records holding it (a background check) are "access to sensitive
# personal data": kept 3 years, the rest 180 days. The PostgreSQL trigger (migrations 0004, 0008) enforces the same
# floors; settings may only lengthen them.
SENSITIVE_VERBS = (AuditEvent.Verb.REVEAL, AuditEvent.Verb.VIEW)
FLOOR_DAYS = 180
SENSITIVE_FLOOR_DAYS = 1095


class ChainBroken(Exception):
    """The purge refuses to run on a chain that does not verify: deleting would destroy the evidence."""


def purgeable(now=None):
    """Events past their retention: general ones after AUDIT_RETENTION_DAYS, sensitive ones after the longer term."""
    now = now or timezone.now()
    general = max(settings.AUDIT_RETENTION_DAYS, FLOOR_DAYS)
    sensitive = max(settings.AUDIT_SENSITIVE_RETENTION_DAYS, SENSITIVE_FLOOR_DAYS)
    return AuditEvent.objects.filter(
        (Q(at__lt=now - timedelta(days=general)) & ~Q(verb__in=SENSITIVE_VERBS))
        | Q(at__lt=now - timedelta(days=sensitive), verb__in=SENSITIVE_VERBS))


def _purge_now():
    """The earlier of our clock and, on PostgreSQL, the database's (which the trigger judges age by):
    a clock running ahead must not make the purge ask for rows the trigger refuses."""
    now = timezone.now()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT now()")
            now = min(now, cursor.fetchone()[0])
    return now


def purge_expired(*, actor=None, batch=2000):
    """Delete events past retention, keeping the rest verifiable; returns the number deleted.

    One transaction: the chain head is locked, the chain verified, one event records the purge, every kept
    event whose predecessor goes gets an AuditChainLink, then the old rows are deleted (on PostgreSQL by the
    function `parkbeat_audit_purge`, which sets the flag the trigger checks). Safe to run twice: the second
    run finds nothing to delete.
    """
    with transaction.atomic():
        AuditChainHead.objects.select_for_update().filter(pk=1).first()
        doomed = set(purgeable(_purge_now()).values_list("id", flat=True))
        if not doomed:
            return 0
        result = check_chain()
        if result.bad_id is not None:
            raise ChainBroken(result.message)
        record(actor=actor, verb=AuditEvent.Verb.DELETE, object_type="audit.AuditEvent",
               object_repr=f"{len(doomed)} audit events past retention",
               note=f"retention {settings.AUDIT_RETENTION_DAYS} days, "
                    f"sensitive {settings.AUDIT_SENSITIVE_RETENTION_DAYS} days")
        now = timezone.now()
        previous_doomed = False
        links = []
        rows = AuditEvent.objects.filter(id__gte=min(doomed)).order_by("id").values_list("id", "prev_hash")
        for pk, prev_hash in rows.iterator(chunk_size=batch):
            if pk not in doomed and previous_doomed:
                links.append(AuditChainLink(event_id=pk, prev_hash=prev_hash, purged_at=now))
            previous_doomed = pk in doomed
        AuditChainLink.objects.bulk_create(links, ignore_conflicts=True)
        ordered = sorted(doomed)
        for start in range(0, len(ordered), batch):
            chunk = ordered[start:start + batch]
            if connection.vendor == "postgresql":
                # Through the owner's function (migration 0006): the application's role may not DELETE events.
                with connection.cursor() as cursor:
                    cursor.execute("SELECT parkbeat_audit_purge(%s::bigint[])", [chunk])
            else:
                AuditEvent.objects.filter(id__in=chunk).delete()
            AuditChainLink.objects.filter(event_id__in=chunk).delete()
    return len(doomed)
