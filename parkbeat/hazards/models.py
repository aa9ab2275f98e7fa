"""Hazards (隐患) found at key enterprises, followed until struck off (销号).

A hazard comes from an inspection result, an incident or a patrol finding (or is found otherwise); it is either
fixed on the spot (with evidence, then awaiting an officer's strike-off) or given a deadline with the person
responsible at the enterprise (rectifying -> evidence submitted -> struck off, or rejected back to rectifying).
Nothing is ever deleted: every step is a HazardEvent row with when it happened and when and by whom it was recorded.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parkbeat.core.bounds import BoundedTextField, happened, plausible
from parkbeat.core.models import ChoiceLabels, EventRow, LateEntry, ScopedQuerySet, VersionedModel
from parkbeat.core.permissions import AGENCY
from parkbeat.core.personal import validate_mobile


class HazardQuerySet(ScopedQuerySet):
    """The police of the park; the enterprise's liaisons; the staff of the agency it was referred to, and the agency
    staff named on the inspection that found it."""

    scope_park = "park_id"
    scope_enterprise = "enterprise_id"
    scope_agency = "referred_to_id"
    scope_participant = ("inspection__agency_staff__id",)
    scope_participant_roles = {AGENCY}

    def overdue(self, today):
        """Under a deadline that passed (Asia/Shanghai `today`) and still being rectified."""
        return self.filter(state=Hazard.State.RECTIFYING, deadline__lt=today)


class Hazard(VersionedModel, LateEntry):
    class Severity(models.TextChoices):
        GENERAL = "general", _("General hazard")
        MAJOR = "major", _("Major hazard")

    class Disposition(models.TextChoices):
        ON_SPOT = "on_spot", _("Fixed on the spot")
        DEADLINE = "deadline", _("Deadline to rectify")

    class State(models.TextChoices):
        RECTIFYING = "rectifying", _("Rectifying")
        SUBMITTED = "submitted", _("Awaiting review")
        STRUCK_OFF = "struck_off", _("Struck off")

    class Source(models.TextChoices):
        INSPECTION = "inspection", _("Inspection")
        INCIDENT = "incident", _("Incident")
        PATROL = "patrol", _("Patrol")
        OTHER = "other", _("Other")

    # state -> the states a service may move it to (hazards.services checks this table)
    TRANSITIONS = {
        State.RECTIFYING: {State.SUBMITTED},
        State.SUBMITTED: {State.STRUCK_OFF, State.RECTIFYING},
        State.STRUCK_OFF: set(),
    }

    enterprise = models.ForeignKey("enterprises.Enterprise", models.PROTECT, related_name="hazards",
                                   verbose_name=_("enterprise"))
    park = models.ForeignKey("org.Park", models.PROTECT, related_name="+", verbose_name=_("park"),
                             editable=False)  # the enterprise's park, so the scope is one column
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.GENERAL)
    description = BoundedTextField(_("description"), max_length=2000)
    location = models.CharField(_("location"), max_length=200, blank=True)
    source = models.CharField(_("found by"), max_length=12, choices=Source.choices, default=Source.OTHER)
    inspection = models.ForeignKey("inspections.Inspection", models.PROTECT, null=True, blank=True,
                                   related_name="hazards", verbose_name=_("inspection"))
    result = models.ForeignKey("inspections.InspectionResult", models.PROTECT, null=True, blank=True,
                               related_name="hazards", verbose_name=_("checklist item result"))
    incident = models.ForeignKey("incidents.Incident", models.PROTECT, null=True, blank=True,
                                 related_name="hazards", verbose_name=_("incident"))
    finding = models.ForeignKey("patrols.Finding", models.PROTECT, null=True, blank=True, related_name="hazards",
                                verbose_name=_("patrol finding"))
    found_at = models.DateTimeField(_("found at"), validators=[happened])
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="hazards_recorded",
                                    verbose_name=_("recorded by"))
    disposition = models.CharField(_("disposition"), max_length=10, choices=Disposition.choices)
    deadline = models.DateField(_("deadline"), null=True, blank=True, validators=[plausible])
    responsible_name = models.CharField(_("responsible person"), max_length=50, blank=True)
    responsible_mobile = models.CharField(_("responsible person's mobile"), max_length=11, blank=True,
                                          validators=[validate_mobile])
    state = models.CharField(_("state"), max_length=12, choices=State.choices)
    referred_to = models.ForeignKey("org.Agency", models.PROTECT, null=True, blank=True, related_name="hazards",
                                    verbose_name=_("referred to"))
    referral_note = models.CharField(_("referral note"), max_length=500, blank=True)
    struck_off_at = models.DateTimeField(_("struck off at"), null=True, blank=True)
    struck_off_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name=_("struck off by"))

    objects = HazardQuerySet.as_manager()

    class Meta:
        verbose_name = _("hazard")
        verbose_name_plural = _("hazards")
        ordering = ["-found_at", "-id"]
        indexes = [
            models.Index(fields=["park", "-found_at", "-id"], name="hazard_park_found"),
            models.Index(fields=["-found_at", "-id"], name="hazard_found"),
            models.Index(fields=["enterprise", "-found_at"], name="hazard_enterprise_found"),
            models.Index(fields=["referred_to"], name="hazard_referred_to"),
            models.Index(fields=["inspection"], name="hazard_inspection"),
            models.Index(fields=["state", "deadline"], name="hazard_state_deadline"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["result"], condition=Q(result__isnull=False), name="hazard_result_once",
                                    violation_error_message=_("A hazard is already registered for this item.")),
            models.CheckConstraint(
                condition=Q(disposition="on_spot") | (Q(deadline__isnull=False) & ~Q(responsible_name="")),
                name="hazard_deadline_has_date_and_person",
                violation_error_message=_("A hazard under a deadline has its date and the person responsible.")),
            models.CheckConstraint(
                condition=~Q(state="struck_off") | Q(struck_off_at__isnull=False, struck_off_by__isnull=False),
                name="hazard_struck_off_has_who_and_when",
                violation_error_message=_("A struck-off hazard names who struck it off and when.")),
        ]

    def __str__(self):
        return f"{self.enterprise} · {self.description[:30]}"

    def get_absolute_url(self):
        return reverse("hazards:hazard_detail", args=[self.pk])

    @property
    def state_badge(self):
        return {"rectifying": "badge-status-in_progress", "submitted": "badge-status-open",
                "struck_off": "badge-status-answered"}.get(self.state, "text-bg-secondary")

    def is_overdue(self, today):
        return self.state == self.State.RECTIFYING and self.deadline is not None and self.deadline < today


class HazardEventQuerySet(HazardQuerySet.through("hazard__")):
    """Seen by exactly who sees the hazard."""

    scope_participant_roles = {AGENCY}


class HazardEvent(EventRow):
    """One step of a hazard's history: when it happened, when and by whom it was recorded (empty: the system)."""

    class Kind(models.TextChoices):
        FOUND = "found", _("Found")
        DISPOSED = "disposed", _("Disposition")
        FOLLOW_UP = "follow_up", _("Follow-up visit")
        EVIDENCE = "evidence", _("Evidence uploaded")
        ACCEPTED = "accepted", _("Accepted, struck off")
        REJECTED = "rejected", _("Rejected, back to rectifying")
        REFERRED = "referred", _("Referred to an agency")
        REMINDED = "reminded", _("Reminded")
        ESCALATED = "escalated", _("Escalated to the leader")

    hazard = models.ForeignKey(Hazard, models.CASCADE, related_name="events", verbose_name=_("hazard"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))
    note = BoundedTextField(_("note"), max_length=2000, blank=True)
    tier = models.CharField(_("reminder tier"), max_length=20, blank=True)  # reminders: each tier once

    objects = HazardEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("hazard event")
        verbose_name_plural = _("hazard events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["hazard", "at"], name="hazard_event_at")]
        constraints = [models.UniqueConstraint(fields=["hazard", "tier"], condition=~Q(tier=""),
                                               name="hazard_reminder_tier_once")]

    def __str__(self):
        return f"{self.hazard_id}: {self.get_kind_display()}"

    def get_absolute_url(self):
        return reverse("hazards:hazard_detail", args=[self.hazard_id]) + f"#event-{self.pk}"


class HazardEvidenceQuerySet(HazardQuerySet.through("hazard__")):
    scope_participant_roles = {AGENCY}


class HazardEvidence(ChoiceLabels):
    """Proof of the fix (photos, PDFs as files.Attachment on this row), uploaded by the liaison or the police."""

    hazard = models.ForeignKey(Hazard, models.CASCADE, related_name="evidence", verbose_name=_("hazard"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                    verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"))

    objects = HazardEvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("rectification evidence")
        verbose_name_plural = _("rectification evidence")
        ordering = ["hazard_id", "uploaded_at", "id"]

    def __str__(self):
        return f"{self.hazard_id} · {self.uploaded_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("hazards:hazard_detail", args=[self.hazard_id]) + f"#evidence-{self.pk}"
