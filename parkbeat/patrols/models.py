"""Joint patrols (民警+义警联动巡防): checkpoints, routes, plans, runs, check-ins, findings and missed checks."""
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkbeat.core.bounds import BoundedTextField, happened
from parkbeat.core.models import ChoiceLabels, ScopedQuerySet, VersionedModel
from parkbeat.core.permissions import CASE_ROLES, VOLUNTEER
from parkbeat.core.scoping import access_for, restrict


def new_token_secret():
    return secrets.token_hex(8)


class Mode(models.TextChoices):
    VEHICLE = "vehicle", _("Vehicle patrol")
    FOOT = "foot", _("Foot patrol")


LOCATION_VALID = (Q(lon__gte=-180) & Q(lon__lte=180) & Q(lat__gte=-90) & Q(lat__lte=90))
LOCATION_MESSAGE = _("Give a longitude from −180 to 180 and a latitude from −90 to 90 (WGS-84).")


class CheckpointQuerySet(ScopedQuerySet):
    scope_park = "park_id"


class Checkpoint(VersionedModel):
    """A place a patrol must reach, with its position and the QR code posted there.

    The code carries a signed token naming the checkpoint and its `token_version` and `token_secret`:
    reissuing or retiring the checkpoint changes both, so every code printed before stops working.
    """

    class Kind(models.TextChoices):
        MAIN_ROAD = "main_road", _("Main road")
        WAREHOUSE = "warehouse", _("Warehouse")
        KEY_FACILITY = "key_facility", _("Key facility")
        GATE = "gate", _("Gate")
        OTHER = "other", _("Other")

    park = models.ForeignKey("org.Park", models.PROTECT, related_name="checkpoints", verbose_name=_("park"))
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    lon = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    description = models.CharField(_("how to find it"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)
    token_version = models.PositiveIntegerField(_("code version"), default=1, editable=False)
    token_secret = models.CharField(max_length=32, default=new_token_secret, editable=False)

    objects = CheckpointQuerySet.as_manager()

    class Meta:
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")
        ordering = ["park_id", "name", "id"]
        indexes = [models.Index(fields=["park", "name", "id"], name="checkpoint_park_name"),
                   models.Index(fields=["park", "is_active", "name"], name="checkpoint_park_active")]
        constraints = [
            models.UniqueConstraint(fields=["park", "name"], name="checkpoint_unique_name_in_park",
                                    violation_error_message=_("This park already has a checkpoint with that name.")),
            models.CheckConstraint(condition=LOCATION_VALID, name="checkpoint_location_valid",
                                   violation_error_message=LOCATION_MESSAGE),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("patrols:checkpoint_detail", args=[self.pk])


class RouteQuerySet(ScopedQuerySet):
    scope_park = "park_id"


class Route(VersionedModel):
    """An ordered round of checkpoints of one park."""

    park = models.ForeignKey("org.Park", models.PROTECT, related_name="patrol_routes", verbose_name=_("park"))
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("route description"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = RouteQuerySet.as_manager()

    class Meta:
        verbose_name = _("patrol route")
        verbose_name_plural = _("patrol routes")
        ordering = ["park_id", "name", "id"]
        indexes = [models.Index(fields=["park", "name", "id"], name="route_park_name")]
        constraints = [
            models.UniqueConstraint(fields=["park", "name"], name="route_unique_name_in_park",
                                    violation_error_message=_("This park already has a route with that name.")),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("patrols:route_detail", args=[self.pk])

    def ordered_checkpoints(self):
        return [stop.checkpoint for stop in self.stops.select_related("checkpoint").order_by("position")]


class RouteStop(models.Model):
    """One checkpoint at its place in a route's order."""

    route = models.ForeignKey(Route, models.CASCADE, related_name="stops", verbose_name=_("route"))
    checkpoint = models.ForeignKey(Checkpoint, models.PROTECT, related_name="stops", verbose_name=_("checkpoint"))
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        ordering = ["route_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["route", "position"], name="routestop_unique_position"),
            models.UniqueConstraint(fields=["route", "checkpoint"], name="routestop_checkpoint_once",
                                    violation_error_message=_("A checkpoint appears once in a route.")),
        ]

    def __str__(self):
        return f"{self.position}. {self.checkpoint_id}"


class PlanQuerySet(ScopedQuerySet):
    """The police of the park; volunteers see the plans that call for their team (a subquery across the
    requirements, so rows are never duplicated)."""

    scope_park = "park_id"

    def visible_to(self, user, roles=None):
        visible = restrict(self, user, roles=roles)
        access = access_for(user)
        if access.teams and VOLUNTEER in access.roles and (roles is None or VOLUNTEER in roles):
            wanted = PlanTeam.objects.filter(team_id__in=sorted(access.teams)).values("plan_id")
            visible = visible | self.filter(pk__in=wanted)
        return visible


WEEKDAY_CHOICES = [(0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")),
                   (4, _("Friday")), (5, _("Saturday")), (6, _("Sunday"))]


class PatrolPlan(VersionedModel):
    """A recurring patrol of a route: on these weekdays, in this window (Asia/Shanghai), with these people."""

    route = models.ForeignKey(Route, models.PROTECT, related_name="plans", verbose_name=_("route"))
    park = models.ForeignKey("org.Park", models.PROTECT, related_name="patrol_plans", verbose_name=_("park"),
                             editable=False)  # the route's park, kept here so the scope is one column
    name = models.CharField(_("name"), max_length=100)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.FOOT)
    weekdays = models.JSONField(_("weekdays"), default=list)  # [0..6], Monday = 0
    start_time = models.TimeField(_("window starts"))
    end_time = models.TimeField(_("window ends"))
    overnight = models.BooleanField(_("ends the next day"), default=False)
    is_night = models.BooleanField(_("night patrol"), default=False)
    officers_required = models.PositiveSmallIntegerField(_("officers required"), default=1)
    auxiliaries_required = models.PositiveSmallIntegerField(_("auxiliaries required"), default=0)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                related_name="patrol_plans_led", verbose_name=_("officer in charge"))
    is_active = models.BooleanField(_("active"), default=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("patrol plan")
        verbose_name_plural = _("patrol plans")
        ordering = ["park_id", "start_time", "name", "id"]
        indexes = [models.Index(fields=["park", "start_time", "name", "id"], name="plan_park_start"),
                   models.Index(fields=["is_active", "park"], name="plan_active_park")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("patrols:plan_detail", args=[self.pk])

    def weekday_labels(self):
        names = dict(WEEKDAY_CHOICES)
        return [str(names[d]) for d in sorted(self.weekdays) if d in names]


class PlanTeam(models.Model):
    """How many volunteers of one team a plan calls for."""

    plan = models.ForeignKey(PatrolPlan, models.CASCADE, related_name="teams", verbose_name=_("patrol plan"))
    team = models.ForeignKey("volunteers.VolunteerTeam", models.PROTECT, related_name="patrol_plans",
                             verbose_name=_("volunteer team"))
    volunteers = models.PositiveSmallIntegerField(_("volunteers"), default=1)

    class Meta:
        ordering = ["plan_id", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "team"], name="planteam_once",
                                               violation_error_message=_("This team is already in the plan."))]

    def __str__(self):
        return f"{self.team_id} × {self.volunteers}"


class RunQuerySet(ScopedQuerySet):
    """The police of the park; everyone else only the runs they take part in or started."""

    scope_park = "park_id"
    scope_owner = ("started_by_id",)
    scope_participant = ("participants__id",)
    scope_owner_roles = CASE_ROLES
    scope_participant_roles = CASE_ROLES

    def open(self):
        return self.filter(status=PatrolRun.Status.RUNNING)


class PatrolRun(VersionedModel):
    """One patrol as it happened: who went, when it started and ended, which checkpoints it reached."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")
        AUTO_CLOSED = "auto_closed", _("Closed automatically")

    TRANSITIONS = {Status.RUNNING: {Status.FINISHED, Status.AUTO_CLOSED}, Status.FINISHED: set(),
                   Status.AUTO_CLOSED: set()}

    plan = models.ForeignKey(PatrolPlan, models.PROTECT, null=True, blank=True, related_name="runs",
                             verbose_name=_("patrol plan"))
    route = models.ForeignKey(Route, models.PROTECT, related_name="runs", verbose_name=_("route"))
    park = models.ForeignKey("org.Park", models.PROTECT, related_name="patrol_runs", verbose_name=_("park"))
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.FOOT)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(_("started at"), validators=[happened])
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True, validators=[happened])
    # The plan's window this run belongs to (an ad-hoc run: from its start for PATROL_ADHOC_HOURS).
    window_start = models.DateTimeField(_("window starts"))
    window_end = models.DateTimeField(_("window ends"))
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="patrol_runs_started",
                                   verbose_name=_("started by"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    finished_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="patrol_runs_finished", verbose_name=_("finished by"))
    participants = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="patrol_runs",
                                          verbose_name=_("participants"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = RunQuerySet.as_manager()

    class Meta:
        verbose_name = _("patrol run")
        verbose_name_plural = _("patrol runs")
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["park", "-started_at", "-id"], name="run_park_started"),
            models.Index(fields=["park", "status", "-started_at"], name="run_park_status"),
            models.Index(fields=["plan", "window_start"], name="run_plan_window"),
            models.Index(fields=["status", "window_end"], name="run_status_window_end"),
            models.Index(fields=["started_by", "-started_at"], name="run_started_by"),
            models.Index(fields=["-started_at", "-id"], name="run_started"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(window_end__gt=models.F("window_start")), name="run_window_order",
                                   violation_error_message=_("A run's window ends after it starts.")),
            models.CheckConstraint(condition=Q(status="running") | Q(finished_at__isnull=False),
                                   name="run_finished_has_time",
                                   violation_error_message=_("A finished run needs its finishing time.")),
        ]

    def __str__(self):
        return f"{self.number} · {self.route.name}" if self.route_id else self.number

    @property
    def number(self):
        return f"XF{timezone.localtime(self.started_at):%Y%m%d}-{self.pk or 0:05d}"

    def get_absolute_url(self):
        return reverse("patrols:run_detail", args=[self.pk])

    @property
    def is_open(self):
        return self.status == self.Status.RUNNING


class CheckIn(ChoiceLabels):
    """A checkpoint reached during a run: when it happened, when and by whom it was recorded, and the flags
    of a scan that looks gamed (flagged scans are kept and shown, never counted as reached)."""

    class Method(models.TextChoices):
        QR = "qr", _("QR scan")
        CODE = "code", _("Code typed")
        GPS = "gps", _("GPS position near it")

    class Flag(models.TextChoices):
        REPEAT = "repeat", _("Same checkpoint again within minutes")
        TOO_FAST = "too_fast", _("Reached faster than the mode allows")
        FAR = "far", _("Position far from the checkpoint")

    run = models.ForeignKey(PatrolRun, models.CASCADE, related_name="checkins", verbose_name=_("patrol run"))
    checkpoint = models.ForeignKey(Checkpoint, models.PROTECT, related_name="checkins", verbose_name=_("checkpoint"))
    at = models.DateTimeField(_("checked in at"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="patrol_checkins",
                                    verbose_name=_("recorded by"))
    method = models.CharField(_("method"), max_length=10, choices=Method.choices, default=Method.QR)
    lon = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    distance_m = models.PositiveIntegerField(_("distance (m)"), null=True, blank=True)
    flags = models.JSONField(_("flags"), default=list, blank=True)
    counted = models.BooleanField(_("counted"), default=True)
    client_key = models.CharField(_("client key"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["run_id", "at", "id"]
        indexes = [models.Index(fields=["run", "at"], name="checkin_run_at"),
                   models.Index(fields=["checkpoint", "at"], name="checkin_checkpoint_at")]
        constraints = [
            models.UniqueConstraint(fields=["run", "client_key"], condition=~Q(client_key=""),
                                    name="checkin_client_key_once"),
            models.CheckConstraint(
                condition=(Q(lon__isnull=True) & Q(lat__isnull=True))
                | (Q(lon__isnull=False) & Q(lat__isnull=False) & LOCATION_VALID),
                name="checkin_location_valid", violation_error_message=LOCATION_MESSAGE),
        ]

    def __str__(self):
        return f"{self.checkpoint_id} @ {self.at:%Y-%m-%d %H:%M}"

    def flag_labels(self):
        names = dict(self.Flag.choices)
        return [str(names.get(flag, flag)) for flag in self.flags]


class FindingQuerySet(ScopedQuerySet):
    scope_park = "run__park_id"
    scope_owner = ("reported_by_id",)
    scope_participant = ("run__participants__id",)
    scope_owner_roles = CASE_ROLES
    scope_participant_roles = CASE_ROLES


class Finding(models.Model):
    """Something seen during a run (a broken fence, a stranger at a warehouse): reported as an incident, the
    link kept both ways (incidents.links)."""

    run = models.ForeignKey(PatrolRun, models.CASCADE, related_name="findings", verbose_name=_("patrol run"))
    incident = models.ForeignKey("incidents.Incident", models.PROTECT, related_name="patrol_findings",
                                 verbose_name=_("incident"))
    checkpoint = models.ForeignKey(Checkpoint, models.PROTECT, null=True, blank=True, related_name="findings",
                                   verbose_name=_("checkpoint"))
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="patrol_findings",
                                    verbose_name=_("reported by"))
    at = models.DateTimeField(_("seen at"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    description = BoundedTextField(_("description"), max_length=2000)

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("patrol finding")
        verbose_name_plural = _("patrol findings")
        ordering = ["run_id", "at", "id"]

    def __str__(self):
        return f"{self.run.number} · {self.description[:30]}"

    def get_absolute_url(self):
        return reverse("patrols:run_detail", args=[self.run_id])


class MissedCheckQuerySet(ScopedQuerySet):
    scope_park = "plan__park_id"
    scope_participant = ("run__participants__id",)
    scope_participant_roles = CASE_ROLES


class MissedCheck(models.Model):
    """A checkpoint of a plan's route that no counted check-in reached within one window of the plan."""

    plan = models.ForeignKey(PatrolPlan, models.CASCADE, related_name="missed_checks", verbose_name=_("patrol plan"))
    window_start = models.DateTimeField(_("window starts"))
    window_end = models.DateTimeField(_("window ends"))
    checkpoint = models.ForeignKey(Checkpoint, models.PROTECT, related_name="missed_checks",
                                   verbose_name=_("checkpoint"))
    run = models.ForeignKey(PatrolRun, models.SET_NULL, null=True, blank=True, related_name="missed_checks",
                            verbose_name=_("patrol run"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = MissedCheckQuerySet.as_manager()

    class Meta:
        verbose_name = _("missed check")
        verbose_name_plural = _("missed checks")
        ordering = ["-window_start", "plan_id", "checkpoint_id"]
        indexes = [models.Index(fields=["plan", "-window_start"], name="missed_plan_window")]
        constraints = [models.UniqueConstraint(fields=["plan", "window_start", "checkpoint"], name="missed_once")]

    def __str__(self):
        return f"{self.checkpoint_id} · {self.window_start:%Y-%m-%d %H:%M}"


# ---------------------------------------------------------------------------------------------- track points

class TrackPointQuerySet(ScopedQuerySet):
    """The police of the run's park and the run's participants."""

    scope_park = "run__park_id"
    scope_participant = ("run__participants__id",)
    scope_participant_roles = CASE_ROLES


class TrackPoint(models.Model):
    """One GPS position of a run's track (WGS-84) as a device took it, and when it was recorded.

    A device never takes two positions at the same instant, so (device, at) is unique and a resent batch
    stores nothing twice. `speed_ok` is False for a point kept although the speed from the device's previous
    stored point looked too high (the first point of a batch: that earlier point may itself be a bad fix).
    """

    run = models.ForeignKey(PatrolRun, models.CASCADE, related_name="track_points", verbose_name=_("patrol run"))
    device = models.CharField(_("device"), max_length=100)
    at = models.DateTimeField(_("position taken at"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    lon = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    accuracy_m = models.PositiveIntegerField(_("accuracy (m)"), null=True, blank=True)
    speed_ok = models.BooleanField(_("plausible speed"), default=True)

    objects = TrackPointQuerySet.as_manager()

    class Meta:
        verbose_name = _("track point")
        verbose_name_plural = _("track points")
        ordering = ["run_id", "at", "id"]
        indexes = [models.Index(fields=["run", "at", "id"], name="trackpoint_run_at")]
        constraints = [
            models.UniqueConstraint(fields=["device", "at"], name="trackpoint_device_at_once",
                                    violation_error_message=_("This device already sent a position for that time.")),
            models.CheckConstraint(condition=LOCATION_VALID, name="trackpoint_location_valid",
                                   violation_error_message=LOCATION_MESSAGE),
        ]

    def __str__(self):
        return f"{self.run_id} · {self.device} @ {self.at:%Y-%m-%d %H:%M:%S}"
