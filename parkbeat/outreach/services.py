"""Every write to publicity: campaigns, scheduling lectures outside production hours, holding or cancelling them,
their attendance, rules and their adoption.

Invariants kept here: a lecture is scheduled only outside the enterprise's production hours (outreach.timetable),
unless the liaison's written agreement is attached (then it records that it is inside them by agreement), and
never over another lecture planned at the same enterprise; a refusal names `starts_at` and carries the free slots;
speakers are police of the park or vetted volunteers of its teams; a lecture is held only once it has started, and
its attendance is recorded only when held; every change leaves a LectureEvent and an audit event in its transaction.
"""
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from parkbeat.audit.services import record
from parkbeat.core.events import event_time, row_fields
from parkbeat.core.permissions import LEADER, OFFICER, POLICE, require
from parkbeat.core.scoping import access_for
from parkbeat.core.services import ConflictError, claim_next_version, lock_for_update, model_create, model_update
from parkbeat.enterprises.models import Enterprise
from parkbeat.outreach import timetable
from parkbeat.outreach.models import Campaign, Lecture, LectureEvent, Rule, RuleAdoption, Speaker, Theme

MAX_LECTURE = timedelta(hours=12)
MATERIAL_KINDS = ("image", "pdf", "xlsx")
AGREEMENT_KINDS = ("image", "pdf")
MAX_FILES = 10
CAMPAIGN_FIELDS = ("theme", "title", "starts_on", "ends_on", "note")
Status, Kind = Lecture.Status, LectureEvent.Kind


class ProductionHoursConflict(ValidationError):
    """A lecture refused inside production hours (or over another planned lecture): `free_slots` are the
    suggestions, [(starts_at, ends_at)] aware Asia/Shanghai."""

    def __init__(self, message, free_slots):
        super().__init__({"starts_at": [message]})
        self.free_slots = free_slots


def today_in_shanghai(now=None):
    return timezone.localdate(now or timezone.now())


def _event(lecture, kind, *, actor, when=None, note=""):
    fields = row_fields(when)
    return LectureEvent.objects.create(lecture=lecture, kind=kind, recorded_by=actor, note=(note or "")[:2000],
                                       **fields)


def _shown(moment):
    return date_format(timezone.localtime(moment), "Y-m-d H:i")


# ---------------------------------------------------------------- campaigns
def station_of(actor, parks=(), enterprises=()):
    """The one station of the targets (or, without any, the actor's one station); refused when they span two."""
    from parkbeat.org.models import Park

    park_ids = {p.pk for p in parks} | {e.park_id for e in enterprises}
    if not park_ids:
        park_ids = access_for(actor).park_ids(POLICE)
    stations = set(Park.objects.filter(pk__in=sorted(park_ids)).values_list("station_id", flat=True))
    if len(stations) != 1:
        raise ValidationError({"parks": _("A campaign's targets are all of one station: choose its parks or "
                                          "enterprises.")})
    return stations.pop()


def _check_targets(actor, parks, enterprises):
    """Only what the actor's scope reaches is targeted."""
    reach = access_for(actor).park_ids(POLICE)
    for park in parks:
        if park.pk not in reach:
            raise ValidationError({"parks": _("You can target only the parks you police.")})
    for enterprise in enterprises:
        if enterprise.park_id not in reach:
            raise ValidationError({"enterprises": _("You can target only the enterprises of the parks you "
                                                    "police.")})


def _check_period(starts_on, ends_on):
    if starts_on is None or ends_on is None:
        raise ValidationError({"starts_on": _("Give the campaign's first and last day.")})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The campaign ends on or after its start.")})
    if (ends_on - starts_on).days > 366:
        raise ValidationError({"ends_on": _("A campaign lasts at most a year.")})


def _store_files(actor, obj, uploads, *, field, kinds):
    from parkbeat.files.services import attachment_create

    uploads = [upload for upload in uploads or () if upload]
    if len(uploads) > MAX_FILES:
        raise ValidationError({field: _("At most %(n)s files at once.") % {"n": MAX_FILES}})
    for upload in uploads:
        try:
            attachment_create(actor=actor, obj=obj, upload=upload, kinds=kinds)
        except ValidationError as exc:
            raise ValidationError({field: _("%(file)s: %(why)s") % {
                "file": getattr(upload, "name", ""), "why": " ".join(exc.messages)}}) from None
    return len(uploads)


