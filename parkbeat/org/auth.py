"""Login, logout and API tokens, each on the audit trail."""
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import AuthenticationFailed

from parkbeat.audit.services import record
from parkbeat.core.authentication import hash_token
from parkbeat.org.models import ApiToken


def token_issue(*, request, username, password):
    """A new token for valid credentials; a failure does not say which part was wrong."""
    user = authenticate(request, username=username, password=password)
    if user is None:  # the failure is audited by the user_login_failed signal handler
        raise AuthenticationFailed(_("Unable to log in with the provided username and password."))
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
