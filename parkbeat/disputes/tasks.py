"""Periodic dispute chores for the Huey consumer; each is safe to run twice, and dates what it finds by the
rule, not by the run (a run after downtime catches up as the nightly runs would have).

Huey reads crontabs in UTC: 16:05 UTC is 00:05 in Shanghai, 00:00 UTC is 08:00.
"""
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from parkbeat.disputes.services import obligation_reminders, obligations_sweep


@db_periodic_task(crontab(hour="16", minute="5"))
def sweep_obligations_task():
    """Daily at 00:05 Shanghai time: instalments past due become missed, their disputes open again, at 00:00 the day
    after the due date."""
    return obligations_sweep()


@db_periodic_task(crontab(hour="0", minute="0"))
def remind_obligations_task():
    """Daily at 08:00 Shanghai time: instalments due within 3 days are announced once."""
    return obligation_reminders()