def campaign_planner(actor):
    """Whether the actor plans campaigns at all: the police of the park plan them (a station leader or a park
    officer); an auxiliary assists at lectures but does not set a campaign."""
    return bool(access_for(actor).roles & {LEADER, OFFICER})


def campaign_changeable_by(actor, campaign):
    """A campaign whose targets (its parks, its enterprises' parks) reach beyond the actor's parks is the station
    leader's to change, as a station-wide inspections campaign is: the edit page is offered, and the change taken,
    only when every park it targets is the actor's (as leader or officer)."""
    if not campaign_planner(actor):
        return False
    parks = set(campaign.parks.values_list("pk", flat=True)) | set(
        campaign.enterprises.values_list("park_id", flat=True))
    return parks <= access_for(actor).park_ids({LEADER, OFFICER})


NOT_A_PLANNER = _lazy("A campaign is planned by a station leader or a park officer.")
BEYOND_YOURS = _lazy("This campaign covers parks beyond yours; the station's leader changes it.")


def campaign_create(*, actor, theme, title, starts_on, ends_on, parks=(), enterprises=(), note="", materials=()):
    """A campaign of the actor's station (a leader or officer): theme, period, the parks and enterprises it targets
    (only within the actor's reach), and its materials (files)."""
    require(actor, "outreach.manage")
    if not campaign_planner(actor):
        raise PermissionDenied(NOT_A_PLANNER)
    parks, enterprises = list(parks or ()), list(enterprises or ())
    if theme not in Theme.values:
        raise ValidationError({"theme": _("Choose a theme.")})
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the campaign a title.")})
    _check_period(starts_on, ends_on)
    _check_targets(actor, parks, enterprises)
    campaign = Campaign(station_id=station_of(actor, parks, enterprises), theme=theme, title=title,
                        starts_on=starts_on, ends_on=ends_on, note=(note or "").strip(), created_by=actor)
    with transaction.atomic():
        model_create(actor=actor, obj=campaign)
        campaign.parks.set(parks)
        campaign.enterprises.set(enterprises)
        _store_files(actor, campaign, materials, field="materials", kinds=MATERIAL_KINDS)
    return campaign


def campaign_update(*, actor, campaign, data, parks=None, enterprises=None, materials=(), expected_version=None):
    """Theme, title, period, note; the targets when given (within the actor's reach: targets beyond it, set by
    someone else, are kept); more materials. A stale version is a conflict."""
    require(actor, "outreach.manage")
    if not Campaign.objects.visible_to(actor).filter(pk=campaign.pk).exists():
        raise PermissionDenied(_("You are not allowed to do this here."))
    data = {k: v for k, v in data.items() if k in CAMPAIGN_FIELDS}
    if "title" in data:
        data["title"] = (data["title"] or "").strip()
        if not data["title"]:
            raise ValidationError({"title": _("Give the campaign a title.")})
    if "theme" in data and data["theme"] not in Theme.values:
        raise ValidationError({"theme": _("Choose a theme.")})
    with transaction.atomic():
        lock_for_update(campaign, expected_version)
        if not campaign_changeable_by(actor, campaign):
            raise PermissionDenied(BEYOND_YOURS if campaign_planner(actor) else NOT_A_PLANNER)
        _check_period(data.get("starts_on", campaign.starts_on), data.get("ends_on", campaign.ends_on))
        obj, changed = model_update(actor=actor, obj=campaign, data=data, expected_version=expected_version)
        reach = access_for(actor).park_ids(POLICE)
        for name, given in (("parks", parks), ("enterprises", enterprises)):
            if given is None:
                continue
            given = list(given)
            on_park = (lambda x: x.pk) if name == "parks" else (lambda x: x.park_id)
            _check_targets(actor, given if name == "parks" else [], given if name == "enterprises" else [])
            if given and station_of(actor, given if name == "parks" else [],
                                    given if name == "enterprises" else []) != campaign.station_id:
                raise ValidationError({name: _("A campaign's targets are all of one station.")})
            relation = getattr(campaign, name)
            kept = [x for x in relation.all() if on_park(x) not in reach]  # beyond the actor: not theirs to drop
            before = sorted(relation.values_list("pk", flat=True))
            after = sorted({x.pk for x in given + kept})
            if before != after:
                relation.set(after)
                if not changed:
                    claim_next_version(campaign, touch=True)
                    changed = True
                record(actor=actor, verb="update", obj=campaign, before={name: before}, after={name: after},
                       note=_("Targets changed"))
        if _store_files(actor, campaign, materials, field="materials", kinds=MATERIAL_KINDS) and not changed:
            claim_next_version(campaign, touch=True)
    return obj


