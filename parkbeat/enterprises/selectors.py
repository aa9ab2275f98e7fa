"""Every read of the registry a user sees starts from `visible_to(user)`."""
from django.db.models import Q
from django.http import Http404

from parkbeat.enterprises.models import Demand, Enterprise, KeyDesignation, Liaison, Visit


# A park's outline is a large JSON document: list rows never need it, so it is never loaded with them.
HEAVY_PARK_FIELDS = ("park__boundary", "park__description")


def enterprise_list(*, user):
    return Enterprise.objects.visible_to(user).select_related("park").defer(*HEAVY_PARK_FIELDS)


def enterprise_get(*, user, pk):
    """The enterprise if the user may see it, else 404 (never a hint that it exists)."""
    try:
        return enterprise_list(user=user).get(pk=pk)
    except (Enterprise.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def designation_list(*, user):
    """Key designations, current and past, of the enterprises the user sees; newest first per enterprise."""
    return KeyDesignation.objects.visible_to(user).order_by("enterprise_id", "-starts_on", "-id")


def liaison_list(*, user):
    return Liaison.objects.visible_to(user).select_related("enterprise", "user")


def visit_list(*, user):
    return (Visit.objects.visible_to(user).select_related("enterprise", "enterprise__park", "visitor")
            .defer(*(f"enterprise__{name}" for name in HEAVY_PARK_FIELDS)))


def demand_list(*, user):
    return (Demand.objects.visible_to(user).select_related("enterprise", "enterprise__park", "raised_by", "assignee")
            .defer(*(f"enterprise__{name}" for name in HEAVY_PARK_FIELDS)))


def get_visible(queryset, pk):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def my_open_demands(*, user):
    """Open demands the user must act on: assigned to them, or raised by them, or (police) in their parks."""
    return demand_list(user=user).open().order_by("due_at", "id")


def demand_assignee_candidates(*, demand):
    """Who may be handed a demand: police of its park and its station's leaders, and staff of agencies serving it."""
    from django.contrib.auth import get_user_model

    from parkbeat.org.models import Role

    park = demand.enterprise.park
    return get_user_model().objects.filter(is_active=True).filter(
        Q(role_assignments__role__in=[Role.PARK_OFFICER, Role.AUXILIARY], role_assignments__park=park)
        | Q(role_assignments__role=Role.STATION_LEADER, role_assignments__unit_id=park.station_id)
        | Q(role_assignments__role=Role.AGENCY_STAFF, role_assignments__agency__parks=park)
    ).distinct().order_by("full_name", "username")
