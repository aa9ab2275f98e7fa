"""Periodic chores of the ground floor for the Huey consumer."""
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, periodic_task

from parkbeat.core.cleanup import cleanup
from parkbeat.core.health import beat


@db_periodic_task(crontab(hour="19", minute="40"))  # Huey's crontab is UTC: 03:40 in Asia/Shanghai
def cleanup_task():
    """Daily: every app's clean-up jobs (core.cleanup); running twice removes nothing more."""
    return cleanup()


@periodic_task(crontab())  # every minute
def heartbeat_task():
    """The consumer's heartbeat for /health/ (core.health): proof that periodic tasks still run."""
    beat()
