"""Safety inspections of key enterprises (常态化检查): versioned checklists, inspections jointly with partner agencies,
and a result per checklist item. A version once used by an inspection is never edited; a change makes a new one."""
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkbeat.core.bounds import BoundedTextField, happened, plausible
from parkbeat.core.models import ChoiceLabels, ScopedQuerySet, TimestampedModel, VersionedModel
from parkbeat.core.permissions import AGENCY, POLICE
from parkbeat.enterprises.models import Industry, RiskCategory


class AreaKind(models.TextChoices):
    WORKSHOP = "workshop", _("Production workshop")
    WAREHOUSE = "warehouse", _("Warehouse")
    FIRE = "fire", _("Fire exits and equipment")
    ELECTRICAL = "electrical", _("Electrical")
    HAZMAT = "hazmat", _("Hazardous materials")
    DORMITORY = "dormitory", _("Dormitories")
    SECURITY = "security", _("Security and access")
    OTHER = "other", _("Other")


class ChecklistTemplate(VersionedModel):
    """A checklist for an industry or a risk category (or for any enterprise when both are empty); its content
    lives in versions."""

    name = models.CharField(_("name"), max_length=100, unique=True,
                            error_messages={"unique": _("A checklist with this name already exists.")})
    industry = models.CharField(_("industry"), max_length=20, choices=Industry.choices, blank=True)
    risk_category = models.CharField(_("risk category"), max_length=20, choices=RiskCategory.choices, blank=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("checklist")
        verbose_name_plural = _("checklists")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("inspections:checklist_detail", args=[self.pk])

    def latest_version(self):
        return self.versions.order_by("-number").first()


class ChecklistVersion(ChoiceLabels):
    """One version of a checklist's areas and items; frozen once an inspection used it."""

    template = models.ForeignKey(ChecklistTemplate, models.PROTECT, related_name="versions",
                                 verbose_name=_("checklist"))
    number = models.PositiveIntegerField(_("version number"))
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("made by"))  # null: shipped with ParkBeat
    created_at = models.DateTimeField(_("made at"), auto_now_add=True)

    class Meta:
        verbose_name = _("checklist version")
        verbose_name_plural = _("checklist versions")
        ordering = ["template_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["template", "number"], name="checklist_version_unique",
                                               violation_error_message=_("This version number already exists."))]

    def __str__(self):
        return f"{self.template.name} v{self.number}"

    def get_absolute_url(self):
        return reverse("inspections:checklist_detail", args=[self.template_id]) + f"?version={self.number}"

    @property
    def is_used(self):
        return self.inspections.exists()


class ChecklistArea(models.Model):
    """An area to walk (workshop, warehouse, fire exits…); a required one must be covered for full coverage."""

    version = models.ForeignKey(ChecklistVersion, models.CASCADE, related_name="areas", verbose_name=_("version"))
    order = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("kind"), max_length=20, choices=AreaKind.choices)
    name = models.CharField(_("name"), max_length=100)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        verbose_name = _("checklist area")
        verbose_name_plural = _("checklist areas")
        ordering = ["version_id", "order"]
        constraints = [models.UniqueConstraint(fields=["version", "order"], name="checklist_area_order")]

    def __str__(self):
        return self.name


class ChecklistItem(models.Model):
    """One thing to check in an area."""

    area = models.ForeignKey(ChecklistArea, models.CASCADE, related_name="items", verbose_name=_("area"))
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.CharField(_("item"), max_length=200)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["area_id", "order"]
        constraints = [models.UniqueConstraint(fields=["area", "order"], name="checklist_item_order")]

    def __str__(self):
        return self.text


class InspectionQuerySet(ScopedQuerySet):
    """The police of the park; agency staff only the inspections they joined (named on it)."""

    scope_park = "park_id"
    scope_owner = ("led_by_id",)
    scope_owner_roles = POLICE
    scope_participant = ("agency_staff__id",)
    scope_participant_roles = {AGENCY}


