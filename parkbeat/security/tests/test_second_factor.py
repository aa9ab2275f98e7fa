"""A5: TOTP second factor for the listed roles; no path (pages, session API, token) skips it."""
import os
import re
import subprocess
import sys
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from parkbeat.audit.models import AuditEvent
from parkbeat.org.models import ApiToken
from parkbeat.security.tests.utils import PASSWORD, log_in, totp_code, zh

NOW = timezone.datetime(2026, 3, 2, 9, 0, tzinfo=timezone.get_fixed_timezone(8 * 60))
TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def _required(settings):
    settings.PARKBEAT_REQUIRE_2FA = True


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def enrol(user):
    """A confirmed device as the set-up page leaves it, with recovery codes."""
    device = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=True)
    static = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    StaticToken.objects.create(device=static, token="abcd2345")
    return device


def codes_on(response):
    return re.findall(r"<li>([a-z2-7]{8})</li>", response.content.decode())


def test_a_leader_without_a_device_must_enrol_before_anything_else(world, client, frozen):
    log_in(client, "t_leader")

    page = client.get("/enterprises/")
    api = client.get("/api/v1/parks/")

    assert page.status_code == 302 and page["Location"].startswith(reverse("security:totp_setup"))
    assert api.status_code == 403 and api.json()["detail"]
    assert client.get(reverse("security:totp_setup")).status_code == 200


def test_enrolment_shows_an_inline_qr_code_and_ten_recovery_codes_once(world, client, frozen):
    log_in(client, "t_leader")
    setup = client.get(reverse("security:totp_setup"))
    device = TOTPDevice.objects.get(user=world.leader, confirmed=False)

    response = client.post(reverse("security:totp_setup"), {"code": totp_code(device)})

    html = setup.content.decode()
    assert "<svg" in html and "data:" not in html and "<img" not in html
    assert response.status_code == 200
    codes = codes_on(response)
    assert len(codes) == 10 == StaticToken.objects.filter(device__user=world.leader).count()
    assert TOTPDevice.objects.get(user=world.leader).confirmed
    assert client.get("/enterprises/").status_code == 200  # this session passed the second factor
    assert "<li>" + codes[0] not in client.get(reverse("security:home")).content.decode()  # never shown again


def test_a_wrong_enrolment_code_confirms_nothing(world, client, frozen):
    log_in(client, "t_leader")
    client.get(reverse("security:totp_setup"))

    response = client.post(reverse("security:totp_setup"), {"code": "000000"})

    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(confirmed=True).exists() and not StaticToken.objects.exists()
    assert client.get("/enterprises/").status_code == 302


def test_an_enrolled_user_is_asked_for_the_code_after_the_password(world, client, frozen):

    device = enrol(world.leader)
    log_in(client, "t_leader")

    blocked = client.get("/enterprises/")
    api = client.get("/api/v1/parks/")
    wrong = client.post(reverse("security:otp_verify"), {"code": "000000", "next": "/enterprises/"})
    frozen.shift(timedelta(seconds=5))  # past django-otp's one-second throttle after a wrong code
    right = client.post(reverse("security:otp_verify"), {"code": totp_code(device), "next": "/enterprises/"})

    assert blocked.status_code == 302 and blocked["Location"].startswith(reverse("security:otp_verify"))
    assert api.status_code == 403
    assert wrong.status_code == 200 and zh("The code is wrong or has already been used.") in wrong.content.decode()
    assert AuditEvent.objects.filter(verb="login_failed", object_repr="t_leader").count() == 1
    assert (right.status_code, right["Location"]) == (302, "/enterprises/")
    assert client.get("/enterprises/").status_code == 200
    assert client.get("/api/v1/parks/").status_code == 200


def test_a_replayed_code_is_refused(world, client, frozen):

    device = enrol(world.leader)
    code = totp_code(device)
    log_in(client, "t_leader")
    client.post(reverse("security:otp_verify"), {"code": code})
    second = Client()
    log_in(second, "t_leader")

    response = second.post(reverse("security:otp_verify"), {"code": code})

    assert response.status_code == 200
    assert second.get("/enterprises/").status_code == 302


def test_a_recovery_code_works_once(world, client, frozen):
    enrol(world.leader)
    log_in(client, "t_leader")
    first = client.post(reverse("security:otp_verify"), {"code": "ABCD 2345"})
    again = Client()
    log_in(again, "t_leader")

    second = again.post(reverse("security:otp_verify"), {"code": "abcd2345"})

    assert first.status_code == 302 and client.get("/enterprises/").status_code == 200
    assert second.status_code == 200 and again.get("/enterprises/").status_code == 302
    assert not StaticToken.objects.exists()


