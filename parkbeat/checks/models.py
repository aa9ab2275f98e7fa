"""Hiring background checks (入职背景审查): an enterprise liaison asks, with the candidate's written consent, whether
a candidate fits a post; an officer of the park answers with an outcome and job-fit advice.

The candidate's resident ID is encrypted at rest (core.personal) and shown masked everywhere; the audit trail only
ever holds masked values of this model (checks.services), and after the retention period the personal data is
erased from the row (`erased_at`), keeping the anonymous facts the figures count.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parkbeat.core.bounds import BoundedTextField
from parkbeat.core.models import ScopedQuerySet, VersionedModel
from parkbeat.core.permissions import LEADER, OFFICER
from parkbeat.core.personal import EncryptedTextField, blind_index, mask_resident_id, validate_resident_id


def mask_name(value):
    """张** : the family name stays, the rest is starred (lists, exports, the audit trail)."""
    value = (value or "").strip()
    if not value:
        return ""
    return value[0] + "*" * max(len(value) - 1, 1)


class PostKind(models.TextChoices):
    WAREHOUSE = "warehouse", _("Warehouse")
    FINANCE = "finance", _("Finance")
    HAZMAT = "hazmat", _("Hazardous materials")
    SECURITY = "security", _("Security")
    DRIVER = "driver", _("Driver")
    OTHER = "other", _("Other")


class BackgroundCheckQuerySet(ScopedQuerySet):
    """Leaders and officers of the park; the liaisons of the enterprise that asked. Auxiliaries, mediators and
    agency staff never (their roles are not among the park roles here)."""

    scope_park = "park_id"
    scope_park_roles = (LEADER, OFFICER)
    scope_enterprise = "enterprise_id"


class BackgroundCheck(VersionedModel):
    """One request for a candidate and a post, its consent document (files.Attachment) and the answer."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Awaiting answer")
        ANSWERED = "answered", _("Answered")

    class Outcome(models.TextChoices):
        SUITABLE = "suitable", _("Suitable")
        ADVICE = "advice", _("Suitable with advice")
        NOT_RECOMMENDED = "not_recommended", _("Not recommended for this post")

    enterprise = models.ForeignKey("enterprises.Enterprise", models.PROTECT, related_name="background_checks",
                                   verbose_name=_("enterprise"))
    park = models.ForeignKey("org.Park", models.PROTECT, related_name="+", verbose_name=_("park"),
                             editable=False)  # the enterprise's park, so the scope is one column
    candidate_name = models.CharField(_("candidate"), max_length=50, blank=True)  # "" once erased
    resident_id = EncryptedTextField(_("resident ID"), blank=True, validators=[validate_resident_id])  # "" once erased
    resident_id_index = models.CharField(max_length=64, editable=False, blank=True, db_index=True)
    post = models.CharField(_("post"), max_length=100)
    post_kind = models.CharField(_("post type"), max_length=20, choices=PostKind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    advice = BoundedTextField(_("job-fit advice"), max_length=1000, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("answered by"))
    erased_at = models.DateTimeField(_("personal data erased at"), null=True, blank=True)

    objects = BackgroundCheckQuerySet.as_manager()

    class Meta:
        verbose_name = _("background check")
        verbose_name_plural = _("background checks")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["park", "-created_at", "-id"], name="bgcheck_park_created"),
            models.Index(fields=["enterprise", "-created_at", "-id"], name="bgcheck_enterprise_created"),
            models.Index(fields=["-created_at", "-id"], name="bgcheck_created"),
            models.Index(fields=["status", "answered_at"], name="bgcheck_status_answered"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="answered") | (Q(answered_at__isnull=False) & ~Q(outcome="")),
                name="bgcheck_answered_has_outcome",
                violation_error_message=_("An answered check has its outcome and the time it was answered.")),
            models.CheckConstraint(
                condition=Q(erased_at__isnull=True) | (Q(candidate_name="") & Q(resident_id="")),
                name="bgcheck_erased_is_empty",
                violation_error_message=_("An erased check keeps no personal data.")),
        ]

    def __str__(self):
        # Never the candidate's name: this is what the audit trail and notifications show.
        return str(_("Background check #%(pk)s")) % {"pk": self.pk}

    def get_absolute_url(self):
        return reverse("checks:check_detail", args=[self.pk])

    @property
    def resident_id_masked(self):
        return mask_resident_id(self.resident_id)

    @property
    def candidate_masked(self):
        return mask_name(self.candidate_name)

    @property
    def is_erased(self):
        return self.erased_at is not None

    def save(self, *args, **kwargs):
        self.resident_id_index = blind_index(self.resident_id) if self.resident_id else ""
        if kwargs.get("update_fields") and "resident_id" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "resident_id_index"}
        super().save(*args, **kwargs)
