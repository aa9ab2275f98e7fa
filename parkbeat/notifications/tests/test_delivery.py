"""The outbox: a channel that fails or is down delays a message, never loses it; it is retried after the
back-off and delivered exactly once, however many consumers run."""
import io
import threading
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone, translation

from parkbeat.testing import UserFactory
from parkbeat.notifications import channels as channel_module
from parkbeat.notifications import delivery
from parkbeat.notifications.delivery import backoff, deliver_due
from parkbeat.notifications.models import OutboxMessage
from parkbeat.notifications.services import notify

MOBILE = "13900000001"
T0 = timezone.make_aware(timezone.datetime(2026, 3, 2, 9, 0))


@pytest.fixture
def officer(world):
    world.officer.mobile, world.officer.email = MOBILE, "officer@example.cn"
    world.officer.save()
    return world.officer


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def send_one(user, title="门岗聚集"):
    [n] = notify(recipients=[user], kind="other", title=title, body="请立即处置")
    OutboxMessage.objects.filter(notification=n).update(next_attempt_at=T0, created_at=T0)
    return n


def row(n, channel="sms"):
    m = OutboxMessage.objects.get(notification=n, channel=channel)
    return (m.status, m.attempts, m.last_error, m.next_attempt_at, m.sent_at)


def test_backoff_doubles_from_one_minute_up_to_an_hour():
    assert [backoff(n) for n in range(1, 10)] == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 60, 60, 60)]


def test_the_outbox_delivers_after_the_gateway_fails_then_recovers(officer, channels, gateway, settings):
    # given: the SMS gateway answers 500 twice, then 200
    settings.PARKBEAT_SMS_URL = gateway.up().url
    channels("sms")
    gateway.answers = [500, 500]
    n = send_one(officer)
    # when: the first try fails
    assert deliver_due(now=T0) == {"sent": 0, "failed": 1, "dead": 0}
    # then: the message stays, waiting one minute, with an error that names no person
    assert row(n) == ("failed", 1, "HTTP 500", T0 + timedelta(minutes=1), None)
    # a run before the back-off has passed does not touch it
    assert deliver_due(now=T0 + timedelta(seconds=59)) == {"sent": 0, "failed": 0, "dead": 0}
    assert len(gateway.requests) == 1
    # the second try fails too: two minutes now
    assert deliver_due(now=T0 + timedelta(minutes=1)) == {"sent": 0, "failed": 1, "dead": 0}
    assert row(n) == ("failed", 2, "HTTP 500", T0 + timedelta(minutes=3), None)
    # the third goes through
    assert deliver_due(now=T0 + timedelta(minutes=3)) == {"sent": 1, "failed": 0, "dead": 0}
    status, attempts, error, _next_at, sent_at = row(n)
    assert (status, attempts, error, sent_at) == ("sent", 3, "", T0 + timedelta(minutes=3))
    # and is never sent again
    assert deliver_due(now=T0 + timedelta(days=1)) == {"sent": 0, "failed": 0, "dead": 0}
    assert [body for _path, _headers, body in gateway.requests] == [
        {"mobile": MOBILE, "content": "ParkBeat: you have a new notification (Other)"}] * 3
    assert OutboxMessage.objects.count() == 1


def test_a_gateway_that_is_down_delays_the_message_and_it_arrives_once_it_is_up(officer, channels, gateway, settings):
    # given: nothing listens on the gateway's port
    settings.PARKBEAT_SMS_URL = gateway.url
    channels("sms", "email")
    n = send_one(officer)
    # when
    first = deliver_due(now=T0)
    # then: e-mail went, SMS waits
    assert first == {"sent": 1, "failed": 1, "dead": 0}
    assert row(n) == ("failed", 1, "connection failed (ConnectionRefusedError)", T0 + timedelta(minutes=1), None)
    assert row(n, "email")[0] == "sent" and len(mail.outbox) == 1
    # when the gateway comes up and the back-off has passed
    gateway.up()
    assert deliver_due(now=T0 + timedelta(minutes=1)) == {"sent": 1, "failed": 0, "dead": 0}
    # then: delivered once, the e-mail not repeated
    assert row(n)[:2] == ("sent", 2) and len(gateway.requests) == 1 and len(mail.outbox) == 1


