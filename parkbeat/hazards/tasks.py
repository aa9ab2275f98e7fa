"""Huey tasks of the hazards app."""
from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="5", hour="*"))
def send_hazard_reminders_task():
    """Every hour: remind about each hazard being rectified as its deadline nears, on the day and once overdue;
    escalate to the station leader three days after; each tier once per hazard, so safe to run twice."""
    from parkbeat.hazards.services import hazard_reminders

    return hazard_reminders()
