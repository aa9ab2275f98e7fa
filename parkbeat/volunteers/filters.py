"""One filterset per list, shared by the pages and the API."""
import django_filters
from django.utils.translation import gettext_lazy as _

from parkbeat.core.filters import ListFilterSet, visible_parks
from parkbeat.enterprises.filters import EnterpriseFilter
from parkbeat.volunteers.models import Volunteer, VolunteerTeam


def visible_teams(request):
    user = getattr(request, "user", None)
    teams = VolunteerTeam.objects.visible_to(user) if user is not None else VolunteerTeam.objects.none()
    return teams.only("id", "name", "park_id").order_by("name")


class VolunteerFilterSet(ListFilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Search by name"))
    park = django_filters.ModelChoiceFilter(field_name="team__park", queryset=visible_parks, label=_("Park"))
    team = django_filters.ModelChoiceFilter(queryset=visible_teams, label=_("Team"))
    status = django_filters.ChoiceFilter(choices=Volunteer.Status.choices, label=_("Status"))

    class Meta:
        model = Volunteer
        fields = ["q", "park", "team", "status"]


class VolunteerTeamFilterSet(ListFilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Search by name"))
    park = django_filters.ModelChoiceFilter(queryset=visible_parks, label=_("Park"))
    enterprise = EnterpriseFilter()

    class Meta:
        model = VolunteerTeam
        fields = ["q", "park", "enterprise"]
