"""Login, logout and API tokens, each on the audit trail."""
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied

from parkbeat.audit.services import record
from parkbeat.core.authentication import hash_token
from parkbeat.org.models import ApiToken
from parkbeat.security import services as security
from parkbeat.security.lockout import LockedOut


def token_issue(*, request, username, password, otp=""):
    """A new token for valid credentials; a failure does not say which part was wrong.

    Lockout, the second factor and password expiry apply here as on the login page (SECURITY A3–A5).
    """
    user = authenticate(request, username=username, password=password)
    if user is None:  # the failure is audited by the user_login_failed signal handler
        if getattr(request, "axes_locked_out", False):
            raise LockedOut()
        raise AuthenticationFailed(_("Unable to log in with the provided username and password."))
    owed = security.second_factor_owed(user)
    if owed == "enrol":
        raise AuthenticationFailed(_("This account needs a second factor: set it up on the web "
                                     "(Security settings) first."))
    if owed == "verify":
        if not otp:
            raise AuthenticationFailed(_("This account needs a one-time code: send it in the otp field."))
        if security.second_factor_check(request=request, user=user, code=otp) is None:
            if getattr(request, "axes_locked_out", False):
                raise LockedOut()
            raise AuthenticationFailed(_("The one-time code is wrong or has already been used."))
    owed = security.password_change_owed(user)
    if owed:
        raise PermissionDenied(owed)
    key = secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, key_hash=hash_token(key),
                                        expires_at=timezone.now() + timedelta(hours=settings.API_TOKEN_TTL_HOURS))
        record(actor=user, verb="token", obj=user, note=_("expires %(at)s") % {"at": token.expires_at.isoformat()})
    return key, token


def token_revoke(*, actor, token):
    if not isinstance(token, ApiToken):
        return
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        record(actor=actor, verb="token_revoke", obj=actor)
