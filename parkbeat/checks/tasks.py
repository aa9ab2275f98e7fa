"""Periodic background-check chores for the Huey consumer."""
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from parkbeat.checks.services import erase_expired


@db_periodic_task(crontab(hour="2", minute="41"))
def erase_expired_checks_task():
    """Daily at 02:41: erase the candidates' personal data past CHECK_RETENTION_DAYS (SECURITY D4); safe twice."""
    return erase_expired()
