"""Periodic chores of the ground floor for the Huey consumer."""
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from parkbeat.core.cleanup import cleanup


@db_periodic_task(crontab(hour="19", minute="40"))  # Huey's crontab is UTC: 03:40 in Asia/Shanghai
def cleanup_task():
    """Daily: every app's clean-up jobs (core.cleanup); running twice removes nothing more."""
    return cleanup()
