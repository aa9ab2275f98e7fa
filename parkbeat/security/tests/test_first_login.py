"""A3: an account the system administrator created or reset must choose its own password at first login."""
from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from parkbeat.org import services as org
from parkbeat.org.models import ApiToken
from parkbeat.security import services
from parkbeat.security.tests.utils import in_zh, log_in, logged_in, zh

NOW = timezone.datetime(2026, 3, 2, 9, 0, tzinfo=timezone.get_fixed_timezone(8 * 60))
SET_BY_ADMIN = "Given-Lantern-Road-5"
OWN = "Pale-Harbour-Lantern-7"


def owed():
    return zh("Your password was set by the system administrator: choose your own password to continue.")


def created_by_admin(world):
    return org.user_create(actor=world.sysadmin, username="clerk1", password=SET_BY_ADMIN, full_name="新文员")


@time_machine.travel(NOW, tick=False)
def test_a_new_account_reaches_only_the_change_password_page_and_the_api_says_why(world, client):
    user = created_by_admin(world)
    assert user.must_change_password

    log_in(client, "clerk1", SET_BY_ADMIN)

    assert logged_in(client)
    assert client.get(reverse("home"))["Location"] == reverse("security:password_change")
    assert client.get("/enterprises/")["Location"] == reverse("security:password_change")
    assert client.get(reverse("security:password_change")).status_code == 200
    api = client.get("/api/v1/parks/")
    assert (api.status_code, api.json()) == (403, {"detail": owed()})


@time_machine.travel(NOW, tick=False)
def test_no_api_token_is_issued_before_the_password_is_changed(world):
    created_by_admin(world)

    response = APIClient().post("/api/v1/auth/token/", {"username": "clerk1", "password": SET_BY_ADMIN}, format="json")

    assert (response.status_code, response.json()) == (403, {"detail": owed()})
    assert not ApiToken.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_choosing_a_password_opens_the_account_and_starts_its_age(world, client, settings):
    user = created_by_admin(world)
    log_in(client, "clerk1", SET_BY_ADMIN)

    client.post(reverse("security:password_change"),
                {"old_password": SET_BY_ADMIN, "new_password1": OWN, "new_password2": OWN})

    user.refresh_from_db()
    assert (user.must_change_password, user.password_changed_at) == (False, NOW)
    assert client.get(reverse("home")).status_code == 200
    token = APIClient().post("/api/v1/auth/token/", {"username": "clerk1", "password": OWN}, format="json")
    assert token.status_code == 200
    # the expiry rule counts from the person's own choice, not from the administrator's
    with time_machine.travel(NOW + timedelta(days=settings.PARKBEAT_PASSWORD_MAX_AGE_DAYS + 1), tick=False):
        assert services.password_change_owed(user) == in_zh(services.password_expired_message)


@time_machine.travel(NOW, tick=False)
def test_a_reset_by_the_administrator_asks_again_and_ends_the_sessions(world, client):
    user = world.officer
    log_in(client, user.username)

    org.user_set_password(actor=world.sysadmin, user=user, password=SET_BY_ADMIN)

    user.refresh_from_db()
    assert user.must_change_password
    assert not logged_in(client) or client.get(reverse("home")).status_code == 302
    log_in(client, user.username, SET_BY_ADMIN)
    assert client.get(reverse("home"))["Location"] == reverse("security:password_change")


@time_machine.travel(NOW, tick=False)
def test_a_person_who_sets_their_own_password_is_not_asked_again(world, client):
    log_in(client, world.officer.username)

    assert not world.officer.must_change_password
    assert client.get(reverse("home")).status_code == 200
