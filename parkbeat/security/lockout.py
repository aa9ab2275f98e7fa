"""django-axes hooks (SECURITY A4): whose failures count, from which address, and what a locked person sees."""
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import APIException



def username_key(request, credentials):
    """Usernames are case-insensitive (A1), so "Leader" and "leader" share one failure count."""
    username = (credentials or {}).get("username")
    if username is None:
        username = request.POST.get("username", "") if hasattr(request, "POST") else ""
    return str(username).strip().lower()[:150] or None


def lockout_message():
    return _("Too many failed logins: this account or address is locked for %(minutes)d minutes. "
             "Try again later or ask the system administrator.") % {"minutes": lockout_minutes()}


def lockout_minutes():
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_response(request, original_response=None, credentials=None):
    """429 with a readable message: JSON under /api/, else the login page's lockout notice."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": lockout_message()}, status=status.HTTP_429_TOO_MANY_REQUESTS)
    return render(request, "security/locked_out.html", {"message": lockout_message()},
                  status=status.HTTP_429_TOO_MANY_REQUESTS)


class LockedOut(APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"

    def __init__(self):
        super().__init__(lockout_message())
