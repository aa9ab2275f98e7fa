"""Special guarding (专项守护): a line asset (a cable being laid, a pipeline) split into segments, each watched
by a volunteer team in shifts, with officers at fixed points at night, so that it is covered without a gap."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parkbeat.core.bounds import happened, plausible
from parkbeat.core.models import ChoiceLabels, ScopedQuerySet, VersionedModel
from parkbeat.core.permissions import CASE_ROLES, LIAISON, VOLUNTEER
from parkbeat.core.scoping import access_for, restrict


class AssetQuerySet(ScopedQuerySet):
    """The police of the park; a volunteer sees the assets with a segment of their team, a liaison those with a
    segment beside their enterprise (a subquery across the segments, so rows are never duplicated)."""

    scope_park = "park_id"

    def visible_to(self, user, roles=None):
        visible = restrict(self, user, roles=roles)
        access = access_for(user)
        wanted = Q(pk__in=[])
        if access.teams and VOLUNTEER in access.roles and (roles is None or VOLUNTEER in roles):
            wanted |= Q(team_id__in=sorted(access.teams))
        if access.enterprises and LIAISON in access.roles and (roles is None or LIAISON in roles):
            wanted |= Q(enterprise_id__in=sorted(access.enterprises))
        if wanted != Q(pk__in=[]):
            visible = visible | self.filter(pk__in=Segment.objects.filter(wanted).values("asset_id"))
        return visible


class GuardedAsset(VersionedModel):
    """A line to guard for a period: its WGS-84 LineString (GeoJSON, [lon, lat] pairs) and its length."""

    class Kind(models.TextChoices):
        CABLE = "cable", _("Cable")
        PIPELINE = "pipeline", _("Pipeline")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Being guarded")
        FINISHED = "finished", _("Finished")

    park = models.ForeignKey("org.Park", models.PROTECT, related_name="guarded_assets", verbose_name=_("park"))
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CABLE)
    geometry = models.JSONField(_("line (GeoJSON)"))
    length_m = models.PositiveIntegerField(_("length (m)"), editable=False)
    starts_at = models.DateTimeField(_("guarded from"), validators=[plausible])
    ends_at = models.DateTimeField(_("guarded until"), validators=[plausible])
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    description = models.CharField(_("description"), max_length=200, blank=True)

    objects = AssetQuerySet.as_manager()

    class Meta:
        verbose_name = _("guarded asset")
        verbose_name_plural = _("guarded assets")
        ordering = ["park_id", "-starts_at", "id"]
        indexes = [models.Index(fields=["park", "-starts_at", "id"], name="asset_park_starts"),
                   models.Index(fields=["status", "ends_at"], name="asset_status_ends")]
        constraints = [
            models.UniqueConstraint(fields=["park", "name"], name="asset_unique_name_in_park",
                                    violation_error_message=_("This park already has a guarded asset with that name.")),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="asset_period_order",
                                   violation_error_message=_("The guarding period ends after it starts.")),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("guarding:asset_detail", args=[self.pk])


class SegmentQuerySet(ScopedQuerySet):
    scope_park = "park_id"
    scope_team = "team_id"
    scope_enterprise = "enterprise_id"


class Segment(VersionedModel):
    """One stretch of the line, [from_m, to_m) metres from its start, with the enterprise beside it and the
    volunteer team that watches it."""

    asset = models.ForeignKey(GuardedAsset, models.CASCADE, related_name="segments", verbose_name=_("guarded asset"))
    park = models.ForeignKey("org.Park", models.PROTECT, related_name="+", verbose_name=_("park"),
                             editable=False)  # the asset's park, kept here so the scope is one column
    order = models.PositiveSmallIntegerField(_("number"))
    from_m = models.PositiveIntegerField(_("from (m)"))
    to_m = models.PositiveIntegerField(_("to (m)"))
    enterprise = models.ForeignKey("enterprises.Enterprise", models.PROTECT, null=True, blank=True,
                                   related_name="guarded_segments", verbose_name=_("enterprise beside it"))
    team = models.ForeignKey("volunteers.VolunteerTeam", models.PROTECT, null=True, blank=True,
                             related_name="guarded_segments", verbose_name=_("volunteer team"))

    objects = SegmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        ordering = ["asset_id", "order"]
        indexes = [models.Index(fields=["team"], name="segment_team"),
                   models.Index(fields=["enterprise"], name="segment_enterprise"),
                   models.Index(fields=["park", "asset"], name="segment_park_asset")]
        constraints = [
            models.UniqueConstraint(fields=["asset", "order"], name="segment_unique_order"),
            models.CheckConstraint(condition=Q(to_m__gt=models.F("from_m")), name="segment_positive_length",
                                   violation_error_message=_("A segment ends after it starts.")),
        ]

    def __str__(self):
        return _("Segment %(n)s (%(from)s–%(to)s m)") % {"n": self.order, "from": self.from_m, "to": self.to_m}

    def get_absolute_url(self):
        return reverse("guarding:asset_detail", args=[self.asset_id]) + f"#segment-{self.pk}"

    @property
    def length_m(self):
        return self.to_m - self.from_m


class ShiftQuerySet(ScopedQuerySet):
    """The police of the park; the team's volunteers and the enterprise's liaisons; the people on the shift."""

    scope_park = "park_id"
    scope_team = "segment__team_id"
    scope_enterprise = "segment__enterprise_id"
    scope_participant = ("people__id",)
    scope_participant_roles = CASE_ROLES


class GuardShift(VersionedModel):
    """People watching one segment from `starts_at` to `ends_at`; a shift with nobody on it covers nothing."""

    segment = models.ForeignKey(Segment, models.CASCADE, related_name="shifts", verbose_name=_("segment"))
    park = models.ForeignKey("org.Park", models.PROTECT, related_name="+", verbose_name=_("park"), editable=False)
    starts_at = models.DateTimeField(_("starts at"), validators=[plausible])
    ends_at = models.DateTimeField(_("ends at"), validators=[plausible])
    people = models.ManyToManyField(settings.AUTH_USER_MODEL, through="ShiftPerson", through_fields=("shift", "user"),
                                    related_name="guard_shifts",
                                    verbose_name=_("people"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("planned by"))

    objects = ShiftQuerySet.as_manager()

    class Meta:
        verbose_name = _("guard shift")
        verbose_name_plural = _("guard shifts")
        ordering = ["starts_at", "segment_id", "id"]
        indexes = [models.Index(fields=["segment", "starts_at"], name="shift_segment_starts"),
                   models.Index(fields=["park", "starts_at"], name="shift_park_starts")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="shift_period_order",
                                   violation_error_message=_("A shift ends after it starts.")),
        ]

    def __str__(self):
        from django.utils import timezone

        start, end = timezone.localtime(self.starts_at), timezone.localtime(self.ends_at)
        return f"{start:%m-%d %H:%M}–{end:%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("guarding:shift_detail", args=[self.pk])

    STATES = {"planned": pgettext_lazy("guard shift", "Planned"), "under_way": pgettext_lazy("guard shift", "Under way"),
              "ended": pgettext_lazy("guard shift", "Ended")}

    def state(self, now):
        """planned, under_way or ended at `now` (the key of STATES)."""
        return "ended" if self.ends_at <= now else "under_way" if self.starts_at <= now else "planned"

    @property
    def staffed(self):
        """Someone is on it who has not declined (reads the prefetched roster when there is one)."""
        return any(row.declined_at is None for row in self.roster.all())


class ShiftPerson(ChoiceLabels):
    """One person on a shift, and when they arrived (checked in) and when and by whom that was recorded; or when
    and why they declined it ahead of time (late: less than GUARDING_LATE_DECLINE_HOURS before the start)."""

    shift = models.ForeignKey(GuardShift, models.CASCADE, related_name="roster", verbose_name=_("guard shift"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="guard_shift_places",
                             verbose_name=_("person"))
    checked_in_at = models.DateTimeField(_("arrived at"), null=True, blank=True, validators=[happened])
    checked_in_recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True, validators=[happened])
    checked_in_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name=_("recorded by"))
    # A decline before the shift starts keeps the row (the history) but the person no longer covers it.
    declined_at = models.DateTimeField(_("declined at"), null=True, blank=True, validators=[happened])
    declined_reason = models.CharField(_("reason for declining"), max_length=200, blank=True)
    declined_late = models.BooleanField(_("declined late"), default=False)

    class Meta:
        verbose_name = _("person on a shift")
        verbose_name_plural = _("people on shifts")
        ordering = ["shift_id", "id"]
        indexes = [models.Index(fields=["user", "shift"], name="shiftperson_user")]
        constraints = [models.UniqueConstraint(fields=["shift", "user"], name="shiftperson_once",
                                               violation_error_message=_("This person is already on the shift."))]

    def __str__(self):
        return f"{self.user_id} @ {self.shift_id}"


class FixedPointQuerySet(ScopedQuerySet):
    scope_park = "park_id"


class FixedPoint(VersionedModel):
    """An officer's fixed post beside the line for the night (window in Asia/Shanghai; it ends the next day
    when it ends before it starts)."""

    asset = models.ForeignKey(GuardedAsset, models.CASCADE, related_name="fixed_points",
                              verbose_name=_("guarded asset"))
    park = models.ForeignKey("org.Park", models.PROTECT, related_name="+", verbose_name=_("park"), editable=False)
    name = models.CharField(_("name"), max_length=100)
    lon = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                related_name="guard_fixed_points", verbose_name=_("officer"))
    night_start = models.TimeField(_("from (night)"))
    night_end = models.TimeField(_("until (next morning)"))

    objects = FixedPointQuerySet.as_manager()

    class Meta:
        verbose_name = _("fixed point")
        verbose_name_plural = _("fixed points")
        ordering = ["asset_id", "name", "id"]
        indexes = [models.Index(fields=["park", "asset"], name="fixedpoint_park_asset")]
        constraints = [
            models.UniqueConstraint(fields=["asset", "name"], name="fixedpoint_unique_name",
                                    violation_error_message=_("This asset already has a fixed point with that name.")),
            models.CheckConstraint(condition=Q(lon__gte=-180) & Q(lon__lte=180) & Q(lat__gte=-90) & Q(lat__lte=90),
                                   name="fixedpoint_location_valid",
                                   violation_error_message=_("Give a longitude from −180 to 180 and a latitude "
                                                             "from −90 to 90 (WGS-84).")),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("guarding:asset_detail", args=[self.asset_id]) + f"#point-{self.pk}"
