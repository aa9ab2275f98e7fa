"""Login and session rules (SECURITY A3, A5, A6) as plain functions; views, middleware and the token
endpoint only call these.
"""
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from parkbeat.audit.services import record
from parkbeat.core.scoping import access_for
from parkbeat.security.models import UserSession

RECOVERY_CODES = 10
# Session keys: when the password login happened and when the user was last seen (epoch seconds),
# and whether the second factor is still owed ("verify", "enrol" or "").
AUTH_AT, SEEN_AT, SECOND_FACTOR = "pb_auth_at", "pb_seen_at", "pb_2fa"


# ------------------------------------------------------------------ sessions (A6)
def session_started(*, request, user):
    """Called on every login: remember the session under the user, start both clocks and note whether
    the second factor is owed (decided once per session: a role change ends the session anyway)."""
    now = timezone.now()
    request.session[AUTH_AT] = request.session[SEEN_AT] = now.timestamp()
    request.session[SECOND_FACTOR] = second_factor_owed(user)
    key = request.session.session_key
    if key:
        UserSession.objects.filter(user=user, created_at__lt=now - timedelta(seconds=settings.SESSION_COOKIE_AGE)).delete()
        UserSession.objects.update_or_create(session_key=key, defaults={"user": user})


def session_rekeyed(*, old_key, new_key):
    """Django gives a session a new key after a password change; keep the index pointing at it."""
    if old_key and new_key and old_key != new_key:
        UserSession.objects.filter(session_key=old_key).update(session_key=new_key)


def sessions_revoke(*, user, keep_session_key=None):
    """End every session and API token of `user` at once (logout, disable, password or role change).

    `keep_session_key` spares the session making a password change. Works for the db and cache
    session engines alike because each session's key is indexed by user in UserSession.
    """
    store = import_module(settings.SESSION_ENGINE).SessionStore
    rows = UserSession.objects.filter(user=user).exclude(session_key=keep_session_key or "")
    keys = list(rows.values_list("session_key", flat=True))
    for key in keys:
        store(session_key=key).delete()
    rows.delete()
    tokens = user.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    return len(keys), tokens


# ------------------------------------------------------------------ passwords (A3)
def password_expired(user, now=None):
    """True when the password is older than PARKBEAT_PASSWORD_MAX_AGE_DAYS, or its age is unknown (0: never)."""
    days = settings.PARKBEAT_PASSWORD_MAX_AGE_DAYS
    if not days or not getattr(user, "is_authenticated", False):
        return False
    changed = user.password_changed_at
    return changed is None or (now or timezone.now()) - changed > timedelta(days=days)


def password_expired_message():
    return _("Your password is older than %(days)d days and has expired: change it to continue.") % {
        "days": settings.PARKBEAT_PASSWORD_MAX_AGE_DAYS}


def password_change_owed(user, now=None):
    """Why `user` must change the password before anything else (a message), or None.

    First login after the system administrator created the account or reset its password, or an
    expired password (A3). Pages then reach only the change-password page; the API answers 403 with it.
    """
    if not getattr(user, "is_authenticated", False):
        return None
    if getattr(user, "must_change_password", False):
        return _("Your password was set by the system administrator: choose your own password to continue.")
    if password_expired(user, now):
        return password_expired_message()
    return None


def password_change(*, actor, password, keep_session_key=None):
    """A person changes their own password: validated, dated, and every other session and token ended."""
    validate_password(password, actor)
    if actor.check_password(password):
        raise ValidationError({"new_password1": _("The new password must differ from the current one.")})
    with transaction.atomic():
        actor.set_password(password)
        actor.password_changed_at = timezone.now()
        actor.must_change_password = False
        actor.save(update_fields=["password", "password_changed_at", "must_change_password"])
        sessions_revoke(user=actor, keep_session_key=keep_session_key)
        record(actor=actor, verb="update", obj=actor, note=_("Password changed"))
    return actor


# ------------------------------------------------------------------ second factor (A5)
def second_factor_required(user):
    """The roles in PARKBEAT_2FA_ROLES must use a second factor when PARKBEAT_REQUIRE_2FA is on."""
    return bool(settings.PARKBEAT_REQUIRE_2FA and access_for(user).roles & set(settings.PARKBEAT_2FA_ROLES))


def second_factor_owed(user):
    """"verify" (has a confirmed device), "enrol" (must set one up first) or "" (nothing owed)."""
    if user_has_device(user, confirmed=True):
        return "verify"
    return "enrol" if second_factor_required(user) else ""


def totp_device_pending(*, user):
    """The unconfirmed device being set up (made on first visit), so reloading keeps the same QR code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    return device or TOTPDevice.objects.create(user=user, name="TOTP", confirmed=False)


def totp_device_confirm(*, request, user, device, code):
    """The first correct code confirms the device; the old devices go and ten recovery codes are made.

    Returns the recovery codes, shown once and stored only as the one-time tokens themselves.
    """
    if device.user_id != user.pk or device.confirmed or not device.verify_token(_digits(code)):
        raise ValidationError({"code": _("The code is wrong or has expired: enter the code your app shows now.")})
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = recovery_codes_create(user=user)
        record(actor=user, verb="update", obj=user, note=_("Two-factor authentication set up"))
    otp_login(request, device)
    request.session.pop(SECOND_FACTOR, None)
    return codes


def recovery_codes_create(*, user):
    """Ten new one-time recovery codes; any earlier ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _n in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def recovery_codes_renew(*, actor):
    """New recovery codes on request (the old ones may have been seen or used up)."""
    with transaction.atomic():
        codes = recovery_codes_create(user=actor)
        record(actor=actor, verb="update", obj=actor, note=_("New recovery codes"))
    return codes


def _digits(code):
    return "".join(str(code or "").split()).replace("-", "")


def second_factor_check(*, request, user, code):
    """The device that accepts `code` (a 6-digit TOTP code or a recovery code), else None.

    A code is accepted once: TOTP remembers the last time step used, a recovery code is deleted.
    A wrong code counts as a failed login (lockout, audit) like a wrong password.
    """
    code = _digits(code).lower()
    kind = TOTPDevice if len(code) == 6 and code.isdigit() else StaticDevice
    device = None
    for candidate in devices_for_user(user, confirmed=True):
        if isinstance(candidate, kind) and code:
            device = verify_token(user, candidate.persistent_id, code)
            if device is not None:
                break
    if device is None:
        user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=request)
    else:
        with transaction.atomic():
            note = _("Second factor: recovery code") if kind is StaticDevice else _("Second factor: TOTP")
            record(actor=user, verb="login", obj=user, note=note)
    return device


def second_factor_verified(*, request, device):
    """Mark the session as having passed the second factor."""
    otp_login(request, device)
    request.session.pop(SECOND_FACTOR, None)
