"""Huey tasks of the notifications app."""
from huey.contrib.djhuey import db_task


@db_task()
def deliver_outbox_task():
    """Deliver every outbox message that is due; safe to run twice (each row is claimed once)."""
    from parkbeat.notifications.delivery import deliver_due

    return deliver_due()
