"""Enterprise-related crime (涉企案件): leads (线索) worked over days, and cases from report to recovery.

A lead comes from a patrol finding, an incident, an enterprise's liaison or a partner agency. It belongs to the
park whose police work it (the jurisdiction, for scoping); a place outside the industrial park — a campus's
surroundings (护校安园), a market street — is named in `area`, so the station's patrol and case areas outside its
parks are expressible without a new kind of unit. A partner agency may work the lead jointly (e.g. the tobacco
bureau): its staff then see that lead, and only the leads their agency works. Observations over the days are
LeadObservation rows (happened / recorded / by whom, core.events). A lead is closed with a reason or turned into
one Case.

A case has its type, the enterprise (none for a case outside any enterprise, e.g. a campus's surroundings), when
it occurred and was reported, the loss in yuan and the items, suspects (name masked in lists, resident ID
encrypted), the cross-region flag, the key times (suspect identified, arrested, property recovered — event
times), the value recovered and its status. Only leaders and officers handle cases and see suspects and loss
details; auxiliaries see a summary (type, enterprise, times, status, loss and recovered totals); the enterprise's
liaison sees only its own cases' status and recovered value.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parkbeat.core.bounds import BoundedTextField, happened
from parkbeat.core.models import ChoiceLabels, EventRow, LateEntry, ScopedQuerySet, VersionedModel
from parkbeat.core.permissions import AUXILIARY, LEADER, OFFICER
from parkbeat.core.personal import EncryptedTextField, mask_resident_id, validate_resident_id


def mask_name(name):
    """张三丰 -> 张**: the family name and a star per other character."""
    name = (name or "").strip()
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


class LeadQuerySet(ScopedQuerySet):
    """The police of the park; the staff of the agency working the lead jointly (only those leads)."""

    scope_park = "park_id"
    scope_park_roles = (LEADER, OFFICER, AUXILIARY)
    scope_agency = "agency_id"


class Lead(VersionedModel, LateEntry):
    class Source(models.TextChoices):
        PATROL = "patrol", _("Patrol finding")
        INCIDENT = "incident", _("Incident")
        LIAISON = "liaison", _("Enterprise liaison")
        AGENCY = "agency", _("Partner agency")

    class Status(models.TextChoices):
        OPEN = "open", _("Being worked")
        CLOSED = "closed", _("Closed")
        CASE = "case", _("Became a case")

    park = models.ForeignKey("org.Park", models.PROTECT, related_name="+", verbose_name=_("park"))
    area = models.CharField(_("area outside the park"), max_length=200, blank=True,
                            help_text=_("e.g. a campus's surroundings (护校安园); empty: inside the park"))
    enterprise = models.ForeignKey("enterprises.Enterprise", models.PROTECT, null=True, blank=True,
                                   related_name="crime_leads", verbose_name=_("enterprise"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    finding = models.ForeignKey("patrols.Finding", models.PROTECT, null=True, blank=True, related_name="crime_leads",
                                verbose_name=_("patrol finding"))
    incident = models.ForeignKey("incidents.Incident", models.PROTECT, null=True, blank=True,
                                 related_name="crime_leads", verbose_name=_("incident"))
    description = BoundedTextField(_("description"), max_length=2000)
    agency = models.ForeignKey("org.Agency", models.PROTECT, null=True, blank=True, related_name="crime_leads",
                               verbose_name=_("worked jointly with"))
    received_at = models.DateTimeField(_("received at"), validators=[happened])
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="crime_leads_recorded",
                                    verbose_name=_("recorded by"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_reason = models.CharField(_("why closed"), max_length=500, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = LeadQuerySet.as_manager()

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["park", "-received_at", "-id"], name="crime_lead_park_received"),
            models.Index(fields=["-received_at", "-id"], name="crime_lead_received"),
            models.Index(fields=["agency"], name="crime_lead_agency"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(status="closed") | ~Q(closed_reason=""), name="crime_lead_closed_reason",
                                   violation_error_message=_("A closed lead says why it was closed.")),
        ]

    def __str__(self):
        return f"{self.area or self.park} · {self.description[:30]}"

    def get_absolute_url(self):
        return reverse("crime:lead_detail", args=[self.pk])

    @property
    def status_badge(self):
        return {"open": "badge-status-in_progress", "closed": "badge-status-closed",
                "case": "badge-status-answered"}.get(self.status, "text-bg-secondary")


class LeadObservationQuerySet(LeadQuerySet.through("lead__")):
    """Seen by exactly who sees the lead."""


class LeadObservation(EventRow):
    """One observation of a lead's work: when it happened, when and by whom it was recorded."""

    lead = models.ForeignKey(Lead, models.CASCADE, related_name="observations", verbose_name=_("lead"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))
    note = BoundedTextField(_("observation"), max_length=2000)

    objects = LeadObservationQuerySet.as_manager()

    class Meta:
        verbose_name = _("lead observation")
        verbose_name_plural = _("lead observations")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["lead", "at"], name="crime_observation_at")]

    def __str__(self):
        return f"{self.lead_id}: {self.note[:30]}"

    def get_absolute_url(self):
        return reverse("crime:lead_detail", args=[self.lead_id]) + f"#observation-{self.pk}"


class CaseQuerySet(ScopedQuerySet):
    """Leaders, officers and auxiliaries of the park (auxiliaries: the summary); the enterprise's liaisons (status
    and recovered value only)."""

    scope_park = "park_id"
    scope_park_roles = (LEADER, OFFICER, AUXILIARY)
    scope_enterprise = "enterprise_id"


