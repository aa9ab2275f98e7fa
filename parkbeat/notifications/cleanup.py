"""Clean-up of the outbox: messages given up longer ago than PARKBEAT_OUTBOX_KEEP_DAYS (they were kept so
that `outbox_status` could show them and `outbox_requeue` bring them back)."""
from datetime import timedelta

from django.conf import settings

from parkbeat.core.cleanup import Job
from parkbeat.notifications.models import OutboxMessage


def given_up_outbox(*, now, dry_run):
    # A given-up row's next_attempt_at is the moment it was given up (notifications.delivery).
    old = OutboxMessage.objects.filter(status=OutboxMessage.Status.DEAD,
                                       next_attempt_at__lt=now - timedelta(days=settings.OUTBOX_KEEP_DAYS))
    return old.count() if dry_run else old.delete()[0]


JOBS = (Job("given_up_outbox", given_up_outbox),)
