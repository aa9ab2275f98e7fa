"""Every write to patrols: checkpoints and their codes, routes, plans, runs, check-ins, findings, the sweep.

Invariants kept here: a route's checkpoints and a plan's teams are all of the route's park; a check-in lies
within its run (after the start, before the finish) and is stored once per client key; a scan that looks
gamed is stored with its flags and not counted; each plan window's missed checkpoints are recorded once.
Every change leaves an audit event in its transaction.
"""
import math
from datetime import datetime, time as dt_time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parkbeat.audit.services import record, snapshot
from parkbeat.core.events import event_time
from parkbeat.core.permissions import PERMISSIONS, POLICE, can, has_role, require
from parkbeat.core.services import ConflictError, claim_next_version, lock_for_update, model_create, model_update
from parkbeat.patrols import geo, tokens
from parkbeat.patrols.models import (CheckIn, Checkpoint, Finding, MissedCheck, Mode, PatrolPlan, PatrolRun,
                                     PlanTeam, Route, RouteStop, new_token_secret)

CHECKPOINT_FIELDS = ("name", "kind", "lon", "lat", "description")
ROUTE_FIELDS = ("name", "description", "is_active")
PLAN_FIELDS = ("name", "mode", "weekdays", "start_time", "end_time", "overnight", "is_night", "officers_required",
               "auxiliaries_required", "officer", "is_active")
EARLY_START = timedelta(minutes=30)  # a plan's run may start this long before its window opens
MAX_STOPS = 30


def adhoc_hours():
    return getattr(settings, "PATROL_ADHOC_HOURS", 4)


# ---------------------------------------------------------------- checkpoints
def checkpoint_create(*, actor, park, name, kind, lon, lat, description=""):
    require(actor, "patrol.plan", park)
    checkpoint = Checkpoint(park=park, name=(name or "").strip(), kind=kind, lon=lon, lat=lat,
                            description=description or "")
    return model_create(actor=actor, obj=checkpoint)


def checkpoint_update(*, actor, checkpoint, data, expected_version=None):
    require(actor, "patrol.plan", checkpoint)
    if not checkpoint.is_active:
        raise ValidationError(_("A retired checkpoint cannot be changed."))
    data = {k: v for k, v in data.items() if k in CHECKPOINT_FIELDS}
    obj, _changed = model_update(actor=actor, obj=checkpoint, data=data, expected_version=expected_version)
    return obj


def _new_code(actor, checkpoint, expected_version, *, retire, note):
    """Give the checkpoint a new code version and secret (every printed code stops working); `retire` too."""
    require(actor, "patrol.plan", checkpoint)
    with transaction.atomic():
        lock_for_update(checkpoint, expected_version)
        if not checkpoint.is_active:
            raise ValidationError(_("This checkpoint is already retired."))
        before = snapshot(checkpoint, ["is_active", "token_version"])
        claim_next_version(checkpoint, touch=True)
        checkpoint.token_version += 1
        checkpoint.token_secret = new_token_secret()
        fields = ["token_version", "token_secret"]
        if retire:
            checkpoint.is_active, checkpoint.retired_at = False, timezone.now()
            fields += ["is_active", "retired_at"]
        checkpoint.save(update_fields=fields)
        record(actor=actor, verb="retire" if retire else "update", obj=checkpoint, before=before,
               after=snapshot(checkpoint, ["is_active", "token_version"]), note=note)
    return checkpoint


def checkpoint_reissue(*, actor, checkpoint, expected_version=None):
    """A new code for the checkpoint (a sheet lost or copied): the old codes are refused from now on."""
    return _new_code(actor, checkpoint, expected_version, retire=False, note=_("New QR code issued"))


def checkpoint_retire(*, actor, checkpoint, expected_version=None):
    """Retire the checkpoint: its codes are refused, routes keep it in their history only."""
    return _new_code(actor, checkpoint, expected_version, retire=True, note=_("Checkpoint retired"))


# ---------------------------------------------------------------- routes
def _check_stops(park, checkpoints):
    checkpoints = list(checkpoints or ())
    if not checkpoints:
        raise ValidationError({"checkpoints": _("A route needs at least one checkpoint.")})
    if len(checkpoints) > MAX_STOPS:
        raise ValidationError({"checkpoints": _("A route has at most %(n)s checkpoints.") % {"n": MAX_STOPS}})
    if len({c.pk for c in checkpoints}) != len(checkpoints):
        raise ValidationError({"checkpoints": _("A checkpoint appears once in a route.")})
    foreign = [c.name for c in checkpoints if c.park_id != park.pk]
    if foreign:
        raise ValidationError({"checkpoints": _("These checkpoints are in another park: %(names)s.") % {
            "names": "、".join(foreign)}})
    retired = [c.name for c in checkpoints if not c.is_active]
    if retired:
        raise ValidationError({"checkpoints": _("These checkpoints are retired: %(names)s.") % {
            "names": "、".join(retired)}})
    return checkpoints


def _write_stops(route, checkpoints):
    route.stops.all().delete()
    RouteStop.objects.bulk_create([RouteStop(route=route, checkpoint=c, position=i)
                                   for i, c in enumerate(checkpoints, start=1)])


