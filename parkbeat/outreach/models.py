"""Publicity (宣传): campaigns with their materials and targets, lectures at enterprises with their speakers and
attendance, and the rules (规矩) enterprises adopt.

A lecture is scheduled outside the enterprise's production hours (outreach.timetable), unless the liaison's written
agreement is attached; it is then held or cancelled, and its attendance (people reached) recorded after the fact.
Every step is a LectureEvent row with when it happened and when and by whom it was recorded. Nothing is deleted.
"""
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkbeat.core.bounds import BoundedTextField, happened, plausible
from parkbeat.core.models import ChoiceLabels, EventRow, ScopedQuerySet, TimestampedModel, VersionedModel
from parkbeat.core.permissions import AUXILIARY, LEADER, OFFICER, VOLUNTEER


class Theme(models.TextChoices):
    ANTI_FRAUD = "anti_fraud", _("Anti-fraud")
    FIRE = "fire", _("Fire safety")
    TRAFFIC = "traffic", _("Traffic safety")
    HELMET = "helmet", _("Helmet rule")
    OTHER = "other", _("Other")


class StationQuerySet(ScopedQuerySet):
    """A station's own publicity plan (campaigns, rules): seen by the police of any park of the station."""

    scope_park = None
    scope_role_parks = {LEADER: "station__parks__id", OFFICER: "station__parks__id",
                        AUXILIARY: "station__parks__id"}


class Campaign(VersionedModel):
    """A publicity campaign (宣传活动) of a station: a theme, a period, materials (files.Attachment on this row) and
    the parks and enterprises it targets (an enterprise of a targeted park is targeted)."""

    class Status(models.TextChoices):
        UPCOMING = "upcoming", _("Upcoming")
        RUNNING = "running", _("Running")
        ENDED = "ended", _("Ended")

    station = models.ForeignKey("org.OrgUnit", models.PROTECT, related_name="+", verbose_name=_("police station"),
                                limit_choices_to={"kind": "station"})
    theme = models.CharField(_("theme"), max_length=12, choices=Theme.choices)
    title = models.CharField(_("title"), max_length=100)
    starts_on = models.DateField(_("starts on"), validators=[plausible])
    ends_on = models.DateField(_("ends on"), validators=[plausible])
    parks = models.ManyToManyField("org.Park", related_name="+", blank=True, verbose_name=_("target parks"))
    enterprises = models.ManyToManyField("enterprises.Enterprise", related_name="outreach_campaigns", blank=True,
                                         verbose_name=_("target enterprises"))
    note = BoundedTextField(_("note"), max_length=1000, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))

    objects = StationQuerySet.as_manager()

    class Meta:
        verbose_name = _("publicity campaign")
        verbose_name_plural = _("publicity campaigns")
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["station", "-starts_on"], name="outreach_campaign_station")]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")),
                                              name="outreach_campaign_ends_after_start",
                                              violation_error_message=_("The campaign ends on or after its start."))]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("outreach:campaign_detail", args=[self.pk])

    def status_on(self, day):
        if day < self.starts_on:
            return self.Status.UPCOMING
        return self.Status.RUNNING if day <= self.ends_on else self.Status.ENDED

    @property
    def status(self):
        """Derived from the period (Asia/Shanghai today)."""
        return self.status_on(timezone.localdate())

    def get_status_display(self):
        return dict(self.Status.choices)[self.status]

    @property
    def status_badge(self):
        return {"upcoming": "badge-status-open", "running": "badge-status-in_progress",
                "ended": "badge-status-answered"}[self.status]


class LectureQuerySet(ScopedQuerySet):
    """The police of the park; the enterprise's liaisons; the volunteers who speak at it."""

    scope_park = "park_id"
    scope_enterprise = "enterprise_id"
    scope_participant = ("speakers__user_id",)
    scope_participant_roles = {VOLUNTEER}


