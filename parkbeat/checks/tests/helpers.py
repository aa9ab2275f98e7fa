"""Shared makers for the background check tests: a request with a consent file, an answer, a verified handler."""
import io
import secrets

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image
from rest_framework.test import APIClient

from parkbeat.checks import services
from parkbeat.core.authentication import hash_token
from parkbeat.org.models import ApiToken
from parkbeat.security.tests.utils import log_in, totp_code

RID = "11010519491231002X"  # a valid resident ID (GB 11643 check digit)
RID2 = "430211198809120012"
NAME = "王建国"
ADVICE = "可以录用，建议试用期内不单独保管现金。"
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")


def pdf(name="王建国同意书.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def png(name="consent.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def request(w, *, liaison=None, enterprise=None, name=NAME, rid=RID, consent=None, post="仓库保管员",
            post_kind="warehouse"):
    return services.check_request(actor=liaison or w.liaison, enterprise=enterprise or w.enterprise,
                                  candidate_name=name, resident_id=rid, post=post, post_kind=post_kind,
                                  consent=consent or pdf())


def answer(w, check, *, actor=None, outcome="advice", advice=ADVICE):
    return services.check_answer(actor=actor or w.officer, check=check, outcome=outcome, advice=advice,
                                 second_factor=True, expected_version=check.version)


def enrol(user):
    """A confirmed TOTP device, as the set-up page leaves it."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="TOTP", confirmed=True)


def verified_client(client, user, *, code="totp"):
    """`client` logged in through the real forms: password, then a one-time code (as security's tests do): the
    authenticator's code the first time, a fresh recovery code after (a TOTP code is accepted once)."""
    device = enrol(user)
    if code == "totp" and device.last_t < 0:
        code = totp_code(device)
    else:
        static, _made = StaticDevice.objects.get_or_create(user=user, name="Recovery codes", confirmed=True)
        code = StaticToken.random_token()
        static.token_set.create(token=code)
    client.logout()
    log_in(client, user.username)
    response = client.post(reverse("security:otp_verify"), {"code": code, "next": "/"})
    assert (response.status_code, response["Location"], client.session["_auth_user_id"]) == (302, "/", str(user.pk))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def token_client(user):
    """An API client with a real bearer token issued after the user's device was set up."""
    key = secrets.token_urlsafe(32)
    from datetime import timedelta

    from django.utils import timezone

    ApiToken.objects.create(user=user, key_hash=hash_token(key), expires_at=timezone.now() + timedelta(hours=8))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client
