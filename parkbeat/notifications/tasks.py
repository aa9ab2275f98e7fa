"""Huey tasks of the notifications app: the outbox is delivered after each commit and retried every minute."""
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from parkbeat.notifications.delivery import deliver_due


@db_task()
def deliver_outbox_task():
    """Deliver every outbox message that is due; safe to run twice (each row is claimed once)."""
    return deliver_due()


@db_periodic_task(crontab(minute="*"))
def retry_outbox_task():
    """Every minute: the messages whose back-off has passed, and any a stopped consumer left behind."""
    return deliver_due()