def route_create(*, actor, park, name, checkpoints, description="", is_active=True):
    require(actor, "patrol.plan", park)
    checkpoints = _check_stops(park, checkpoints)
    route = Route(park=park, name=(name or "").strip(), description=description or "", is_active=is_active)
    with transaction.atomic():
        model_create(actor=actor, obj=route, note=" → ".join(c.name for c in checkpoints))
        _write_stops(route, checkpoints)
    return route


def route_update(*, actor, route, data, checkpoints=None, expected_version=None):
    require(actor, "patrol.plan", route)
    data = {k: v for k, v in data.items() if k in ROUTE_FIELDS}
    with transaction.atomic():
        if checkpoints is not None:
            checkpoints = _check_stops(route.park, checkpoints)
            current = [s.checkpoint_id for s in route.stops.order_by("position")]
            if current != [c.pk for c in checkpoints]:
                before = {"checkpoints": current}
                claim_next_version(route, expected_version, touch=True)
                expected_version = None
                _write_stops(route, checkpoints)
                record(actor=actor, verb="update", obj=route, before=before,
                       after={"checkpoints": [c.pk for c in checkpoints]})
        obj, _changed = model_update(actor=actor, obj=route, data=data, expected_version=expected_version)
    return obj


# ---------------------------------------------------------------- plans
def validate_schedule(*, weekdays, start_time, end_time, overnight):
    """The clear message for each way a schedule can be wrong, keyed by the field to correct."""
    errors = {}
    if not isinstance(weekdays, (list, tuple)) or not weekdays:
        errors["weekdays"] = _("Choose at least one weekday.")
    elif any(not isinstance(d, int) or isinstance(d, bool) or not 0 <= d <= 6 for d in weekdays):
        errors["weekdays"] = _("Weekdays are numbers from 0 (Monday) to 6 (Sunday).")
    elif len(set(weekdays)) != len(weekdays):
        errors["weekdays"] = _("Each weekday once.")
    if start_time is not None and end_time is not None:
        if not overnight and end_time <= start_time:
            errors["end_time"] = _("The window ends before it starts: make it end later, or mark it as ending "
                                   "the next day (overnight).")
        elif overnight and end_time >= start_time:
            errors["end_time"] = _("An overnight window ends the next day before the time it started (at most "
                                   "24 hours).")
    if errors:
        raise ValidationError(errors)


def _check_teams(park, teams):
    """[(team, volunteers)] of the park, each team once, each asking for 1–50 volunteers."""
    teams = list(teams or ())
    seen = set()
    for team, count in teams:
        if team.park_id != park.pk:
            raise ValidationError({"teams": _("The team %(team)s is in another park.") % {"team": team.name}})
        if team.pk in seen:
            raise ValidationError({"teams": _("The team %(team)s is named twice.") % {"team": team.name}})
        if not isinstance(count, int) or not 1 <= count <= 50:
            raise ValidationError({"teams": _("Ask for 1 to 50 volunteers of a team.")})
        seen.add(team.pk)
    return teams


def _check_plan(plan, teams):
    validate_schedule(weekdays=plan.weekdays, start_time=plan.start_time, end_time=plan.end_time,
                      overnight=plan.overnight)
    plan.weekdays = sorted(plan.weekdays)
    if not plan.route.is_active:
        raise ValidationError({"route": _("This route is no longer in use.")})
    if plan.officer is not None and not can(plan.officer, "patrol.plan", plan.route.park):
        raise ValidationError({"officer": _("%(user)s is not an officer of this park.") % {"user": plan.officer}})
    return _check_teams(plan.route.park, teams)


def _snap(obj, fields):
    """The audit snapshot, with times of day as text (the trail stores JSON)."""
    return {k: v.isoformat() if isinstance(v, dt_time) else v for k, v in snapshot(obj, fields).items()}


def _plan_save(*, actor, plan, data, expected_version):
    """model_update for a plan: only the changed fields, the version claimed, one audit event."""
    fields = [name for name, value in data.items() if getattr(plan, name) != value]
    if not fields:
        if expected_version is not None and expected_version != plan.version:
            raise ConflictError(_("This record was changed by someone else. Reload it and try again."))
        return plan
    before = _snap(plan, fields)
    for name in fields:
        setattr(plan, name, data[name])
    plan.full_clean()
    with transaction.atomic():
        claim_next_version(plan, expected_version)
        plan.save(update_fields=[*fields, "updated_at"])
        record(actor=actor, verb="update", obj=plan, before=before, after=_snap(plan, fields))
    return plan


def _write_teams(plan, teams):
    plan.teams.all().delete()
    PlanTeam.objects.bulk_create([PlanTeam(plan=plan, team=team, volunteers=count) for team, count in teams])


def plan_create(*, actor, route, teams=(), **data):
    require(actor, "patrol.plan", route)
    plan = PatrolPlan(route=route, park_id=route.park_id, **{k: v for k, v in data.items() if k in PLAN_FIELDS})
    teams = _check_plan(plan, teams)
    plan.full_clean()
    with transaction.atomic():
        plan.save()
        _write_teams(plan, teams)
        record(actor=actor, verb="create", obj=plan, after=_snap(plan, ["route", "park", *PLAN_FIELDS]),
               note="; ".join(f"{t.name} × {n}" for t, n in teams))
    return plan


