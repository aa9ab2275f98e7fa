"""Every read of the volunteers a user sees starts from `visible_to(user)`."""
from django.db.models import Count, Q
from django.http import Http404

from parkbeat.core.personal import mask_mobile
from parkbeat.volunteers.models import SupportRecord, Training, Volunteer, VolunteerTeam, VolunteerTransition

HEAVY_PARK_FIELDS = ("park__boundary", "park__description")
Status = Volunteer.Status


def volunteer_list(*, user):
    return (Volunteer.objects.visible_to(user).select_related("team", "team__park", "team__enterprise")
            .defer(*(f"team__{name}" for name in HEAVY_PARK_FIELDS)))


def volunteer_get(*, user, pk):
    """The volunteer if the user may see them, else 404 (never a hint that they exist)."""
    try:
        return volunteer_list(user=user).select_related("nominated_by").get(pk=pk)
    except (Volunteer.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def my_volunteer_records(*, user):
    """The volunteer rows linked to the user's own account (a volunteer in more than one team has several)."""
    return volunteer_list(user=user).filter(user_id=user.pk).order_by("team__name", "id")


def team_list(*, user):
    return (VolunteerTeam.objects.visible_to(user).select_related("park", "enterprise")
            .defer(*HEAVY_PARK_FIELDS)
            .annotate(active_count=Count("members", filter=Q(members__status=Status.ACTIVE)),
                      nominated_count=Count("members", filter=Q(members__status=Status.NOMINATED)))
            .order_by("park_id", "name", "id"))  # an aggregate drops Meta.ordering


def team_get(*, user, pk):
    try:
        return team_list(user=user).get(pk=pk)
    except (VolunteerTeam.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def team_members(*, user, team):
    """The members of a team the user sees in full (police of its park, its enterprise's liaison)."""
    return volunteer_list(user=user).filter(team=team).order_by("-is_captain", "status", "name")


def team_roster(*, team):
    """The team's current members as a volunteer of the team sees them: names and who is captain, no IDs."""
    return list(Volunteer.objects.filter(team=team, status__in=[Status.ACTIVE, Status.SUSPENDED])
                .order_by("-is_captain", "name").values("name", "is_captain", "status"))


def team_captain(*, team):
    return Volunteer.objects.filter(team=team, is_captain=True).only("id", "name", "mobile").first()


def transitions_of(*, user, volunteer):
    return VolunteerTransition.objects.visible_to(user).filter(volunteer=volunteer).select_related("actor")


def trainings_of(*, user, volunteer):
    return Training.objects.visible_to(user).filter(volunteer=volunteer).select_related("recorded_by")


def support_of(*, user, volunteer):
    return SupportRecord.objects.visible_to(user).filter(volunteer=volunteer).select_related("recorded_by")


def training_list(*, user):
    return Training.objects.visible_to(user).select_related("volunteer", "recorded_by")


def support_list(*, user):
    return SupportRecord.objects.visible_to(user).select_related("volunteer", "recorded_by")


def nominations_waiting(*, user):
    """Nominations the user sees that wait for vetting, oldest first."""
    return volunteer_list(user=user).filter(status=Status.NOMINATED).order_by("created_at", "id")


def support_expiring_soon(*, user, today, days):
    """Support records in the user's scope of current members expiring within `days` (expired ones too, until
    renewed: those within the last `days`), soonest first."""
    from datetime import timedelta

    return (support_list(user=user).select_related("volunteer__team")
            .filter(expires_on__gte=today - timedelta(days=days), expires_on__lte=today + timedelta(days=days))
            .exclude(volunteer__status__in=[Status.REJECTED, Status.LEFT]).order_by("expires_on", "id"))


def masked_mobile(volunteer):
    return mask_mobile(volunteer.mobile)


def get_visible(queryset, pk):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
