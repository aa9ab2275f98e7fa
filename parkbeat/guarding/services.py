"""Every write to special guarding: assets and their line, the split into segments, team assignment, fixed
points, shifts and check-ins; and the alert pass that tells people of a gap before it opens.

Invariants kept here: a line is a WGS-84 LineString of at least two points; the segments tile the line
exactly (no stretch left out, none twice); a shift lies in its asset's period, takes on a team's segment only
that team's volunteers and the police of the park, and no person is on two shifts at once (their user rows
locked while it is checked); a check-in lies within its shift. Every change leaves an audit event in its transaction.
"""
from datetime import datetime, time as dt_time, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from parkbeat.audit.services import record, snapshot
from parkbeat.core.events import event_time
from parkbeat.core.permissions import POLICE, can, has_role, require
from parkbeat.core.scoping import is_visible
from parkbeat.core.services import ConflictError, claim_next_version, lock_for_update, model_create, model_update
from parkbeat.guarding import geo, intervals
from parkbeat.guarding.models import FixedPoint, GuardedAsset, GuardShift, Segment, ShiftPerson

ASSET_FIELDS = ("name", "kind", "description", "status", "starts_at", "ends_at", "geometry")
FIXED_POINT_FIELDS = ("name", "lon", "lat", "officer", "night_start", "night_end")
MAX_SEGMENTS = 200
MIN_SEGMENT_M = 10
MAX_PERIOD = timedelta(days=366)
MAX_SHIFT = timedelta(hours=24)
EARLY_CHECKIN = timedelta(minutes=30)  # a person may check in this long before the shift starts


def lead_time():
    """How long before an uncovered interval starts the alert goes out (settings.GUARDING_ALERT_LEAD_HOURS)."""
    return timedelta(hours=settings.GUARDING_ALERT_LEAD_HOURS)


def _shown(moment):
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def _aware(value):
    if isinstance(value, datetime) and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def _check_period(starts_at, ends_at):
    if not isinstance(starts_at, datetime):
        raise ValidationError({"starts_at": _("Give a date and time.")})
    if not isinstance(ends_at, datetime):
        raise ValidationError({"ends_at": _("Give a date and time.")})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The guarding period ends after it starts.")})
    if ends_at - starts_at > MAX_PERIOD:
        raise ValidationError({"ends_at": _("A guarding period lasts at most a year.")})


# ---------------------------------------------------------------- assets
def asset_create(*, actor, park, name, geometry, starts_at, ends_at, kind=GuardedAsset.Kind.CABLE, description="",
                 status=GuardedAsset.Status.ACTIVE):
    """A line to guard in `park`; `geometry` is GeoJSON (text or parsed): a LineString of [lon, lat] points."""
    require(actor, "guarding.plan", park)
    line = geo.parse_line(geometry)
    starts_at, ends_at = _aware(starts_at), _aware(ends_at)
    _check_period(starts_at, ends_at)
    asset = GuardedAsset(park=park, name=(name or "").strip(), kind=kind, geometry=line,
                         length_m=round(geo.line_length_m(line["coordinates"])), starts_at=starts_at,
                         ends_at=ends_at, description=description or "", status=status)
    return model_create(actor=actor, obj=asset, note=_("%(m)s m") % {"m": asset.length_m})


def asset_update(*, actor, asset, data, expected_version=None):
    """Change an asset. Its line changes only while it has no segments; its period never leaves a shift out."""
    require(actor, "guarding.plan", asset)
    data = {k: v for k, v in data.items() if k in ASSET_FIELDS}
    if "geometry" in data:
        line = geo.parse_line(data["geometry"])
        if line != asset.geometry:
            if asset.segments.exists():
                raise ValidationError({"geometry": _("The line is already split into segments: it cannot be "
                                                     "redrawn under them. Create a new asset for the new line.")})
            data["geometry"] = line
            data["length_m"] = round(geo.line_length_m(line["coordinates"]))
        else:
            data.pop("geometry")
    for key in ("starts_at", "ends_at"):
        if key in data:
            data[key] = _aware(data[key])
    starts_at, ends_at = data.get("starts_at", asset.starts_at), data.get("ends_at", asset.ends_at)
    _check_period(starts_at, ends_at)
    outside = (GuardShift.objects.filter(segment__asset=asset)
               .filter(Q(starts_at__lt=starts_at) | Q(ends_at__gt=ends_at)).select_related("segment")
               .order_by("starts_at").first())
    if outside is not None:
        raise ValidationError({"starts_at" if outside.starts_at < starts_at else "ends_at": _(
            "The shift %(shift)s on %(segment)s would lie outside the new period: move or cancel it first.") % {
            "shift": outside, "segment": outside.segment}})
    obj, _changed = model_update(actor=actor, obj=asset, data=data, expected_version=expected_version)
    return obj


