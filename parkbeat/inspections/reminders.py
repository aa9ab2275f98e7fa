"""Ahead-of-time reminders to the park's officers (notifications.reminders.park_officers): a quarter ending with
key enterprises not yet inspected, a key date's window open with some not yet inspected, a campaign ending with
enterprises not done. One notification per park and occasion (dedupe keys), so running it twice sends nothing."""
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from parkbeat.enterprises.models import Enterprise
from parkbeat.inspections import selectors
from parkbeat.inspections.models import Campaign, Inspection, KeyDate
from parkbeat.inspections.quarters import Quarter
from parkbeat.notifications.models import Notification
from parkbeat.notifications.services import notify
from parkbeat.notifications.reminders import park_officers

CAMPAIGN_ENDING_DAYS = 7  # a campaign ending within this many days with enterprises not done is reminded
NAMES_SHOWN = 5


def _names(enterprises):
    names = [e.name for e in enterprises[:NAMES_SHOWN]]
    more = len(enterprises) - len(names)
    return "、".join(names) + (_(" and %(n)s more") % {"n": more} if more else "")


def _by_park(rows):
    parks = {}
    for row in rows:
        parks.setdefault(row.enterprise.park_id, []).append(row.enterprise)
    return parks


def _send(officers, park_id, *, title, body, url, key):
    return len(notify(recipients=officers.get(park_id, []), kind=Notification.Kind.INSPECTION_DUE, title=title, body=body,
                      url=url, dedupe_key=key))


def remind_quarter(now):
    quarter = Quarter.of(now)
    if now < quarter.end - timedelta(days=selectors.DUE_SOON_DAYS):
        return 0
    done = Inspection.objects.filter(counts_for_rule=True, happened_at__gte=quarter.start,
                                     happened_at__lt=quarter.end).values("enterprise_id")
    missing = list(Enterprise.objects.filter(is_key=True).exclude(status=Enterprise.Status.CLOSED)
                   .exclude(pk__in=done).only("id", "name", "park_id").order_by("park_id", "name", "id"))
    parks = {}
    for enterprise in missing:
        parks.setdefault(enterprise.park_id, []).append(enterprise)
    officers = park_officers(set(parks))
    sent = 0
    for park_id, enterprises in parks.items():
        sent += _send(officers, park_id, key=f"inspection-quarter:{park_id}:{quarter}",
                      url=reverse("inspections:compliance") + f"?park={park_id}",
                      title=_("Inspection due: %(n)s key enterprises this quarter") % {"n": len(enterprises)},
                      body=_("Not yet inspected with full coverage in %(quarter)s (ends %(end)s): %(names)s.") % {
                          "quarter": str(quarter), "end": quarter.last_day, "names": _names(enterprises)})
    return sent


def remind_key_dates(now):
    today = selectors.shanghai_day(now)
    sent = 0
    for key_date in KeyDate.objects.filter(day__gt=today, day__lte=today + timedelta(days=90)).order_by("day", "id"):
        if today < key_date.window_start:
            continue
        rows = [row for row in selectors.keydate_progress(key_date=key_date, now=now) if row.state != selectors.DONE]
        parks = _by_park(rows)
        officers = park_officers(set(parks))
        for park_id, enterprises in parks.items():
            sent += _send(officers, park_id, key=f"inspection-keydate:{key_date.pk}:{park_id}",
                          url=key_date.get_absolute_url(),
                          title=_("Inspection due: %(n)s key enterprises before %(name)s") % {
                              "name": key_date.name, "n": len(enterprises)},
                          body=_("%(name)s is on %(day)s; each needs a full-coverage inspection from %(start)s: "
                                 "%(names)s.") % {"name": key_date.name, "day": key_date.day,
                                                  "start": key_date.window_start, "names": _names(enterprises)})
    return sent


def remind_campaigns(now):
    today = selectors.shanghai_day(now)
    sent = 0
    for campaign in Campaign.objects.filter(ends_on__gte=today, starts_on__lte=today,
                                            ends_on__lte=today + timedelta(days=CAMPAIGN_ENDING_DAYS)):
        rows = [row for row in selectors.campaign_progress(campaign=campaign, now=now) if row.state != selectors.DONE]
        parks = _by_park(rows)
        officers = park_officers(set(parks))
        for park_id, enterprises in parks.items():
            sent += _send(officers, park_id, key=f"inspection-campaign:{campaign.pk}:{park_id}",
                          url=campaign.get_absolute_url(),
                          title=_("Inspection due: %(theme)s ends %(end)s, %(n)s enterprises not done") % {
                              "theme": campaign.theme, "end": campaign.ends_on, "n": len(enterprises)},
                          body=_("Not yet inspected for the campaign: %(names)s.") % {"names": _names(enterprises)})
    return sent


def inspection_reminders(*, now=None):
    """All three reminders; returns the number of notifications created (a second run creates none)."""
    now = now or timezone.now()
    return remind_quarter(now) + remind_key_dates(now) + remind_campaigns(now)
