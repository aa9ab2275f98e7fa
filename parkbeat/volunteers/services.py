"""Every write to the volunteers: nomination, vetting, status changes, teams and captains, trainings and support
records — permission, validation, version check and audit in one place, for pages, API and commands alike."""
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parkbeat.audit.services import record
from parkbeat.core.events import event_time
from parkbeat.core.personal import blind_index
from parkbeat.core.permissions import require
from parkbeat.core.services import (ConflictError, IllegalTransition, claim_next_version, lock_for_update,
                                    model_create, model_update)
from parkbeat.volunteers.models import SupportRecord, Training, Volunteer, VolunteerTeam, VolunteerTransition

Status = Volunteer.Status
VOLUNTEER_EDIT_FIELDS = ("name", "mobile", "post", "duties")
TEAM_EDIT_FIELDS = ("name",)
STALE = gettext_lazy("This record was changed by someone else. Reload it and try again.")


def _check_not_in_team(team, resident_id, exclude_pk=None):
    """A person is in a team once (a rejected nomination does not count): a readable error on the ID field."""
    others = Volunteer.objects.filter(team=team, resident_id_index=blind_index(resident_id)).exclude(
        status=Status.REJECTED)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if others.exists():
        raise ValidationError({"resident_id": _("This person is already in the team.")})


def volunteer_nominate(*, actor, team, name, resident_id, mobile="", post="", duties=(), consent_confirmed=False,
                       consent_date=None, consent_file=None):
    """The liaison puts an employee forward for their enterprise's team: the candidate is `nominated`
    until the park's officer vets them. Consent is required (confirmed, with the date it was signed)."""
    require(actor, "volunteer.nominate", team)
    errors = {}
    if not consent_confirmed:
        errors["consent_confirmed"] = _("Confirm that the candidate has consented to the nomination and vetting.")
    if consent_date is None:
        errors["consent_date"] = _("Give the date the candidate signed the consent.")
    if not duties:
        errors["duties"] = _("Choose at least one duty.")
    if errors:
        raise ValidationError(errors)
    resident_id = (resident_id or "").strip().upper()
    volunteer = Volunteer(team=team, name=(name or "").strip(), resident_id=resident_id, mobile=mobile or "",
                          post=(post or "").strip(), duties=list(dict.fromkeys(duties or ())),
                          consent_confirmed=True, consent_date=consent_date, nominated_by=actor,
                          status=Status.NOMINATED)
    with transaction.atomic():
        lock_for_update(team)  # two submissions of the same person at once: the second sees the first
        _check_not_in_team(team, resident_id)
        model_create(actor=actor, obj=volunteer, note=_("Nominated"))
        now = timezone.now()
        VolunteerTransition.objects.create(volunteer=volunteer, actor=actor, at=now, recorded_at=now,
                                           from_status="", to_status=Status.NOMINATED, note=_("Nominated"))
        if consent_file is not None:
            from parkbeat.files.services import attachment_create

            attachment_create(actor=actor, obj=volunteer, upload=consent_file, kinds=("image", "pdf"),
                              perm="volunteer.nominate")
    return volunteer


def volunteer_update(*, actor, volunteer, data, expected_version=None):
    """Name, mobile, post and duties of a member in reach; a stale version is refused."""
    require(actor, "volunteer.change", volunteer)
    data = {k: v for k, v in data.items() if k in VOLUNTEER_EDIT_FIELDS}
    if "duties" in data:
        data["duties"] = list(dict.fromkeys(data["duties"] or ()))
        if not data["duties"]:
            raise ValidationError({"duties": _("Choose at least one duty.")})
    if volunteer.status in (Status.REJECTED, Status.LEFT):
        raise IllegalTransition(_("A volunteer who was rejected or has left is kept as on record; it is not edited."))
    obj, _changed = model_update(actor=actor, obj=volunteer, data=data, expected_version=expected_version)
    return obj


def _last_change_at(volunteer):
    last = volunteer.transitions.order_by("-at", "-id").values_list("at", flat=True).first()
    return last


