"""The three channels behind one interface, against Django's locmem mail and a real local HTTP endpoint;
the settings that configure them are checked at import."""
import os
import subprocess
import sys

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from parkbeat.notifications.channels import (ChannelError, EmailChannel, SmsChannel, WebhookChannel,
                                             enabled_channels)
from parkbeat.notifications.services import notify
from parkbeat.settings import notify_channels

MOBILE = "13900000001"
GENERIC = "ParkBeat: you have a new notification (Other)"
LINK = "https://parkbeat.example/incidents/7/"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def note(world):
    world.officer.email, world.officer.mobile = "officer@example.cn", MOBILE
    world.officer.save()
    [n] = notify(recipients=[world.officer], kind="other", title="新警情", body="新马机械门口聚集", url="/incidents/7/")
    return n


# ------------------------------------------------------------------ settings
ADDRESSES = {"email": ("EMAIL_HOST", ""), "sms": ("PARKBEAT_SMS_URL", "http://gw/sms"),
             "webhook": ("PARKBEAT_WEBHOOK_URL", "")}


def test_channel_list_is_read_and_checked():
    assert notify_channels("", addresses=ADDRESSES) == []
    assert notify_channels(" SMS , sms", addresses=ADDRESSES) == ["sms"]
    with pytest.raises(ImproperlyConfigured, match="unknown channel\\(s\\) fax"):
        notify_channels("sms,fax", addresses=ADDRESSES)
    with pytest.raises(ImproperlyConfigured, match="set EMAIL_HOST, PARKBEAT_WEBHOOK_URL"):
        notify_channels("email,sms,webhook", addresses=ADDRESSES)


def _import_settings(tmp_path, **env):
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("PARKBEAT_", "EMAIL_"))}
    environ.update(PARKBEAT_VAR_DIR=str(tmp_path), **env)
    return subprocess.run([sys.executable, "-c", "import parkbeat.settings as s; print(s.PARKBEAT_NOTIFY_CHANNELS)"],
                          env=environ, capture_output=True, text=True, timeout=60)


def test_a_channel_without_its_url_stops_the_settings_import(tmp_path):
    refused = _import_settings(tmp_path, PARKBEAT_NOTIFY_CHANNELS="webhook")
    bad_url = _import_settings(tmp_path, PARKBEAT_NOTIFY_CHANNELS="sms", PARKBEAT_SMS_URL="ftp://gw.example/send?key=s3cret")
    fine = _import_settings(tmp_path, PARKBEAT_NOTIFY_CHANNELS="sms,webhook", PARKBEAT_SMS_URL="https://gw.example/sms",
                            PARKBEAT_WEBHOOK_URL="https://qyapi.example/webhook/send?key=abc")

    assert refused.returncode != 0 and "set PARKBEAT_WEBHOOK_URL" in refused.stderr
    assert bad_url.returncode != 0 and "PARKBEAT_SMS_URL must be an http:// or https:// URL" in bad_url.stderr
    assert "s3cret" not in bad_url.stderr  # a key in the URL is never echoed
    assert (fine.returncode, fine.stdout.strip()) == (0, "['sms', 'webhook']")


def _import_setting(tmp_path, name, **env):
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("PARKBEAT_", "EMAIL_"))}
    environ.update(PARKBEAT_VAR_DIR=str(tmp_path), **env)
    return subprocess.run([sys.executable, "-c", f"import parkbeat.settings as s; print(s.{name})"],
                          env=environ, capture_output=True, text=True, timeout=60)


def test_full_text_is_off_and_max_attempts_is_48_by_default_and_both_are_checked(tmp_path):
    assert _import_setting(tmp_path, "PARKBEAT_NOTIFY_FULL_TEXT").stdout.strip() == "False"
    assert _import_setting(tmp_path, "PARKBEAT_NOTIFY_FULL_TEXT",
                           PARKBEAT_NOTIFY_FULL_TEXT="true").stdout.strip() == "True"
    assert _import_setting(tmp_path, "PARKBEAT_NOTIFY_MAX_ATTEMPTS").stdout.strip() == "48"
    assert _import_setting(tmp_path, "PARKBEAT_NOTIFY_MAX_ATTEMPTS",
                           PARKBEAT_NOTIFY_MAX_ATTEMPTS="3").stdout.strip() == "3"
    zero = _import_setting(tmp_path, "PARKBEAT_NOTIFY_MAX_ATTEMPTS", PARKBEAT_NOTIFY_MAX_ATTEMPTS="0")
    assert zero.returncode != 0 and "PARKBEAT_NOTIFY_MAX_ATTEMPTS must be at least 1" in zero.stderr


def test_enabled_channels_follow_settings(settings):
    settings.PARKBEAT_NOTIFY_CHANNELS = []
    assert enabled_channels() == []
    settings.PARKBEAT_NOTIFY_CHANNELS = ["webhook", "email"]
    assert [c.name for c in enabled_channels()] == ["webhook", "email"]


# ------------------------------------------------------------------ reach
def test_each_channel_reaches_users_with_its_address(world):
    world.officer.email, world.leader.mobile = "o@example.cn", MOBILE

    assert [EmailChannel().reaches(world.officer), EmailChannel().reaches(world.leader)] == [True, False]
    assert [SmsChannel().reaches(world.officer), SmsChannel().reaches(world.leader)] == [False, True]
    assert [WebhookChannel().reaches(world.officer), WebhookChannel().reaches(world.leader)] == [False, True]


