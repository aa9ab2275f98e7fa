"""Sending a notification: one inbox row per recipient and one outbox row per configured channel,
written in the caller's transaction and delivered after it commits. Reading one's own inbox."""
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.http import Http404
from django.utils import timezone

from parkbeat.notifications.models import Notification, OutboxMessage


def notify(*, recipients, kind, title, body="", obj=None, url="", dedupe_key=""):
    """Tell each of `recipients` (users; duplicates and inactive accounts skipped) about `obj`.

    With `dedupe_key` a recipient who already got that key gets nothing new, so periodic reminders are
    safe to run twice. Returns the notifications created. Everything but the INSERTs is worked out first
    (one INSERT per table for the common case), and delivery runs only after the caller commits.
    """
    from parkbeat.notifications.channels import enabled_channels

    if obj is not None and not url and hasattr(obj, "get_absolute_url"):
        url = obj.get_absolute_url()
    users, seen = [], set()
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        users.append(user)
    if not users:
        return []
    if dedupe_key:
        got = set(Notification.objects.filter(recipient_id__in=seen, dedupe_key=dedupe_key)
                  .values_list("recipient_id", flat=True))
        users = [user for user in users if user.pk not in got]
    fields = {"kind": kind, "title": str(title)[:200], "body": str(body), "url": url[:300],
              "content_type": ContentType.objects.get_for_model(obj) if obj is not None else None,
              "object_id": obj.pk if obj is not None else None, "dedupe_key": dedupe_key}
    channels = enabled_channels()
    if dedupe_key or not connection.features.can_return_rows_from_bulk_insert:
        created = []
        for user in users:
            try:
                with transaction.atomic():  # the same reminder, sent at the same moment by another worker
                    created.append(Notification.objects.create(recipient=user, **fields))
            except IntegrityError:
                continue
    else:
        created = Notification.objects.bulk_create([Notification(recipient=user, **fields) for user in users])
    rows = [OutboxMessage(notification=n, channel=channel.name)
            for n in created for channel in channels if channel.reaches(n.recipient)]
    if rows:
        OutboxMessage.objects.bulk_create(rows)
        from parkbeat.notifications.tasks import deliver_outbox_task

        transaction.on_commit(lambda: deliver_outbox_task())
    return created


def notification_read(*, user, notification):
    """Mark one of `user`'s own notifications read (the first reading counts; again changes nothing).

    Not audited: reading one's own inbox changes no case data. Callers load the notification through
    `Notification.objects.visible_to(user)`; the recipient check here is the last guard.
    """
    if notification.recipient_id != user.pk:
        raise Http404
    if notification.read_at is None:
        now = timezone.now()
        if Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now):
            notification.read_at = now
        else:
            notification.refresh_from_db(fields=["read_at"])
    return notification


def notification_read_all(*, user):
    """Mark every unread notification of `user` read; returns how many were unread."""
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).update(read_at=timezone.now())
