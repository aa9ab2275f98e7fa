"""The organisation: jurisdiction tree, parks, partner agencies, people, roles and the duty roster."""
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkbeat.core.bounds import BoundedTextField, plausible
from parkbeat.core.models import ChoiceLabels, ScopedQuerySet, TimestampedModel
from parkbeat.core.personal import validate_mobile
from parkbeat.core.roles import Role


ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR})
# Which scope column each role's assignment must fill (and no other).
ROLE_SCOPE = {
    Role.STATION_LEADER: "unit",
    Role.PARK_OFFICER: "park",
    Role.AUXILIARY: "park",
    Role.MEDIATOR: "park",
    Role.AGENCY_STAFF: "agency",
    Role.LIAISON: "enterprise",
    Role.VOLUNTEER: "team",
    Role.SYSTEM_ADMIN: None,
    Role.SECURITY_ADMIN: None,
    Role.AUDITOR: None,
}


class CaseInsensitiveUserManager(UserManager):
    def get_by_natural_key(self, username):
        return self.get(username__iexact=username)


class User(AbstractUser):
    """A person who logs in. What they see comes from their role assignments, never from Django's is_staff."""

    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    mobile = models.CharField(_("mobile"), max_length=11, blank=True, validators=[validate_mobile])
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)
    # Set when the system administrator creates the account or resets its password: the person must choose
    # their own at first login (only the change-password page answers until then).
    must_change_password = models.BooleanField(_("must change password"), default=False)

    objects = CaseInsensitiveUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                Lower("username"), name="user_username_ci_unique",
                violation_error_message=_("A user with that username already exists."),
            )
        ]

    def __str__(self):
        return self.full_name or self.username

    @property
    def display_name(self):
        return self.full_name or self.username


class OrgUnit(ChoiceLabels):
    """A node of the jurisdiction tree: city bureau → branch bureau → police station."""

    class Kind(models.TextChoices):
        CITY = "city", _("City bureau")
        BRANCH = "branch", _("Branch bureau")
        STATION = "station", _("Police station")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name=_("parent"))
    # Materialised path "/1/4/9/": a subtree is one indexed prefix match.
    path = models.CharField(max_length=255, editable=False, db_index=True)

    class Meta:
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="orgunit_unique_name_in_parent",
                                    violation_error_message=_("This unit already has a sub-unit with that name.")),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        path = f"{self.parent.path if self.parent else '/'}{self.pk}/"
        if path != self.path:
            self.path = path
            OrgUnit.objects.filter(pk=self.pk).update(path=path)


class ParkQuerySet(ScopedQuerySet):
    scope_park = "id"
    scope_park_roles = ("station_leader", "park_officer", "auxiliary", "mediator", "agency_staff")


class Park(TimestampedModel):
    """An industrial park inside a station's area, with its outline as GeoJSON (WGS-84 lon/lat) — or, by `kind`,
    another prevention area of the station outside any industrial park (a campus's surroundings for 护校安园, a
    shopping district, a transport hub), which works everywhere a park does (patrols, crime, incidents)."""

    class Kind(models.TextChoices):
        INDUSTRIAL = "industrial", _("Industrial park")
        CAMPUS = "campus", _("Campus surroundings")
        COMMERCIAL = "commercial", _("Shopping district")
        TRANSPORT = "transport", _("Transport hub")
        OTHER = "other", _("Other prevention area")

    station = models.ForeignKey(OrgUnit, models.PROTECT, related_name="parks", verbose_name=_("police station"),
                                limit_choices_to={"kind": OrgUnit.Kind.STATION})
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind of area"), max_length=12, choices=Kind.choices, default=Kind.INDUSTRIAL)
    code = models.SlugField(_("code"), max_length=30, unique=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    boundary = models.JSONField(_("boundary (GeoJSON polygon)"), null=True, blank=True)
    area_km2 = models.DecimalField(_("area (km²)"), max_digits=8, decimal_places=2, null=True, blank=True)
    description = BoundedTextField(_("description"), max_length=2000, blank=True)

    objects = ParkQuerySet.as_manager()

    class Meta:
        verbose_name = _("park")
        verbose_name_plural = _("parks")
        ordering = ["station_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["station", "name"], name="park_unique_name_in_station",
                                    violation_error_message=_("This station already has a park with that name.")),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("org:park_detail", args=[self.pk])

    @property
    def is_industrial(self):
        return self.kind == self.Kind.INDUSTRIAL

    @property
    def kind_badge(self):
        return "text-bg-light border" if self.is_industrial else "text-bg-warning"


class Agency(TimestampedModel):
    """A partner agency (联动单位) the station works with, linked to the parks it serves."""

    class Kind(models.TextChoices):
        STREET_GOVERNANCE = "street_governance", _("Street governance centre")
        EMERGENCY = "emergency", _("Emergency management")
        FIRE = "fire", _("Fire and rescue")
        LABOUR = "labour", _("Labour inspection")
        TOBACCO = "tobacco", _("Tobacco monopoly")
        COURT = "court", _("Court")
        ARBITRATION = "arbitration", _("Labour arbitration")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    station = models.ForeignKey(OrgUnit, models.PROTECT, related_name="agencies", verbose_name=_("police station"))
    parks = models.ManyToManyField(Park, related_name="agencies", blank=True, verbose_name=_("parks served"))
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("partner agency")
        verbose_name_plural = _("partner agencies")
        ordering = ["station_id", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["station", "name"], name="agency_unique_name_in_station",
                                    violation_error_message=_("This station already has an agency with that name.")),
        ]

    def __str__(self):
        return self.name


