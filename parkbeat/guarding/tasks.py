"""Huey tasks of the guarding app."""
from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*/10"))
def send_guarding_alerts_task():
    """Every ten minutes: tell the team captain and the park's officers of each uncovered interval that starts
    within the lead time, once per gap; safe to run twice."""
    from parkbeat.guarding.services import guarding_alerts

    return guarding_alerts()