def volunteer_transition(*, actor, volunteer, to, note="", at=None, late_reason="", expected_version=None):
    """Move a volunteer along Volunteer.TRANSITIONS: vetting (nominated → active or rejected) and later status
    changes (suspend, reinstate, left). `at` is when it happened (now if not given; never in the future, never
    before the previous change); the row keeps when and by whom it was recorded. The liaison who nominated is
    told the outcome of the vetting."""
    to = Status(to)
    note = (note or "").strip()
    with transaction.atomic():
        lock_for_update(volunteer)  # decided on the committed state: of two vetters exactly one wins
        require(actor, "volunteer.vet", volunteer)
        if expected_version is not None and expected_version != volunteer.version:
            raise ConflictError(str(STALE))
        current = Status(volunteer.status)
        if to not in Volunteer.TRANSITIONS[current]:
            raise IllegalTransition(_("A volunteer who is “%(from)s” cannot become “%(to)s”.") % {
                "from": current.label, "to": to.label})
        if to in Volunteer.REASON_REQUIRED and not note:
            raise ValidationError({"note": _("Give the reason.")})
        when = event_time(at, actor=actor, after=[(_last_change_at(volunteer), _("the previous status change"))],
                          reason=late_reason)
        data = {"status": to}
        if to != Status.ACTIVE and volunteer.is_captain:
            data["is_captain"] = False  # a captain must be an active member
        model_update(actor=actor, obj=volunteer, data=data, expected_version=volunteer.version, note=note,
                     verb="transition")
        VolunteerTransition.objects.create(volunteer=volunteer, actor=actor, from_status=current, to_status=to,
                                           note=note, **when.row_fields())
        if current == Status.NOMINATED and volunteer.nominated_by_id:
            _tell_nominator(volunteer, approved=to == Status.ACTIVE, note=note)
    return volunteer


def volunteer_approve(*, actor, volunteer, note="", at=None, late_reason="", expected_version=None):
    return volunteer_transition(actor=actor, volunteer=volunteer, to=Status.ACTIVE, note=note, at=at,
                                late_reason=late_reason, expected_version=expected_version)


def volunteer_reject(*, actor, volunteer, note, at=None, late_reason="", expected_version=None):
    return volunteer_transition(actor=actor, volunteer=volunteer, to=Status.REJECTED, note=note, at=at,
                                late_reason=late_reason, expected_version=expected_version)


def _tell_nominator(volunteer, *, approved, note):
    from parkbeat.notifications.models import Notification
    from parkbeat.notifications.services import notify

    if approved:
        title = _("Volunteer nomination approved: %(name)s") % {"name": volunteer.name}
        body = _("%(name)s is now an active member of %(team)s.") % {"name": volunteer.name,
                                                                    "team": volunteer.team.name}
    else:
        title = _("Volunteer nomination rejected: %(name)s") % {"name": volunteer.name}
        body = _("Reason: %(reason)s") % {"reason": note}
    notify(recipients=[volunteer.nominated_by], kind=Notification.Kind.VOLUNTEER_VETTED, title=title, body=body,
           obj=volunteer)


# ---------------------------------------------------------------- teams
def team_create(*, actor, park, name, enterprise=None):
    """A new team in a park the actor polices, optionally an enterprise's (which must be in that park)."""
    require(actor, "volunteer_team.manage", park)
    if enterprise is not None and enterprise.park_id != park.pk:
        raise ValidationError({"enterprise": _("The enterprise is not in this park.")})
    name = (name or "").strip()
    if VolunteerTeam.objects.filter(park=park, name=name).exists():
        raise ValidationError({"name": _("This park already has a team with that name.")})
    return model_create(actor=actor, obj=VolunteerTeam(park=park, enterprise=enterprise, name=name))


def team_update(*, actor, team, data, expected_version=None):
    """Rename a team; a stale version is refused."""
    require(actor, "volunteer_team.manage", team)
    data = {k: (v or "").strip() for k, v in data.items() if k in TEAM_EDIT_FIELDS}
    if "name" in data and VolunteerTeam.objects.filter(park_id=team.park_id, name=data["name"]).exclude(
            pk=team.pk).exists():
        raise ValidationError({"name": _("This park already has a team with that name.")})
    obj, _changed = model_update(actor=actor, obj=team, data=data, expected_version=expected_version)
    return obj


