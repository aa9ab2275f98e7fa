"""Per-user hourly quotas for sensitive reads (exports, reveals): a counter in the shared cache, per clock hour.

The cache is Redis when several app servers run (settings: REDIS_URL), so the quota holds across them.
"""
from django.core.cache import cache
from django.utils import timezone


class QuotaExceeded(Exception):
    """The user has used this hour's quota; the message says how many and when to try again."""


def take_hourly_slot(name, user, limit, message, error=QuotaExceeded):
    """Count one use of `name` by `user` this hour; over `limit`, raise `error(message)`."""
    key = f"parkbeat:{name}:{user.pk}:{timezone.now():%Y%m%d%H}"
    cache.add(key, 0, timeout=3600)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        used = 1
    if used > limit:
        raise error(message)
