"""The audit trail: one append-only, hash-chained event per action."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from parkbeat.core.models import ChoiceLabels


class AuditEvent(ChoiceLabels):
    """Who did what to which object, when, from where; `hash` chains it to the event before."""

    class Verb(models.TextChoices):
        CREATE = "create", _("Create")
        UPDATE = "update", _("Update")
        DELETE = "delete", _("Delete")
        TRANSITION = "transition", _("State change")
        LOGIN = "login", _("Login")
        LOGIN_FAILED = "login_failed", _("Login failed")
        LOGOUT = "logout", _("Logout")
        TOKEN = "token", _("API token issued")
        TOKEN_REVOKE = "token_revoke", _("API token revoked")
        IMPORT = "import", _("Import")
        EXPORT = "export", _("Export")
        REVEAL = "reveal", _("Reveal personal data")
        DOWNLOAD = "download", _("Download attachment")
        VIEW = "view", _("Read a record with personal data")

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("Success")
        FAILURE = "failure", _("Failure")

    at = models.DateTimeField(_("time"), db_index=True)
    # DO_NOTHING: deleting a user must never rewrite the trail (on PostgreSQL the trigger refuses any UPDATE).
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.DO_NOTHING, null=True, blank=True,
                              related_name="+", verbose_name=_("user"), db_constraint=False)
    actor_username = models.CharField(_("username"), max_length=150, blank=True, db_index=True)
    actor_roles = models.CharField(_("roles"), max_length=200, blank=True)
    ip = models.CharField(_("address"), max_length=45, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    verb = models.CharField(_("type"), max_length=20, choices=Verb.choices, db_index=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS)
    object_type = models.CharField(_("object type"), max_length=60, blank=True, db_index=True)
    object_id = models.CharField(_("object id"), max_length=40, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.verb} {self.object_repr}"


class AuditChainHead(models.Model):
    """One row, locked while an event is appended, so concurrent writers chain in a single line."""

    last_hash = models.CharField(max_length=64, blank=True)


class AuditChainLink(models.Model):
    """Written by the retention purge: kept event `event_id` follows `prev_hash`, an event purged on `purged_at`.

    Verification accepts a broken link only where such a row names exactly the hash the event points at.
    """

    event_id = models.BigIntegerField(unique=True)
    prev_hash = models.CharField(max_length=64)
    purged_at = models.DateTimeField()

    class Meta:
        ordering = ["event_id"]

    def __str__(self):
        return f"#{self.event_id} ← {self.prev_hash[:12]}"
