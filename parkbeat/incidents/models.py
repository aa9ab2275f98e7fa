"""Incidents (警情): intake from every source, dispatch to the officer on duty, and the clocks that follow."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parkbeat.core.bounds import BoundedTextField, happened
from parkbeat.core.models import EventRow, ScopedQuerySet, VersionedModel
from parkbeat.core.permissions import CASE_ROLES
from parkbeat.core.personal import validate_mobile


class IncidentQuerySet(ScopedQuerySet):
    """Police of the park; the liaisons of the enterprise concerned; staff of an agency brought in;
    whoever reported it or holds it now."""

    scope_park = "park_id"
    scope_enterprise = "enterprise_id"
    scope_agency = "agencies__id"
    scope_owner = ("reported_by_id", "holder_id")
    scope_owner_roles = CASE_ROLES  # an administrator no longer opens what they once reported

    def open(self):
        return self.filter(status__in=Incident.OPEN_STATUSES)

    def acceptance_overdue(self, now=None):
        """Dispatched and not accepted in time: the escalation sweep moves these on."""
        return self.filter(status=Incident.Status.REPORTED, accept_due_at__lt=now or timezone.now())


class Incident(VersionedModel):
    """One reported event in or near a park, from report to closing, with who holds it at each moment."""

    class Source(models.TextChoices):
        DISPATCH_110 = "dispatch_110", _("110 dispatch transfer")
        LIAISON = "liaison", _("Enterprise liaison")
        VOLUNTEER = "volunteer", _("Volunteer in the field")
        PATROL = "patrol", _("Patrol")
        WALK_IN = "walk_in", _("Walk-in")
        PHONE = "phone", _("Phone call")

    class Kind(models.TextChoices):
        LABOUR_DISPUTE = "labour_dispute", _("Labour dispute")
        ECONOMIC_DISPUTE = "economic_dispute", _("Economic dispute")
        THEFT = "theft", _("Theft")
        FRAUD = "fraud", _("Fraud")
        FIRE_SAFETY = "fire_safety", _("Fire or safety risk")
        TRAFFIC = "traffic", _("Traffic")
        PUBLIC_ORDER = "public_order", _("Public order")
        SUSPICIOUS = "suspicious", _("Suspicious person")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        REPORTED = "reported", _("Awaiting acceptance")
        ACCEPTED = "accepted", _("Accepted")
        ON_SCENE = "on_scene", _("On scene")
        CLOSED = "closed", pgettext_lazy("incident status", "Closed")
        CANCELLED = "cancelled", _("Cancelled")

    # The state machine: from -> allowed targets. A closed incident can be reopened by the police: back on
    # scene if someone had arrived, else back to accepted (services.reopen_status).
    TRANSITIONS = {
        Status.REPORTED: {Status.ACCEPTED, Status.CANCELLED},
        Status.ACCEPTED: {Status.ON_SCENE, Status.CLOSED, Status.CANCELLED},
        Status.ON_SCENE: {Status.CLOSED},
        Status.CLOSED: {Status.ON_SCENE, Status.ACCEPTED},
        Status.CANCELLED: set(),
    }
    FINAL_STATUSES = (Status.CLOSED, Status.CANCELLED)
    OPEN_STATUSES = (Status.REPORTED, Status.ACCEPTED, Status.ON_SCENE)  # named, so that an index on status serves

    class Result(models.TextChoices):
        RESOLVED = "resolved", _("Resolved on the spot")
        DISPUTE = "dispute", _("Dispute case opened")
        REFERRED = "referred", _("Referred to another body")
        NO_ACTION = "no_action", _("No action needed")
        FALSE_REPORT = "false_report", _("False or mistaken report")

    dispatch_number = models.CharField(_("110 dispatch number"), max_length=40, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    park = models.ForeignKey("org.Park", models.PROTECT, related_name="incidents", verbose_name=_("park"))
    enterprise = models.ForeignKey("enterprises.Enterprise", models.PROTECT, null=True, blank=True,
                                   related_name="incidents", verbose_name=_("enterprise"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    lon = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    people_involved = models.PositiveIntegerField(_("people involved"), default=1)
    description = BoundedTextField(_("description"))
    caller_name = models.CharField(pgettext_lazy("person", "caller"), max_length=50, blank=True)
    caller_mobile = models.CharField(_("caller mobile"), max_length=11, blank=True, validators=[validate_mobile])
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="incidents_reported",
                                    verbose_name=_("recorded by"))
    agencies = models.ManyToManyField("org.Agency", blank=True, related_name="incidents",
                                      verbose_name=_("partner agencies involved"))

    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REPORTED)
    # Who must act now and since when; nothing open is ever without a holder.
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                               related_name="incidents_held", verbose_name=_("held by"))
    held_since = models.DateTimeField(_("held since"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("escalation step"), default=0)
    accept_due_at = models.DateTimeField(_("acceptance due"), null=True, blank=True)
    # The clocks: reported → accepted → on scene → closed.
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)
    # When it happened, as the reporter says ("half an hour ago"); the clocks start at reported_at.
    occurred_at = models.DateTimeField(_("occurred at"), null=True, blank=True, validators=[happened])
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    on_scene_at = models.DateTimeField(_("on scene at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=20, choices=Result.choices, blank=True)
    result_note = BoundedTextField(_("result details"), max_length=2000, blank=True)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-reported_at", "-id"]
        # Scoped lists filter by park and order by (-reported_at, -id): the scope column first, then the filter,
        # then the order, so a station's page is one index range (core/tests/test_explain.py checks the plans).
        indexes = [
            models.Index(fields=["park", "-reported_at", "-id"], name="incident_park_reported"),
            models.Index(fields=["park", "status", "-reported_at"], name="incident_park_status"),
            models.Index(fields=["park", "kind", "-reported_at"], name="incident_park_kind"),
            models.Index(fields=["enterprise", "-reported_at"]),
            models.Index(fields=["status", "accept_due_at"]),
            models.Index(fields=["status", "-reported_at"], name="incident_status_reported"),
            models.Index(fields=["holder", "status"]),
            models.Index(fields=["-reported_at", "-id"]),
            models.Index(fields=["kind", "-reported_at"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["dispatch_number"], condition=~Q(dispatch_number=""),
                                    name="incident_dispatch_number_once",
                                    violation_error_message=_("An incident with this 110 dispatch number "
                                                              "has already been recorded.")),
            models.CheckConstraint(
                condition=Q(status="closed", closed_at__isnull=False) | ~Q(status="closed"),
                name="incident_closed_has_time",
                violation_error_message=_("A closed incident needs its closing time.")),
            models.CheckConstraint(
                condition=(Q(lon__isnull=True) & Q(lat__isnull=True))
                | (Q(lon__isnull=False) & Q(lat__isnull=False)
                   & Q(lon__gte=-180) & Q(lon__lte=180) & Q(lat__gte=-90) & Q(lat__lte=90)),
                name="incident_location_valid",
                violation_error_message=_("Give both longitude (−180…180) and latitude (−90…90), or neither.")),
        ]

    def __str__(self):
        return f"{self.number} · {self.get_kind_display()}"

    @property
    def number(self):
        """The number shown to people: JQ + report date + id, e.g. JQ20261129-000123."""
        return f"JQ{timezone.localtime(self.reported_at):%Y%m%d}-{self.pk or 0:06d}"

    def get_absolute_url(self):
        return reverse("incidents:incident_detail", args=[self.pk])

    @property
    def is_open(self):
        return self.status not in self.FINAL_STATUSES


class IncidentTransition(EventRow):
    """Every change of an incident's status or holder: who recorded it (empty: the system), when it happened and
    when it was recorded, from, to, note."""

    class Kind(models.TextChoices):
        STATUS = "status", _("Status change")
        DISPATCH = "dispatch", _("Dispatched")
        ESCALATION = "escalation", _("Escalated")
        HANDOVER = "handover", _("Handed over")

    incident = models.ForeignKey(Incident, models.CASCADE, related_name="transitions", verbose_name=_("incident"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.STATUS)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("by"))
    from_status = models.CharField(_("from"), max_length=12, choices=Incident.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=Incident.Status.choices)
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("held by"))
    note = BoundedTextField(_("note"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("incident transition")
        verbose_name_plural = _("incident transitions")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["incident", "at"])]

    def __str__(self):
        return f"{self.incident_id}: {self.from_status} → {self.to_status}"