def campaign_targets(campaign):
    """The enterprises a campaign targets: those named and those of its parks (not closed)."""
    from django.db.models import Q

    return Enterprise.objects.filter(Q(pk__in=campaign.enterprises.values("pk"))
                                     | Q(park__in=campaign.parks.values("pk"))).exclude(
        status=Enterprise.Status.CLOSED)


# ---------------------------------------------------------------- scheduling
def busy_lectures(enterprise, *, exclude=None):
    """(starts_at, ends_at) of the lectures planned at the enterprise (but `exclude`)."""
    rows = Lecture.objects.filter(enterprise=enterprise, status=Status.PLANNED)
    if exclude is not None:
        rows = rows.exclude(pk=exclude.pk)
    return list(rows.values_list("starts_at", "ends_at"))


def unreadable_hours(enterprise, exc):
    """The refusal when the enterprise's stored production hours cannot be read (never a 500)."""
    return ValidationError({"starts_at": [_("The production hours of %(enterprise)s cannot be read (%(part)s): "
                                            "correct them on the enterprise's page first.") % {
        "enterprise": enterprise.name, "part": exc.text}]})


def production_overlap(enterprise, starts_at, ends_at):
    """The production periods of the enterprise that [starts_at, ends_at) overlaps (timetable.overlapping); a
    timetable that cannot be read is a ValidationError naming it."""
    try:
        return timetable.overlapping(enterprise.production_hours, starts_at, ends_at)
    except timetable.UnreadableTimetable as exc:
        raise unreadable_hours(enterprise, exc) from None


def suggested_slots(enterprise, *, starts_at, duration, now=None, exclude=None, count=timetable.SLOT_COUNT):
    """The next free slots of `duration` from the day of `starts_at` (not before now) and the seven days after."""
    now = now or timezone.now()
    try:
        return timetable.free_slots(enterprise.production_hours, duration=duration, after=max(starts_at, now),
                                    busy=busy_lectures(enterprise, exclude=exclude), not_before=now, count=count)
    except timetable.UnreadableTimetable as exc:
        raise unreadable_hours(enterprise, exc) from None


def check_slot(enterprise, starts_at, ends_at, *, agreement, exclude=None, now=None):
    """Refuse [starts_at, ends_at) over another planned lecture of the enterprise, or inside its production hours
    without the written agreement (ProductionHoursConflict, with the free slots). Returns whether it lies inside
    production hours."""
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The lecture ends after it starts.")})
    if ends_at - starts_at > MAX_LECTURE:
        raise ValidationError({"ends_at": _("A lecture lasts at most 12 hours.")})
    clash = [(a, b) for a, b in busy_lectures(enterprise, exclude=exclude) if a < ends_at and starts_at < b]
    inside = production_overlap(enterprise, starts_at, ends_at)
    if clash or (inside and not agreement):
        slots = suggested_slots(enterprise, starts_at=starts_at, duration=ends_at - starts_at, now=now,
                                exclude=exclude)
        if clash:
            message = _("Another lecture is planned at this enterprise at %(at)s.") % {"at": _shown(clash[0][0])}
        else:
            a, b = inside[0]
            message = _("This time lies inside the enterprise's production hours (%(start)s–%(end)s). Choose a free "
                        "slot, or attach the liaison's written agreement.") % {
                "start": f"{a:%H:%M}", "end": f"{b:%H:%M}"}
        raise ProductionHoursConflict(message, slots)
    return bool(inside)


