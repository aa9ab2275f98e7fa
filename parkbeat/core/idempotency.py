"""`Idempotency-Key` on API creates: a mobile client that resends a batch after a lost answer stores it once.

The key is remembered per user and endpoint in the same transaction as the created record, so either
both exist or neither. A resend with the same key and the same body answers with the first record
(same status, header `Idempotent-Replayed: true`); the same key with a different body is refused (409).
"""
import hashlib
import json
import re

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


def _request_hash(data):
    items = dict(data.lists()) if hasattr(data, "lists") else data
    return hashlib.sha256(json.dumps(items, sort_keys=True, default=str).encode()).hexdigest()


class IdempotentCreateMixin:
    """For viewsets with `create`: honours the `Idempotency-Key` header; without it, creates as usual."""

    @extend_schema(parameters=[OpenApiParameter(
        HEADER, str, OpenApiParameter.HEADER, required=False,
        description="Any visible ASCII up to 100 characters; a resent create with the same key and body "
                    "returns the first result and creates nothing.")])
    def create(self, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return super().create(request, *args, **kwargs)
        if not _VALID_KEY.fullmatch(key):
            raise exceptions.ValidationError({"detail": _("The Idempotency-Key header must be 1–100 visible ASCII "
                                                          "characters.")})
        scope, digest = self.basename, _request_hash(request.data)
        replay = self._replay(request, scope, key, digest)
        if replay is not None:
            return replay
        try:
            with transaction.atomic():
                response = super().create(request, *args, **kwargs)
                IdempotencyKey.objects.create(user=request.user, scope=scope, key=key, request_hash=digest,
                                              object_id=str(response.data["id"]), status_code=response.status_code)
        except IntegrityError:
            # The same key arrived twice at once: the other request won and its record stands; this one rolled back.
            replay = self._replay(request, scope, key, digest)
            if replay is None:
                raise
            return replay
        return response

    def _replay(self, request, scope, key, digest):
        stored = IdempotencyKey.objects.filter(user=request.user, scope=scope, key=key).first()
        if stored is None:
            return None
        if stored.request_hash != digest:
            raise ConflictError(_("This Idempotency-Key was already used for a different request."))
        instance = get_object_or_404(self.get_queryset(), pk=stored.object_id)  # still in the user's scope, else 404
        data = self.get_serializer(instance).data
        return Response(data, status=stored.status_code, headers={"Idempotent-Replayed": "true"})