def test_a_long_outage_keeps_the_message_and_retries_hourly(officer, channels, gateway, settings):
    settings.PARKBEAT_SMS_URL = gateway.url
    channels("sms")
    n = send_one(officer)
    at, waits = T0, []
    for _ in range(12):
        assert deliver_due(now=at) == {"sent": 0, "failed": 1, "dead": 0}
        next_at = OutboxMessage.objects.get().next_attempt_at
        waits.append(int((next_at - at).total_seconds() // 60))
        at = next_at
    # then: twelve attempts, the waits double up to an hour, nothing dropped
    assert waits == [1, 2, 4, 8, 16, 32, 60, 60, 60, 60, 60, 60]
    assert row(n)[:2] == ("failed", 12) and OutboxMessage.objects.count() == 1


def test_a_channel_switched_off_later_gives_its_messages_up_at_once(officer, channels, settings):
    channels("email")
    n = send_one(officer)
    channels()  # e-mail taken out of the configuration before delivery

    assert deliver_due(now=T0) == {"sent": 0, "failed": 0, "dead": 1}
    assert row(n, "email")[:3] == ("dead", 1, "channel not configured")
    # not retried hourly, not even once the channel is back; the row stays
    channels("email")
    assert deliver_due(now=T0 + timedelta(days=3)) == {"sent": 0, "failed": 0, "dead": 0}
    assert row(n, "email")[:3] == ("dead", 1, "channel not configured") and mail.outbox == []


@pytest.mark.parametrize("change", ["deactivated", "no_address"])
def test_a_recipient_no_longer_reachable_is_given_up_at_once(officer, channels, change):
    channels("email")
    n = send_one(officer)
    if change == "deactivated":
        officer.is_active = False
    else:
        officer.email = ""
    officer.save()

    assert deliver_due(now=T0) == {"sent": 0, "failed": 0, "dead": 1}
    assert row(n, "email")[:3] == ("dead", 1, "recipient not reachable on this channel")
    assert deliver_due(now=T0 + timedelta(days=3)) == {"sent": 0, "failed": 0, "dead": 0}
    assert mail.outbox == [] and OutboxMessage.objects.count() == 1


def test_a_message_is_given_up_after_the_maximum_attempts(officer, channels, gateway, settings):
    # given: the gateway stays down, at most three attempts
    settings.PARKBEAT_SMS_URL, settings.PARKBEAT_NOTIFY_MAX_ATTEMPTS = gateway.url, 3
    channels("sms")
    n = send_one(officer)
    # when
    results = [deliver_due(now=T0), deliver_due(now=T0 + timedelta(minutes=1)),
               deliver_due(now=T0 + timedelta(minutes=3))]
    # then: two retried failures, then given up with the last error kept
    assert results == [{"sent": 0, "failed": 1, "dead": 0}] * 2 + [{"sent": 0, "failed": 0, "dead": 1}]
    assert row(n)[:3] == ("dead", 3, "connection failed (ConnectionRefusedError)")
    # never tried again, even once the gateway is up
    gateway.up()
    assert deliver_due(now=T0 + timedelta(days=7)) == {"sent": 0, "failed": 0, "dead": 0}
    assert gateway.requests == [] and OutboxMessage.objects.count() == 1


def test_the_address_is_read_at_sending_time(officer, channels):
    channels("email")
    send_one(officer)
    officer.email = "new-address@example.cn"
    officer.save()

    deliver_due(now=T0)

    assert mail.outbox[0].to == ["new-address@example.cn"]


class Recorder(channel_module.Channel):
    """A channel that records each send; `during` runs inside the first send (a second consumer)."""

    name = "email"

    def __init__(self, during=None):
        self.sent, self.during = [], during

    def reaches(self, user):
        return True

    def send(self, notification, user):
        self.sent.append(notification.pk)
        if self.during is not None:
            during, self.during = self.during, None
            during()


def test_repeated_runs_never_send_a_message_twice(world, channels, monkeypatch):
    channels("email")
    users = [UserFactory(username=f"t_many{i}", email=f"m{i}@example.cn") for i in range(12)]
    notes = [send_one(u, title=f"n{i}") for i, u in enumerate(users)]
    recorder = Recorder()
    monkeypatch.setattr(delivery, "enabled_channels", lambda: [recorder])

    results = [deliver_due(now=T0 + timedelta(seconds=s)) for s in (0, 0, 1, 600)]

    assert results == [{"sent": 12, "failed": 0, "dead": 0}] + [{"sent": 0, "failed": 0, "dead": 0}] * 3
    assert sorted(recorder.sent) == sorted(n.pk for n in notes)


def test_the_limit_is_respected_and_the_rest_waits_for_the_next_run(world, channels, monkeypatch):
    channels("email")
    for i in range(7):
        send_one(UserFactory(username=f"t_lim{i}", email=f"l{i}@example.cn"))
    recorder = Recorder()
    monkeypatch.setattr(delivery, "enabled_channels", lambda: [recorder])

    assert deliver_due(now=T0, limit=3) == {"sent": 3, "failed": 0, "dead": 0}
    assert deliver_due(now=T0, limit=500) == {"sent": 4, "failed": 0, "dead": 0}
    assert len(set(recorder.sent)) == len(recorder.sent) == 7


def test_a_second_consumer_running_while_the_first_sends_takes_the_rest_never_the_same(world, channels, monkeypatch):
    # given: while the first consumer is sending its batch, a second one runs
    channels("email")
    for i in range(3):
        send_one(UserFactory(username=f"t_cc{i}", email=f"c{i}@example.cn"))
    second = {}
    recorder = Recorder(during=lambda: second.update(deliver_due(now=T0)))
    monkeypatch.setattr(delivery, "enabled_channels", lambda: [recorder])
    # when
    first = deliver_due(now=T0)
    # then: messages are claimed one at a time, so the second consumer shares the work, never the message
    # the first one is sending
    assert (first, second) == ({"sent": 1, "failed": 0, "dead": 0}, {"sent": 2, "failed": 0, "dead": 0})
    assert len(recorder.sent) == 3 == len(set(recorder.sent))
    assert OutboxMessage.objects.filter(status="sent").count() == 3


def test_a_slow_run_never_outlives_a_lease_so_a_second_consumer_sends_nothing_twice(world, channels, monkeypatch):
    # given: five messages due; each send takes 61 s, so the fifth ends more than five minutes after the run
    # began (the old lease of a five-message batch), and a second consumer runs at that moment
    channels("email")
    for i in range(5):
        send_one(UserFactory(username=f"t_slow{i}", email=f"s{i}@example.cn"))
    second = []
    with time_machine.travel(T0, tick=False) as clock:
        class Slow(Recorder):
            def send(self, notification, user):
                clock.shift(timedelta(seconds=61))
                self.sent.append(notification.pk)
                if len(self.sent) == 5:
                    second.append(deliver_due())

        recorder = Slow()
        monkeypatch.setattr(delivery, "enabled_channels", lambda: [recorder])
        # when
        first = deliver_due()
    # then: each message went once, the second consumer found nothing of the first one's
    assert (first, second) == ({"sent": 5, "failed": 0, "dead": 0}, [{"sent": 0, "failed": 0, "dead": 0}])
    assert len(recorder.sent) == 5 == len(set(recorder.sent))
    assert OutboxMessage.objects.filter(status="sent").count() == 5


def test_the_lease_covers_the_slowest_send_with_room_to_spare(settings):
    # one send is at most a dozen network waits of PARKBEAT_NOTIFY_TIMEOUT (SMTP: connect, greeting, EHLO, TLS,
    # AUTH, MAIL, RCPT, DATA, QUIT); the lease is that plus a minute, and never under five minutes
    settings.PARKBEAT_NOTIFY_TIMEOUT = 5
    assert delivery.lease_length() == timedelta(minutes=5)
    settings.PARKBEAT_NOTIFY_TIMEOUT = 60
    assert delivery.lease_length() == timedelta(seconds=12 * 60 + 60)


def test_a_lease_left_by_a_dead_consumer_is_taken_over_after_it_expires(officer, channels, monkeypatch):
    channels("email")
    n = send_one(officer)
    delivery._claim(now=T0, limit=10)  # a consumer claims it and dies
    recorder = Recorder()
    monkeypatch.setattr(delivery, "enabled_channels", lambda: [recorder])

    lease = delivery.lease_length()
    assert deliver_due(now=T0 + lease - timedelta(seconds=1)) == {"sent": 0, "failed": 0, "dead": 0}
    assert deliver_due(now=T0 + lease) == {"sent": 1, "failed": 0, "dead": 0}
    assert recorder.sent == [n.pk] and row(n, "email")[0] == "sent"


@pytest.mark.django_db(transaction=True)
def test_concurrent_consumers_in_threads_send_each_message_exactly_once(monkeypatch, settings):
    # given: 40 messages, four consumers on their own database connections at once
    settings.PARKBEAT_NOTIFY_CHANNELS = ["email"]
    users = [UserFactory(username=f"t_thr{i}", email=f"u{i}@example.cn") for i in range(40)]
    for u in users:
        notify(recipients=[u], kind="other", title="t")
    OutboxMessage.objects.update(next_attempt_at=T0)
    lock = threading.Lock()
    sent = []

    class Slow(Recorder):
        def send(self, notification, user):
            with lock:
                sent.append(notification.pk)

    monkeypatch.setattr(delivery, "enabled_channels", lambda: [Slow()])
    errors = []

    def consume():
        try:
            deliver_due(now=T0)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=consume) for _ in range(4)]
    # when
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    # then
    assert errors == []
    assert len(sent) == 40 == len(set(sent))
    assert OutboxMessage.objects.filter(status="sent").count() == 40


