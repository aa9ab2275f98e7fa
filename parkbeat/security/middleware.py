"""One gate for every session-authenticated request, pages and API alike (SECURITY A3, A5, A6, A7).

In order: the idle and absolute timeouts end the session; a person who owes the second factor reaches
only the verify/set-up pages; a person whose password expired, or who logs in for the first time with a
password the system administrator set, reaches only the change-password page.
Every response leaves with `Cache-Control: no-store`. Bearer-token requests are checked in
`security.authentication` instead (the token was only issued after both factors).
"""
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from parkbeat.security import services

SEEN_RESOLUTION = 60  # seconds: the last-seen time is written at most once a minute


def _is_api(request):
    return request.path.startswith("/api/")


class SessionSecurityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.gate(request) or self.get_response(request)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, no_store=True)
        return response

    def gate(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if self.timed_out(request):
            return None
        always = {reverse("logout"), reverse("set_language"), reverse("health")}
        if request.path in always:
            return None
        owed = self.second_factor_owed(request, user)
        if owed:
            if request.path in {reverse("security:otp_verify"), reverse("security:totp_setup")}:
                return None
            if _is_api(request):
                return JsonResponse({"detail": _("Complete the second factor (one-time code) on the web first.")},
                                    status=403)
            target = "security:otp_verify" if owed == "verify" else "security:totp_setup"
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        owed_change = services.password_change_owed(user)
        if owed_change:
            if request.path == reverse("security:password_change"):
                return None
            if _is_api(request):
                return JsonResponse({"detail": owed_change}, status=403)
            messages.warning(request, owed_change)
            return redirect("security:password_change")
        return None

    def timed_out(self, request):
        """End the session after PARKBEAT_SESSION_IDLE_MINUTES idle or SESSION_COOKIE_AGE in all.

        The session is flushed without the logout signal: a timeout ends this session only.
        """
        now = timezone.now().timestamp()
        session = request.session
        auth_at, seen_at = session.get(services.AUTH_AT), session.get(services.SEEN_AT)
        idle = settings.PARKBEAT_SESSION_IDLE_MINUTES * 60
        if auth_at is None or seen_at is None or now - auth_at > settings.SESSION_COOKIE_AGE or now - seen_at > idle:
            session.flush()
            request.user = AnonymousUser()
            if not _is_api(request):
                messages.info(request, _("Your session has ended; please log in again."))
            return True
        if now - seen_at >= SEEN_RESOLUTION:
            session[services.SEEN_AT] = now
        return False

    def second_factor_owed(self, request, user):
        """Noted at login (`services.session_started`), cleared once passed; an older session is asked now."""
        if user.is_verified():
            return ""
        owed = request.session.get(services.SECOND_FACTOR)
        if owed is None:
            owed = request.session[services.SECOND_FACTOR] = services.second_factor_owed(user)
        return owed
