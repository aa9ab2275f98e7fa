"""Notifications: an in-app inbox for every user and an outbox that carries each message to its channels."""
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkbeat.core.models import ChoiceLabels, ScopedQuerySet


class NotificationQuerySet(ScopedQuerySet):
    """A notification is seen by its recipient only."""

    scope_park_roles = ()
    scope_owner = ("recipient_id",)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(ChoiceLabels):
    """One message in one user's inbox, optionally about a record (linked for the click-through)."""

    class Kind(models.TextChoices):
        INCIDENT_DISPATCHED = "incident_dispatched", _("Incident dispatched to you")
        INCIDENT_ESCALATED = "incident_escalated", _("Incident escalated")
        INCIDENT_UPDATE = "incident_update", _("Incident update")
        DISPUTE_ROUTED = "dispute_routed", _("Dispute routed to you")
        DISPUTE_REOPENED = "dispute_reopened", _("Dispute reopened")
        DISPUTE_UPDATE = "dispute_update", _("Dispute update")
        OBLIGATION_DUE = "obligation_due", _("Instalment due soon")
        DEMAND_OVERDUE = "demand_overdue", _("Demand overdue")
        VOLUNTEER_VETTED = "volunteer_vetted", _("Volunteer vetting")
        VOLUNTEER_SUPPORT_DUE = "volunteer_support_due", _("Volunteer support expiring")
        PATROL_MISSED = "patrol_missed", _("Checkpoints missed")
        GUARD_SHIFT_SOON = "guard_shift_soon", _("Guard shift soon")
        GUARDING_GAP = "guarding_gap", _("Guarding gap")
        HAZARD_DUE = "hazard_due", _("Hazard due")
        HAZARD_OVERDUE = "hazard_overdue", _("Hazard overdue")
        INSPECTION_DUE = "inspection_due", _("Inspection due")
        VISIT_DUE = "visit_due", _("Visit due")
        OTHER = "other", _("Other")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="notifications",
                                  verbose_name=_("recipient"))
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    content_type = models.ForeignKey(ContentType, models.CASCADE, null=True, blank=True, related_name="+")
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    about = GenericForeignKey("content_type", "object_id")
    # Set by periodic reminders: the same reminder is never sent twice to the same person.
    dedupe_key = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"]),
                   models.Index(fields=["recipient", "-created_at"])]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "dedupe_key"], condition=~Q(dedupe_key=""),
                                    name="notification_sent_once"),
        ]

    def __str__(self):
        return self.title


class OutboxMessage(ChoiceLabels):
    """A notification on its way through one channel. Rows are never deleted: a channel that is down delays a
    message, never loses it. A message that cannot arrive (recipient unreachable, channel no longer configured)
    or still fails after PARKBEAT_NOTIFY_MAX_ATTEMPTS attempts is given up (DEAD), kept with its last error."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed, retrying")
        DEAD = "dead", _("Given up")

    notification = models.ForeignKey(Notification, models.CASCADE, related_name="deliveries",
                                     verbose_name=_("notification"))
    # The recipient's address (mobile, e-mail, account) is read at sending time, never copied here.
    channel = models.CharField(_("channel"), max_length=20)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.channel} · {self.notification_id}"
