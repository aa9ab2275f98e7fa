"""Clean-up of ended logins: expired sessions (database sessions; cached ones expire by themselves) and API
tokens that expired or were revoked more than PARKBEAT_TOKEN_KEEP_DAYS ago (their issue and revocation stay
on the audit trail)."""
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db.models import Q

from parkbeat.core.cleanup import Job
from parkbeat.org.models import ApiToken


def expired_sessions(*, now, dry_run):
    if not settings.SESSION_ENGINE.endswith(".db"):
        import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
        return 0
    expired = Session.objects.filter(expire_date__lt=now)
    return expired.count() if dry_run else expired.delete()[0]


def ended_tokens(*, now, dry_run):
    before = now - timedelta(days=settings.TOKEN_KEEP_DAYS)
    ended = ApiToken.objects.filter(Q(expires_at__lt=before) | Q(revoked_at__lt=before))
    return ended.count() if dry_run else ended.delete()[0]


JOBS = (Job("expired_sessions", expired_sessions), Job("ended_tokens", ended_tokens))