# ---------------------------------------------------------------- segments
def split_every(length_m, every_m):
    """[(from_m, to_m)] pieces of `every_m` metres along a line of `length_m` (the last one the rest)."""
    if not isinstance(every_m, int) or isinstance(every_m, bool) or every_m < MIN_SEGMENT_M:
        raise ValidationError({"every_m": _("Give a segment length of at least %(m)s metres.") % {"m": MIN_SEGMENT_M}})
    if -(-length_m // every_m) > MAX_SEGMENTS:
        raise ValidationError({"every_m": _("That makes more than %(n)s segments: give a longer length.") % {
            "n": MAX_SEGMENTS}})
    return [(start, min(start + every_m, length_m)) for start in range(0, length_m, every_m)]


def check_pieces(length_m, pieces):
    """Refuse pieces [(from_m, to_m)] that do not tile [0, length_m) exactly, naming the stretch."""
    if not pieces:
        raise ValidationError({"pieces": _("Give at least one segment.")})
    if len(pieces) > MAX_SEGMENTS:
        raise ValidationError({"pieces": _("A line has at most %(n)s segments.") % {"n": MAX_SEGMENTS}})
    for start, end in pieces:
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end)) or not 0 <= start < end:
            raise ValidationError({"pieces": _("Each segment runs from a whole number of metres to a larger one "
                                               "(%(from)s–%(to)s is not).") % {"from": start, "to": end}})
        if end > length_m:
            raise ValidationError({"pieces": _("The segment %(from)s–%(to)s m runs past the end of the line "
                                               "(%(length)s m).") % {"from": start, "to": end, "length": length_m}})
    clash = intervals.first_overlap(pieces)
    if clash is not None:
        (a1, a2), (b1, b2) = clash
        raise ValidationError({"pieces": _("The segments %(a)s and %(b)s overlap at %(from)s–%(to)s m.") % {
            "a": f"{a1}–{a2} m", "b": f"{b1}–{b2} m", "from": max(a1, b1), "to": min(a2, b2)}})
    gaps = intervals.subtract(0, length_m, pieces)
    if gaps:
        raise ValidationError({"pieces": _("No segment covers %(gaps)s of the line (%(length)s m long).") % {
            "gaps": "、".join(f"{s}–{e} m" for s, e in gaps), "length": length_m}})


def asset_split(*, actor, asset, every_m=None, pieces=None, expected_version=None):
    """Split the line into segments anew: every `every_m` metres, or into explicit `pieces`
    [{"from_m", "to_m", "enterprise" (or None), "team" (or None)}] that must tile the whole line.
    Refused once the asset has shifts (they belong to the segments they were planned on)."""
    require(actor, "guarding.plan", asset)
    if (every_m is None) == (pieces is None):
        raise ValidationError({"every_m": _("Split either every so many metres or by explicit segments.")})
    if pieces is None:
        rows = [{"from_m": s, "to_m": e, "enterprise": None, "team": None}
                for s, e in split_every(asset.length_m, every_m)]
    else:
        rows = [{"enterprise": None, "team": None, **row} for row in pieces]
        check_pieces(asset.length_m, [(row["from_m"], row["to_m"]) for row in rows])
        rows.sort(key=lambda row: row["from_m"])
    for n, row in enumerate(rows, start=1):
        for key, label in (("enterprise", _("enterprise")), ("team", _("volunteer team"))):
            if row[key] is not None and row[key].park_id != asset.park_id:  # never named: it may not be yours
                raise ValidationError({"pieces": _("Segment %(n)s: the %(what)s is not of this park.") % {
                    "n": n, "what": label}})
    with transaction.atomic():
        lock_for_update(asset, expected_version)
        if GuardShift.objects.filter(segment__asset=asset).exists():
            raise ValidationError({"pieces": _("This line already has shifts planned: cancel them before splitting "
                                               "it again.")})
        before = list(asset.segments.order_by("order").values_list("from_m", "to_m"))
        claim_next_version(asset, touch=True)
        asset.segments.all().delete()
        Segment.objects.bulk_create([
            Segment(asset=asset, park_id=asset.park_id, order=n, from_m=row["from_m"], to_m=row["to_m"],
                    enterprise=row["enterprise"], team=row["team"]) for n, row in enumerate(rows, start=1)])
        record(actor=actor, verb="update", obj=asset, before={"segments": [list(p) for p in before]},
               after={"segments": [[row["from_m"], row["to_m"]] for row in rows]},
               note=_("Split into %(n)s segments") % {"n": len(rows)})
    return list(asset.segments.order_by("order"))


