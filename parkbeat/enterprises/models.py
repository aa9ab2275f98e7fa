"""The enterprise registry: enterprises, their liaisons, visits made to them and demands they raise."""
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from stdnum.cn import uscc

from parkbeat.core.bounds import BoundedTextField, happened, plausible
from parkbeat.core.models import ChoiceLabels, ScopedQuerySet, VersionedModel
from parkbeat.core.permissions import CASE_ROLES
from parkbeat.core.personal import validate_mobile
from parkbeat.org.models import Park


def validate_credit_code(value):
    """Unified social credit code (GB 32100-2015), checked by python-stdnum."""
    try:
        uscc.validate(value)
    except Exception:
        raise ValidationError(_("Not a valid unified social credit code."), code="invalid_uscc") from None


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def validate_production_hours(value):
    """{"mon": [["08:00", "12:00"], ["13:00", "17:30"]], "fri": [["22:00", "06:00"]], ...}: a weekly timetable of
    production periods. A period whose start lies after its end runs across midnight into the next day (Friday's
    22:00–06:00 makes Saturday 00:00–06:00 production time); "23:59" as an end means midnight; a start equal to its
    end, or a time that is not HH:MM of a day (24:00 included), is refused. outreach.timetable reads it."""
    if value in (None, {}):
        return
    if not isinstance(value, dict) or set(value) - set(WEEKDAYS):
        raise ValidationError(_("Production hours must map weekdays (mon…sun) to lists of periods."))
    for day, periods in value.items():
        if not isinstance(periods, list):
            raise ValidationError(_("Production hours for %(day)s must be a list of periods.") % {"day": day})
        for period in periods:
            if (not isinstance(period, (list, tuple)) or len(period) != 2
                    or not all(_clock_minutes(t) is not None for t in period) or period[0] == period[1]):
                raise ValidationError(_("Each period is [\"HH:MM\", \"HH:MM\"] from 00:00 to 23:59, the start "
                                        "different from the end (a start after the end runs past midnight)."))


def _clock_minutes(text):
    """Minutes after midnight of "HH:MM" (00:00…23:59), else None."""
    if not isinstance(text, str) or len(text) != 5 or text[2] != ":" or not (text[:2] + text[3:]).isdigit():
        return None
    hours, mins = int(text[:2]), int(text[3:])
    return hours * 60 + mins if hours < 24 and mins < 60 else None


class Industry(models.TextChoices):
    MACHINERY = "machinery", _("Machinery and equipment")
    RAIL = "rail", _("Rail transit equipment")
    AUTO = "auto", _("Automotive parts")
    ELECTRONICS = "electronics", _("Electronics")
    CHEMICAL = "chemical", _("Chemicals")
    MATERIALS = "materials", _("New materials")
    MEDICAL = "medical", _("Medicine and medical devices")
    FOOD = "food", _("Food processing")
    TEXTILE = "textile", _("Textiles and garments")
    LOGISTICS = "logistics", _("Logistics and warehousing")
    CONSTRUCTION = "construction", _("Construction")
    SERVICES = "services", _("Services")
    OTHER = "other", _("Other")


class RiskCategory(models.TextChoices):
    NONE = "", _("None")
    FIRE = "fire", _("Fire")
    HAZMAT = "hazmat", _("Hazardous chemicals")
    DUST = "dust", _("Combustible dust")
    MACHINERY = "machinery", _("Heavy machinery")
    CROWD = "crowd", _("Dense workforce")
    LABOUR = "labour", _("Labour disputes")
    WAREHOUSE = "warehouse", _("Large warehouses")
    OTHER = "other", _("Other")


# The categories a designation names, as choices of their own (the API schema's KeyRiskCategoryEnum).
KeyRiskCategory = models.TextChoices("KeyRiskCategory", [(m.name, (m.value, m.label)) for m in RiskCategory if m.value])


class EnterpriseQuerySet(ScopedQuerySet):
    scope_park = "park_id"
    scope_park_roles = ("station_leader", "park_officer", "auxiliary", "mediator", "agency_staff")
    scope_enterprise = "id"


class KeyDesignationQuerySet(EnterpriseQuerySet.through("enterprise__")):
    """Seen by exactly those who see the enterprise."""


