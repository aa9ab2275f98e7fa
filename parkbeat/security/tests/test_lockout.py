"""A4: five failures lock the username and, separately, the client address; forged headers change nothing."""
from datetime import timedelta

import pytest
import time_machine
from django.test import Client, RequestFactory
from django.utils import timezone
from rest_framework.test import APIClient

from parkbeat.audit.models import AuditEvent
from parkbeat.testing import UserFactory
from parkbeat.org.models import ApiToken
from parkbeat.core.middleware import client_ip
from parkbeat.security.lockout import lockout_message
from parkbeat.security.tests.utils import PASSWORD, in_zh, log_in, logged_in

NOW = timezone.datetime(2026, 3, 2, 9, 0, tzinfo=timezone.get_fixed_timezone(8 * 60))
WRONG = "Wrong-Horse-9"


def fail(client, username, times, **extra):
    for _n in range(times):
        log_in(client, username, WRONG, **extra)


@pytest.fixture
def zhang(db):
    return UserFactory(username="zhang_wei")


def test_five_wrong_passwords_lock_out_even_the_right_one(zhang, client):
    fail(client, "zhang_wei", 5)

    response = log_in(client, "zhang_wei", PASSWORD)

    assert response.status_code == 429
    assert in_zh(lockout_message) in response.content.decode()
    assert not logged_in(client)
    assert AuditEvent.objects.filter(verb="login_failed", object_repr="zhang_wei", note__startswith="locked").exists()


def test_four_wrong_passwords_do_not_lock(zhang, client):
    fail(client, "zhang_wei", 4)

    log_in(client, "zhang_wei", PASSWORD)

    assert logged_in(client)


def test_a_forged_forwarded_for_rotating_per_request_does_not_dodge_the_address_lock(db, client):
    """Five different usernames from one address, each with a new X-Forwarded-For: the address is locked."""
    UserFactory(username="li_na")
    for n in range(5):
        log_in(client, f"guess{n}", WRONG, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")

    response = log_in(client, "li_na", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7")

    assert response.status_code == 429 and not logged_in(client)


def test_a_locked_username_does_not_lock_another_person_at_another_address(zhang, db):
    UserFactory(username="li_na")
    attacker, colleague, owner = Client(), Client(), Client()
    fail(attacker, "zhang_wei", 5, REMOTE_ADDR="10.0.0.1")

    log_in(colleague, "li_na", PASSWORD, REMOTE_ADDR="10.0.0.2")
    refused = log_in(owner, "zhang_wei", PASSWORD, REMOTE_ADDR="10.0.0.3")

    assert logged_in(colleague)
    assert refused.status_code == 429 and not logged_in(owner)  # the username is locked wherever it comes from


def test_the_username_lock_ignores_letter_case(zhang, client):
    for name in ("zhang_wei", "ZHANG_WEI", "Zhang_Wei", "zhang_WEI", "ZHANG_wei"):
        log_in(Client(), name, WRONG, REMOTE_ADDR=f"10.0.1.{len(name) + ord(name[0])}")

    response = log_in(client, "zhang_wei", PASSWORD, REMOTE_ADDR="10.0.2.1")

    assert response.status_code == 429


def test_the_lock_ends_after_30_minutes(zhang, client):
    with time_machine.travel(NOW, tick=False):
        fail(client, "zhang_wei", 5)
    with time_machine.travel(NOW + timedelta(minutes=29), tick=False):
        assert log_in(Client(), "zhang_wei", PASSWORD).status_code == 429
    with time_machine.travel(NOW + timedelta(minutes=29 + 31), tick=False):
        log_in(client, "zhang_wei", PASSWORD)
        assert logged_in(client)


def test_the_token_endpoint_is_locked_too(zhang):
    api = APIClient()
    for _n in range(5):
        api.post("/api/v1/auth/token/", {"username": "zhang_wei", "password": WRONG}, format="json")

    response = api.post("/api/v1/auth/token/", {"username": "zhang_wei", "password": PASSWORD}, format="json")

    assert (response.status_code, response.json()) == (429, {"detail": in_zh(lockout_message)})
    assert ApiToken.objects.count() == 0


def test_the_page_login_and_the_token_endpoint_share_one_count(zhang, client):
    fail(client, "zhang_wei", 3)
    for _n in range(2):
        APIClient().post("/api/v1/auth/token/", {"username": "zhang_wei", "password": WRONG}, format="json")

    assert log_in(Client(), "zhang_wei", PASSWORD).status_code == 429


@pytest.mark.parametrize("proxies,forwarded,expected", [
    (0, "203.0.113.9", "10.0.0.1"),  # no trusted proxy: the header is ignored
    (1, "203.0.113.9", "203.0.113.9"),  # one proxy: what it appended
    (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # a client-forged entry on the left is ignored
    (2, "6.6.6.6, 203.0.113.9, 172.16.0.5", "203.0.113.9"),
    (2, "203.0.113.9", "10.0.0.1"),  # fewer entries than proxies: not trusted
])
def test_the_client_address_comes_only_through_the_trusted_proxy_count(settings, proxies, forwarded, expected):
    settings.PARKBEAT_TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().post("/login/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    assert client_ip(request) == expected


def test_behind_one_proxy_the_forged_left_part_does_not_dodge_the_lock(db, settings, client):
    settings.PARKBEAT_TRUSTED_PROXY_COUNT = 1
    UserFactory(username="li_na")
    for n in range(5):  # the proxy appends the real address 203.0.113.9; the client forges the rest
        log_in(client, f"guess{n}", WRONG, REMOTE_ADDR="172.16.0.5", HTTP_X_FORWARDED_FOR=f"6.6.6.{n}, 203.0.113.9")

    refused = log_in(client, "li_na", PASSWORD, REMOTE_ADDR="172.16.0.5", HTTP_X_FORWARDED_FOR="203.0.113.9")
    other = Client()
    log_in(other, "li_na", PASSWORD, REMOTE_ADDR="172.16.0.5", HTTP_X_FORWARDED_FOR="203.0.113.10")

    assert refused.status_code == 429 and not logged_in(client)
    assert logged_in(other)  # another client behind the same proxy is not locked with it