class ReleaseNeeded(ValidationError):
    """A reassignment that would leave people of another team on the segment's upcoming shifts: `conflicts` is
    [(shift, [ShiftPerson rows])], in shift order. The caller may ask again with release_conflicting=True."""

    def __init__(self, message, conflicts):
        super().__init__({"team": message})
        self.conflicts = conflicts


def _outside_team(segment, team, now):
    """[(shift, [rows])] of the segment's upcoming shifts (not started at `now`) whose people still on them
    (neither declined nor arrived early) may not be on a shift of `team` (None: any team of the park)."""
    from parkbeat.org.models import RoleAssignment

    rows = list(ShiftPerson.objects.filter(shift__segment=segment, shift__starts_at__gt=now, declined_at__isnull=True,
                                           checked_in_at__isnull=True)
                .select_related("user", "shift").order_by("shift__starts_at", "shift_id", "id"))
    if not rows:
        return []
    allowed = set(RoleAssignment.objects.filter(user_id__in={r.user_id for r in rows}, user__is_active=True)
                  .filter(shift_people(segment.asset.park, team)).values_list("user_id", flat=True))
    conflicts = {}
    for row in rows:
        if row.user_id not in allowed:
            conflicts.setdefault(row.shift_id, (row.shift, []))[1].append(row)
    return list(conflicts.values())


def segment_assign(*, actor, segment, team, expected_version=None, release_conflicting=False, now=None):
    """Give the segment to a volunteer team of its park (None: to nobody). People on its upcoming shifts who may
    not be on the new team's shifts refuse it (ReleaseNeeded, naming how many shifts and who), unless
    `release_conflicting`: then they are taken off those shifts in the same transaction (the places reopen), and
    they and the segment's captain and officers are told."""
    require(actor, "guarding.plan", segment)
    if team is not None and team.park_id != segment.park_id:
        raise ValidationError({"team": _("This team is not of this park.")})  # never named: it may not be yours
    now = now or timezone.now()
    with transaction.atomic():
        # the segment's lock first (as shift_create and shift_update take it): nobody is put on one of its
        # shifts under the old team while the people are checked against the new one
        lock_for_update(segment, expected_version)
        if team is not None and segment.team_id == team.pk or team is None and segment.team_id is None:
            return segment
        conflicts = _outside_team(segment, team, now)
        if conflicts:
            names = "、".join(dict.fromkeys(row.user.display_name for _shift, rows in conflicts for row in rows))
            if not release_conflicting:
                raise ReleaseNeeded(ngettext(
                    "%(n)s upcoming shift has people who are not of %(team)s: %(names)s. Release them from it to "
                    "reassign the segment.",
                    "%(n)s upcoming shifts have people who are not of %(team)s: %(names)s. Release them from those "
                    "shifts to reassign the segment.", len(conflicts)) % {
                    "n": len(conflicts), "team": team.name if team else _("no team"), "names": names}, conflicts)
            # their shifts locked (a check-in or a cancel waits), then read again under the locks
            list(GuardShift.objects.select_for_update().filter(pk__in=[shift.pk for shift, _rows in conflicts])
                 .order_by("pk").values_list("pk", flat=True))
            conflicts = _outside_team(segment, team, now)
        obj, _changed = model_update(actor=actor, obj=segment, data={"team": team})
        if conflicts:
            _release(actor, obj, conflicts)
    return obj


