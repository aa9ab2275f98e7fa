"""Enterprise volunteer-police teams (企业义警队伍), their members, each member's status history, trainings
and support records (insurance, allowances)."""
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parkbeat.core.bounds import BoundedTextField, happened, plausible
from parkbeat.core.models import EventRow, ScopedQuerySet, VersionedModel
from parkbeat.core.personal import (EncryptedTextField, blind_index, mask_mobile, mask_resident_id, validate_mobile,
                                    validate_resident_id)


class VolunteerTeamQuerySet(ScopedQuerySet):
    scope_park = "park_id"
    scope_enterprise = "enterprise_id"
    scope_team = "id"


class VolunteerTeam(VersionedModel):
    """A volunteer-police team nominated by an enterprise (or the park) and led by a captain."""

    park = models.ForeignKey("org.Park", models.PROTECT, related_name="volunteer_teams", verbose_name=_("park"))
    enterprise = models.ForeignKey("enterprises.Enterprise", models.PROTECT, null=True, blank=True,
                                   related_name="volunteer_teams", verbose_name=_("enterprise"))
    name = models.CharField(_("name"), max_length=100)

    objects = VolunteerTeamQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer team")
        verbose_name_plural = _("volunteer teams")
        ordering = ["park_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["park", "name"], name="volunteerteam_unique_name_in_park",
                                    violation_error_message=_("This park already has a team with that name.")),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("volunteers:team_detail", args=[self.pk])


class Duty(models.TextChoices):
    """What a volunteer offers to do (BRIEF mechanism 5)."""

    PATROL = "patrol", _("Patrols")
    GUARDING = "guarding", _("Guarding shifts")
    HAZARD = "hazard", _("Hazard spotting")
    MEDIATION = "mediation", _("Simple mediation")
    PUBLICITY = "publicity", _("Publicity")


def validate_duties(value):
    """A non-empty list of distinct Duty values."""
    if not isinstance(value, list) or not value:
        raise ValidationError(_("Choose at least one duty."), code="no_duty")
    unknown = [v for v in value if v not in Duty.values]
    if unknown or len(set(value)) != len(value):
        raise ValidationError(_("Choose duties from the list, each once."), code="bad_duty")


class VolunteerQuerySet(ScopedQuerySet):
    # A volunteer sees their own row only (the team's roster, names only, comes through the team page);
    # the liaison sees the members of their enterprise's teams, the police those of their parks.
    scope_park = "team__park_id"
    scope_enterprise = "team__enterprise_id"
    scope_owner = ("user_id",)


