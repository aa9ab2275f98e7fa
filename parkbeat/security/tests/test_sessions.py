"""A6: idle and absolute timeouts; logout, disable, password change and role change end every session
and API token of that person at once (db and cache session engines alike).
"""
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from parkbeat.org import services as org
from parkbeat.org.models import ApiToken, Role
from parkbeat.security.models import UserSession
from parkbeat.security.tests.utils import PASSWORD, log_in, logged_in

NOW = timezone.datetime(2026, 3, 2, 9, 0, tzinfo=timezone.get_fixed_timezone(8 * 60))
ENGINES = ["django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cache"]


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_fourteen_idle_minutes_keep_the_session_sixteen_end_it(world, client, clock):
    log_in(client, "t_officer")

    clock.shift(timedelta(minutes=14))
    kept = client.get(reverse("home"))
    clock.shift(timedelta(minutes=16))
    ended = client.get(reverse("home"))

    assert kept.status_code == 200
    assert ended.status_code == 302 and ended["Location"].startswith(reverse("login"))
    assert not logged_in(client)


def test_the_idle_timeout_is_a_setting(world, client, clock, settings):
    settings.PARKBEAT_SESSION_IDLE_MINUTES = 5
    log_in(client, "t_officer")

    clock.shift(timedelta(minutes=6))

    assert client.get(reverse("home")).status_code == 302


def test_an_active_session_still_ends_after_eight_hours(world, client, clock):
    log_in(client, "t_officer")
    for _n in range(47):  # every 10 minutes for 7 h 50 min
        clock.shift(timedelta(minutes=10))
        assert client.get(reverse("home")).status_code == 200

    clock.shift(timedelta(minutes=11))  # 8 h 01 min after the login

    assert client.get(reverse("home")).status_code == 302
    assert not logged_in(client)


def test_a_timed_out_session_api_call_gets_no_data(world, client, clock):
    log_in(client, "t_officer")
    clock.shift(timedelta(minutes=16))

    response = client.get("/api/v1/parks/")

    assert response.status_code in (401, 403)
    assert "results" not in response.json()


def _two_sessions_and_a_token(user):
    first, second = Client(), Client()
    log_in(first, user.username)
    log_in(second, user.username)
    key = APIClient().post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD}, format="json").json()["token"]
    return first, second, key


def _ended(clients, key):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return ([c.get(reverse("home")).status_code for c in clients], api.get("/api/v1/parks/").status_code)


@pytest.mark.parametrize("engine", ENGINES)
def test_logging_out_ends_every_session_and_token(world, settings, engine):
    settings.SESSION_ENGINE = engine
    first, second, key = _two_sessions_and_a_token(world.officer)
    bystander = Client()
    log_in(bystander, "t_officer2")

    first.post(reverse("logout"))

    assert _ended([first, second], key) == ([302, 302], 401)
    assert bystander.get(reverse("home")).status_code == 200
    assert not UserSession.objects.filter(user=world.officer).exists()


@pytest.mark.parametrize("engine", ENGINES)
def test_disabling_a_user_ends_every_session_and_token(world, settings, engine):
    settings.SESSION_ENGINE = engine
    first, second, key = _two_sessions_and_a_token(world.officer)

    org.user_set_active(actor=world.sysadmin, user=world.officer, active=False)

    assert _ended([first, second], key) == ([302, 302], 401)


def test_an_administrators_password_reset_ends_every_session_and_token(world):
    first, second, key = _two_sessions_and_a_token(world.officer)

    org.user_set_password(actor=world.sysadmin, user=world.officer, password="Pale-Harbour-Lantern-7")

    assert _ended([first, second], key) == ([302, 302], 401)
    assert ApiToken.objects.get(user=world.officer).revoked_at is not None


def test_a_role_given_ends_every_session_and_token(world):
    first, second, key = _two_sessions_and_a_token(world.officer)

    org.role_assign(actor=world.secadmin, user=world.officer, role=Role.PARK_OFFICER, park=world.park2)

    assert _ended([first, second], key) == ([302, 302], 401)


def test_a_role_taken_away_ends_every_session_and_token(world):
    first, second, key = _two_sessions_and_a_token(world.officer)

    org.role_revoke(actor=world.secadmin, assignment=world.officer.role_assignments.get())

    assert _ended([first, second], key) == ([302, 302], 401)


def test_another_persons_sessions_are_untouched(world):
    mine, _second, key = _two_sessions_and_a_token(world.officer2)

    org.role_revoke(actor=world.secadmin, assignment=world.officer.role_assignments.get())

    assert _ended([mine], key) == ([200], 200)