def _release(actor, segment, conflicts):
    """Take the rows off their shifts (still unarrived: the shifts are locked), audit each shift, tell them."""
    from parkbeat.notifications.models import Notification
    from parkbeat.notifications.services import notify

    team = segment.team.name if segment.team_id else _("no team")
    released = []
    for shift, rows in conflicts:
        ids = [row.pk for row in rows]
        gone = set(ShiftPerson.objects.filter(pk__in=ids, checked_in_at__isnull=True, declined_at__isnull=True)
                   .values_list("pk", flat=True))
        rows = [row for row in rows if row.pk in gone]
        if not rows:
            continue
        before = sorted(shift.roster.values_list("user_id", flat=True))
        ShiftPerson.objects.filter(pk__in=gone).delete()
        claim_next_version(shift, touch=True)
        record(actor=actor, verb="update", obj=shift, before={"people": before},
               after={"people": sorted(set(before) - {row.user_id for row in rows})},
               note=_("Released: the segment went to %(team)s") % {"team": team})
        released.append((shift, rows))
        for row in rows:
            notify(recipients=[row.user], kind=Notification.Kind.GUARDING_GAP, obj=shift,
                   title=_("Guarding gap: %(person)s released from %(segment)s of %(asset)s from %(start)s") % {
                       "person": row.user.display_name, "segment": segment, "asset": segment.asset.name,
                       "start": _shown(shift.starts_at)},
                   body=_("The segment now goes to %(team)s, so you are no longer on this shift.") % {"team": team},
                   dedupe_key=f"guarding-release:{row.pk}")
    if released:
        lines = "; ".join("%s: %s" % (shift, "、".join(row.user.display_name for row in rows))
                          for shift, rows in released)
        notify(recipients=[u for u in _recipients(segment) if u.pk != actor.pk], kind=Notification.Kind.GUARDING_GAP,
               obj=segment.asset,
               title=_("Guarding gap: places reopened on %(segment)s of %(asset)s for %(team)s (shifts: %(n)s)") % {
                   "n": len(released), "segment": segment, "asset": segment.asset.name, "team": team},
               body=_("Released from them: %(lines)s") % {"lines": lines},
               dedupe_key=f"guarding-release:{segment.pk}:{segment.version}")
    return released


# ---------------------------------------------------------------- fixed points
def check_location(lon, lat):
    """A WGS-84 position, or the ValidationError naming the coordinate that is out of range."""
    for value, field, limit, message in ((lon, "lon", 180, _("Give a longitude from −180 to 180 (WGS-84).")),
                                         (lat, "lat", 90, _("Give a latitude from −90 to 90 (WGS-84)."))):
        if value is not None and not -limit <= value <= limit:
            raise ValidationError({field: message})


def _check_officer(officer, asset):
    if officer is not None and not (officer.is_active and is_visible(officer, asset, roles=POLICE)):
        raise ValidationError({"officer": _("This person is not of the police of this park.")})


def fixed_point_create(*, actor, asset, name, lon, lat, night_start, night_end, officer=None):
    """An officer's fixed post beside the line for the night."""
    require(actor, "guarding.plan", asset)
    _check_officer(officer, asset)
    check_location(lon, lat)
    point = FixedPoint(asset=asset, park_id=asset.park_id, name=(name or "").strip(), lon=lon, lat=lat,
                       officer=officer, night_start=night_start, night_end=night_end)
    if night_start is not None and night_start == night_end:
        raise ValidationError({"night_end": _("The night window ends at another time than it starts.")})
    point.full_clean()
    with transaction.atomic():
        point.save()
        record(actor=actor, verb="create", obj=point, after=_snap(point, ["asset", "park", *FIXED_POINT_FIELDS]))
    return point


def _snap(obj, fields):
    """The audit snapshot, with times of day as text (the trail stores JSON)."""
    return {k: v.isoformat() if isinstance(v, dt_time) else v for k, v in snapshot(obj, fields).items()}


def fixed_point_update(*, actor, point, data, expected_version=None):
    require(actor, "guarding.plan", point)
    data = {k: v for k, v in data.items() if k in FIXED_POINT_FIELDS}
    if "officer" in data:
        _check_officer(data["officer"], point.asset)
    check_location(data.get("lon"), data.get("lat"))
    start, end = data.get("night_start", point.night_start), data.get("night_end", point.night_end)
    if start == end:
        raise ValidationError({"night_end": _("The night window ends at another time than it starts.")})
    fields = [name for name, value in data.items() if getattr(point, name) != value]
    if not fields:
        if expected_version is not None and expected_version != point.version:
            raise ConflictError(_("This record was changed by someone else. Reload it and try again."))
        return point
    before = _snap(point, fields)
    for name in fields:
        setattr(point, name, data[name])
    point.full_clean()
    with transaction.atomic():
        claim_next_version(point, expected_version)
        point.save(update_fields=[*fields, "updated_at"])
        record(actor=actor, verb="update", obj=point, before=before, after=_snap(point, fields))
    return point