class Lecture(VersionedModel):
    """A lecture or event (宣讲/活动) at an enterprise: when, who speaks, the topic and the people reached."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    # status -> the statuses lecture_transition may move it to
    TRANSITIONS = {
        Status.PLANNED: {Status.HELD, Status.CANCELLED},
        Status.HELD: set(),
        Status.CANCELLED: set(),
    }

    enterprise = models.ForeignKey("enterprises.Enterprise", models.PROTECT, related_name="lectures",
                                   verbose_name=_("enterprise"))
    park = models.ForeignKey("org.Park", models.PROTECT, related_name="+", verbose_name=_("park"),
                             editable=False)  # the enterprise's park, so the scope is one column
    campaign = models.ForeignKey(Campaign, models.PROTECT, null=True, blank=True, related_name="lectures",
                                 verbose_name=_("campaign"))
    theme = models.CharField(_("theme"), max_length=12, choices=Theme.choices)
    topic = models.CharField(_("topic"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"), validators=[plausible])
    ends_at = models.DateTimeField(_("ends at"), validators=[plausible])
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    by_agreement = models.BooleanField(_("inside production hours by agreement"), default=False)
    attendance = models.PositiveIntegerField(_("people reached"), null=True, blank=True)
    attendance_at = models.DateTimeField(_("attendance counted at"), null=True, blank=True, validators=[happened])
    attendance_recorded_at = models.DateTimeField(_("attendance recorded at"), null=True, blank=True)
    attendance_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                               related_name="+", verbose_name=_("attendance recorded by"))
    notes = BoundedTextField(_("notes"), max_length=2000, blank=True)
    scheduled_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                     verbose_name=_("scheduled by"))

    objects = LectureQuerySet.as_manager()

    class Meta:
        verbose_name = _("lecture")
        verbose_name_plural = _("lectures")
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["park", "-starts_at", "-id"], name="lecture_park_start"),
            models.Index(fields=["-starts_at", "-id"], name="lecture_start"),
            models.Index(fields=["enterprise", "status", "starts_at"], name="lecture_enterprise_start"),
            models.Index(fields=["campaign", "status"], name="lecture_campaign"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="lecture_ends_after_start",
                                   violation_error_message=_("The lecture ends after it starts.")),
            models.UniqueConstraint(fields=["enterprise", "starts_at"], condition=Q(status="planned"),
                                    name="lecture_planned_once",
                                    violation_error_message=_("A lecture is already planned at this enterprise "
                                                              "at this time.")),
            models.CheckConstraint(condition=Q(attendance__isnull=True) | Q(status="held"),
                                   name="lecture_attendance_only_held",
                                   violation_error_message=_("Attendance is recorded for a lecture held.")),
        ]

    def __str__(self):
        return f"{self.enterprise} · {self.topic[:30]}"

    def get_absolute_url(self):
        return reverse("outreach:lecture_detail", args=[self.pk])

    @property
    def status_badge(self):
        return {"planned": "badge-status-open", "held": "badge-status-answered",
                "cancelled": "text-bg-secondary"}.get(self.status, "text-bg-secondary")

    @property
    def duration(self):
        return self.ends_at - self.starts_at


class SpeakerQuerySet(LectureQuerySet.through("lecture__")):
    scope_participant_roles = {VOLUNTEER}


class Speaker(ChoiceLabels):
    """Who speaks at a lecture: a police officer of the park or a volunteer of its teams (whose time at a lecture
    held is credited as service hours: volunteers.hours)."""

    class Kind(models.TextChoices):
        POLICE = "police", _("Police")
        VOLUNTEER = "volunteer", _("Volunteer")

    lecture = models.ForeignKey(Lecture, models.CASCADE, related_name="speakers", verbose_name=_("lecture"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="lectures_spoken",
                             verbose_name=_("speaker"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)

    objects = SpeakerQuerySet.as_manager()

    class Meta:
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        ordering = ["lecture_id", "id"]
        indexes = [models.Index(fields=["user", "lecture"], name="speaker_user")]
        constraints = [models.UniqueConstraint(fields=["lecture", "user"], name="speaker_once")]

    def __str__(self):
        return f"{self.lecture_id}: {self.user_id}"

    def get_absolute_url(self):
        return reverse("outreach:lecture_detail", args=[self.lecture_id])


class LectureEventQuerySet(LectureQuerySet.through("lecture__")):
    scope_participant_roles = {VOLUNTEER}


class LectureEvent(EventRow):
    """One step of a lecture's history: when it happened, when and by whom it was recorded."""

    class Kind(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        AGREEMENT = "agreement", _("Written agreement attached")
        UPDATED = "updated", _("Changed")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")
        ATTENDANCE = "attendance", _("Attendance recorded")

    lecture = models.ForeignKey(Lecture, models.CASCADE, related_name="events", verbose_name=_("lecture"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))
    note = BoundedTextField(_("note"), max_length=2000, blank=True)

    objects = LectureEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("lecture event")
        verbose_name_plural = _("lecture events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["lecture", "at"], name="lecture_event_at")]

    def __str__(self):
        return f"{self.lecture_id}: {self.get_kind_display()}"

    def get_absolute_url(self):
        return reverse("outreach:lecture_detail", args=[self.lecture_id]) + f"#event-{self.pk}"


class Rule(TimestampedModel):
    """A rule (规矩) a station asks enterprises to adopt, e.g. "未戴头盔不得入厂" (recorded once, never edited)."""

    station = models.ForeignKey("org.OrgUnit", models.PROTECT, related_name="+", verbose_name=_("police station"),
                                limit_choices_to={"kind": "station"})
    text = models.CharField(_("rule"), max_length=200)
    theme = models.CharField(_("theme"), max_length=12, choices=Theme.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))

    objects = StationQuerySet.as_manager()

    class Meta:
        verbose_name = _("rule")
        verbose_name_plural = _("rules")
        ordering = ["station_id", "text", "id"]
        constraints = [models.UniqueConstraint(fields=["station", "text"], name="outreach_rule_once",
                                               violation_error_message=_("The station has this rule already."))]

    def __str__(self):
        return self.text

    def get_absolute_url(self):
        return reverse("outreach:adoption_list") + f"?rule={self.pk}"


class AdoptionQuerySet(ScopedQuerySet):
    """The police of the park; the enterprise's liaisons."""

    scope_park = "park_id"
    scope_enterprise = "enterprise_id"


class RuleAdoption(VersionedModel):
    """An enterprise adopted a rule on a day (and may have ended it since)."""

    rule = models.ForeignKey(Rule, models.PROTECT, related_name="adoptions", verbose_name=_("rule"))
    enterprise = models.ForeignKey("enterprises.Enterprise", models.PROTECT, related_name="rule_adoptions",
                                   verbose_name=_("enterprise"))
    park = models.ForeignKey("org.Park", models.PROTECT, related_name="+", verbose_name=_("park"), editable=False)
    since = models.DateField(_("adopted on"), validators=[plausible])
    ended_on = models.DateField(_("ended on"), null=True, blank=True, validators=[plausible])
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))

    objects = AdoptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("rule adoption")
        verbose_name_plural = _("rule adoptions")
        ordering = ["-since", "-id"]
        indexes = [models.Index(fields=["park", "-since"], name="adoption_park_since"),
                   models.Index(fields=["enterprise", "rule"], name="adoption_enterprise_rule")]
        constraints = [
            models.UniqueConstraint(fields=["rule", "enterprise"], condition=Q(ended_on__isnull=True),
                                    name="adoption_in_force_once",
                                    violation_error_message=_("This enterprise has adopted this rule already.")),
            models.CheckConstraint(condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("since")),
                                   name="adoption_ends_after_since",
                                   violation_error_message=_("An adoption ends on or after the day it began.")),
        ]

    def __str__(self):
        return f"{self.enterprise} · {self.rule}"

    def get_absolute_url(self):
        return reverse("outreach:adoption_list") + f"?enterprise={self.enterprise_id}"

    @property
    def in_force(self):
        return self.ended_on is None