class Enterprise(VersionedModel):
    """An enterprise in a park. Closed or moved ones are kept, never deleted."""

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("enterprise status", "Active")
        MOVED = "moved", _("Moved away")
        CLOSED = "closed", pgettext_lazy("enterprise status", "Closed")

    name = models.CharField(_("name"), max_length=100)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True,
                                   validators=[validate_credit_code],
                                   error_messages={"unique": _("An enterprise with this credit code already exists.")})
    park = models.ForeignKey(Park, models.PROTECT, related_name="enterprises", verbose_name=_("park"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    lon = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    industry = models.CharField(_("industry"), max_length=20, choices=Industry.choices, default=Industry.OTHER)
    headcount = models.PositiveIntegerField(_("headcount"), default=0)
    production_hours = models.JSONField(_("production hours"), default=dict, blank=True,
                                        validators=[validate_production_hours])
    # The current key designation, kept here for lists and filters; written only by enterprise_designate and
    # enterprise_undesignate (enterprises.services), beside the KeyDesignation row that holds its history.
    is_key = models.BooleanField(_("key enterprise"), default=False)
    key_reason = models.CharField(_("reason for key status"), max_length=200, blank=True)
    risk_category = models.CharField(_("risk category"), max_length=20, choices=RiskCategory.choices, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["park", "name", "id"], name="enterprise_park_name"),
            models.Index(fields=["name", "id"], name="enterprise_name"),  # a city leader's list: no park filter
            models.Index(fields=["park", "status", "name"]),
            models.Index(fields=["industry", "name"]),
            models.Index(fields=["is_key", "name"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_key=False) | ~Q(key_reason=""), name="enterprise_key_needs_reason",
                violation_error_message=_("A key enterprise needs a reason."),
            ),
            models.CheckConstraint(
                condition=(Q(lon__isnull=True) & Q(lat__isnull=True))
                | (Q(lon__isnull=False) & Q(lat__isnull=False)
                   & Q(lon__gte=-180) & Q(lon__lte=180) & Q(lat__gte=-90) & Q(lat__lte=90)),
                name="enterprise_location_valid",
                violation_error_message=_("Give both longitude (−180…180) and latitude (−90…90), or neither."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("enterprises:enterprise_detail", args=[self.pk])

    def clean(self):
        # Stored upper-case, so a code typed in lower case cannot slip past the unique check.
        self.credit_code = (self.credit_code or "").strip().upper()
        if self.is_key and not self.key_reason:
            raise ValidationError({"key_reason": _("A key enterprise needs a reason.")})


class KeyDesignation(ChoiceLabels):
    """One period of an enterprise's key status (重点企业): why, which risk, from when, when to review, and
    how it ended. At most one is current (not ended); the enterprise's is_key mirrors it."""

    enterprise = models.ForeignKey(Enterprise, models.PROTECT, related_name="designations",
                                   verbose_name=_("enterprise"))
    risk_category = models.CharField(_("risk category"), max_length=20,
                                     choices=KeyRiskCategory.choices)
    reason = models.CharField(_("reason for key status"), max_length=200)
    starts_on = models.DateField(_("key from"), validators=[happened])
    review_on = models.DateField(_("review by"), null=True, blank=True, validators=[plausible])
    ended_on = models.DateField(_("ended on"), null=True, blank=True, validators=[happened])
    ended_reason = models.CharField(_("why it ended"), max_length=200, blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("ended by"))
    # Null only for the designations carried over from the former key flag (migration 0005).
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("designated by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = KeyDesignationQuerySet.as_manager()

    class Meta:
        verbose_name = _("key designation")
        verbose_name_plural = _("key designations")
        ordering = ["enterprise_id", "-starts_on", "-id"]
        indexes = [models.Index(fields=["enterprise", "-starts_on", "-id"], name="designation_enterprise")]
        constraints = [
            models.UniqueConstraint(fields=["enterprise"], condition=Q(ended_on__isnull=True),
                                    name="designation_one_current",
                                    violation_error_message=_("This enterprise already has a current designation.")),
            models.CheckConstraint(condition=Q(review_on__isnull=True) | Q(review_on__gt=models.F("starts_on")),
                                   name="designation_review_after_start",
                                   violation_error_message=_("The review date lies after the start.")),
            models.CheckConstraint(condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("starts_on")),
                                   name="designation_ends_after_start",
                                   violation_error_message=_("A designation cannot end before it starts.")),
            models.CheckConstraint(condition=Q(ended_on__isnull=True) | ~Q(ended_reason=""),
                                   name="designation_end_has_reason",
                                   violation_error_message=_("Say why the designation ends.")),
        ]

    def __str__(self):
        return f"{self.enterprise} · {self.get_risk_category_display()} · {self.starts_on:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("enterprises:enterprise_detail", args=[self.enterprise_id]) + "#designations"

    @property
    def is_current(self):
        return self.ended_on is None


class LiaisonQuerySet(ScopedQuerySet):
    scope_park = "enterprise__park_id"
    scope_enterprise = "enterprise_id"
    scope_owner = ("user_id",)


class Liaison(VersionedModel):
    """An enterprise's contact with the station: its security head or its administration head."""

    class Kind(models.TextChoices):
        SECURITY_HEAD = "security_head", _("Security head")
        ADMIN_HEAD = "admin_head", _("Administration head")

    enterprise = models.ForeignKey(Enterprise, models.CASCADE, related_name="liaisons", verbose_name=_("enterprise"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    title = models.CharField(_("job title"), max_length=50, blank=True)
    mobile = models.CharField(_("mobile"), max_length=11, validators=[validate_mobile])
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                             related_name="liaison_roles", verbose_name=_("user account"))

    objects = LiaisonQuerySet.as_manager()

    class Meta:
        verbose_name = _("liaison")
        verbose_name_plural = _("liaisons")
        ordering = ["enterprise_id", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "kind"], name="liaison_one_per_kind",
                                    violation_error_message=_("This enterprise already has a liaison of that kind.")),
        ]

    def __str__(self):
        return f"{self.name}（{self.get_kind_display()}）"


class VisitQuerySet(ScopedQuerySet):
    scope_park = "enterprise__park_id"
    scope_owner = ("visitor_id",)
    scope_owner_roles = CASE_ROLES


class Visit(VersionedModel):
    """A visit (走访) to an enterprise: who went, whom they met, what they found."""

    enterprise = models.ForeignKey(Enterprise, models.PROTECT, related_name="visits", verbose_name=_("enterprise"))
    visitor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="visits",
                                verbose_name=_("visitor"))
    visited_at = models.DateTimeField(_("visited at"), default=timezone.now, validators=[happened])
    companions = models.CharField(_("companions"), max_length=200, blank=True)
    met_with = models.CharField(_("met with"), max_length=200, blank=True)
    findings = BoundedTextField(_("findings"))

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_at", "-id"]
        indexes = [models.Index(fields=["enterprise", "-visited_at"]), models.Index(fields=["visited_at"])]

    def __str__(self):
        return f"{self.enterprise} · {timezone.localtime(self.visited_at):%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("enterprises:visit_detail", args=[self.pk])


class DemandQuerySet(ScopedQuerySet):
    scope_park = "enterprise__park_id"
    scope_enterprise = "enterprise_id"
    scope_owner = ("raised_by_id", "assignee_id")
    scope_owner_roles = CASE_ROLES

    def open(self):
        return self.filter(status__in=Demand.OPEN_STATUSES)

    def overdue(self, now=None):
        return self.open().filter(due_at__lt=now or timezone.now())


class Demand(VersionedModel):
    """A demand (诉求) from an enterprise, tracked until it is answered and closed."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    # The state machine: from -> allowed targets. Answered can be reopened if the answer does not satisfy.
    TRANSITIONS = {
        Status.OPEN: {Status.IN_PROGRESS, Status.ANSWERED, Status.CLOSED},
        Status.IN_PROGRESS: {Status.ANSWERED, Status.CLOSED},
        Status.ANSWERED: {Status.CLOSED, Status.IN_PROGRESS},
        Status.CLOSED: set(),
    }
    OPEN_STATUSES = (Status.OPEN, Status.IN_PROGRESS)

    class Category(models.TextChoices):
        SECURITY = "security", _("Public security")
        LABOUR = "labour", _("Labour relations")
        TRAFFIC = "traffic", _("Traffic")
        FIRE_SAFETY = "fire_safety", _("Fire and work safety")
        ENVIRONMENT = "environment", _("Business environment")
        PERMITS = "permits", _("Permits and household registration")
        OTHER = "other", _("Other")

    class Source(models.TextChoices):
        LIAISON = "liaison", _("Raised by liaison")
        VISIT = "visit", _("Collected on a visit")
        OFFICER = "officer", _("Recorded by staff")

    enterprise = models.ForeignKey(Enterprise, models.PROTECT, related_name="demands", verbose_name=_("enterprise"))
    visit = models.ForeignKey(Visit, models.SET_NULL, null=True, blank=True, related_name="demands",
                              verbose_name=_("visit"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.OFFICER)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, default=Category.OTHER)
    content = BoundedTextField(_("content"), max_length=2000)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="demands_raised",
                                  verbose_name=_("recorded by"))
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                 related_name="demands_assigned", verbose_name=_("assignee"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    due_at = models.DateTimeField(_("answer due"), validators=[plausible])
    answer = BoundedTextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = DemandQuerySet.as_manager()

    class Meta:
        verbose_name = _("demand")
        verbose_name_plural = _("demands")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["assignee", "status"]),
            models.Index(fields=["enterprise", "-created_at"]),
            models.Index(fields=["-created_at", "-id"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="answered") | ~Q(answer=""),
                name="demand_answered_has_answer",
                violation_error_message=_("An answered demand needs an answer."),
            ),
        ]

    def __str__(self):
        return f"{self.enterprise} · {self.get_category_display()} · {self.content[:20]}"

    def get_absolute_url(self):
        return reverse("enterprises:demand_detail", args=[self.pk])

    @property
    def is_overdue(self):
        return self.status in self.OPEN_STATUSES and self.due_at < timezone.now()


DEFAULT_DEMAND_DAYS = 7


def default_due_at(now=None):
    return (now or timezone.now()) + timedelta(days=DEFAULT_DEMAND_DAYS)


class DemandTransition(ChoiceLabels):
    """Every status change of a demand: who, when, from, to, note."""

    demand = models.ForeignKey(Demand, models.CASCADE, related_name="transitions", verbose_name=_("demand"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("time"), default=timezone.now)
    from_status = models.CharField(_("from"), max_length=12, choices=Demand.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=Demand.Status.choices)
    note = BoundedTextField(_("note"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("demand transition")
        verbose_name_plural = _("demand transitions")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.demand_id}: {self.from_status} → {self.to_status}"
