"""Small helpers for the login and session tests."""
import time

from django.urls import reverse
from django_otp.oath import TOTP

PASSWORD = "Correct-Horse-9"  # UserFactory's password


def totp_code(device, at=None):
    """The code an authenticator app shows for `device` now (or at epoch `at`)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    return f"{totp.token():0{device.digits}d}"


def log_in(client, username, password=PASSWORD, **extra):
    """POST the real login form; `extra` may carry REMOTE_ADDR or HTTP_X_FORWARDED_FOR."""
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def logged_in(client):
    return "_auth_user_id" in client.session


def zh(msgid, **params):
    """`msgid` as the interface (zh-hans) shows it."""
    from django.utils import translation
    from django.utils.translation import gettext

    with translation.override("zh-hans"):
        text = gettext(msgid)
        return text % params if params else text


def in_zh(function, *args, **kwargs):
    """Call `function` (which builds a message) as the zh-hans interface would."""
    from django.utils import translation

    with translation.override("zh-hans"):
        return function(*args, **kwargs)
