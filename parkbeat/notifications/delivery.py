"""Outbox delivery: claim one due message, send it through its channel, record the outcome; repeat.

A claim is a lease: the row's `next_attempt_at` moves `lease_length()` ahead in a short transaction
(PostgreSQL: FOR UPDATE SKIP LOCKED, so consumers never wait on each other; SQLite: the connection's IMMEDIATE
transactions serialise claimers) and a compare-and-set on the old value, so one message is claimed by one
consumer only. Messages are claimed one at a time, right before their own send, so a lease only has to cover
one send (a dozen network waits of PARKBEAT_NOTIFY_TIMEOUT at most) however slow the run is; it is that plus
a minute, and never under five minutes. Sending happens outside any transaction. The outcome is written only
while the lease is still ours. A consumer that dies mid-send leaves the lease to expire and the message is
sent again later: at least once, never lost; rows are never deleted.

A failed send is retried with a back-off of 1, 2, 4 … minutes, at most an hour. A message is given up
(status DEAD, kept with its last error, listed by `outbox_status`) after PARKBEAT_NOTIFY_MAX_ATTEMPTS
attempts, or at once when retrying cannot help: the recipient is inactive or has no address on the channel
any more, or the channel is no longer configured.
"""
import logging
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Min
from django.utils import timezone

from parkbeat.audit.services import record
from parkbeat.notifications.channels import ChannelError, PermanentChannelError, enabled_channels
from parkbeat.notifications.models import OutboxMessage

log = logging.getLogger(__name__)

WAITING = (OutboxMessage.Status.PENDING, OutboxMessage.Status.FAILED)
MIN_LEASE = timedelta(minutes=5)
WAITS_PER_SEND = 12  # SMTP: connect, greeting, EHLO, STARTTLS, EHLO, AUTH, MAIL, RCPT, DATA, body, QUIT (+1)
MAX_BACKOFF = timedelta(minutes=60)


def lease_length():
    """How long a claimed message stays ours: the slowest single send plus a minute, at least five minutes."""
    return max(MIN_LEASE, timedelta(seconds=WAITS_PER_SEND * settings.PARKBEAT_NOTIFY_TIMEOUT + 60))


def backoff(attempts):
    """Wait after the `attempts`-th failure: 1, 2, 4, 8 … minutes, at most an hour."""
    return min(timedelta(minutes=2 ** min(max(attempts - 1, 0), 10)), MAX_BACKOFF)


def _claim(*, now, limit=1):
    """Lease up to `limit` due messages to this consumer; returns [(message, lease)]."""
    lease = now + lease_length()
    with transaction.atomic():
        due = (OutboxMessage.objects.filter(status__in=WAITING, next_attempt_at__lte=now)
               .order_by("next_attempt_at", "id"))
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        candidates = list(due.values_list("id", "next_attempt_at")[:limit])
        claimed = [pk for pk, seen in candidates
                   if OutboxMessage.objects.filter(pk=pk, status__in=WAITING, next_attempt_at=seen)
                   .update(next_attempt_at=lease)]
    messages = OutboxMessage.objects.filter(pk__in=claimed).select_related("notification__recipient")
    return [(message, lease) for message in messages.order_by("id")]


def _send(message, channels):
    channel = channels.get(message.channel)
    if channel is None:
        raise PermanentChannelError("channel not configured")
    user = message.notification.recipient
    if not user.is_active or not channel.reaches(user):
        raise PermanentChannelError("recipient not reachable on this channel")
    channel.send(message.notification, user)


def deliver_due(*, now=None, limit=500):
    """Send up to `limit` due messages; returns {"sent": n, "failed": n (to retry), "dead": n (given up)}.
    Safe to run in several consumers. `now` fixes the clock (tests); otherwise each claim reads it afresh."""
    counts = {"sent": 0, "failed": 0, "dead": 0}
    channels = {channel.name: channel for channel in enabled_channels()}
    for _ in range(limit):
        claimed = _claim(now=now or timezone.now())
        if not claimed:
            break
        [(message, lease)] = claimed
        mine = OutboxMessage.objects.filter(pk=message.pk, next_attempt_at=lease)
        attempts = message.attempts + 1
        try:
            _send(message, channels)
        except ChannelError as exc:
            at = now or timezone.now()
            error = str(exc)[:500]
            if isinstance(exc, PermanentChannelError) or attempts >= settings.PARKBEAT_NOTIFY_MAX_ATTEMPTS:
                mine.update(status=OutboxMessage.Status.DEAD, attempts=attempts, last_error=error, next_attempt_at=at)
                counts["dead"] += 1
                log.warning("outbox %s via %s given up after attempt %s: %s", message.pk, message.channel,
                            attempts, exc)
            else:
                mine.update(status=OutboxMessage.Status.FAILED, attempts=attempts, last_error=error,
                            next_attempt_at=at + backoff(attempts))
                counts["failed"] += 1
                log.warning("outbox %s via %s failed (attempt %s): %s", message.pk, message.channel, attempts, exc)
        else:
            at = now or timezone.now()
            if not mine.update(status=OutboxMessage.Status.SENT, attempts=attempts, sent_at=at, last_error=""):
                log.warning("outbox %s sent after its lease expired", message.pk)
            counts["sent"] += 1
    return counts


def outbox_status():
    """Counts per channel and status, the oldest waiting message's age, and the messages given up per channel
    and last error (for the outbox_status command)."""
    rows = (OutboxMessage.objects.values("channel", "status").annotate(n=Count("id"))
            .order_by("channel", "status"))
    waiting = OutboxMessage.objects.filter(status__in=WAITING).aggregate(
        oldest=Min("created_at"), next_attempt=Min("next_attempt_at"))
    dead = (OutboxMessage.objects.filter(status=OutboxMessage.Status.DEAD).values("channel", "last_error")
            .annotate(n=Count("id")).order_by("channel", "last_error"))
    return {"counts": [(r["channel"], r["status"], r["n"]) for r in rows], **waiting,
            "dead": [(r["channel"], r["last_error"], r["n"]) for r in dead]}


def outbox_requeue(*, channel=None):
    """Send again the messages given up on `channel` (or every enabled one), e.g. after it was switched off
    for a while: they wait from now with a fresh count of attempts. Refused for a channel that is not
    enabled now (they would only be given up again). Returns how many were requeued."""
    enabled = {c.name for c in enabled_channels()}
    if channel is not None and channel not in enabled:
        raise ValueError(f"channel {channel!r} is not enabled (PARKBEAT_NOTIFY_CHANNELS: "
                         f"{', '.join(sorted(enabled)) or 'none'})")
    dead = OutboxMessage.objects.filter(status=OutboxMessage.Status.DEAD,
                                        channel__in=[channel] if channel else sorted(enabled))
    with transaction.atomic():
        count = dead.update(status=OutboxMessage.Status.PENDING, attempts=0, next_attempt_at=timezone.now())
        if count:
            record(actor=None, verb="update", object_type="notifications.OutboxMessage",
                   object_repr=f"{count} outbox messages", note=f"requeued: channel {channel or 'all enabled'}")
    return count
