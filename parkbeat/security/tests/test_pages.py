"""Permissions of the security pages: anonymous callers go to the login page; everyone else sees only
their own settings (the pages act on request.user and take no object id).
"""
import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

COVERS = {"security:home", "security:password_change", "security:totp_setup", "security:otp_verify",
          "security:recovery_codes"}
PAGES = ["security:home", "security:password_change", "security:totp_setup", "security:otp_verify"]


@pytest.mark.parametrize("name", sorted(COVERS))
def test_anonymous_callers_are_sent_to_log_in(db, client, name):
    for method in ("get", "post"):
        response = getattr(client, method)(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))
    assert not TOTPDevice.objects.exists()


@pytest.mark.parametrize("role", ["leader", "officer", "liaison", "volunteer", "sysadmin", "auditor", "nobody"])
def test_every_role_reaches_its_own_security_pages(world, client, role):
    client.force_login(getattr(world, role))

    answers = {name: client.get(reverse(name)).status_code for name in PAGES}

    # No device yet: the verify page sends the person on to set one up.
    assert answers == {"security:home": 200, "security:password_change": 200, "security:totp_setup": 200,
                       "security:otp_verify": 302}


def test_new_recovery_codes_need_a_session_that_passed_the_second_factor(world, client):
    device = TOTPDevice.objects.create(user=world.officer, name="TOTP", confirmed=True)
    client.force_login(world.officer)

    response = client.post(reverse("security:recovery_codes"))

    assert response.status_code == 302 and response["Location"].startswith(reverse("security:otp_verify"))
    assert not StaticToken.objects.exists()
    assert TOTPDevice.objects.get() == device


def test_the_setup_page_does_not_replace_a_device_before_the_second_factor(world, client):
    TOTPDevice.objects.create(user=world.officer, name="TOTP", confirmed=True)
    client.force_login(world.officer)

    response = client.get(reverse("security:totp_setup"))

    assert response.status_code == 302 and response["Location"].startswith(reverse("security:otp_verify"))
    assert TOTPDevice.objects.filter(user=world.officer).count() == 1


def test_the_next_parameter_cannot_leave_the_site(world, client):
    from parkbeat.security.tests.utils import totp_code

    device = TOTPDevice.objects.create(user=world.officer, name="TOTP", confirmed=True)
    client.force_login(world.officer)

    response = client.post(reverse("security:otp_verify"), {"code": totp_code(device), "next": "https://evil.example/"})

    assert response["Location"] == reverse("home")
