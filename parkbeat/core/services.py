"""Write helpers every service uses: optimistic versions and field-by-field updates with audit."""
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parkbeat.audit.services import record, snapshot


class ConflictError(Exception):
    """Someone else saved the record since it was loaded; the caller reloads and tries again (HTTP 409)."""


class IllegalTransition(ConflictError):
    """A state change the model's TRANSITIONS table does not allow (HTTP 409)."""


def model_update(*, actor, obj, data, expected_version=None, note="", verb="update"):
    """Set `data` on `obj`, validate, and save only the changed fields, with one audit event.

    With `expected_version` the UPDATE applies only where the stored version still matches, so two
    people editing the same record never silently overwrite each other.
    """
    fields = [name for name, value in data.items() if getattr(obj, name) != value]
    before = snapshot(obj, fields)
    for name, value in data.items():
        setattr(obj, name, value)
    if not fields:
        if expected_version is not None and expected_version != obj.version:
            raise ConflictError(_("This record was changed by someone else. Reload it and try again."))
        return obj, False
    obj.full_clean()
    with transaction.atomic():
        # Claim the next version only if nobody else has; then save the changed fields in the same transaction.
        claim_next_version(obj, expected_version)
        extra = ["updated_at"] if hasattr(obj, "updated_at") else []
        obj.save(update_fields=[*fields, *extra])
        record(actor=actor, verb=verb, obj=obj, before=before, after=snapshot(obj, fields), note=note)
    return obj, True


def claim_next_version(obj, expected_version=None, *, touch=False):
    """Move `obj` from the version it was loaded at (or `expected_version`) to the next, or ConflictError.

    The UPDATE matches only the stored version, so of two writers from the same version exactly one
    wins. `touch` also sets `updated_at`, for changes that save no other field of the row.
    """
    version = obj.version if expected_version is None else expected_version
    values = {"version": version + 1, **({"updated_at": timezone.now()} if touch else {})}
    if not type(obj)._base_manager.filter(pk=obj.pk, version=version).update(**values):
        raise ConflictError(_("This record was changed by someone else. Reload it and try again."))
    obj.version = version + 1


def model_create(*, actor, obj, note=""):
    """Validate and insert `obj` with its audit event in one transaction."""
    obj.full_clean()
    with transaction.atomic():
        obj.save()
        fields = [f.name for f in type(obj)._meta.concrete_fields if f.name not in ("id", "created_at", "updated_at")]
        record(actor=actor, verb="create", obj=obj, after=snapshot(obj, fields), note=note)
    return obj


# ---------------------------------------------------------------- row locks (part D: data safety)
def lock_for_update(obj, expected_version=None):
    """Re-read `obj`'s row FOR UPDATE and refresh `obj` from it; call inside `transaction.atomic()`.

    Checks that depend on the current state (a claim, a transition) then see what the last writer
    committed: on PostgreSQL the row stays locked until commit, so of two concurrent claims exactly one
    wins; SQLite's IMMEDIATE transactions already serialise writers. A stale `expected_version` conflicts.
    """
    fresh = type(obj)._base_manager.select_for_update().get(pk=obj.pk)
    for field in type(obj)._meta.concrete_fields:
        setattr(obj, field.attname, getattr(fresh, field.attname))
    if expected_version is not None and expected_version != obj.version:
        raise ConflictError(_("This record was changed by someone else. Reload it and try again."))
    return obj
