"""A1–A3: accounts, password rules and password expiry."""
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from parkbeat.audit.models import AuditEvent
from parkbeat.testing import UserFactory
from parkbeat.org.models import ApiToken, User
from parkbeat.security import services
from parkbeat.security.tests.utils import PASSWORD, in_zh, log_in, logged_in, zh

NOW = timezone.datetime(2026, 3, 2, 9, 0, tzinfo=timezone.get_fixed_timezone(8 * 60))


# ---------------------------------------------------------------- A1
def test_a_fresh_migrate_creates_no_account(db):
    assert User.objects.count() == 0


def test_demo_accounts_are_refused_outside_demo_mode(db, settings):
    settings.DEMO_MODE = False

    with pytest.raises(CommandError, match="PARKBEAT_DEMO=1"):
        call_command("seed_demo")

    assert User.objects.count() == 0


def test_usernames_are_unique_whatever_the_case(db):
    UserFactory(username="zhang_wei")

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="Zhang_Wei")

    assert list(User.objects.values_list("username", flat=True)) == ["zhang_wei"]


def test_the_username_logs_in_whatever_the_case(db, client):
    user = UserFactory(username="zhang_wei")

    log_in(client, "ZHANG_WEI")

    assert client.session["_auth_user_id"] == str(user.pk)


# ---------------------------------------------------------------- A2
PERSON = {"username": "zhangwei", "mobile": "13812345678", "email": "wei.zhang@example.cn"}
PASSWORDS = [
    # password, accepted, the refusal's code
    ("Pale-Harbour-42", True, None),  # 4 classes
    ("paleharbour42!", True, None),  # 3 classes: lower, digit, sign
    ("PaleHarbour42", True, None),  # 3 classes: upper, lower, digit
    ("Ab3-efgh", False, "password_too_short"),  # 4 classes but 8 characters
    ("paleharbourlantern", False, "password_too_simple"),  # 18 lower-case letters: one class
    ("paleharbour42", False, "password_too_simple"),  # two classes
    ("pale harbour lantern river", True, None),  # passphrase of 26: classes not needed
    ("苍白港口的灯笼照亮了夜晚河流上的小船", False, "password_too_simple"),  # 18 signs: one class
    ("苍白港口的灯笼照亮了夜晚河流上的小船和桥梁", True, None),  # passphrase of 21 characters
    ("Password123", False, "password_too_common"),  # 3 classes, but on the common list
    ("12345678901234567890123", False, "password_entirely_numeric"),
    ("Zhangwei-2026", False, "password_contains_personal_info"),  # username, other case
    ("Tel-13812345678", False, "password_contains_personal_info"),  # mobile
    ("Wei.Zhang-Harbour9", False, "password_contains_personal_info"),  # e-mail name
    ("Harbour-Lantern-13812345678-zhangwei", False, "password_contains_personal_info"),  # passphrase too
]


@pytest.mark.parametrize("password,accepted,code", PASSWORDS, ids=[p[0] for p in PASSWORDS])
def test_password_rules(password, accepted, code):
    user = User(**PERSON)

    if accepted:
        validate_password(password, user)
    else:
        with pytest.raises(ValidationError) as exc_info:
            validate_password(password, user)
        assert code in [error.code for error in exc_info.value.error_list]


def test_the_minimum_length_is_a_setting(settings):
    settings.AUTH_PASSWORD_VALIDATORS = [
        {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 14}}]
    from django.contrib.auth.password_validation import get_default_password_validators
    get_default_password_validators.cache_clear()
    try:
        with pytest.raises(ValidationError):
            validate_password("Pale-Harbour1")
    finally:
        get_default_password_validators.cache_clear()


# ---------------------------------------------------------------- A3
def _expired_user(days=91):
    return UserFactory(username="t_old", password_changed_at=NOW - timedelta(days=days))


@time_machine.travel(NOW, tick=False)
def test_an_expired_password_reaches_only_the_change_page(db, client):
    user = _expired_user()
    log_in(client, "t_old")

    home = client.get(reverse("home"))
    page = client.get(reverse("security:password_change"))

    assert logged_in(client)
    assert (home.status_code, home["Location"]) == (302, reverse("security:password_change"))
    assert page.status_code == 200
    assert client.get("/enterprises/").status_code == 302
    assert client.get("/api/v1/parks/").json() == {"detail": in_zh(services.password_expired_message)}
    assert client.get("/api/v1/parks/").status_code == 403
    user.refresh_from_db()
    assert user.password_changed_at == NOW - timedelta(days=91)