class Volunteer(VersionedModel):
    """A team member. The resident ID is encrypted at rest, found by its blind index, shown masked."""

    class Status(models.TextChoices):
        NOMINATED = "nominated", _("Nominated")
        ACTIVE = "active", _("Active")
        REJECTED = "rejected", _("Rejected")
        SUSPENDED = "suspended", _("Suspended")
        LEFT = "left", _("Left")

    # The state machine: from -> allowed targets. Rejected and left are final; a new nomination starts anew.
    TRANSITIONS = {
        Status.NOMINATED: {Status.ACTIVE, Status.REJECTED},
        Status.ACTIVE: {Status.SUSPENDED, Status.LEFT},
        Status.SUSPENDED: {Status.ACTIVE, Status.LEFT},
        Status.REJECTED: set(),
        Status.LEFT: set(),
    }
    REASON_REQUIRED = frozenset({Status.REJECTED, Status.SUSPENDED, Status.LEFT})

    team = models.ForeignKey(VolunteerTeam, models.PROTECT, related_name="members", verbose_name=_("team"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                             related_name="volunteer_memberships", verbose_name=_("user account"))
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    resident_id = EncryptedTextField(_("resident ID"), validators=[validate_resident_id])
    resident_id_index = models.CharField(max_length=64, editable=False, db_index=True)
    mobile = models.CharField(_("mobile"), max_length=11, blank=True, validators=[validate_mobile])
    is_captain = models.BooleanField(_("captain"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NOMINATED)
    post = models.CharField(_("post at the enterprise"), max_length=100, blank=True)
    duties = models.JSONField(_("duties"), default=list, blank=True, validators=[validate_duties])
    consent_confirmed = models.BooleanField(_("consent confirmed"), default=False)
    consent_date = models.DateField(_("consent signed on"), null=True, blank=True, validators=[happened])
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                     related_name="volunteers_nominated", verbose_name=_("nominated by"))

    objects = VolunteerQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["team_id", "-is_captain", "name"]
        indexes = [models.Index(fields=["status", "team"], name="volunteer_status_team")]
        constraints = [
            # A rejected nomination stays on record; the same person may be nominated again later.
            models.UniqueConstraint(fields=["team", "resident_id_index"], condition=~Q(status="rejected"),
                                    name="volunteer_once_per_team",
                                    violation_error_message=_("This person is already in the team.")),
            models.UniqueConstraint(fields=["team"], condition=Q(is_captain=True), name="volunteer_one_captain",
                                    violation_error_message=_("The team already has a captain.")),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("volunteers:volunteer_detail", args=[self.pk])

    @property
    def resident_id_masked(self):
        return mask_resident_id(self.resident_id)

    @property
    def mobile_masked(self):
        return mask_mobile(self.mobile)

    def duty_labels(self):
        labels = dict(Duty.choices)
        return [str(labels.get(d, d)) for d in self.duties or ()]

    def save(self, *args, **kwargs):
        self.resident_id_index = blind_index(self.resident_id)
        if kwargs.get("update_fields") and "resident_id" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "resident_id_index"}
        super().save(*args, **kwargs)


class VolunteerChildQuerySet(VolunteerQuerySet.through("volunteer__")):
    """A volunteer's history rows: seen by exactly who sees the volunteer."""


class VolunteerTransition(EventRow):
    """Every status change of a volunteer: when it happened (`at`) and when and by whom it was recorded."""

    volunteer = models.ForeignKey(Volunteer, models.CASCADE, related_name="transitions", verbose_name=_("volunteer"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("by"))
    from_status = models.CharField(_("from"), max_length=10, choices=Volunteer.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=Volunteer.Status.choices)
    note = BoundedTextField(_("reason"), max_length=2000, blank=True)

    objects = VolunteerChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer status change")
        verbose_name_plural = _("volunteer status changes")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["volunteer", "at"])]

    def __str__(self):
        return f"{self.volunteer_id}: {self.from_status} → {self.to_status}"


class Training(VersionedModel):
    """A training a volunteer took part in (date, topic, hours, who gave it)."""

    volunteer = models.ForeignKey(Volunteer, models.CASCADE, related_name="trainings", verbose_name=_("volunteer"))
    trained_on = models.DateField(_("date"), validators=[happened])
    topic = models.CharField(_("topic"), max_length=200)
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1,
                                validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("24"))])
    trainer = models.CharField(_("trainer or organiser"), max_length=100)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))

    objects = VolunteerChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        ordering = ["-trained_on", "-id"]
        indexes = [models.Index(fields=["volunteer", "-trained_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="training_hours_positive",
                                   violation_error_message=_("Hours must be more than zero.")),
        ]

    def __str__(self):
        return f"{self.trained_on} · {self.topic}"

    def get_absolute_url(self):
        return self.volunteer.get_absolute_url()


class SupportRecord(VersionedModel):
    """Insurance or an allowance the volunteer holds, with its period; reminded once before it expires."""

    class Kind(models.TextChoices):
        INSURANCE = "insurance", _("Insurance")
        ALLOWANCE = "allowance", _("Allowance")

    volunteer = models.ForeignKey(Volunteer, models.CASCADE, related_name="support_records",
                                  verbose_name=_("volunteer"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    provider = models.CharField(_("provider or description"), max_length=200)
    starts_on = models.DateField(_("start"), validators=[plausible])
    expires_on = models.DateField(_("expiry date"), validators=[plausible])
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    reminded_at = models.DateTimeField(_("expiry reminder sent at"), null=True, blank=True, editable=False,
                                       validators=[happened])  # set by the reminder, at the time it ran

    objects = VolunteerChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("support record")
        verbose_name_plural = _("support records")
        ordering = ["expires_on", "id"]
        indexes = [models.Index(fields=["expires_on", "reminded_at"]), models.Index(fields=["volunteer", "expires_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(expires_on__gte=models.F("starts_on")), name="support_period_valid",
                                   violation_error_message=_("The expiry date cannot lie before the start.")),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.provider}"

    def get_absolute_url(self):
        return self.volunteer.get_absolute_url()

    def clean(self):
        if self.starts_on and self.expires_on and self.expires_on < self.starts_on:
            raise ValidationError({"expires_on": _("The expiry date cannot lie before the start.")})