def test_five_wrong_codes_lock_the_account(world, client, frozen):

    device = enrol(world.leader)
    log_in(client, "t_leader")
    for _n in range(5):
        frozen.shift(timedelta(seconds=40))
        client.post(reverse("security:otp_verify"), {"code": "000000"})
    frozen.shift(timedelta(seconds=40))

    response = client.post(reverse("security:otp_verify"), {"code": totp_code(device)})

    assert response.status_code == 429
    assert client.get("/enterprises/").status_code == 302


def test_roles_outside_the_list_log_in_with_a_password(world, client, frozen):
    log_in(client, "t_officer")

    assert client.get("/enterprises/").status_code == 200


@pytest.mark.parametrize("name", ["leader", "sysadmin", "secadmin", "auditor"])
def test_every_listed_role_must_enrol(world, client, frozen, name):
    log_in(client, getattr(world, name).username)

    assert client.get(reverse("home"))["Location"].startswith(reverse("security:totp_setup"))


def test_with_the_setting_off_a_listed_role_logs_in_with_a_password(world, client, settings, frozen):
    settings.PARKBEAT_REQUIRE_2FA = False
    log_in(client, "t_leader")

    assert client.get(reverse("home")).status_code == 200


# ---------------------------------------------------------------- token endpoint
def test_the_token_endpoint_needs_the_code(world, frozen):

    device = enrol(world.leader)
    api = APIClient()
    body = {"username": "t_leader", "password": PASSWORD}

    missing = api.post(TOKEN_URL, body, format="json")
    wrong = api.post(TOKEN_URL, {**body, "otp": "000000"}, format="json")
    frozen.shift(timedelta(seconds=5))
    code = totp_code(device)
    right = api.post(TOKEN_URL, {**body, "otp": code}, format="json")
    replayed = api.post(TOKEN_URL, {**body, "otp": code}, format="json")

    assert (missing.status_code, missing.json()["detail"]) == (
        401, zh("This account needs a one-time code: send it in the otp field."))
    assert (wrong.status_code, wrong.json()["detail"]) == (
        401, zh("The one-time code is wrong or has already been used."))
    assert right.status_code == 200 and right.json()["token"]
    assert replayed.status_code == 401
    assert ApiToken.objects.filter(user=world.leader).count() == 1


def test_the_token_endpoint_refuses_a_listed_role_without_a_device(world):
    response = APIClient().post(TOKEN_URL, {"username": "t_leader", "password": PASSWORD}, format="json")

    assert response.status_code == 401
    assert ApiToken.objects.count() == 0


def test_the_token_endpoint_takes_a_password_alone_from_other_roles(world):
    response = APIClient().post(TOKEN_URL, {"username": "t_officer", "password": PASSWORD}, format="json")

    assert response.status_code == 200


# ---------------------------------------------------------------- settings
@pytest.mark.parametrize("env,expected", [
    ({}, "True"),
    ({"PARKBEAT_DEMO": "1"}, "False"),
    ({"PARKBEAT_DEMO": "1", "PARKBEAT_REQUIRE_2FA": "1"}, "True"),
    ({"PARKBEAT_REQUIRE_2FA": "0"}, "False"),
])
def test_the_second_factor_is_on_by_default_and_off_in_demo_mode(tmp_path, env, expected):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PARKBEAT_")}
    out = subprocess.run(
        [sys.executable, "-c", "from parkbeat import settings; print(settings.PARKBEAT_REQUIRE_2FA)"],
        env={**clean, "PARKBEAT_VAR_DIR": str(tmp_path), **env}, capture_output=True, text=True, check=True)

    assert out.stdout.strip() == expected


def test_new_recovery_codes_replace_the_old_ones(world, client, frozen):
    enrol(world.leader)
    log_in(client, "t_leader")
    client.post(reverse("security:otp_verify"), {"code": "abcd2345"})
    StaticToken.objects.create(device=StaticDevice.objects.get(user=world.leader), token="zzzz2222")

    response = client.post(reverse("security:recovery_codes"))

    codes = codes_on(response)
    assert len(codes) == 10
    assert sorted(StaticToken.objects.values_list("token", flat=True)) == sorted(codes)