# ------------------------------------------------------------------ tasks and commands
def test_tasks_deliver_the_due_messages(officer, channels):
    from parkbeat.notifications.tasks import deliver_outbox_task, retry_outbox_task

    channels("email")
    send_one(officer, title="a")

    assert deliver_outbox_task.call_local() == {"sent": 1, "failed": 0, "dead": 0}
    send_one(officer, title="b")
    assert retry_outbox_task.call_local() == {"sent": 1, "failed": 0, "dead": 0}
    assert retry_outbox_task.call_local() == {"sent": 0, "failed": 0, "dead": 0}
    assert [m.subject for m in mail.outbox] == ["a", "b"]


def test_retry_task_runs_every_minute():
    from parkbeat.notifications.tasks import retry_outbox_task

    validate = retry_outbox_task.task_class().validate_datetime
    assert all(validate(T0.replace(tzinfo=None) + timedelta(minutes=m)) for m in range(0, 120, 7))


def test_deliver_outbox_command(officer, channels, capsys):
    channels("email")
    send_one(officer)

    call_command("deliver_outbox", "--limit", "10")

    assert capsys.readouterr().out == "sent 1, failed 0, given up 0\n"
    assert len(mail.outbox) == 1


def test_outbox_status_command_counts_per_channel_and_status(officer, channels, gateway, settings, capsys):
    call_command("outbox_status")
    assert capsys.readouterr().out == "outbox empty\nnothing waiting\ngiven up: none\n"

    settings.PARKBEAT_SMS_URL = gateway.url  # down
    channels("email", "sms")
    send_one(officer)
    send_one(officer, title="second")
    deliver_due(now=T0)

    call_command("outbox_status")

    lines = capsys.readouterr().out.splitlines()
    assert lines[:2] == ["email      sent     2", "sms        failed   2"]
    assert lines[2].startswith("oldest waiting: 2026-03-02 09:00 (")
    assert lines[3] == "next attempt: 2026-03-02 09:01"
    assert lines[4:] == ["given up: none"]


