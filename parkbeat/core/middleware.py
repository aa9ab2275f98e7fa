"""Per-request context (request id, client address, user) for the audit trail and logs."""
import contextvars
import uuid
from dataclasses import dataclass

from django.conf import settings

_current = contextvars.ContextVar("parkbeat_request", default=None)


@dataclass
class RequestContext:
    request_id: str
    ip: str
    user: object = None


def current_request():
    return _current.get()


def client_ip(request):
    """The client address: REMOTE_ADDR, or with N trusted proxies the N-th address from the right of
    X-Forwarded-For (what the outermost trusted proxy saw). Anything a client adds further left is ignored,
    so a forged header cannot change the address.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.PARKBEAT_TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    chain = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    return chain[-proxies] if len(chain) >= proxies else remote


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request.headers.get("X-Request-Id", "")[:64] or uuid.uuid4().hex
        ctx = RequestContext(request_id=request_id, ip=client_ip(request))
        request.ctx = ctx
        token = _current.set(ctx)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response["X-Request-Id"] = request_id
        return response