def fixed_point_delete(*, actor, point, expected_version=None):
    """Remove a fixed point that is no longer manned (a plan, not a record: nothing else refers to it). Its last
    state stays on the audit trail, whole."""
    require(actor, "guarding.plan", point)
    with transaction.atomic():
        try:
            lock_for_update(point, expected_version)
        except FixedPoint.DoesNotExist:  # removed meanwhile (a double submit): nothing more to do
            return None
        record(actor=actor, verb="delete", obj=point, before=_snap(point, ["asset", "park", *FIXED_POINT_FIELDS]))
        point.delete()
    return None


# ---------------------------------------------------------------- shifts
def shift_people(park, team=None):
    """The role assignments of who may be put on a shift in `park`: its police, its station's leaders and the
    volunteers of its teams; on a segment given to `team`, only that team's volunteers (with the police)."""
    from parkbeat.org.models import Role

    volunteers = Q(role=Role.VOLUNTEER, team_id=team.pk) if team is not None else Q(role=Role.VOLUNTEER,
                                                                                      team__park=park)
    return (Q(role__in=[Role.PARK_OFFICER, Role.AUXILIARY], park=park)
            | Q(role=Role.STATION_LEADER, unit_id=park.station_id) | volunteers)


def _eligible(user, park, team=None):
    from parkbeat.org.models import RoleAssignment

    return user.is_active and RoleAssignment.objects.filter(user=user).filter(shift_people(park, team)).exists()


def _lock_people(people):
    """Lock the people's user rows (FOR UPDATE, in id order so two planners never deadlock) for the rest of the
    transaction: two shifts planned at once for one person are then checked for overlap one after the other."""
    from parkbeat.org.models import User

    ids = sorted({p.pk for p in people})
    return list(User.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))


def _check_shift(segment, starts_at, ends_at, people, exclude_pk=None, kept=()):
    """The shift's time and people, or the ValidationError naming what is wrong (someone not of the segment's
    team nor the police of the park, unless already on the shift (`kept` ids); a person already on another
    shift at that time: the person and that shift)."""
    asset = segment.asset
    if not isinstance(starts_at, datetime):
        raise ValidationError({"starts_at": _("Give a date and time.")})
    if not isinstance(ends_at, datetime):
        raise ValidationError({"ends_at": _("Give a date and time.")})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("A shift ends after it starts.")})
    if ends_at - starts_at > MAX_SHIFT:
        raise ValidationError({"ends_at": _("A shift lasts at most 24 hours.")})
    if starts_at < asset.starts_at or ends_at > asset.ends_at:
        raise ValidationError({"starts_at" if starts_at < asset.starts_at else "ends_at": _(
            "The shift lies outside the guarding period of %(asset)s (%(from)s to %(to)s).") % {
            "asset": asset.name, "from": _shown(asset.starts_at), "to": _shown(asset.ends_at)}})
    people = list({p.pk: p for p in people or ()}.values())
    if not people:
        raise ValidationError({"people": _("Put at least one person on the shift.")})
    refused = [str(p.pk) for p in people if not _eligible(p, asset.park)]  # by id: their names may not be yours
    if refused:
        raise ValidationError({"people": _("Not of this park: the people with id %(ids)s.") % {
            "ids": "、".join(refused)}})
    team = segment.team
    if team is not None:
        # of the park (so the planner sees them), but of another team: named, with the team that watches here
        others = [p.display_name for p in people if p.pk not in kept and not _eligible(p, asset.park, team)]
        if others:
            raise ValidationError({"people": _(
                "Not of %(team)s, the team that watches %(segment)s: %(names)s. Only its volunteers and the police "
                "of the park can be put on its shifts.") % {"team": team.name, "segment": segment,
                                                             "names": "、".join(others)}})
    for person in people:
        other = (GuardShift.objects.filter(roster__user=person, roster__declined_at__isnull=True,
                                           starts_at__lt=ends_at, ends_at__gt=starts_at)
                 .exclude(pk=exclude_pk).select_related("segment__asset").order_by("starts_at").first())
        if other is not None and other.park_id != asset.park_id:  # another park's shift is not described
            raise ValidationError({"people": _("%(person)s is already on another shift at that time.") % {
                "person": person.display_name}})
        if other is not None:
            raise ValidationError({"people": _(
                "%(person)s is already on another shift at that time: %(asset)s, %(segment)s, %(shift)s.") % {
                "person": person.display_name, "asset": other.segment.asset.name, "segment": other.segment,
                "shift": other}})
    return people


