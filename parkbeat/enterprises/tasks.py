"""Huey tasks of the enterprises app."""
from huey import crontab
from huey.contrib.djhuey import db_periodic_task


# Huey evaluates crontabs in UTC: 00:30 UTC is 08:30 in Asia/Shanghai (no daylight saving).
@db_periodic_task(crontab(hour="0", minute="30"))
def remind_overdue_demands_task():
    """Daily at 08:30 (Shanghai): remind whoever holds an overdue open demand; running twice sends nothing new."""
    from parkbeat.notifications.reminders import remind_overdue_demands

    return remind_overdue_demands()


# 00:00 UTC is 08:00 in Asia/Shanghai.
@db_periodic_task(crontab(hour="0", minute="0"))
def remind_due_visits_task():
    """Daily at 08:00 (Shanghai): tell each park officer of the enterprises due a visit (应访未访); running
    twice sends nothing new."""
    from parkbeat.enterprises.visit_plan import remind_due_visits

    return remind_due_visits()
