"""Periodic audit chores for the Huey consumer."""
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from parkbeat.audit.services import purge_expired


@db_periodic_task(crontab(hour="3", minute="17"))
def purge_audit_task():
    """Daily at 03:17: delete events past retention (SECURITY C4); running twice deletes nothing more."""
    return purge_expired()