class MediationCentre(TimestampedModel):
    """The park's one-stop dispute mediation and resolution centre (一站式矛盾纠纷调处化解中心)."""

    park = models.OneToOneField(Park, models.PROTECT, related_name="mediation_centre", verbose_name=_("park"))
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("mediation centre")
        verbose_name_plural = _("mediation centres")

    def __str__(self):
        return self.name


class RoleAssignment(TimestampedModel):
    """A person holds a role in one place: a unit (leader), a park, an agency, an enterprise or a team."""

    user = models.ForeignKey(User, models.CASCADE, related_name="role_assignments", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(OrgUnit, models.PROTECT, null=True, blank=True, verbose_name=_("organisation unit"))
    park = models.ForeignKey(Park, models.PROTECT, null=True, blank=True, verbose_name=_("park"))
    agency = models.ForeignKey(Agency, models.PROTECT, null=True, blank=True, verbose_name=_("partner agency"))
    enterprise = models.ForeignKey("enterprises.Enterprise", models.PROTECT, null=True, blank=True,
                                   verbose_name=_("enterprise"))
    team = models.ForeignKey("volunteers.VolunteerTeam", models.PROTECT, null=True, blank=True,
                             verbose_name=_("volunteer team"))

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        # One row per (person, role, place); partial constraints because SQLite treats NULLs as distinct.
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", column], condition=Q(**{f"{column}__isnull": False}),
                name=f"roleassignment_unique_{column}",
                violation_error_message=_("This person already holds that role there."),
            )
            for column in ("unit", "park", "agency", "enterprise", "team")
        ] + [
            models.UniqueConstraint(
                fields=["user", "role"], name="roleassignment_unique_unscoped",
                condition=Q(unit__isnull=True, park__isnull=True, agency__isnull=True, enterprise__isnull=True,
                            team__isnull=True),
                violation_error_message=_("This person already holds that role."),
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.place or '—'}"

    @property
    def place(self):
        column = ROLE_SCOPE.get(self.role)
        return getattr(self, column) if column else None

    def clean(self):
        from django.core.exceptions import ValidationError

        column = ROLE_SCOPE.get(self.role)
        for name in ("unit", "park", "agency", "enterprise", "team"):
            value = getattr(self, f"{name}_id")
            if name == column and value is None:
                raise ValidationError({name: _("This role needs a %(place)s.") % {
                    "place": self._meta.get_field(name).verbose_name}})
            if name != column and value is not None:
                raise ValidationError({name: _("This role does not take a %(place)s.") % {
                    "place": self._meta.get_field(name).verbose_name}})
        self.clean_separation_of_duties()

    def clean_separation_of_duties(self):
        """三员分立 (SECURITY B5): an administrator role is held alone, so nobody holds two of them.

        Checked here as well as in `org.services.role_assign`, so no code path that validates the
        model (forms, commands, imports) can give an administrator a second role.
        """
        from django.core.exceptions import ValidationError

        if self.user_id is None:
            return
        others = set(RoleAssignment.objects.filter(user_id=self.user_id).exclude(pk=self.pk)
                     .values_list("role", flat=True))
        if self.role in ADMIN_ROLES and others - {self.role}:
            raise ValidationError({"role": _("An administrator role cannot be combined with any other role.")})
        if others & ADMIN_ROLES and self.role not in others:
            raise ValidationError({"role": _("This person is an administrator and cannot take another role.")})


class DutyShiftQuerySet(ScopedQuerySet):
    scope_park = "park_id"
    scope_owner = ("user_id",)

    def covering(self, at):
        return self.filter(starts_at__lte=at, ends_at__gt=at)


class DutyShift(TimestampedModel):
    """Who is on duty in which park, when (灵活下沉): later work sends things to the officer on duty now."""

    park = models.ForeignKey(Park, models.CASCADE, related_name="duty_shifts", verbose_name=_("park"))
    user = models.ForeignKey(User, models.CASCADE, related_name="duty_shifts", verbose_name=_("on duty"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.PARK_OFFICER)
    starts_at = models.DateTimeField(_("starts at"), validators=[plausible])
    ends_at = models.DateTimeField(_("ends at"), validators=[plausible])
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = DutyShiftQuerySet.as_manager()

    class Meta:
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty shifts")
        ordering = ["park_id", "starts_at"]
        indexes = [models.Index(fields=["park", "starts_at", "ends_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="dutyshift_ends_after_start",
                                   violation_error_message=_("A shift must end after it starts.")),
        ]

    def __str__(self):
        local = timezone.localtime(self.starts_at)
        return f"{self.park} · {self.user} · {local:%Y-%m-%d %H:%M}"


class ApiToken(models.Model):
    """A bearer token for devices and integrations. Only its SHA-256 is stored; it expires and can be revoked."""

    user = models.ForeignKey(User, models.CASCADE, related_name="api_tokens", verbose_name=_("user"))
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.user} · {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_valid(self):
        return self.revoked_at is None and self.expires_at > timezone.now()