def plan_update(*, actor, plan, data, teams=None, expected_version=None):
    require(actor, "patrol.plan", plan)
    data = {k: v for k, v in data.items() if k in PLAN_FIELDS}
    merged = PatrolPlan(route=plan.route, park_id=plan.park_id,
                        **{name: data.get(name, getattr(plan, name)) for name in PLAN_FIELDS})
    checked = _check_plan(merged, teams if teams is not None else [(t.team, t.volunteers) for t in plan.teams.all()])
    if "weekdays" in data:
        data["weekdays"] = merged.weekdays
    with transaction.atomic():
        if teams is not None:
            current = sorted((t.team_id, t.volunteers) for t in plan.teams.all())
            if current != sorted((t.pk, n) for t, n in checked):
                claim_next_version(plan, expected_version, touch=True)
                expected_version = None
                _write_teams(plan, checked)
                record(actor=actor, verb="update", obj=plan, before={"teams": current},
                       after={"teams": sorted((t.pk, n) for t, n in checked)})
        obj = _plan_save(actor=actor, plan=plan, data=data, expected_version=expected_version)
    return obj


def plan_windows(plan, start, end):
    """The plan's windows [(window start, window end)] that overlap [start, end), oldest first (Asia/Shanghai
    dates and times; an overnight window ends the next day)."""
    zone = timezone.get_default_timezone()
    day = timezone.localtime(start, zone).date() - timedelta(days=1)
    last = timezone.localtime(end, zone).date()
    found = []
    while day <= last:
        if day.weekday() in plan.weekdays:
            opens = timezone.make_aware(datetime.combine(day, plan.start_time), zone)
            closes_day = day + timedelta(days=1) if plan.overnight else day
            closes = timezone.make_aware(datetime.combine(closes_day, plan.end_time), zone)
            if closes > start and opens < end:
                found.append((opens, closes))
        day += timedelta(days=1)
    return found


def plan_window_at(plan, at):
    """The window a run of the plan starting at `at` belongs to (it may start EARLY_START before), or None."""
    for opens, closes in plan_windows(plan, at - timedelta(days=1), at + EARLY_START + timedelta(seconds=1)):
        if opens - EARLY_START <= at < closes:
            return opens, closes
    return None


# ---------------------------------------------------------------- runs
def _park_people(park):
    """Who may be named on a run in `park`: its police, its station's leaders, volunteers of its teams."""
    from django.db.models import Q

    from parkbeat.org.models import Role

    return (Q(role__in=[Role.PARK_OFFICER, Role.AUXILIARY], park=park)
            | Q(role=Role.STATION_LEADER, unit_id=park.station_id)
            | Q(role=Role.VOLUNTEER, team__park=park))


def can_run_plan(user, plan):
    """The police of the plan's park, or a volunteer of a team the plan calls for (PlanQuerySet.visible_to;
    core.permissions.can reads the scope paths only, not the team requirement)."""
    roles = PERMISSIONS["patrol.run"]
    return (has_role(user, *roles)
            and PatrolPlan.objects.visible_to(user, roles=roles).filter(pk=plan.pk).exists())


def _require_run(actor, run):
    """The police of the run's park, or someone taking part in it (a volunteer on their own run)."""
    if can(actor, "patrol.run", run):
        return
    if has_role(actor, *PERMISSIONS["patrol.run"]) and run.participants.filter(pk=actor.pk).exists():
        return
    raise PermissionDenied(_("You are not allowed to do this here."))


def run_start(*, actor, plan=None, route=None, mode=None, participants=(), at=None, late_reason="", note=""):
    """Start a run of `plan` (in its current window) or an ad-hoc run of `route` (police only), with the
    actor and `participants` taking part. `at` is when it started (None: now)."""
    if (plan is None) == (route is None):
        raise ValidationError(_("Start a run either from a plan or on a route."))
    if plan is not None:
        if not can_run_plan(actor, plan):
            raise PermissionDenied(_("You are not allowed to do this here."))
        if not plan.is_active:
            raise ValidationError({"plan": _("This plan is no longer in use.")})
        route, mode = plan.route, plan.mode
    else:
        require(actor, "patrol.run", route)
        if not has_role(actor, *POLICE):
            raise PermissionDenied(_("Only the police start a patrol that is not in a plan."))
        mode = mode or Mode.FOOT
    if not route.is_active:
        raise ValidationError({"route": _("This route is no longer in use.")})
    started = event_time(at, actor=actor, field="started_at", reason=late_reason)
    if plan is not None:
        window = plan_window_at(plan, started.at)
        if window is None:
            raise ValidationError({"plan": _("This plan has no window at this time: it runs %(days)s, "
                                             "%(start)s–%(end)s.") % {
                "days": "、".join(plan.weekday_labels()), "start": plan.start_time.strftime("%H:%M"),
                "end": plan.end_time.strftime("%H:%M")}})
        running = PatrolRun.objects.filter(plan=plan, window_start=window[0], status=PatrolRun.Status.RUNNING).first()
        if running is not None:
            raise ValidationError({"plan": _("This plan's patrol for this window is already running (%(run)s): "
                                             "join it instead.") % {"run": running.number}})
    else:
        window = (started.at, started.at + timedelta(hours=adhoc_hours()))
    people = {actor.pk: actor}
    for user in participants or ():
        people.setdefault(user.pk, user)
    refused = [str(u) for u in people.values() if not u.is_active or not _in_park(u, route.park)]
    if refused:
        raise ValidationError({"participants": _("Not of this park: %(names)s.") % {"names": "、".join(refused)}})
    run = PatrolRun(plan=plan, route=route, park_id=route.park_id, mode=mode,
                    started_at=started.at, window_start=window[0], window_end=window[1], started_by=actor,
                    recorded_at=started.recorded_at, note=(note or "").strip())
    run.full_clean(exclude=["plan", "route", "park", "started_by"])
    with transaction.atomic():
        run.save()
        run.participants.set(list(people.values()))
        record(actor=actor, verb="create", obj=run,
               after={**snapshot(run, ["plan", "route", "park", "mode", "started_at", "window_start", "window_end"]),
                      "participants": sorted(people)},
               note=_late_note(started))
    return run


