"""Base models and the scoped queryset every domain model uses; no domain models live here."""
from functools import lru_cache

from django.db import models
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.translation import get_language, gettext_lazy as _

from parkbeat.core.bounds import BoundedTextField, happened


@lru_cache(maxsize=2048)
def choice_labels(field, language):
    """{value: label} of a field's choices in one language, built once: Django's get_FOO_display rebuilds a
    hashable copy of every choice (translating each label) on every call, which a 50-row page does hundreds
    of times."""
    return {value: force_str(label) for value, label in field.flatchoices}


class ChoiceLabels(models.Model):
    """get_FOO_display from `choice_labels`: the same text as Django's, without rebuilding the choices."""

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        try:
            return choice_labels(field, get_language()).get(value, value)
        except TypeError:  # an unhashable value (a list in a JSON field with choices): Django's own way
            return super()._get_FIELD_display(field)


class TimestampedModel(ChoiceLabels):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(TimestampedModel):
    """Editable records carry a version: a save from a stale copy is refused instead of overwriting."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True


class LateEntry(models.Model):
    """Whether a record came in after the back-entry window, and why (core.events.event_time decides)."""

    entered_late = models.BooleanField(_("entered late"), default=False)
    late_reason = BoundedTextField(_("reason for late entry"), max_length=1000, blank=True)

    class Meta:
        abstract = True


class EventRow(ChoiceLabels, LateEntry):
    """One recorded event of a timeline (a transition, an observation, a key time): when it happened, which
    clocks and figures read, beside when it was entered; who entered it is each model's own field (`actor`
    or `recorded_by`). Filled from a checked `core.events.EventTime` by `row_fields()`."""

    at = models.DateTimeField(_("time"), default=timezone.now, validators=[happened])
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        abstract = True


class ScopedQuerySet(models.QuerySet):
    """Declares each model's path to the jurisdiction; `visible_to` applies core.scoping to it.

    scope_park: lookup to the park id (seen by leaders, officers, auxiliaries — `scope_park_roles`);
    scope_enterprise: lookup to the enterprise id (seen by that enterprise's liaisons);
    scope_team: lookup to the volunteer team id (seen by its volunteers);
    scope_owner: lookups to user ids that always see their own rows;
    scope_role_parks: {role: lookup to a park id} for roles that reach a record by another path than its
        park, e.g. mediators see the disputes routed to their park's centre (`mediation_centre__park_id`);
    scope_agency: lookup (or lookups) to the ids of the partner agencies that joined the record (seen by their
        staff);
    scope_participant: lookups across to-many relations to the users who take part in the record's work, e.g.
        the mediators named in a dispute's sessions (`sessions__mediators__id`): they see it as its owners do
        (a subquery, so rows are never duplicated);
    scope_owner_roles / scope_participant_roles: when set, those two paths count only while the user holds
        one of these roles, so an account that became an administrator (or lost its roles) no longer opens
        the cases it once reported, handled or took part in (SECURITY B5).

    Each path becomes one OR term on the model's own table (a path across foreign keys as nested
    `fk IN (subquery)`), so every scope column needs an index there, and a list ordered by a column wants
    (scope column, order) as well: core/tests/test_explain.py checks the plans on both engines.
    """

    scope_park = None
    scope_park_roles = ("station_leader", "park_officer", "auxiliary")
    scope_enterprise = None
    scope_team = None
    scope_owner = ()
    scope_role_parks = {}
    scope_agency = None
    scope_participant = ()
    scope_owner_roles = None
    scope_participant_roles = None

    def visible_to(self, user, roles=None):
        from parkbeat.core.scoping import restrict

        return restrict(self, user, roles=roles)

    @classmethod
    def through(cls, prefix):
        """This scope seen from a related model, e.g. `DisputeQuerySet.through("dispute__")` for a dispute's
        parties: the same paths with `prefix` in front, so a child is seen by exactly who sees its parent."""
        def on(lookup):
            return lookup and prefix + lookup

        return type(f"{cls.__name__}Through", (ScopedQuerySet,), {
            "scope_park": on(cls.scope_park), "scope_park_roles": cls.scope_park_roles,
            "scope_enterprise": on(cls.scope_enterprise), "scope_team": on(cls.scope_team),
            "scope_owner": tuple(on(lookup) for lookup in cls.scope_owner),
            "scope_role_parks": {role: on(lookup) for role, lookup in cls.scope_role_parks.items()},
            "scope_agency": tuple(on(lookup) for lookup in cls.scope_agency) if isinstance(cls.scope_agency, tuple)
            else on(cls.scope_agency),
            "scope_participant": tuple(on(lookup) for lookup in cls.scope_participant),
        })


# ---------------------------------------------------------------- idempotency keys (part D: data safety)
class IdempotencyKey(models.Model):
    """A client's `Idempotency-Key` for one create endpoint: a resent request returns the first result, creates nothing."""

    user = models.ForeignKey("org.User", models.CASCADE, related_name="+")
    scope = models.CharField(max_length=60)  # the endpoint, e.g. "visit"
    key = models.CharField(max_length=100)
    request_hash = models.CharField(max_length=64)
    object_id = models.CharField(max_length=40)
    status_code = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "scope", "key"], name="idempotency_key_once")]

    def __str__(self):
        return f"{self.scope}:{self.key}"