def _speakers(enterprise, speakers):
    """[(user, kind)]: each a police officer reaching the enterprise's park or a vetted volunteer of its park's
    teams, once."""
    from parkbeat.volunteers.models import Volunteer

    found, seen = [], set()
    for user in speakers or ():
        if user.pk in seen:
            continue
        seen.add(user.pk)
        if enterprise.park_id in access_for(user).park_ids(POLICE):
            found.append((user, Speaker.Kind.POLICE))
        elif Volunteer.objects.filter(user=user, status=Volunteer.Status.ACTIVE,
                                      team__park_id=enterprise.park_id).exists():
            found.append((user, Speaker.Kind.VOLUNTEER))
        else:
            raise ValidationError({"speakers": _("%(name)s is neither police of this park nor a volunteer of its "
                                                 "teams.") % {"name": getattr(user, "display_name", user)}})
    return found


def lecture_schedule(*, actor, enterprise, topic, starts_at, ends_at, campaign=None, theme=None, speakers=(),
                     notes="", agreement=None, now=None):
    """Plan a lecture at `enterprise`, outside its production hours unless `agreement` (an upload: the liaison's
    written agreement) is attached; refused over another lecture planned there. The theme defaults to the
    campaign's."""
    if enterprise is None:
        raise ValidationError({"enterprise": _("Choose the enterprise.")})
    require(actor, "outreach.manage", enterprise)
    if enterprise.status == Enterprise.Status.CLOSED:
        raise ValidationError({"enterprise": _("This enterprise is closed.")})
    if campaign is not None:
        if not Campaign.objects.visible_to(actor).filter(pk=campaign.pk).exists():
            raise ValidationError({"campaign": _("Choose a campaign of your station.")})
        theme = theme or campaign.theme
    theme = theme or Theme.OTHER
    if theme not in Theme.values:
        raise ValidationError({"theme": _("Choose a theme.")})
    topic = (topic or "").strip()
    if not topic:
        raise ValidationError({"topic": _("Give the lecture's topic.")})
    if starts_at is None or ends_at is None:
        raise ValidationError({"starts_at": _("Give the lecture's start and end.")})
    cast = _speakers(enterprise, speakers)
    lecture = Lecture(enterprise=enterprise, park_id=enterprise.park_id, campaign=campaign, theme=theme, topic=topic,
                      starts_at=starts_at, ends_at=ends_at, notes=(notes or "").strip(), scheduled_by=actor)
    try:
        with transaction.atomic():
            # the enterprise row locked: two schedules at once see each other's lecture (one wins the slot)
            lock_for_update(enterprise)
            inside = check_slot(enterprise, starts_at, ends_at, agreement=agreement, now=now)
            lecture.by_agreement = inside
            model_create(actor=actor, obj=lecture)
            for user, kind in cast:
                Speaker.objects.create(lecture=lecture, user=user, kind=kind)
            _event(lecture, Kind.SCHEDULED, actor=actor, note=_("%(start)s–%(end)s, %(topic)s") % {
                "start": _shown(starts_at), "end": f"{timezone.localtime(ends_at):%H:%M}", "topic": topic})
            if agreement:
                _store_files(actor, lecture, [agreement], field="agreement", kinds=AGREEMENT_KINDS)
                _event(lecture, Kind.AGREEMENT, actor=actor, note=_("Inside production hours by the liaison's "
                                                                    "written agreement") if inside else "")
    except IntegrityError:  # the same slot taken at the same moment: the second is told
        raise ConflictError(_("A lecture is already planned at this enterprise at this time.")) from None
    return lecture