@time_machine.travel(NOW, tick=False)
def test_a_password_of_89_days_is_still_good(db, client):
    _expired_user(days=89)
    log_in(client, "t_old")

    assert client.get(reverse("home")).status_code == 200


@time_machine.travel(NOW, tick=False)
def test_an_unknown_password_age_counts_as_expired(db, client):
    UserFactory(username="t_old", password_changed_at=None)
    log_in(client, "t_old")

    assert client.get(reverse("home"))["Location"] == reverse("security:password_change")


@time_machine.travel(NOW, tick=False)
def test_max_age_zero_means_passwords_never_expire(db, client, settings):
    settings.PARKBEAT_PASSWORD_MAX_AGE_DAYS = 0
    _expired_user(days=3650)
    log_in(client, "t_old")

    assert client.get(reverse("home")).status_code == 200


@time_machine.travel(NOW, tick=False)
def test_the_api_answers_403_with_the_reason_for_an_expired_password(db):
    user = UserFactory(username="t_old", password_changed_at=NOW - timedelta(days=90, hours=-1))
    api = APIClient()
    token = api.post("/api/v1/auth/token/", {"username": "t_old", "password": PASSWORD}, format="json").json()["token"]

    with time_machine.travel(NOW + timedelta(hours=2), tick=False):  # the token is still valid
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        response = api.get("/api/v1/parks/")
        refused = APIClient().post("/api/v1/auth/token/", {"username": "t_old", "password": PASSWORD}, format="json")

    assert (response.status_code, response.json()) == (403, {"detail": in_zh(services.password_expired_message)})
    assert refused.status_code == 403
    assert ApiToken.objects.filter(user=user).count() == 1


@time_machine.travel(NOW, tick=False)
def test_changing_the_password_dates_it_and_ends_the_other_sessions_and_tokens(db, client):
    from django.test import Client

    user = _expired_user()
    other = Client()
    log_in(other, "t_old")
    ApiToken.objects.create(user=user, key_hash="x" * 64, expires_at=NOW + timedelta(hours=1))
    log_in(client, "t_old")

    response = client.post(reverse("security:password_change"), {
        "old_password": PASSWORD, "new_password1": "Pale-Harbour-Lantern-7", "new_password2": "Pale-Harbour-Lantern-7"})

    user.refresh_from_db()
    assert response.status_code == 302
    assert user.check_password("Pale-Harbour-Lantern-7") and user.password_changed_at == NOW
    assert client.get(reverse("home")).status_code == 200  # this session goes on
    assert other.get(reverse("home")).status_code == 302 and not logged_in(other)
    assert ApiToken.objects.get(user=user).revoked_at == NOW
    assert AuditEvent.objects.filter(verb="update", object_id=str(user.pk), note=zh("Password changed")).count() == 1


@time_machine.travel(NOW, tick=False)
def test_a_wrong_current_password_changes_nothing(db, client):
    user = _expired_user()
    log_in(client, "t_old")
    before = user.password

    response = client.post(reverse("security:password_change"), {
        "old_password": "Wrong-Horse-9", "new_password1": "Pale-Harbour-Lantern-7",
        "new_password2": "Pale-Harbour-Lantern-7"})

    user.refresh_from_db()
    assert response.status_code == 200
    assert zh("The current password is wrong.") in response.content.decode()
    assert (user.password, user.password_changed_at) == (before, NOW - timedelta(days=91))


@time_machine.travel(NOW, tick=False)
def test_a_weak_new_password_is_refused_and_nothing_changes(db, client):
    user = _expired_user()
    log_in(client, "t_old")
    before = user.password

    response = client.post(reverse("security:password_change"), {
        "old_password": PASSWORD, "new_password1": "t_old-password", "new_password2": "t_old-password"})

    user.refresh_from_db()
    assert response.status_code == 200
    assert zh("The password must not contain %(what)s.", what=zh("your username")) in response.content.decode()
    assert user.password == before
