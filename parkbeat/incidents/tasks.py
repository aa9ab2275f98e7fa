"""Huey tasks of the incidents app."""
from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab())
def escalate_incidents_task():
    """Every minute: incidents not accepted in time move to the next person; safe to run twice."""
    from parkbeat.incidents.services import incidents_escalate_overdue

    return incidents_escalate_overdue()