class Inspection(VersionedModel):
    """A safety inspection of one enterprise: planned for a day, then walked (when it happened is kept beside
    when it was recorded) with a checklist version, jointly with partner agencies."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    class Coverage(models.TextChoices):
        FULL = "full", _("Full coverage")
        PARTIAL = "partial", _("Partial")

    enterprise = models.ForeignKey("enterprises.Enterprise", models.PROTECT, related_name="inspections",
                                   verbose_name=_("enterprise"))
    park = models.ForeignKey("org.Park", models.PROTECT, related_name="+", verbose_name=_("park"),
                             editable=False)  # the enterprise's park, so the scope is one column
    checklist = models.ForeignKey(ChecklistVersion, models.PROTECT, related_name="inspections",
                                  verbose_name=_("checklist version"))
    planned_on = models.DateField(_("planned for"), validators=[plausible])
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    led_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="inspections_led",
                               verbose_name=_("led by"))
    agencies = models.ManyToManyField("org.Agency", related_name="inspections", blank=True,
                                      verbose_name=_("partner agencies"))
    agency_staff = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="inspections_joined", blank=True,
                                          verbose_name=_("agency staff"))
    happened_at = models.DateTimeField(_("inspected at"), null=True, blank=True, validators=[happened])
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))
    entered_late = models.BooleanField(_("entered late"), default=False)
    late_reason = models.CharField(_("why entered late"), max_length=200, blank=True)
    coverage = models.CharField(_("coverage"), max_length=10, choices=Coverage.choices, blank=True)
    # Whether it satisfies the quarterly rule: full coverage of an enterprise that was key on the day.
    counts_for_rule = models.BooleanField(_("counts for the quarterly rule"), default=False)
    campaign = models.ForeignKey("inspections.Campaign", models.PROTECT, null=True, blank=True,
                                 related_name="inspections", verbose_name=_("special campaign"))
    summary = BoundedTextField(_("summary"), max_length=2000, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-planned_on", "-id"]
        indexes = [
            models.Index(fields=["park", "-planned_on", "-id"], name="inspection_park_planned"),
            models.Index(fields=["-planned_on", "-id"], name="inspection_planned"),
            models.Index(fields=["led_by", "-planned_on"], name="inspection_led_by"),
            models.Index(fields=["enterprise", "happened_at"], name="inspection_enterprise_at"),
            models.Index(fields=["counts_for_rule", "happened_at"], name="inspection_rule_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="done") | (Q(happened_at__isnull=False) & ~Q(coverage="")),
                name="inspection_done_has_time_and_coverage",
                violation_error_message=_("A done inspection has the time it happened and its coverage.")),
            models.CheckConstraint(condition=Q(counts_for_rule=False) | Q(coverage="full", status="done"),
                                   name="inspection_counts_only_full",
                                   violation_error_message=_("Only a full-coverage inspection counts for the rule.")),
        ]

    def __str__(self):
        day = timezone.localtime(self.happened_at).date() if self.happened_at else self.planned_on
        return f"{self.enterprise} · {day:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("inspections:inspection_detail", args=[self.pk])

    @property
    def is_joint(self):
        return self.agencies.exists()


class StationScopedQuerySet(models.QuerySet):
    """Rows that belong to a station (optionally one park of it): seen by the police of that park, or of any
    park of the station when no park is named. (A station's plan, not case data: nothing else sees it.)"""

    def visible_to(self, user, roles=None):
        from parkbeat.core.scoping import access_for
        from parkbeat.org.models import Park

        access = access_for(user)
        park_ids = access.park_ids(set(roles or POLICE) & POLICE) if access.user_id else set()
        if not park_ids:
            return self.none()
        stations = Park.objects.filter(pk__in=sorted(park_ids)).values("station_id")
        if self.model is KeyDate:
            return self.filter(Q(park_id__in=sorted(park_ids)) | Q(park__isnull=True, station_id__in=stations))
        return self.filter(station_id__in=stations)


class KeyDate(VersionedModel):
    """A holiday or major event (重要节点) the station keeps on its calendar: every key enterprise of its scope
    (one park, or every park of the station) needs a full-coverage inspection within `window_days` before it."""

    name = models.CharField(_("name"), max_length=100)
    day = models.DateField(_("date"), validators=[plausible])
    window_days = models.PositiveSmallIntegerField(_("window (days before)"), default=14, validators=[
        MinValueValidator(1), MaxValueValidator(90)])
    station = models.ForeignKey("org.OrgUnit", models.PROTECT, related_name="+", verbose_name=_("police station"),
                                limit_choices_to={"kind": "station"})
    park = models.ForeignKey("org.Park", models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("park"))  # empty: every park of the station
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = StationScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("key date")
        verbose_name_plural = _("key dates")
        ordering = ["day", "id"]
        indexes = [models.Index(fields=["station", "day"], name="keydate_station_day")]

    def __str__(self):
        return f"{self.name} · {self.day:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("inspections:keydate_detail", args=[self.pk])

    @property
    def window_start(self):
        """The first day of the window (Asia/Shanghai); the window ends the day before the key date."""
        return self.day - timedelta(days=self.window_days)

    @property
    def window_end(self):
        """The last day of the window: the day before the key date."""
        return self.day - timedelta(days=1)


class Campaign(VersionedModel):
    """A special campaign (专项治理): a theme, a period and a set of enterprises each to be inspected in it."""

    theme = models.CharField(_("theme"), max_length=100)
    starts_on = models.DateField(_("starts on"), validators=[plausible])
    ends_on = models.DateField(_("ends on"), validators=[plausible])
    station = models.ForeignKey("org.OrgUnit", models.PROTECT, related_name="+", verbose_name=_("police station"),
                                limit_choices_to={"kind": "station"})
    enterprises = models.ManyToManyField("enterprises.Enterprise", related_name="campaigns",
                                         verbose_name=_("enterprises"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = StationScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("special campaign")
        verbose_name_plural = _("special campaigns")
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["station", "-starts_on"], name="campaign_station_start")]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                              name="campaign_ends_after_start",
                                              violation_error_message=_("The campaign ends on or after its start."))]

    def __str__(self):
        return self.theme

    def get_absolute_url(self):
        return reverse("inspections:campaign_detail", args=[self.pk])


class InspectionResultQuerySet(InspectionQuerySet.through("inspection__")):
    """Seen by exactly who sees the inspection (their photos too)."""

    scope_owner_roles = POLICE
    scope_participant_roles = {AGENCY}


class InspectionResult(TimestampedModel):
    """The outcome of one checklist item in one inspection, with a note and photos (files.Attachment)."""

    class Outcome(models.TextChoices):
        OK = "ok", _("OK")
        HAZARD = "hazard", _("Hazard")
        NOT_APPLICABLE = "na", _("Not applicable")

    inspection = models.ForeignKey(Inspection, models.CASCADE, related_name="results", verbose_name=_("inspection"))
    item = models.ForeignKey(ChecklistItem, models.PROTECT, related_name="+", verbose_name=_("item"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)

    objects = InspectionResultQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection result")
        verbose_name_plural = _("inspection results")
        ordering = ["inspection_id", "item__area__order", "item__order"]
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="inspection_result_once",
                                               violation_error_message=_("This item already has a result."))]

    def __str__(self):
        return f"{self.item} · {self.get_outcome_display()}"

    def get_absolute_url(self):
        return reverse("inspections:inspection_detail", args=[self.inspection_id]) + f"#result-{self.pk}"
