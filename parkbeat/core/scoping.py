"""The one place that decides who sees what.

Every queryset that reaches a page, an API response, an export or a report is narrowed here, from the
user's role assignments: leaders see their unit's subtree, officers/auxiliaries/mediators their parks,
agency staff the parks their agency serves, liaisons their enterprise, volunteers their team and their
own rows. The three administrators see no case data at all.
"""
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Field, ForeignObject, Lookup, Q

from parkbeat.core.roles import Role

# A leader's subtree up to this many parks is filtered as a literal list (the planners estimate it exactly);
# a larger one as a subquery on the unit path, so a branch's count is not a 50-id IN list.
SUBTREE_AS_LIST = 12



class ScopeIn(Lookup):
    """`column IN (subquery)`, written `column = ANY(ARRAY(subquery))` on PostgreSQL: there the subquery is an
    init plan run once and the condition stays an index condition inside an OR (a BitmapOr), where `IN
    (subquery)` OR'd with owner terms becomes a hashed subplan filter on a sequential scan of the whole table.
    SQLite serves `IN (subquery)` from an index in either place (MULTI-INDEX OR)."""

    lookup_name = "scope_in"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)
        return f"{lhs} IN {rhs}", (*lhs_params, *rhs_params)


Field.register_lookup(ScopeIn)
ForeignObject.register_lookup(ScopeIn)  # foreign keys keep their own registry


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
    # A station leader's parks as subtrees: the paths of the units he leads, and whether they hold every park
    # (a city leader), so `restrict` filters by the subtree, or not at all, instead of by a list of park ids.
    subtrees: tuple = ()
    everywhere: bool = False

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
    assignments = list(user.role_assignments.select_related("unit").all())
    subtrees = _outermost(a.unit.path for a in assignments if a.role == Role.STATION_LEADER)
    everywhere = False
    if subtrees:  # one query for all his units: every park with its station's path (a city has ~150)
        every_park = list(Park.objects.values_list("id", "station__path"))
        led = frozenset(pk for pk, path in every_park if path.startswith(subtrees))
        parks[Role.STATION_LEADER] = led
        everywhere = len(led) == len(every_park)
    for a in assignments:
        roles.add(a.role)
        if a.role == Role.STATION_LEADER:
            continue
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
                    enterprises=frozenset(enterprises), teams=frozenset(teams), agencies=frozenset(agencies),
                    subtrees=subtrees, everywhere=everywhere)
    user._parkbeat_access = access
    return access


def _outermost(paths):
    """The unit paths with those inside another one dropped ("/1/4/" covers "/1/4/9/")."""
    paths = sorted(set(paths))
    return tuple(p for p in paths if not any(p != q and p.startswith(q) for q in paths))


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
        park_roles = set(qs.scope_park_roles) & allowed
        if Role.STATION_LEADER in park_roles and access.everywhere:
            # Every park: nothing else can add a row, so no filter at all (or only "has a park").
            if _never_null(qs.model, qs.scope_park):
                return qs.all()
            return qs.filter(**{f"{qs.scope_park}__isnull": False})
        q |= _park_term(qs, access, park_roles)
    if qs.scope_enterprise and access.enterprises and "liaison" in allowed:
        q |= _on(qs.model, qs.scope_enterprise, "in", sorted(access.enterprises))
    if qs.scope_team and access.teams and "volunteer" in allowed:
        q |= _on(qs.model, qs.scope_team, "in", sorted(access.teams))
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


def _park_term(qs, access, roles):
    """The rows in the parks `roles` reach: a leader's subtree as a subquery on the unit path (an indexed
    prefix match), the few parks of an officer, auxiliary or agency as a literal list."""
    Park = apps.get_model("org", "Park")
    q = Q(pk__in=[])
    few = access.park_ids(roles - {Role.STATION_LEADER})
    if Role.STATION_LEADER in roles and access.subtrees:
        led = access.parks.get(Role.STATION_LEADER, frozenset())
        if len(led) <= SUBTREE_AS_LIST:
            few |= led
        else:
            paths = Q(pk__in=[])
            for path in access.subtrees:
                paths |= Q(station__path__startswith=path)
            q |= _on(qs.model, qs.scope_park, "scope_in", Park.objects.filter(paths).order_by().values("id"))
    if few:
        q |= _on(qs.model, qs.scope_park, "in", sorted(few))
    return q


def _never_null(model, lookup):
    """Whether every field along `lookup` (e.g. "enterprise__park_id") is NOT NULL, so every row has a park."""
    for name in lookup.split("__"):
        field = model._meta.get_field(name)
        if field.null:
            return False
        model = field.related_model if field.is_relation else model
    return True


def _lookups(declared):
    """A declaration of one lookup or several, as a tuple."""
    if not declared:
        return ()
    return (declared,) if isinstance(declared, str) else tuple(declared)


def _on(model, lookup, op, value):
    """`lookup__op=value`, a path across foreign keys written as nested `fk_id IN (subquery)`: each OR term
    then stays on the list's own table, where an index serves it, instead of on a joined one (which turns
    `enterprise.park_id IN (...) OR visit.visitor_id = me` into a scan of every visit)."""
    first, _, rest = lookup.partition("__")
    field = model._meta.get_field(first) if rest else None
    if field is None or not (field.many_to_one or field.one_to_one) or not field.concrete:
        return Q(**{f"{lookup}__{op}": value})
    related = field.related_model
    inner = related._base_manager.filter(_on(related, rest, op, value))
    return Q(**{f"{first}__scope_in": inner.order_by().values("pk")})


def _through(qs, lookup, ids):
    """`lookup__in=ids`; across a to-many relation as a subquery, so the outer rows are never duplicated."""
    condition = Q(**{f"{lookup}__in": sorted(ids)})
    if "__" not in lookup:
        return condition
    first = qs.model._meta.get_field(lookup.partition("__")[0])
    if (first.many_to_one or first.one_to_one) and first.concrete:
        return _on(qs.model, lookup, "in", sorted(ids))
    return Q(pk__scope_in=qs.model._base_manager.filter(condition).order_by().values("pk"))


def is_visible(user, obj, roles=None):
    """Whether one object lies in the user's scope (through `roles` if given)."""
    return restrict(type(obj)._default_manager.all(), user, roles=roles).filter(pk=obj.pk).exists()