def team_set_captain(*, actor, team, volunteer, expected_version=None):
    """Make an active member the team's one captain (the former captain stays a member)."""
    require(actor, "volunteer_team.manage", team)
    with transaction.atomic():
        lock_for_update(team, expected_version)
        lock_for_update(volunteer)
        if volunteer.team_id != team.pk:
            raise ValidationError({"volunteer": _("This volunteer is not a member of the team.")})
        if volunteer.status != Status.ACTIVE:
            raise ValidationError({"volunteer": _("Only an active member can be the captain.")})
        if volunteer.is_captain:
            return team
        former = list(Volunteer.objects.filter(team=team, is_captain=True))
        for old in former:
            Volunteer.objects.filter(pk=old.pk).update(is_captain=False, version=old.version + 1,
                                                       updated_at=timezone.now())
            record(actor=actor, verb="update", obj=old, before={"is_captain": True}, after={"is_captain": False},
                   note=_("Captain replaced"))
        Volunteer.objects.filter(pk=volunteer.pk).update(is_captain=True, version=volunteer.version + 1,
                                                         updated_at=timezone.now())
        record(actor=actor, verb="update", obj=volunteer, before={"is_captain": False}, after={"is_captain": True},
               note=_("Made captain"))
        claim_next_version(team, touch=True)
        record(actor=actor, verb="update", obj=team, before={"captain": former[0].pk if former else None},
               after={"captain": volunteer.pk}, note=_("Captain set"))
    return team


# ---------------------------------------------------------------- trainings and support
def training_create(*, actor, volunteer, trained_on, topic, hours, trainer):
    require(actor, "volunteer.record", volunteer)
    if volunteer.status in (Status.REJECTED, Status.LEFT):
        raise ValidationError(_("Trainings are recorded for nominated, active or suspended volunteers only."))
    return model_create(actor=actor, obj=Training(volunteer=volunteer, trained_on=trained_on, topic=topic,
                                                  hours=hours, trainer=trainer, recorded_by=actor))


def support_create(*, actor, volunteer, kind, provider, starts_on, expires_on):
    require(actor, "volunteer.record", volunteer)
    if volunteer.status in (Status.REJECTED, Status.LEFT):
        raise ValidationError(_("Support is recorded for nominated, active or suspended volunteers only."))
    return model_create(actor=actor, obj=SupportRecord(volunteer=volunteer, kind=kind, provider=provider,
                                                       starts_on=starts_on, expires_on=expires_on,
                                                       recorded_by=actor))


def support_expiring(*, today=None, days=None):
    """Support records of current members expiring within `days` (the setting) from today, not yet reminded."""
    today = today or timezone.localdate()
    days = settings.PARKBEAT_VOLUNTEER_SUPPORT_REMIND_DAYS if days is None else days
    return (SupportRecord.objects.filter(expires_on__gte=today, expires_on__lte=today + timedelta(days=days),
                                         reminded_at__isnull=True)
            .exclude(volunteer__status__in=[Status.REJECTED, Status.LEFT])
            .select_related("volunteer__team__park"))


def remind_volunteer_support(*, now=None, days=None):
    """Tell the park's officers and the team's captain about each support record expiring within `days`,
    once per record (marked when sent; a second run sends nothing). Returns the number of records reminded."""
    from django.contrib.auth import get_user_model

    from parkbeat.notifications.models import Notification
    from parkbeat.notifications.services import notify
    from parkbeat.org.models import Role

    now = now or timezone.now()
    User = get_user_model()
    reminded = 0
    for support in support_expiring(today=timezone.localdate(now), days=days):
        with transaction.atomic():
            claimed = SupportRecord.objects.filter(pk=support.pk, reminded_at__isnull=True).update(reminded_at=now)
            if not claimed:  # another worker took it
                continue
            volunteer, team = support.volunteer, support.volunteer.team
            officers = list(User.objects.filter(role_assignments__role=Role.PARK_OFFICER,
                                                role_assignments__park_id=team.park_id).distinct())
            captain = (User.objects.filter(volunteer_memberships__team=team, volunteer_memberships__is_captain=True)
                       .first())
            notify(recipients=[*officers, captain], kind=Notification.Kind.VOLUNTEER_SUPPORT_DUE,
                   title=_("%(kind)s of volunteer %(name)s expires on %(date)s") % {
                       "kind": support.get_kind_display(), "name": volunteer.name,
                       "date": support.expires_on.isoformat()},
                   body=_("%(provider)s · %(team)s. Renew it or record the new one.") % {
                       "provider": support.provider, "team": team.name},
                   obj=volunteer, dedupe_key=f"volunteer-support-expiry:{support.pk}")
            record(actor=None, verb="update", obj=support, before={"reminded_at": None},
                   after={"reminded_at": now.isoformat()},
                   note=_("Expiry reminder sent"))
            reminded += 1
    return reminded