def lecture_update(*, actor, lecture, data, speakers=None, agreement=None, expected_version=None, now=None):
    """Change a planned lecture's topic, time, campaign, notes or speakers (a new time is checked as a new
    schedule: inside production hours it needs a fresh written `agreement`, the one given for the old time does not
    carry over). A stale version is a conflict."""
    require(actor, "outreach.manage", lecture)
    allowed = {k: v for k, v in data.items() if k in ("topic", "starts_at", "ends_at", "notes", "campaign", "theme")}
    if "topic" in allowed:
        allowed["topic"] = (allowed["topic"] or "").strip()
        if not allowed["topic"]:
            raise ValidationError({"topic": _("Give the lecture's topic.")})
    if allowed.get("campaign") is not None and not Campaign.objects.visible_to(actor).filter(
            pk=allowed["campaign"].pk).exists():
        raise ValidationError({"campaign": _("Choose a campaign of your station.")})
    with transaction.atomic():
        lock_for_update(lecture, expected_version)
        if lecture.status != Status.PLANNED:
            raise ValidationError(_("Only a planned lecture is changed."))
        starts_at, ends_at = allowed.get("starts_at", lecture.starts_at), allowed.get("ends_at", lecture.ends_at)
        enterprise = lock_for_update(lecture.enterprise)
        if (starts_at, ends_at) != (lecture.starts_at, lecture.ends_at) or agreement:
            # an agreement is for the time it was given for: a new time inside production hours needs a new one
            allowed["by_agreement"] = check_slot(enterprise, starts_at, ends_at, agreement=agreement,
                                                 exclude=lecture, now=now)
        obj, changed = model_update(actor=actor, obj=lecture, data=allowed, expected_version=expected_version)
        if speakers is not None:
            cast = _speakers(enterprise, speakers)
            before = sorted(lecture.speakers.values_list("user_id", flat=True))
            after = sorted(user.pk for user, _kind in cast)
            if before != after:
                lecture.speakers.all().delete()
                for user, kind in cast:
                    Speaker.objects.create(lecture=lecture, user=user, kind=kind)
                if not changed:
                    claim_next_version(lecture, touch=True)
                    changed = True
                record(actor=actor, verb="update", obj=lecture, before={"speakers": before},
                       after={"speakers": after}, note=_("Speakers changed"))
        if agreement:
            _store_files(actor, lecture, [agreement], field="agreement", kinds=AGREEMENT_KINDS)
            _event(lecture, Kind.AGREEMENT, actor=actor)
        if changed:
            _event(lecture, Kind.UPDATED, actor=actor, note=_("%(start)s–%(end)s, %(topic)s") % {
                "start": _shown(lecture.starts_at), "end": f"{timezone.localtime(lecture.ends_at):%H:%M}",
                "topic": lecture.topic})
    return obj


def lecture_transition(*, actor, lecture, to, note="", at=None, late_reason="", expected_version=None):
    """Planned -> held (only once it has started; `at`: when it was held, default its start) or cancelled."""
    require(actor, "outreach.manage", lecture)
    note = (note or "").strip()
    if len(note) > 500:
        raise ValidationError({"note": _("The note has at most 500 characters.")})
    with transaction.atomic():
        lock_for_update(lecture, expected_version)
        if to not in Lecture.TRANSITIONS.get(lecture.status, set()):
            raise ConflictError(_("A %(from)s lecture cannot become %(to)s.") % {
                "from": lecture.get_status_display(), "to": dict(Status.choices).get(to, to)})
        if to == Status.HELD:
            if lecture.starts_at > timezone.now():
                raise ValidationError({"to": _("A lecture is marked held once it has started (%(at)s).") % {
                    "at": _shown(lecture.starts_at)}})
            when = event_time(at or lecture.starts_at, actor=actor, field="at", reason=late_reason,
                              after=[(lecture.starts_at, _("the lecture's start"))])
        else:
            when = event_time(at, actor=actor, field="at", reason=late_reason)
        model_update(actor=actor, obj=lecture, data={"status": to}, verb="transition", note=note)
        _event(lecture, Kind.HELD if to == Status.HELD else Kind.CANCELLED, actor=actor, when=when, note=note)
    return lecture