def shift_create(*, actor, segment, starts_at, ends_at, people, note=""):
    require(actor, "guarding.plan", segment)
    starts_at, ends_at = _aware(starts_at), _aware(ends_at)
    with transaction.atomic():
        lock_for_update(segment)  # two planners on one segment: one after the other
        _lock_people(people or ())  # ... and on two segments, for one person: one overlap check at a time
        people = _check_shift(segment, starts_at, ends_at, people)
        shift = GuardShift(segment=segment, park_id=segment.park_id, starts_at=starts_at, ends_at=ends_at,
                           note=(note or "").strip(), created_by=actor)
        shift.full_clean(exclude=["segment", "created_by"])
        shift.save()
        ShiftPerson.objects.bulk_create([ShiftPerson(shift=shift, user=p) for p in people])
        record(actor=actor, verb="create", obj=shift,
               after={**snapshot(shift, ["segment", "starts_at", "ends_at", "note"]),
                      "people": sorted(p.pk for p in people)})
    return shift


def shift_update(*, actor, shift, data, people=None, expected_version=None):
    """Move a shift or change its people; a person who already checked in stays on it."""
    require(actor, "guarding.plan", shift)
    starts_at = _aware(data.get("starts_at", shift.starts_at))
    ends_at = _aware(data.get("ends_at", shift.ends_at))
    note = (data.get("note", shift.note) or "").strip()
    with transaction.atomic():
        # the segment's lock first (as shift_create and segment_assign): its team cannot change under the check
        lock_for_update(shift.segment)
        lock_for_update(shift, expected_version)
        current = {row.user_id: row for row in shift.roster.select_related("user")}
        wanted = people if people is not None else [row.user for row in current.values()]
        _lock_people(wanted)  # another planner putting one of them on another shift waits for this one
        wanted = _check_shift(shift.segment, starts_at, ends_at, wanted, exclude_pk=shift.pk, kept=set(current))
        dropped = [row for uid, row in current.items() if uid not in {p.pk for p in wanted}]
        arrived = [str(row.user) for row in dropped if row.checked_in_at is not None]
        if arrived:
            raise ValidationError({"people": _("Already checked in, so kept on the shift: %(names)s.") % {
                "names": "、".join(arrived)}})
        before = {**snapshot(shift, ["starts_at", "ends_at", "note"]), "people": sorted(current)}
        after_people = sorted(p.pk for p in wanted)
        if (starts_at, ends_at, note, after_people) == (shift.starts_at, shift.ends_at, shift.note, before["people"]):
            return shift
        claim_next_version(shift, touch=True)
        shift.starts_at, shift.ends_at, shift.note = starts_at, ends_at, note
        shift.save(update_fields=["starts_at", "ends_at", "note"])
        ShiftPerson.objects.filter(pk__in=[row.pk for row in dropped]).delete()
        ShiftPerson.objects.bulk_create([ShiftPerson(shift=shift, user=p) for p in wanted if p.pk not in current])
        record(actor=actor, verb="update", obj=shift, before=before,
               after={**snapshot(shift, ["starts_at", "ends_at", "note"]), "people": after_people})
    return shift


def shift_cancel(*, actor, shift, expected_version=None):
    """Remove a planned shift nobody has checked in to (its segment is then uncovered for that time)."""
    require(actor, "guarding.plan", shift)
    with transaction.atomic():
        lock_for_update(shift, expected_version)
        if shift.roster.filter(checked_in_at__isnull=False).exists():
            raise ValidationError(_("Someone has already checked in to this shift: it cannot be cancelled."))
        before = {**snapshot(shift, ["segment", "starts_at", "ends_at"]),
                  "people": sorted(shift.roster.values_list("user_id", flat=True))}
        record(actor=actor, verb="delete", obj=shift, before=before)
        shift.delete()
    return None