class Case(VersionedModel, LateEntry):
    class Kind(models.TextChoices):
        THEFT = "theft", _("Theft")
        INTERNAL_THEFT = "internal_theft", _("Internal theft")
        EMBEZZLEMENT = "embezzlement", _("Embezzlement by an employee")
        FRAUD = "fraud", _("Fraud")
        TELECOM_FRAUD = "telecom_fraud", _("Telecom fraud")
        ILLEGAL_BUSINESS = "illegal_business", _("Illegal business")
        DAMAGE = "damage", _("Damage to property")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("Under investigation")
        SOLVED = "solved", _("Solved")
        CLOSED = "closed", _("Closed")

    TRANSITIONS = {
        Status.OPEN: {Status.SOLVED, Status.CLOSED},
        Status.SOLVED: {Status.CLOSED},
        Status.CLOSED: set(),
    }

    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    park = models.ForeignKey("org.Park", models.PROTECT, related_name="+", verbose_name=_("park"))
    area = models.CharField(_("area outside the park"), max_length=200, blank=True)
    enterprise = models.ForeignKey("enterprises.Enterprise", models.PROTECT, null=True, blank=True,
                                   related_name="crime_cases", verbose_name=_("enterprise"))
    title = models.CharField(_("title"), max_length=100)
    description = BoundedTextField(_("description"), max_length=4000)
    occurred_at = models.DateTimeField(_("occurred at"), validators=[happened])
    reported_at = models.DateTimeField(_("reported at"), validators=[happened])
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="crime_cases_recorded",
                                    verbose_name=_("recorded by"))
    loss_yuan = models.DecimalField(_("loss (yuan)"), max_digits=12, decimal_places=2, default=0)
    loss_items = models.CharField(_("items lost"), max_length=500, blank=True)
    cross_region = models.BooleanField(_("cross-region"), default=False)
    suspect_identified_at = models.DateTimeField(_("suspect identified at"), null=True, blank=True,
                                                 validators=[happened])
    arrested_at = models.DateTimeField(_("arrested at"), null=True, blank=True, validators=[happened])
    recovered_at = models.DateTimeField(_("property recovered at"), null=True, blank=True, validators=[happened])
    recovered_yuan = models.DecimalField(_("recovered (yuan)"), max_digits=12, decimal_places=2, default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    solved_at = models.DateTimeField(_("solved at"), null=True, blank=True)  # kept once closed: clearance rate
    closed_reason = models.CharField(_("why closed"), max_length=500, blank=True)
    incident = models.ForeignKey("incidents.Incident", models.PROTECT, null=True, blank=True,
                                 related_name="crime_cases", verbose_name=_("incident"))
    lead = models.OneToOneField(Lead, models.PROTECT, null=True, blank=True, related_name="case",
                                verbose_name=_("lead"))

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("criminal case")
        verbose_name_plural = _("criminal cases")
        ordering = ["-reported_at", "-id"]
        indexes = [
            models.Index(fields=["park", "-reported_at", "-id"], name="crime_case_park_reported"),
            models.Index(fields=["-reported_at", "-id"], name="crime_case_reported"),
            models.Index(fields=["enterprise", "-reported_at"], name="crime_case_enterprise"),
            models.Index(fields=["incident"], name="crime_case_incident"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(occurred_at__lte=models.F("reported_at")),
                                   name="crime_case_occurred_before_reported",
                                   violation_error_message=_("A case occurs before it is reported.")),
            models.CheckConstraint(condition=Q(loss_yuan__gte=0) & Q(recovered_yuan__gte=0),
                                   name="crime_case_amounts_not_negative",
                                   violation_error_message=_("Amounts are not negative.")),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("crime:case_detail", args=[self.pk])

    @property
    def status_badge(self):
        return {"open": "badge-status-in_progress", "solved": "badge-status-answered",
                "closed": "badge-status-closed"}.get(self.status, "text-bg-secondary")


class CaseChildQuerySet(ScopedQuerySet):
    """Suspects and the timeline: only the leaders and officers of the case's park."""

    scope_park = "case__park_id"
    scope_park_roles = (LEADER, OFFICER)


class Suspect(ChoiceLabels):
    case = models.ForeignKey(Case, models.CASCADE, related_name="suspects", verbose_name=_("case"))
    name = models.CharField(_("name"), max_length=50)
    resident_id = EncryptedTextField(_("resident ID"), blank=True, validators=[validate_resident_id])
    note = models.CharField(_("note"), max_length=500, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                 verbose_name=_("added by"))
    added_at = models.DateTimeField(_("added at"))

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("suspect")
        verbose_name_plural = _("suspects")
        ordering = ["case_id", "id"]

    def __str__(self):
        return self.name_masked

    @property
    def name_masked(self):
        return mask_name(self.name)

    @property
    def resident_id_masked(self):
        return mask_resident_id(self.resident_id) if self.resident_id else ""

    def get_absolute_url(self):
        return reverse("crime:case_detail", args=[self.case_id]) + f"#suspect-{self.pk}"


class CaseEvent(EventRow):
    """One step of a case: when it happened, when and by whom it was recorded."""

    class Kind(models.TextChoices):
        REPORTED = "reported", _("Case reported")
        NOTE = "note", _("Investigation note")
        SUSPECT_IDENTIFIED = "identified", _("Suspect identified")
        ARRESTED = "arrested", _("Suspect arrested")
        RECOVERED = "recovered", _("Property recovered")
        SOLVED = "solved", _("Solved")
        CLOSED = "closed", _("Closed")

    case = models.ForeignKey(Case, models.CASCADE, related_name="events", verbose_name=_("case"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))
    note = BoundedTextField(_("note"), max_length=2000, blank=True)

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="crime_case_event_at")]

    def __str__(self):
        return f"{self.case_id}: {self.get_kind_display()}"

    def get_absolute_url(self):
        return reverse("crime:case_detail", args=[self.case_id]) + f"#event-{self.pk}"