def lecture_record_attendance(*, actor, lecture, attendance, at=None, late_reason="", note="",
                              expected_version=None):
    """The people reached by a lecture held, counted at `at` (default: its end, or now if sooner), recorded now by
    the actor; recording again corrects it (with the version loaded)."""
    require(actor, "outreach.manage", lecture)
    if attendance is None or not isinstance(attendance, int) or attendance < 0:
        raise ValidationError({"attendance": _("Give the number of people reached.")})
    if attendance > 100000:
        raise ValidationError({"attendance": _("That is more people than a lecture reaches.")})
    with transaction.atomic():
        lock_for_update(lecture, expected_version)
        if lecture.status != Status.HELD:
            raise ValidationError({"attendance": _("Attendance is recorded for a lecture held.")})
        when = event_time(at or min(lecture.ends_at, timezone.now()), actor=actor, field="at", reason=late_reason,
                          after=[(lecture.starts_at, _("the lecture's start"))])
        model_update(actor=actor, obj=lecture, verb="update", note=_("Attendance recorded"), data={
            "attendance": attendance, "attendance_at": when.at, "attendance_recorded_at": when.recorded_at,
            "attendance_recorded_by": actor}, expected_version=expected_version)
        _event(lecture, Kind.ATTENDANCE, actor=actor, when=when, note=_("%(n)s people reached") % {"n": attendance}
               + (f" · {note.strip()}" if (note or "").strip() else ""))
    return lecture


# ---------------------------------------------------------------- rules
def rule_create(*, actor, text, theme=Theme.HELMET):
    """A rule of the actor's station (leader or officer)."""
    require(actor, "outreach.manage")
    if not access_for(actor).roles & {LEADER, OFFICER}:
        raise PermissionDenied(_("Only a station leader or officer sets the station's rules."))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the rule.")})
    if theme not in Theme.values:
        raise ValidationError({"theme": _("Choose a theme.")})
    station = station_of(actor)
    if Rule.objects.filter(station_id=station, text=text).exists():
        raise ValidationError({"text": _("The station has this rule already.")})
    try:
        return model_create(actor=actor, obj=Rule(station_id=station, text=text, theme=theme, created_by=actor))
    except IntegrityError:
        raise ConflictError(_("The station has this rule already.")) from None


def adoption_record(*, actor, rule, enterprise, since, note=""):
    """The enterprise adopted the rule on `since` (not in the future); one adoption in force per rule."""
    require(actor, "outreach.manage", enterprise)
    if not Rule.objects.visible_to(actor).filter(pk=rule.pk).exists():
        raise ValidationError({"rule": _("Choose a rule of your station.")})
    if since is None:
        raise ValidationError({"since": _("Give the day it was adopted.")})
    if since > today_in_shanghai():
        raise ValidationError({"since": _("The day adopted cannot lie in the future.")})
    if RuleAdoption.objects.filter(rule=rule, enterprise=enterprise, ended_on__isnull=True).exists():
        raise ValidationError({"rule": _("This enterprise has adopted this rule already.")})
    adoption = RuleAdoption(rule=rule, enterprise=enterprise, park_id=enterprise.park_id, since=since,
                            note=(note or "").strip()[:500], recorded_at=timezone.now(), recorded_by=actor)
    try:
        return model_create(actor=actor, obj=adoption)
    except IntegrityError:
        raise ConflictError(_("This enterprise has adopted this rule already.")) from None


def adoption_end(*, actor, adoption, ended_on, note="", expected_version=None):
    """The enterprise no longer keeps the rule from `ended_on`."""
    require(actor, "outreach.manage", adoption)
    if ended_on is None:
        raise ValidationError({"ended_on": _("Give the day it ended.")})
    if ended_on > today_in_shanghai():
        raise ValidationError({"ended_on": _("The day cannot lie in the future.")})
    with transaction.atomic():
        lock_for_update(adoption, expected_version)
        if adoption.ended_on is not None:
            raise ConflictError(_("This adoption has ended already."))
        if ended_on < adoption.since:
            raise ValidationError({"ended_on": _("An adoption ends on or after the day it began.")})
        data = {"ended_on": ended_on}
        if (note or "").strip():
            data["note"] = note.strip()[:500]
        model_update(actor=actor, obj=adoption, data=data, expected_version=expected_version)
    return adoption


def lecture_files(lecture):
    from parkbeat.files.models import Attachment

    return list(Attachment.objects.for_object(lecture).order_by("id"))