def _in_park(user, park):
    from parkbeat.org.models import RoleAssignment

    return RoleAssignment.objects.filter(user=user).filter(_park_people(park)).exists()


def _late_note(event):
    parts = []
    if event.at != event.recorded_at:
        parts.append(_("happened %(at)s") % {"at": timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M")})
    if event.late:
        parts.append(_("entered late: %(reason)s") % {"reason": event.reason} if event.reason else _("entered late"))
    return " · ".join(parts)


def run_join(*, actor, run):
    """Join a running patrol: the police of its park, or a volunteer of a team its plan calls for."""
    if not (can(actor, "patrol.run", run) or (run.plan_id and can_run_plan(actor, run.plan))):
        raise PermissionDenied(_("You are not allowed to do this here."))
    if not _in_park(actor, run.park):
        raise ValidationError(_("Not of this park: %(names)s.") % {"names": str(actor)})
    with transaction.atomic():
        lock_for_update(run)
        if run.status != PatrolRun.Status.RUNNING:
            raise ValidationError(_("This run is already finished."))
        if run.participants.filter(pk=actor.pk).exists():
            return run
        run.participants.add(actor)
        record(actor=actor, verb="update", obj=run, after={"participant_added": actor.pk}, note=_("Joined the patrol"))
    return run


def run_finish(*, actor, run, at=None, late_reason="", expected_version=None):
    _require_run(actor, run)
    with transaction.atomic():
        lock_for_update(run, expected_version)
        if run.status != PatrolRun.Status.RUNNING:
            raise ValidationError(_("This run is already finished."))
        last = run.checkins.order_by("-at").values_list("at", flat=True).first()
        finished = event_time(at, actor=actor, field="finished_at", reason=late_reason,
                              after=[(run.started_at, _("the start of the run")), (last, _("the last check-in"))])
        claim_next_version(run, touch=True)
        run.status, run.finished_at, run.finished_by = PatrolRun.Status.FINISHED, finished.at, actor
        run.save(update_fields=["status", "finished_at", "finished_by"])
        record(actor=actor, verb="transition", obj=run, before={"status": "running"},
               after={"status": run.status, "finished_at": run.finished_at.isoformat()}, note=_late_note(finished))
    return run


def _close_auto(pk, now):
    with transaction.atomic():
        run = PatrolRun.objects.select_for_update().filter(pk=pk, status=PatrolRun.Status.RUNNING).first()
        if run is None or run.window_end > now:
            return False
        claim_next_version(run, touch=True)
        run.status, run.finished_at = PatrolRun.Status.AUTO_CLOSED, run.window_end
        run.save(update_fields=["status", "finished_at"])
        record(actor=None, verb="transition", obj=run, before={"status": "running"},
               after={"status": run.status, "finished_at": run.finished_at.isoformat()},
               note=_("Closed at the end of its window"))
    return True


# ---------------------------------------------------------------- check-ins
def _earlier_scans(run, exclude_pk=None):
    rows = run.checkins.filter(counted=True).select_related("checkpoint")
    return [geo.Scan(c.checkpoint_id, float(c.checkpoint.lon), float(c.checkpoint.lat), c.at)
            for c in rows if c.pk != exclude_pk]


def checkin_record(*, actor, run, code, at=None, lon=None, lat=None, client_key="", method=CheckIn.Method.QR,
                   checkpoint=None):
    """Record that `actor` reached the checkpoint `code` names (a scanned token or a typed short code) on `run`.

    `at` is when the scan happened (a phone offline sends it later; never in the future beyond the clock
    skew, never before the run started or after it finished). `client_key` (the phone's idempotency key)
    stores a resent scan once: the first check-in is returned. A `checkpoint` named beside the code must be
    the one the code carries. Returns (check-in, created).
    """
    _require_run(actor, run)
    client_key = (client_key or "").strip()[:100]
    if client_key:
        existing = run.checkins.filter(client_key=client_key).first()
        if existing is not None:
            return existing, False
    route_checkpoints = run.route.ordered_checkpoints()
    found = tokens.match_checkpoint(code, route_checkpoints)
    if checkpoint is not None and checkpoint.pk != found.pk:
        raise ValidationError({"code": _("This code belongs to another checkpoint (%(name)s).") % {"name": found.name}})
    if (lon is None) != (lat is None):
        raise ValidationError({"lon": _("Give both longitude and latitude, or neither.")})
    if lon is not None and not (-180 <= float(lon) <= 180 and -90 <= float(lat) <= 90):
        raise ValidationError({"lon": _("Give a longitude from −180 to 180 and a latitude from −90 to 90 (WGS-84).")})
    when = event_time(at, actor=actor, field="at", after=[(run.started_at, _("the start of the run"))],
                      reason=_("sent by the phone later"))
    if run.finished_at is not None and when.at > run.finished_at:
        raise ValidationError({"at": _("The run had already finished at this time.")})
    scan = geo.Scan(found.pk, float(found.lon), float(found.lat), when.at)
    position = (float(lon), float(lat)) if lon is not None else None
    flags, distance = geo.scan_flags(scan, _earlier_scans(run), mode=run.mode, position=position)
    checkin = CheckIn(run=run, checkpoint=found, at=when.at, recorded_at=when.recorded_at, recorded_by=actor,
                      method=method, lon=lon, lat=lat, distance_m=None if distance is None else round(distance),
                      flags=flags, counted=not flags, client_key=client_key)
    try:
        with transaction.atomic():
            checkin.save()
            if checkin.counted and run.plan_id:
                # a scan sent late that reaches a checkpoint already reported missed: it was not missed
                MissedCheck.objects.filter(plan_id=run.plan_id, window_start=run.window_start,
                                           checkpoint=found).delete()
            record(actor=actor, verb="create", obj=checkin,
                   after=snapshot(checkin, ["run", "checkpoint", "at", "method", "flags", "counted", "distance_m"]),
                   note=_late_note(when))
    except IntegrityError:
        existing = run.checkins.filter(client_key=client_key).first() if client_key else None
        if existing is None:
            raise
        return existing, False
    return checkin, True


# ---------------------------------------------------------------- findings
def finding_report(*, actor, run, kind, description, at=None, lon=None, lat=None, checkpoint=None, photos=()):
    """Report what was seen during `run` as an incident of the run's park (the incidents service dispatches
    it), linked to the run."""
    from parkbeat.incidents.models import Incident
    from parkbeat.incidents.services import incident_report

    _require_run(actor, run)
    if checkpoint is not None and checkpoint.park_id != run.park_id:
        raise ValidationError({"checkpoint": _("This checkpoint is not in the park of the run.")})
    seen = event_time(at, actor=None, field="at", after=[(run.started_at, _("the start of the run"))])
    location = checkpoint.name if checkpoint is not None else run.route.name
    with transaction.atomic():
        incident = incident_report(actor=actor, source=Incident.Source.PATROL, kind=kind, park=run.park,
                                   description=description, location=location, lon=lon, lat=lat,
                                   occurred_at=seen.at, photos=photos)
        finding = Finding(run=run, incident=incident, checkpoint=checkpoint, reported_by=actor, at=seen.at,
                          recorded_at=seen.recorded_at, description=(description or "").strip())
        finding.full_clean(exclude=["run", "incident", "checkpoint", "reported_by"])
        finding.save()
        record(actor=actor, verb="create", obj=finding,
               after=snapshot(finding, ["run", "incident", "checkpoint", "at"]))
    return finding


# ---------------------------------------------------------------- the sweep
def _officers_of(plan):
    from parkbeat.org.models import Role, RoleAssignment

    if plan.officer_id and plan.officer.is_active:
        return [plan.officer]
    return [a.user for a in RoleAssignment.objects.filter(park_id=plan.park_id, role=Role.PARK_OFFICER,
                                                          user__is_active=True).select_related("user")]


def _record_missed(plan, opens, closes):
    """The plan's checkpoints no counted check-in reached in the window [opens, closes): recorded once each,
    the officer told once per window. Returns how many were recorded now."""
    from parkbeat.notifications.models import Notification
    from parkbeat.notifications.services import notify

    checkpoints = [c for c in plan.route.ordered_checkpoints() if c.is_active]
    runs = list(PatrolRun.objects.filter(plan=plan, window_start=opens).order_by("started_at"))
    reached = set(CheckIn.objects.filter(run__in=runs, counted=True).values_list("checkpoint_id", flat=True))
    known = set(MissedCheck.objects.filter(plan=plan, window_start=opens).values_list("checkpoint_id", flat=True))
    missing = [c for c in checkpoints if c.pk not in reached and c.pk not in known]
    if not missing:
        return 0
    run = runs[0] if runs else None
    with transaction.atomic():
        MissedCheck.objects.bulk_create(
            [MissedCheck(plan=plan, window_start=opens, window_end=closes, checkpoint=c, run=run) for c in missing],
            ignore_conflicts=True)
        window = f"{timezone.localtime(opens):%Y-%m-%d %H:%M}–{timezone.localtime(closes):%H:%M}"
        names = "、".join(c.name for c in missing)
        record(actor=None, verb="create", obj=plan, note=_("Missed checkpoints %(window)s: %(names)s") % {
            "window": window, "names": names})
        notify(recipients=_officers_of(plan), kind=Notification.Kind.PATROL_MISSED, obj=run or plan,
               title=_("Patrol %(plan)s missed %(count)s checkpoint(s)") % {"plan": plan.name, "count": len(missing)},
               body=_("%(window)s · %(names)s") % {"window": window, "names": names}
               + ("" if run else " · " + _("no patrol was started")),
               dedupe_key=f"patrol-missed:{plan.pk}:{opens.isoformat()}")
    return len(missing)


def patrols_sweep(*, now=None, lookback=timedelta(days=2)):
    """Close every run left open past the end of its window, and record the missed checkpoints of every
    plan window that ended in the last `lookback` (not before the plan existed). Safe to run twice."""
    now = now or timezone.now()
    closed = sum(_close_auto(pk, now) for pk in PatrolRun.objects.filter(
        status=PatrolRun.Status.RUNNING, window_end__lte=now).values_list("pk", flat=True))
    missed = 0
    for plan in PatrolPlan.objects.filter(is_active=True).select_related("route", "officer"):
        for opens, closes in plan_windows(plan, now - lookback, now):
            if closes <= now and opens >= plan.created_at and not PatrolRun.objects.filter(
                    plan=plan, window_start=opens, status=PatrolRun.Status.RUNNING).exists():
                missed += _record_missed(plan, opens, closes)
    return {"closed": closed, "missed": missed}



# ---------------------------------------------------------------- tracks
TRACK_BATCH_MAX = 1000
TRACK_SLACK_M = 20  # GPS jitter forgiven on top of both points' accuracy before a speed counts as implausible
TRACK_ACCURACY_CAP_M = 100


def track_speed_limit(mode):
    """The fastest plausible speed of a run in `mode`, metres per second (settings, km/h)."""
    kmh = {Mode.FOOT: getattr(settings, "PATROL_TRACK_FOOT_KMH", 25),
           Mode.VEHICLE: getattr(settings, "PATROL_TRACK_VEHICLE_KMH", 120)}[mode]
    return kmh / 3.6


def auto_checkin_metres():
    return getattr(settings, "PATROL_AUTO_CHECKIN_METERS", 30)


def track_device_key(actor, device=""):
    """The stored device key: the sending user's id, then the device's own name, so that two users' devices
    never share a key (a point is unique per device and instant)."""
    device = "".join(ch for ch in (device or "").strip() if ch.isprintable())
    return f"u{actor.pk}:{device}"[:100] if device else f"u{actor.pk}"


def _track_reading(point):
    """(at, lon, lat, accuracy) of a point of the batch, or the reason it is refused."""
    at, lon, lat, accuracy = point.get("at"), point.get("lon"), point.get("lat"), point.get("accuracy")
    if isinstance(at, str):
        try:
            at = parse_datetime(at)
        except ValueError:  # well formed but no such time (the 30th of February)
            return "invalid_time"
    if not isinstance(at, datetime) or at.utcoffset() is None:
        return "invalid_time"
    try:
        lon, lat = float(lon), float(lat)
        accuracy = None if accuracy is None else float(accuracy)
    except (TypeError, ValueError, OverflowError):
        return "invalid_position"
    if not (math.isfinite(lon) and math.isfinite(lat)) or not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return "out_of_range"
    if accuracy is not None and not (math.isfinite(accuracy) and accuracy >= 0):
        return "invalid_accuracy"
    return at, lon, lat, accuracy


def _too_fast(limit, earlier, later):
    """Whether moving from `earlier` to `later` ((at, lon, lat, accuracy, geo.on_sphere of the position)) is
    faster than `limit` (metres per second, track_speed_limit of the mode), forgiving both points' accuracy
    and some jitter."""
    metres = geo.haversine_between(earlier[4], later[4])
    slack = (TRACK_SLACK_M + min(earlier[3] or 0, TRACK_ACCURACY_CAP_M) + min(later[3] or 0, TRACK_ACCURACY_CAP_M))
    seconds = (later[0] - earlier[0]).total_seconds()
    return metres - slack > limit * max(seconds, 0)


TRACK_REASONS = {
    "invalid_time": gettext_lazy("Give the time the position was taken, with its time zone."),
    "invalid_position": gettext_lazy("Give the longitude and latitude as numbers."),
    "invalid_accuracy": gettext_lazy("The accuracy is a number of metres, zero or more."),
    "out_of_range": gettext_lazy("Give a longitude from −180 to 180 and a latitude from −90 to 90 (WGS-84)."),
    "future": gettext_lazy("The time cannot lie in the future."),
    "before_start": gettext_lazy("The position was taken before the run started."),
    "after_finish": gettext_lazy("The position was taken after the run finished."),
    "out_of_order": gettext_lazy("The position is older than the one before it in the batch."),
    "too_fast": gettext_lazy("Reached faster than the mode allows."),
}


def track_ingest(*, actor, run, points, device="", coords="wgs84"):
    """Store a batch of a device's GPS positions on `run`: [{at, lon, lat, accuracy?}] in the order taken.

    `coords` "gcj02" converts the positions (a Chinese map's) to WGS-84 first. Each point is checked on its
    own and refused with a reason (position out of range, taken in the future beyond the clock skew, before
    the run started or after it finished, older than the point before it, or faster than the run's mode
    allows from the last point kept); a batch's first point is judged against the device's last stored
    point, which may itself be a bad fix, so it is kept with `speed_ok` False instead of refused. The kept
    points go in with one insert; those the device sent before are skipped, so a resent batch stores nothing
    twice. One audit event for the batch. A kept point within PATROL_AUTO_CHECKIN_METERS of a route
    checkpoint the run has not yet reached checks in there (method "gps", through checkin_record).

    The work is a loop over plain values and the same few statements whatever the batch's size: the
    device's points already stored in the batch's time range and its last point before it (two indexed
    reads of (device, at)), one insert, the audit event, the route's checkpoints; the run's check-ins are
    read only when a kept point comes near one of them.

    Returns {"accepted": n, "duplicates": n, "rejected": [{"index", "reason", "message"}]}.
    """
    from parkbeat.core.events import CLOCK_SKEW
    from parkbeat.patrols.models import TrackPoint

    _require_run(actor, run)
    if coords not in ("wgs84", "gcj02"):
        raise ValidationError({"coords": _("Give the coordinates as wgs84 or gcj02.")})
    points = list(points or ())
    if len(points) > TRACK_BATCH_MAX:
        raise ValidationError({"points": _("Send at most %(n)s points at a time.") % {"n": TRACK_BATCH_MAX}})
    key = track_device_key(actor, device)
    now = timezone.now()
    latest, started, finished = now + CLOCK_SKEW, run.started_at, run.finished_at
    convert, on_sphere = geo.gcj02_to_wgs84 if coords == "gcj02" else None, geo.on_sphere
    rejected, readings = [], []
    for index, point in enumerate(points):
        reading = _track_reading(point if isinstance(point, dict) else {})
        if isinstance(reading, str):
            rejected.append((index, reading))
            continue
        at = reading[0]
        if at > latest:
            rejected.append((index, "future"))
        elif at < started:
            rejected.append((index, "before_start"))
        elif finished is not None and at > finished:
            rejected.append((index, "after_finish"))
        else:
            lon, lat = reading[1], reading[2]
            if convert is not None:
                lon, lat = convert(lon, lat)
            readings.append((index, (at, lon, lat, reading[3], on_sphere(lon, lat))))
    known, stored_anchor = set(), None
    if readings:
        times = [r[0] for _i, r in readings]
        earliest = min(times)
        # the device's points in the batch's range: a resend, or an overlap with a batch sent before
        known = set(TrackPoint.objects.filter(device=key, at__gte=earliest, at__lte=max(times))
                    .values_list("at", flat=True))
        before = (TrackPoint.objects.filter(device=key, at__lt=earliest).order_by("-at")
                  .values_list("at", "lon", "lat", "accuracy_m").first())
        if before is not None:
            stored_anchor = (before[0], float(before[1]), float(before[2]), before[3], on_sphere(*before[1:3]))
    limit = track_speed_limit(run.mode)
    anchor = None  # the last point kept (or already stored) of this batch
    rows, duplicates, seen = [], 0, set()
    for index, reading in readings:
        at = reading[0]
        if at in known or at in seen:
            duplicates += 1
            if anchor is None or at > anchor[0]:
                anchor = reading
            continue
        if anchor is not None and at <= anchor[0]:
            rejected.append((index, "out_of_order"))
            continue
        speed_ok = True
        if anchor is not None:
            if _too_fast(limit, anchor, reading):
                rejected.append((index, "too_fast"))
                continue
        elif stored_anchor is not None and _too_fast(limit, stored_anchor, reading):
            speed_ok = False
        seen.add(at)
        anchor = reading
        accuracy = reading[3]
        # the stored values: six decimals (the column's), as text so that no float reaches the database
        rows.append((run.pk, key, at, now, f"{reading[1]:.6f}", f"{reading[2]:.6f}",
                     None if accuracy is None else min(round(accuracy), 1_000_000), speed_ok))
    rejected.sort()
    with transaction.atomic():
        # a point stored by a concurrent resend in between is skipped by the insert: counted once, as stored
        accepted = _track_insert_values(rows)
        duplicates += len(rows) - accepted
        record(actor=actor, verb="import", obj=run,
               after={"track_points": accepted, "duplicates": duplicates, "rejected": len(rejected),
                      "device": key, "coords": coords},
               note=_("Track: %(accepted)s points kept, %(duplicates)s sent before, %(rejected)s refused") % {
                   "accepted": accepted, "duplicates": duplicates, "rejected": len(rejected)})
        _track_checkins(actor, run, [(r[2], r[4], r[5]) for r in rows if r[7]])
    return {"accepted": accepted, "duplicates": duplicates,
            "rejected": [{"index": i, "reason": reason, "message": str(TRACK_REASONS[reason])}
                         for i, reason in rejected]}


# the columns _track_insert_values fills, in the order of its row tuples
TRACK_COLUMNS = ("run_id", "device", "at", "recorded_at", "lon", "lat", "accuracy_m", "speed_ok")


def _track_insert(rows):
    """Insert TrackPoint instances (demo data) as _track_insert_values does; returns how many were stored."""
    return _track_insert_values([(r.run_id, r.device, r.at, r.recorded_at, r.lon, r.lat, r.accuracy_m, r.speed_ok)
                                 for r in rows])


def _track_insert_values(rows):
    """One statement for the batch of row tuples (TRACK_COLUMNS; lon and lat as text or Decimal), skipping
    the points already stored (ON CONFLICT DO NOTHING on (device, at)); returns how many were stored.

    PostgreSQL: one INSERT … SELECT FROM json_populate_recordset() of the batch as one JSON text, typed by
    the table's own row type: one parameter whatever the batch's size (psycopg renders a list parameter
    element by element, several times slower than the server reads the JSON), one round trip. SQLite (at
    most 999 parameters a statement): one prepared INSERT run over every row (executemany), the times
    written as Django writes them (UTC text)."""
    import orjson
    from django.db import connection

    from parkbeat.patrols.models import TrackPoint

    if not rows:
        return 0
    quote = connection.ops.quote_name
    table = quote(TrackPoint._meta.db_table)
    columns = ", ".join(quote(name) for name in TRACK_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # times with their offsets (orjson: RFC 3339, microseconds kept); lon and lat as their decimal text
            batch = orjson.dumps([dict(zip(TRACK_COLUMNS, row)) for row in rows], default=str).decode()
            cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} "  # nosec B608 - the model's table
                           f"FROM json_populate_recordset(NULL::{table}, %s) ON CONFLICT DO NOTHING", [batch])
        elif connection.vendor == "sqlite":
            zone = connection.timezone
            texts = {}  # recorded_at is the same for a whole batch

            def utc_text(value):
                if value.utcoffset() is None:
                    return connection.ops.adapt_datetimefield_value(value)
                return str(value.astimezone(zone).replace(tzinfo=None))

            def recorded(value):
                if value not in texts:
                    texts[value] = utc_text(value)
                return texts[value]

            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(TRACK_COLUMNS))}) "  # nosec B608
                "ON CONFLICT DO NOTHING",
                [(run_id, device, utc_text(at), recorded(recorded_at), lon, lat, accuracy, speed_ok)
                 for run_id, device, at, recorded_at, lon, lat, accuracy, speed_ok in rows])
        else:
            raise NotImplementedError(f"track insert: no statement for {connection.vendor}")
        return cursor.rowcount


