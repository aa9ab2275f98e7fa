"""Sending a notification: one inbox row per recipient and one outbox row per configured channel,
written in the caller's transaction and delivered after it commits."""
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction

from parkbeat.notifications.models import Notification, OutboxMessage


def notify(*, recipients, kind, title, body="", obj=None, url="", dedupe_key=""):
    """Tell each of `recipients` (users; duplicates and inactive accounts skipped) about `obj`.

    With `dedupe_key` a recipient who already got that key gets nothing new, so periodic reminders are
    safe to run twice. Returns the notifications created.
    """
    from parkbeat.notifications.channels import enabled_channels

    if obj is not None and not url and hasattr(obj, "get_absolute_url"):
        url = obj.get_absolute_url()
    content_type = ContentType.objects.get_for_model(obj) if obj is not None else None
    created = []
    seen = set()
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        if dedupe_key and Notification.objects.filter(recipient=user, dedupe_key=dedupe_key).exists():
            continue
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    recipient=user, kind=kind, title=str(title)[:200], body=str(body), url=url,
                    content_type=content_type, object_id=obj.pk if obj is not None else None,
                    dedupe_key=dedupe_key)
                OutboxMessage.objects.bulk_create(
                    OutboxMessage(notification=notification, channel=channel.name)
                    for channel in enabled_channels() if channel.reaches(user))
        except IntegrityError:  # the same reminder, sent at the same moment by another worker
            continue
        created.append(notification)
    if created:
        from parkbeat.notifications.tasks import deliver_outbox_task

        transaction.on_commit(lambda: deliver_outbox_task())
    return created
