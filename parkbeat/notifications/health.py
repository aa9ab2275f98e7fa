"""The outbox backlog for `/health/` (core.health): messages waiting or retrying, and the oldest one's age.

A backlog older than BACKLOG_STALE means a channel is down or no consumer is delivering.
"""
from django.db.models import Count, Min
from django.utils import timezone

from parkbeat.core.health import Check
from parkbeat.notifications.models import OutboxMessage

BACKLOG_STALE = 15 * 60  # seconds


def outbox():
    waiting = OutboxMessage.objects.filter(status__in=(OutboxMessage.Status.PENDING, OutboxMessage.Status.FAILED))
    row = waiting.aggregate(count=Count("pk"), oldest=Min("created_at"))
    age = (timezone.now() - row["oldest"]).total_seconds() if row["oldest"] else 0
    return {"ok": age <= BACKLOG_STALE, "waiting": row["count"], "oldest_age_s": round(age)}


CHECKS = (Check("outbox", outbox),)