def test_outbox_status_reports_the_messages_given_up_with_their_last_error(officer, channels, gateway, settings,
                                                                           capsys):
    settings.PARKBEAT_SMS_URL, settings.PARKBEAT_NOTIFY_MAX_ATTEMPTS = gateway.url, 1  # down, one attempt
    channels("email", "sms")
    send_one(officer)
    send_one(officer, title="second")
    officer.email = ""
    officer.save()
    deliver_due(now=T0)

    status = delivery.outbox_status()
    call_command("outbox_status")

    assert status["dead"] == [("email", "recipient not reachable on this channel", 2),
                              ("sms", "connection failed (ConnectionRefusedError)", 2)]
    assert capsys.readouterr().out.splitlines() == [
        "email      dead     2", "sms        dead     2", "nothing waiting",
        "given up: 4 (kept, not retried)",
        "  email      2  recipient not reachable on this channel",
        "  sms        2  connection failed (ConnectionRefusedError)"]


def test_requeue_sends_what_was_given_up_while_the_channel_was_off_exactly_once(officer, channels):
    channels("email")
    n = send_one(officer)
    channels()
    deliver_due(now=T0)  # given up: the channel was off
    channels("email")

    out = io.StringIO()
    call_command("outbox_requeue", "--channel", "email", stdout=out)
    call_command("outbox_requeue", "--channel", "email", stdout=io.StringIO())  # nothing left to requeue

    assert out.getvalue() == "requeued 1 message(s)\n"
    assert row(n, "email")[:3] == ("pending", 0, "channel not configured")
    assert deliver_due()["sent"] == 1 and deliver_due()["sent"] == 0
    assert len(mail.outbox) == 1


def test_requeue_is_refused_for_a_channel_that_is_still_off(officer, channels):
    channels("email")
    n = send_one(officer)
    channels()
    deliver_due(now=T0)

    with pytest.raises(CommandError, match="'email' is not enabled"):
        call_command("outbox_requeue", "--channel", "email")

    assert row(n, "email")[:2] == ("dead", 1)