# ------------------------------------------------------------------ e-mail
def test_email_channel_sends_through_django_mail(world, note, settings):
    settings.PARKBEAT_SITE_URL = "https://parkbeat.example"

    EmailChannel().send(note, world.officer)

    [message] = mail.outbox
    assert (message.subject, message.to, message.from_email) == ("新警情", ["officer@example.cn"],
                                                                 settings.DEFAULT_FROM_EMAIL)
    # the title may go out, the body (names, amounts, places) stays in the inbox
    assert message.body == f"{GENERIC}\n{LINK}"
    assert "新马机械门口聚集" not in message.message().as_string()


def test_email_carries_the_body_only_when_full_text_is_allowed(world, note, settings):
    settings.PARKBEAT_NOTIFY_FULL_TEXT = True
    settings.PARKBEAT_SITE_URL = "https://parkbeat.example"

    EmailChannel().send(note, world.officer)

    assert mail.outbox[0].body == f"新警情\n新马机械门口聚集\n{LINK}"


def test_email_failure_is_a_channel_error_without_the_address(world, note, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1

    with pytest.raises(ChannelError) as failure:
        EmailChannel().send(note, world.officer)

    assert str(failure.value) == "mail failed (ConnectionRefusedError)"


# ------------------------------------------------------------------ SMS gateway
def test_sms_channel_posts_mobile_and_content_with_the_bearer_token(world, note, gateway, settings):
    settings.PARKBEAT_SMS_URL, settings.PARKBEAT_SMS_TOKEN = gateway.up().url, "tok-123"

    SmsChannel().send(note, world.officer)

    [(path, headers, body)] = gateway.requests
    assert (path, headers["Authorization"], headers["Content-Type"]) == (
        "/send", "Bearer tok-123", "application/json; charset=utf-8")
    assert body == {"mobile": MOBILE, "content": GENERIC}


def test_sms_carries_the_full_text_only_when_allowed(world, note, gateway, settings):
    settings.PARKBEAT_SMS_URL, settings.PARKBEAT_NOTIFY_FULL_TEXT = gateway.up().url, True
    settings.PARKBEAT_SITE_URL = "https://parkbeat.example"

    SmsChannel().send(note, world.officer)

    assert gateway.requests[0][2]["content"] == f"新警情\n新马机械门口聚集\n{LINK}"


def test_sms_without_a_token_sends_no_authorization(world, note, gateway, settings):
    settings.PARKBEAT_SMS_URL, settings.PARKBEAT_SMS_TOKEN = gateway.up().url, ""

    SmsChannel().send(note, world.officer)

    assert "Authorization" not in gateway.requests[0][1]


def test_sms_content_is_cut_to_the_gateway_limit(world, gateway, settings):
    settings.PARKBEAT_SMS_URL, settings.PARKBEAT_NOTIFY_FULL_TEXT = gateway.up().url, True
    world.officer.mobile = MOBILE
    [n] = notify(recipients=[world.officer], kind="other", title="t", body="字" * 1000)

    SmsChannel().send(n, world.officer)

    content = gateway.requests[0][2]["content"]
    assert (len(content), content[-1]) == (300, "…")


@pytest.mark.parametrize("status", [500, 404, 302, 429])
def test_a_non_2xx_answer_is_a_failure(world, note, gateway, settings, status):
    settings.PARKBEAT_SMS_URL = gateway.up().url
    gateway.answers = [status]

    with pytest.raises(ChannelError) as failure:
        SmsChannel().send(note, world.officer)

    assert str(failure.value) == f"HTTP {status}"
    assert len(gateway.requests) == 1  # a redirect is not followed


def test_a_gateway_that_is_down_is_a_failure_without_url_or_mobile(world, note, gateway, settings):
    settings.PARKBEAT_SMS_URL = gateway.url + "?key=s3cret"  # never started

    with pytest.raises(ChannelError) as failure:
        SmsChannel().send(note, world.officer)

    assert str(failure.value) == "connection failed (ConnectionRefusedError)"


# ------------------------------------------------------------------ webhook robot
def test_webhook_payload_is_a_text_message_mentioning_the_recipient(world, note, gateway, settings):
    settings.PARKBEAT_WEBHOOK_URL = gateway.up().url + "?key=abc"
    settings.PARKBEAT_SITE_URL = "https://parkbeat.example"

    WebhookChannel().send(note, world.officer)

    [(path, headers, body)] = gateway.requests
    assert path == "/send?key=abc" and "Authorization" not in headers
    assert body == {"msgtype": "text", "text": {"content": f"{GENERIC}\n{LINK}", "mentioned_mobile_list": [MOBILE]}}


@pytest.mark.parametrize("full_text", [False, True])
def test_the_shared_group_robot_never_carries_title_or_body(world, gateway, settings, full_text):
    # every member of the robot's group reads the message: only the kind, the mention and the link go there,
    # even when full text is allowed on the personal channels
    settings.PARKBEAT_WEBHOOK_URL, settings.PARKBEAT_SITE_URL = gateway.up().url, ""
    settings.PARKBEAT_NOTIFY_FULL_TEXT = full_text
    world.officer.mobile = MOBILE
    [n] = notify(recipients=[world.officer], kind="dispute_routed", title="张三 欠薪 12000.00 元",
                 body="新马机械 3号门", url="/disputes/3/")

    WebhookChannel().send(n, world.officer)

    assert gateway.requests[0][2]["text"] == {
        "content": "ParkBeat: you have a new notification (Dispute routed to you)",
        "mentioned_mobile_list": [MOBILE]}


def test_webhook_robot_refusal_in_a_200_answer_is_a_failure(world, note, gateway, settings):
    settings.PARKBEAT_WEBHOOK_URL = gateway.up().url
    gateway.body = b'{"errcode": 93000, "errmsg": "invalid webhook url"}'

    with pytest.raises(ChannelError) as failure:
        WebhookChannel().send(note, world.officer)

    assert str(failure.value) == "robot refused (errcode 93000)"