def _track_checkins(actor, run, points):
    """Check in at each route checkpoint the run has not reached that a kept point [(at, lon, lat) as stored,
    in the batch's order] lies near (the first such point), through checkin_record: idempotent per
    checkpoint (client key "gps:<id>"), flagged as usual.

    Each checkpoint's geo.NearBox (the exact bounds of the circle of PATROL_AUTO_CHECKIN_METERS) sorts out
    the points that cannot be near it before any distance is computed; the run's check-ins are read only
    when some checkpoint's band of latitudes meets the batch's."""
    if not points:
        return
    radius = auto_checkin_metres()
    points = [(at, float(lon), float(lat), lon, lat) for at, lon, lat in points]
    south, north = min(p[2] for p in points), max(p[2] for p in points)
    stops = (RouteStop.objects.filter(route_id=run.route_id, checkpoint__is_active=True).order_by("position")
             .values_list("checkpoint_id", "checkpoint__lon", "checkpoint__lat"))
    near = [(pk, geo.NearBox(lon, lat, radius)) for pk, lon, lat in stops]
    near = [(pk, box) for pk, box in near if box.meets_latitudes(south, north)]
    if not near:
        return
    found = Checkpoint.objects.in_bulk([pk for pk, _box in near])
    near = [(found[pk], box) for pk, box in near]
    done = set(run.checkins.filter(counted=True).values_list("checkpoint_id", flat=True))
    done |= {int(k[4:]) for k in run.checkins.filter(client_key__startswith="gps:").values_list("client_key", flat=True)
             if k[4:].isdigit()}
    waiting = [(c, box) for c, box in near if c.pk not in done]
    for at, lon, lat, lon_text, lat_text in points:
        for item in list(waiting):
            checkpoint, box = item
            if not box.holds(lon, lat) or geo.haversine_m(lon, lat, box.lon, box.lat) > radius:
                continue
            waiting.remove(item)
            try:
                checkin_record(actor=actor, run=run, code=tokens.short_code(checkpoint), at=at,
                               lon=Decimal(lon_text), lat=Decimal(lat_text), client_key=f"gps:{checkpoint.pk}",
                               method=CheckIn.Method.GPS, checkpoint=checkpoint)
            except ValidationError:
                continue  # a check-in its own rules refuse (entered too late): the point is kept all the same
        if not waiting:
            return
