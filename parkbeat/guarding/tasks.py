"""Huey tasks of the guarding app."""
from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*/10"))
def send_guarding_alerts_task():
    """Every ten minutes: tell the team captain and the park's officers of each uncovered interval that starts
    within the lead time, once per gap; safe to run twice."""
    from parkbeat.guarding.services import guarding_alerts

    return guarding_alerts()


@db_periodic_task(crontab(minute="*/10"))
def remind_guard_shifts_task():
    """Every ten minutes: tell each person on a shift that starts within two hours of it, once."""
    from parkbeat.guarding.services import remind_guard_shifts

    return remind_guard_shifts()
