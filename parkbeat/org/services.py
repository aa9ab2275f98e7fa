"""Writes to the organisation: accounts (system admin), role assignments (security admin), duty roster."""
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parkbeat.audit.services import record, snapshot
from parkbeat.core.permissions import require
from parkbeat.core.scoping import forget_access
from parkbeat.core.services import model_create
from parkbeat.org.models import ADMIN_ROLES, DutyShift, Role, RoleAssignment, User
from parkbeat.security.services import sessions_revoke


def user_create(*, actor, username, password, full_name="", mobile="", email=""):
    require(actor, "user.manage")
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("A user with that username already exists.")})
    user = User(username=username, full_name=full_name, mobile=mobile, email=email)
    validate_password(password, user)
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.must_change_password = True  # the administrator knows this password: the person chooses their own
    return model_create(actor=actor, obj=user)


def user_set_active(*, actor, user, active):
    require(actor, "user.manage")
    if user.pk == actor.pk:
        raise ValidationError(_("You cannot disable your own account."))
    with transaction.atomic():
        obj, _changed = user_update(actor=actor, user=user, data={"is_active": active})
        if not active:
            sessions_revoke(user=user)  # every session and API token ends now (SECURITY A6)
    return obj


def user_set_password(*, actor, user, password):
    require(actor, "user.manage")
    validate_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.password_changed_at = timezone.now()
        user.must_change_password = True  # as on creation: the person chooses their own at the next login
        user.save(update_fields=["password", "password_changed_at", "must_change_password"])
        sessions_revoke(user=user)  # every session and API token ends now (SECURITY A6)
        record(actor=actor, verb="update", obj=user, note=_("Password reset"))
    return user


def user_update(*, actor, user, data):
    """Users carry no version column: the audit entry keeps the before/after of each change."""
    before = snapshot(user, list(data))
    for name, value in data.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    with transaction.atomic():
        user.save(update_fields=list(data))
        record(actor=actor, verb="update", obj=user, before=before, after=snapshot(user, list(data)))
    return user, True


def role_assign(*, actor, user, role, unit=None, park=None, agency=None, enterprise=None, team=None):
    """三员分立: an administrator role is held alone, and nobody holds two of them."""
    require(actor, "role.assign")
    held = set(user.role_assignments.values_list("role", flat=True))
    if role in ADMIN_ROLES and held - {role}:
        raise ValidationError(_("An administrator role cannot be combined with any other role."))
    if held & ADMIN_ROLES and role not in held:
        raise ValidationError(_("This person is an administrator and cannot take another role."))
    if user.pk == actor.pk:
        raise ValidationError(_("You cannot change your own roles."))
    assignment = RoleAssignment(user=user, role=role, unit=unit, park=park, agency=agency,
                                enterprise=enterprise, team=team)
    with transaction.atomic():
        model_create(actor=actor, obj=assignment)
        sessions_revoke(user=user)  # a role change ends sessions and tokens: they log in to the new scope
    forget_access(user)
    return assignment


def role_revoke(*, actor, assignment):
    require(actor, "role.assign")
    if assignment.user_id == actor.pk:
        raise ValidationError(_("You cannot change your own roles."))
    with transaction.atomic():
        record(actor=actor, verb="delete", obj=assignment,
               before=snapshot(assignment, ["user", "role", "unit", "park", "agency", "enterprise", "team"]))
        assignment.delete()
        # A role change ends the person's sessions and API tokens: they log in again to the new scope.
        sessions_revoke(user=assignment.user)
    forget_access(assignment.user)


def duty_shift_create(*, actor, park, user, starts_at, ends_at, role=Role.PARK_OFFICER, note=""):
    require(actor, "duty.change", park)
    shift = DutyShift(park=park, user=user, role=role, starts_at=starts_at, ends_at=ends_at, note=note)
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("A shift must end after it starts.")})
    overlapping = DutyShift.objects.filter(user=user, starts_at__lt=ends_at, ends_at__gt=starts_at)
    if overlapping.exists():
        raise ValidationError(_("%(user)s already has a shift in that period.") % {"user": user})
    if not RoleAssignment.objects.filter(user=user, role=role, park=park).exists():
        raise ValidationError({"user": _("This person does not hold that role in this park.")})
    return model_create(actor=actor, obj=shift)


def duty_shift_delete(*, actor, shift):
    require(actor, "duty.change", shift.park)
    with transaction.atomic():
        record(actor=actor, verb="delete", obj=shift, before=snapshot(shift, ["park", "user", "starts_at", "ends_at"]))
        shift.delete()


def on_duty(*, park, at=None, role=Role.PARK_OFFICER):
    """Who is on duty in `park` at `at`: the roster first, else the park's assigned officer(s)."""
    at = at or timezone.now()
    shifts = DutyShift.objects.covering(at).filter(park=park, role=role).select_related("user")
    people = [s.user for s in shifts if s.user.is_active]
    if people:
        return people
    assigned = RoleAssignment.objects.filter(park=park, role=role, user__is_active=True).select_related("user")
    return [a.user for a in assigned.order_by("id")]



# ------------------------------------------------------------------ parks and other prevention areas
PARK_EDITABLE = ("name", "kind", "address", "description")


def park_update(*, actor, park, data):
    """Change a park's name, kind (an industrial park or another prevention area of the station, e.g. a campus's
    surroundings), address or description (the station's leader). Parks carry no version column: the audit entry
    keeps the before/after of each change."""
    from parkbeat.org.models import Park

    require(actor, "park.change", park)
    unknown = set(data) - set(PARK_EDITABLE)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("This field cannot be changed here.")})
    clean = {key: (value.strip() if isinstance(value, str) else value) for key, value in data.items()}
    if "kind" in clean and clean["kind"] not in Park.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of area.")})
    if "name" in clean and not clean["name"]:
        raise ValidationError({"name": _("Give the park a name.")})
    if "name" in clean and Park.objects.filter(station_id=park.station_id, name=clean["name"]).exclude(
            pk=park.pk).exists():
        raise ValidationError({"name": _("This station already has a park with that name.")})
    fields = [name for name, value in clean.items() if getattr(park, name) != value]
    if not fields:
        return park
    before = snapshot(park, fields)
    for name in fields:
        setattr(park, name, clean[name])
    park.full_clean(exclude=["station"])
    with transaction.atomic():
        park.save(update_fields=[*fields, "updated_at"])
        record(actor=actor, verb="update", obj=park, before=before, after=snapshot(park, fields))
    return park
