"""The one place that decides who sees what.

Every queryset that reaches a page, an API response, an export or a report is narrowed here, from the
user's role assignments: leaders see their unit's subtree, officers/auxiliaries/mediators their parks,
agency staff the parks their agency serves, liaisons their enterprise, volunteers their team and their
own rows. The three administrators see no case data at all.
"""
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Q

from parkbeat.core.roles import Role

OWNER = "owner"  # pseudo-role: the user named on the row itself (raised it, is assigned it, ...)


@dataclass(frozen=True)
class Access:
    """What one user reaches, per role: park ids, enterprise ids, team ids."""

    user_id: int | None
    roles: frozenset = frozenset()
    parks: dict = field(default_factory=dict)  # role -> frozenset of park ids
    enterprises: frozenset = frozenset()
    teams: frozenset = frozenset()
    agencies: frozenset = frozenset()

    def park_ids(self, roles):
        ids = set()
        for role in roles:
            ids |= self.parks.get(role, frozenset())
        return ids


NO_ACCESS = Access(user_id=None)


def access_for(user):
    """Compute (once per user object) the parks, enterprises and teams each of the user's roles reaches."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NO_ACCESS
    cached = getattr(user, "_parkbeat_access", None)
    if cached is not None:
        return cached
    Park = apps.get_model("org", "Park")  # by label, not import: org's models build on core's

    parks, enterprises, teams, agencies, roles = {}, set(), set(), set(), set()
    for a in user.role_assignments.select_related("unit").all():
        roles.add(a.role)
        if a.role == Role.STATION_LEADER:
            ids = Park.objects.filter(station__path__startswith=a.unit.path).values_list("id", flat=True)
        elif a.role in (Role.PARK_OFFICER, Role.AUXILIARY, Role.MEDIATOR):
            ids = [a.park_id]
        elif a.role == Role.AGENCY_STAFF:
            agencies.add(a.agency_id)
            ids = Park.agencies.through.objects.filter(agency_id=a.agency_id).values_list("park_id", flat=True)
        else:
            ids = []
            if a.role == Role.LIAISON:
                enterprises.add(a.enterprise_id)
            elif a.role == Role.VOLUNTEER:
                teams.add(a.team_id)
        parks[a.role] = parks.get(a.role, frozenset()) | frozenset(ids)
    access = Access(user_id=user.pk, roles=frozenset(roles), parks=parks,
                    enterprises=frozenset(enterprises), teams=frozenset(teams), agencies=frozenset(agencies))
    user._parkbeat_access = access
    return access


def forget_access(user):
    """Drop the cached access after the user's roles change."""
    user.__dict__.pop("_parkbeat_access", None)


def restrict(qs, user, roles=None):
    """Narrow `qs` to the rows `user` may see; with `roles`, only through those roles (and OWNER)."""
    access = access_for(user)
    if access.user_id is None:
        return qs.none()
    allowed = set(access.roles | {OWNER}) if roles is None else set(roles)
    q = Q(pk__in=[])
    if qs.scope_park:
        park_ids = access.park_ids(set(qs.scope_park_roles) & allowed)
        if park_ids:
            q |= Q(**{f"{qs.scope_park}__in": sorted(park_ids)})
    if qs.scope_enterprise and access.enterprises and "liaison" in allowed:
        q |= Q(**{f"{qs.scope_enterprise}__in": sorted(access.enterprises)})
    if qs.scope_team and access.teams and "volunteer" in allowed:
        q |= Q(**{f"{qs.scope_team}__in": sorted(access.teams)})
    for role, lookup in qs.scope_role_parks.items():
        park_ids = access.park_ids({role}) if role in allowed else ()
        if park_ids:
            q |= _through(qs, lookup, park_ids)
    if access.agencies and "agency_staff" in allowed:
        for lookup in _lookups(qs.scope_agency):
            q |= _through(qs, lookup, access.agencies)
    if OWNER in allowed:
        if qs.scope_owner_roles is None or access.roles & set(qs.scope_owner_roles):
            for lookup in qs.scope_owner:
                q |= Q(**{lookup: access.user_id})
        if qs.scope_participant_roles is None or access.roles & set(qs.scope_participant_roles):
            for lookup in qs.scope_participant:
                q |= _through(qs, lookup, [access.user_id])
    return qs.filter(q)


def _lookups(declared):
    """A declaration of one lookup or several, as a tuple."""
    if not declared:
        return ()
    return (declared,) if isinstance(declared, str) else tuple(declared)


def _through(qs, lookup, ids):
    """`lookup__in=ids`; across a to-many relation as a subquery, so the outer rows are never duplicated."""
    condition = Q(**{f"{lookup}__in": sorted(ids)})
    if "__" not in lookup:
        return condition
    return Q(pk__in=qs.model._base_manager.filter(condition).values("pk"))


def is_visible(user, obj, roles=None):
    """Whether one object lies in the user's scope (through `roles` if given)."""
    return restrict(type(obj)._default_manager.all(), user, roles=roles).filter(pk=obj.pk).exists()
