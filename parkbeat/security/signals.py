"""Session bookkeeping on login and logout, and lockouts on the audit trail (decoupled chores)."""
from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db import transaction
from django.dispatch import receiver

from parkbeat.audit.services import record
from parkbeat.security import services


@receiver(user_logged_in)
def start_session(sender, request, user, **kwargs):
    services.session_started(request=request, user=user)


@receiver(user_logged_out)
def end_all_sessions(sender, request, user, **kwargs):
    """Logging out ends the person's other sessions and API tokens too (A6)."""
    if user is not None:
        services.sessions_revoke(user=user)


@receiver(user_locked_out)
def audit_lockout(sender, request, username, ip_address, **kwargs):
    with transaction.atomic():
        record(actor=None, verb="login_failed", outcome="failure", object_type="org.User",
               object_repr=str(username or "")[:150], note=f"locked ({ip_address})")
