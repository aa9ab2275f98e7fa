"""Per-request context (request id, client address, user) for the audit trail and logs."""
import contextvars
import uuid
from dataclasses import dataclass

_current = contextvars.ContextVar("parkbeat_request", default=None)


@dataclass
class RequestContext:
    request_id: str
    ip: str
    user: object = None


def current_request():
    return _current.get()


def client_ip(request):
    """REMOTE_ADDR only: forwarded headers are trusted solely through the security layer's proxy count."""
    return request.META.get("REMOTE_ADDR", "")


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
