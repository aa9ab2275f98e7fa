"""The audit trail on the auditor's workbench: today's figures, each opening the trail filtered to it, and the
latest events."""
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkbeat.audit.models import AuditEvent
from parkbeat.core.home import Card, Panel
from parkbeat.core.permissions import AUDITOR

LIST = "audit:event_list"
AUDITORS = frozenset({AUDITOR})
SHOWN = 10


def _today(now, verb=""):
    day = f"{timezone.localdate(now):%Y-%m-%d}"
    return f"?date_from={day}&date_to={day}" + (f"&verb={verb}" if verb else "")


CARDS = (
    Card("audit_today", _("Audit events today"), LIST, _today, row="home-admin", roles=AUDITORS,
         icon="journal-text"),
    Card("logins_failed_today", _("Failed logins today"), LIST,
         lambda now: _today(now, AuditEvent.Verb.LOGIN_FAILED), warn=True, row="home-admin", roles=AUDITORS,
         icon="shield-exclamation"),
    Card("exports_today", _("Exports today"), LIST, lambda now: _today(now, AuditEvent.Verb.EXPORT),
         row="home-admin", roles=AUDITORS, icon="download"),
)


def counts(*, user, now):
    """Today's events (Asia/Shanghai day, as the trail's date filter reads it), failed logins and exports."""
    today = AuditEvent.objects.filter(at__date=timezone.localdate(now)).aggregate(
        total=Count("id"), failed=Count("id", filter=Q(verb=AuditEvent.Verb.LOGIN_FAILED)),
        exports=Count("id", filter=Q(verb=AuditEvent.Verb.EXPORT)))
    return {"audit_today": today["total"], "logins_failed_today": today["failed"], "exports_today": today["exports"]}


def latest(*, user, now):
    events = list(AuditEvent.objects.only("id", "at", "actor_username", "verb", "outcome", "object_repr", "ip")
                  .order_by("-id")[:SHOWN])
    return {"id": "wb-audit", "events": events, "list": reverse(LIST)}


PANELS = (Panel("audit_latest", "audit/partials/home_audit.html", latest, roles=AUDITORS, order=10, width="full"),)
