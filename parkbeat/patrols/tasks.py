"""Huey tasks of the patrols app."""
from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*/5"))
def sweep_patrols_task():
    """Every five minutes: close runs left open past their window, record and notify missed checkpoints;
    safe to run twice."""
    from parkbeat.patrols.services import patrols_sweep

    return patrols_sweep()
