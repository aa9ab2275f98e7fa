"""Huey tasks of the volunteers app."""
from huey import crontab
from huey.contrib.djhuey import db_periodic_task


# Huey evaluates crontabs in UTC: 00:40 UTC is 08:40 in Asia/Shanghai.
@db_periodic_task(crontab(hour="0", minute="40"))
def remind_volunteer_support_task():
    """Daily: tell the park officer and the captain about insurance or allowances expiring within the window
    (PARKBEAT_VOLUNTEER_SUPPORT_REMIND_DAYS), once per record; running twice sends nothing new."""
    from parkbeat.volunteers.services import remind_volunteer_support

    return remind_volunteer_support()