def shift_checkin(*, actor, shift, person=None, at=None, late_reason=""):
    """Record that `person` (default: the actor) arrived for the shift at `at` (None: now). The police of the
    park may record it for someone else. A second check-in returns the first. Returns (row, created)."""
    person = person or actor
    if person.pk == actor.pk:
        if not (has_role(actor, "volunteer", *POLICE) and shift.roster.filter(user=actor).exists()):
            raise PermissionDenied(_("You are not on this shift."))
    elif not can(actor, "guarding.guard", shift) or not has_role(actor, *POLICE):
        raise PermissionDenied(_("You are not allowed to do this here."))
    row = shift.roster.filter(user=person).first()
    if row is None:
        raise ValidationError({"person": _("%(person)s is not on this shift.") % {"person": person}})
    if row.checked_in_at is not None:
        return row, False
    if row.declined_at is not None:
        raise ValidationError({"person": _("%(person)s has declined this shift.") % {"person": person}})
    when = event_time(at, actor=actor, field="at", reason=late_reason,
                      after=[(shift.starts_at - EARLY_CHECKIN, _("half an hour before the shift"))])
    if when.at >= shift.ends_at:
        raise ValidationError({"at": _("The shift had already ended at this time.")})
    with transaction.atomic():
        # the shift's lock: a cancel or an edit dropping this person runs before or after, never across
        try:
            lock_for_update(shift)
        except GuardShift.DoesNotExist:
            raise ValidationError({"person": _("This shift was cancelled.")}) from None
        updated = ShiftPerson.objects.filter(pk=row.pk, checked_in_at__isnull=True, declined_at__isnull=True).update(
            checked_in_at=when.at, checked_in_recorded_at=when.recorded_at, checked_in_by=actor)
        row = ShiftPerson.objects.filter(pk=row.pk).first()
        if row is None:
            raise ValidationError({"person": _("%(person)s is not on this shift.") % {"person": person}})
        if not updated:  # a double submit: the first one stands
            return row, False
        note = _("happened %(at)s") % {"at": _shown(when.at)} if when.at != when.recorded_at else ""
        if when.late:
            note = " · ".join(filter(None, [note, _("entered late: %(reason)s") % {"reason": when.reason}]))
        record(actor=actor, verb="update", obj=shift,
               after={"checked_in": person.pk, "checked_in_at": when.at.isoformat()}, note=note)
    return row, True


def late_decline_time():
    """A decline less than this long before the shift starts is late (settings.GUARDING_LATE_DECLINE_HOURS)."""
    return timedelta(hours=settings.GUARDING_LATE_DECLINE_HOURS)


def shift_decline(*, actor, shift, reason, now=None):
    """The actor, on the shift, declines it ahead of time (until it starts) with a reason: the row is kept
    with when and why (late when less than the late-decline time before the start), the person no longer
    covers the segment, and the team captain and the park's officers are told. A second decline returns the
    first. Returns (row, created)."""
    if not has_role(actor, "volunteer", *POLICE):
        raise PermissionDenied(_("You are not on this shift."))
    row = shift.roster.filter(user=actor).first()
    if row is None:
        raise PermissionDenied(_("You are not on this shift."))
    if row.declined_at is not None:
        return row, False
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why you cannot come.")})
    if len(reason) > 200:
        raise ValidationError({"reason": _("At most 200 characters.")})
    if row.checked_in_at is not None:
        raise ValidationError(_("You have already checked in to this shift."))
    now = now or timezone.now()
    if now >= shift.starts_at:
        raise ValidationError(_("The shift has started: it can only be declined before it starts."))
    late = shift.starts_at - now < late_decline_time()
    from parkbeat.notifications.models import Notification
    from parkbeat.notifications.services import notify

    with transaction.atomic():
        try:  # the shift's lock: a release or a cancel runs before or after, never across
            lock_for_update(shift)
        except GuardShift.DoesNotExist:
            raise ValidationError(_("This shift was cancelled.")) from None
        updated = ShiftPerson.objects.filter(pk=row.pk, declined_at__isnull=True, checked_in_at__isnull=True).update(
            declined_at=now, declined_reason=reason, declined_late=late)
        row = ShiftPerson.objects.filter(pk=row.pk).first()
        if row is None:
            raise PermissionDenied(_("You are not on this shift."))
        if not updated:  # a double submit: the first one stands
            return row, False
        record(actor=actor, verb="update", obj=shift,
               after={"declined": actor.pk, "declined_at": now.isoformat(), "reason": reason, "late": late},
               note=_("declined late") if late else "")
        segment = shift.segment
        left = shift.roster.filter(declined_at__isnull=True).count()
        notify(recipients=[u for u in _recipients(segment) if u.pk != actor.pk], kind=Notification.Kind.GUARDING_GAP,
               obj=shift,
               title=_("Guarding gap: %(person)s declined %(segment)s of %(asset)s from %(start)s") % {
                   "person": actor.display_name, "segment": segment, "asset": segment.asset.name,
                   "start": _shown(shift.starts_at)},
               body=(_("Reason: %(reason)s · declined late · %(left)s left on the shift") if late
                     else _("Reason: %(reason)s · %(left)s left on the shift")) % {"reason": reason, "left": left},
               dedupe_key=f"guarding-decline:{row.pk}")
    return row, True


