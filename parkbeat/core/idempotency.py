"""`Idempotency-Key` on API writes: a mobile client that resends a batch after a lost answer stores it once.

The key is remembered per user and scope in the same transaction as the created record, so either
both exist or neither. A resend with the same key and the same body answers with the first record
(same status, header `Idempotent-Replayed: true`); the same key with a different body is refused (409).

The public interface, for any viewset or action:
- `IdempotentCreateMixin` on a viewset whose `create` makes one record;
- `idempotent(request, scope=..., fingerprint=..., perform=..., replay=...)` for any other write
  (an action that records a payment, say), with `request_fingerprint` and `idempotency_parameter`.
"""
import hashlib
import json
import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.response import Response

from parkbeat.core.models import IdempotencyKey
from parkbeat.core.services import ConflictError

HEADER = "Idempotency-Key"
_VALID_KEY = re.compile(r"[\x21-\x7e]{1,100}")  # visible ASCII: a UUID, a ULID, "batch-42:3", ...
REPLAYED_HEADERS = {"Idempotent-Replayed": "true"}


def idempotency_parameter(description=None):
    """The header as the OpenAPI schema documents it, for `extend_schema(parameters=[...])`."""
    return OpenApiParameter(
        HEADER, str, OpenApiParameter.HEADER, required=False,
        description=description or "Any visible ASCII up to 100 characters; a resent request with the same "
                                   "key and body returns the first result and records nothing.")


def idempotency_key(request):
    """The request's key, or None without the header; a malformed key is refused with 400."""
    key = request.headers.get(HEADER)
    if key is not None and not _VALID_KEY.fullmatch(key):
        raise exceptions.ValidationError({"detail": _("The Idempotency-Key header must be 1–100 visible ASCII "
                                                      "characters.")})
    return key


def request_fingerprint(data, *, exclude=()):
    """A digest of a request body (JSON or form), leaving out `exclude` (file fields, say)."""
    items = dict(data.lists()) if hasattr(data, "lists") else dict(data)
    items = {k: v for k, v in items.items() if k not in exclude}
    return hashlib.sha256(json.dumps(items, sort_keys=True, default=str).encode()).hexdigest()


def idempotent(request, *, scope, fingerprint, perform, replay):
    """Run a write at most once per (user, scope, key).

    `perform()` does the write and returns `(object_id, response)`; `replay(object_id, status)` answers a
    resend from the stored record (loading it through the user's scope, so a record gone out of scope is
    404). Without the header, `perform()` simply runs.
    """
    key = idempotency_key(request)
    if key is None:
        return perform()[1]
    replayed = _replay(request, scope, key, fingerprint, replay)
    if replayed is not None:
        return replayed
    try:
        with transaction.atomic():
            object_id, response = perform()
            IdempotencyKey.objects.create(user=request.user, scope=scope, key=key, request_hash=fingerprint,
                                          object_id=str(object_id), status_code=response.status_code)
    except IntegrityError:
        # The same key arrived twice at once: the other request won and its record stands; this one rolled back.
        replayed = _replay(request, scope, key, fingerprint, replay)
        if replayed is None:
            raise
        return replayed
    return response


def _replay(request, scope, key, fingerprint, replay):
    stored = IdempotencyKey.objects.filter(user=request.user, scope=scope, key=key).first()
    if stored is None:
        return None
    if stored.request_hash != fingerprint:
        raise ConflictError(_("This Idempotency-Key was already used for a different request."))
    response = replay(stored.object_id, stored.status_code)
    for name, value in REPLAYED_HEADERS.items():
        response[name] = value
    return response


class IdempotentCreateMixin:
    """For viewsets with `create`: honours the `Idempotency-Key` header; without it, creates as usual.

    The write transaction holds only the writes: the body is validated and the viewset's
    `prepare_create(serializer)` (default: nothing to prepare, `perform_create` does all) runs before it,
    and the response is serialised after it commits. `prepare_create` returns the callable that writes.
    """

    def prepare_create(self, serializer):
        return lambda: self.perform_create(serializer)

    @extend_schema(parameters=[idempotency_parameter(
        "Any visible ASCII up to 100 characters; a resent create with the same key and body returns the first "
        "result and creates nothing.")])
    def create(self, request, *args, **kwargs):
        key = idempotency_key(request)
        scope, fingerprint = self.basename, request_fingerprint(request.data) if key is not None else ""

        def replay(object_id, status):
            instance = get_object_or_404(self.get_queryset(), pk=object_id)  # still in the user's scope, else 404
            return Response(self.get_serializer(instance).data, status=status)

        if key is not None:
            replayed = _replay(request, scope, key, fingerprint, replay)
            if replayed is not None:
                return replayed
        serializer = self.get_serializer(data=request.data)
        try:
            serializer.is_valid(raise_exception=True)
            write = self.prepare_create(serializer)
            with transaction.atomic():
                write()
                if key is not None:
                    IdempotencyKey.objects.create(user=request.user, scope=scope, key=key, request_hash=fingerprint,
                                                  object_id=str(serializer.instance.pk), status_code=201)
        except (IntegrityError, exceptions.ValidationError, DjangoValidationError):
            # The same key arrived twice at once: the other request won and its record stands (and may make
            # this copy invalid, a 110 dispatch number already recorded, say); this one rolled back.
            replayed = _replay(request, scope, key, fingerprint, replay) if key is not None else None
            if replayed is None:
                raise
            return replayed
        data = serializer.data
        return Response(data, status=201, headers=self.get_success_headers(data))
