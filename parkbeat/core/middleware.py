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


class MethodNotAllowedPageMiddleware:
    """A page's 405 as the house page, not the browser's blank "HTTP ERROR 405": an action URL (review, refer,
    observe…) opened by a link or typed in takes only a form's POST, so the page says so and links back.
    The API keeps DRF's JSON 405."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (response.status_code != 405 or response.content or request.path.startswith("/api/")
                or request.method not in ("GET", "HEAD")):
            return response
        from django.template.response import TemplateResponse
        from django.utils.http import url_has_allowed_host_and_scheme

        back = request.META.get("HTTP_REFERER", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
            back = ""
        page = TemplateResponse(request, "405.html", {"back": back}, status=405)
        page.render()
        if "Allow" in response:
            page["Allow"] = response["Allow"]
        return page