def remind_guard_shifts(*, now=None, lead=timedelta(hours=2)):
    """Tell each person on a shift that starts within `lead` (and who has not declined it or checked in) of
    it, once per person and shift start. Safe to run twice. Returns how many were told now."""
    from parkbeat.notifications.models import Notification
    from parkbeat.notifications.services import notify

    now = now or timezone.now()
    rows = (ShiftPerson.objects.filter(shift__starts_at__gt=now, shift__starts_at__lte=now + lead,
                                       declined_at__isnull=True, checked_in_at__isnull=True, user__is_active=True)
            .select_related("user", "shift__segment__asset").order_by("shift__starts_at", "id"))
    told = 0
    for row in rows:
        shift = row.shift
        told += len(notify(
            recipients=[row.user], kind=Notification.Kind.GUARD_SHIFT_SOON, obj=shift,
            title=_("Guard shift soon: %(segment)s of %(asset)s from %(start)s") % {
                "segment": shift.segment, "asset": shift.segment.asset.name, "start": _shown(shift.starts_at)},
            body=_("Your shift is %(from)s to %(to)s. Check in when you arrive, or decline it before it starts.") % {
                "from": _shown(shift.starts_at), "to": _shown(shift.ends_at)},
            dedupe_key=f"guard-shift-reminder:{row.pk}:{shift.starts_at.isoformat()}"))
    return told


# ---------------------------------------------------------------- alerts
def _recipients(segment):
    from parkbeat.org.models import Role, RoleAssignment
    from parkbeat.volunteers.models import Volunteer

    users = [a.user for a in RoleAssignment.objects.filter(park_id=segment.park_id, role=Role.PARK_OFFICER,
                                                            user__is_active=True).select_related("user")]
    if segment.team_id:
        users += [v.user for v in Volunteer.objects.filter(team_id=segment.team_id, is_captain=True,
                                                           status=Volunteer.Status.ACTIVE, user__isnull=False)
                  .select_related("user")]
    return users


def guarding_alerts(*, now=None, lead=None):
    """Tell the segment's team captain and the park's officers of every uncovered interval that starts within
    the lead time (or has started and not ended), once per gap. Safe to run twice. Returns how many gaps were
    told about now."""
    from parkbeat.guarding.selectors import asset_gaps
    from parkbeat.notifications.models import Notification
    from parkbeat.notifications.services import notify

    now = now or timezone.now()
    horizon = now + (lead if lead is not None else lead_time())
    told = 0
    assets = GuardedAsset.objects.filter(status=GuardedAsset.Status.ACTIVE, starts_at__lt=horizon, ends_at__gt=now)
    for asset in assets.select_related("park"):
        # From the period's start (at most a month back), so a gap already open keeps the start it had.
        lo = max(asset.starts_at, now - timedelta(days=31))
        segments = {s.pk: s for s in asset.segments.select_related("team")}
        # ... and on past the horizon, so the message names where the gap really ends (within a week).
        for segment_id, start, end in asset_gaps(asset, list(segments.values()), lo, horizon + timedelta(days=7)):
            if end <= now or start >= horizon:
                continue
            segment = segments[segment_id]
            sent = notify(
                recipients=_recipients(segment), kind=Notification.Kind.GUARDING_GAP, obj=asset,
                title=_("Guarding gap: %(segment)s of %(asset)s from %(start)s") % {
                    "segment": segment, "asset": asset.name, "start": _shown(start)},
                body=_("Nobody is on shift %(from)s to %(to)s · team: %(team)s") % {
                    "from": _shown(start), "to": _shown(end), "team": segment.team.name if segment.team else _("none")},
                dedupe_key=f"guarding-gap:{segment.pk}:{start.isoformat()}")
            told += bool(sent)
    return told
