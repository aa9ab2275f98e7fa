"""Enterprise volunteer-police teams (企业义警队伍) and their members."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parkbeat.core.models import ScopedQuerySet, VersionedModel
from parkbeat.core.personal import EncryptedTextField, blind_index, validate_mobile, validate_resident_id


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


class VolunteerQuerySet(ScopedQuerySet):
    scope_park = "team__park_id"
    scope_team = "team_id"
    scope_owner = ("user_id",)


class Volunteer(VersionedModel):
    """A team member. The resident ID is encrypted at rest, found by its blind index, shown masked."""

    class Status(models.TextChoices):
        NOMINATED = "nominated", _("Nominated")
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        LEFT = "left", _("Left")

    team = models.ForeignKey(VolunteerTeam, models.PROTECT, related_name="members", verbose_name=_("team"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                             related_name="volunteer_memberships", verbose_name=_("user account"))
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    resident_id = EncryptedTextField(_("resident ID"), validators=[validate_resident_id])
    resident_id_index = models.CharField(max_length=64, editable=False, db_index=True)
    mobile = models.CharField(_("mobile"), max_length=11, blank=True, validators=[validate_mobile])
    is_captain = models.BooleanField(_("captain"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NOMINATED)

    objects = VolunteerQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["team_id", "-is_captain", "name"]
        constraints = [
            models.UniqueConstraint(fields=["team", "resident_id_index"], name="volunteer_once_per_team",
                                    violation_error_message=_("This person is already in the team.")),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.resident_id_index = blind_index(self.resident_id)
        if kwargs.get("update_fields") and "resident_id" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "resident_id_index"}
        super().save(*args, **kwargs)
