"""Huey tasks of the inspections app."""
from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="10", hour="*/6"))
def inspection_reminders_task():
    """Four times a day: remind the park's officers of inspections due before a quarter's end, a key date or a
    campaign's end; each reminder once."""
    from parkbeat.inspections.reminders import inspection_reminders

    return inspection_reminders()
