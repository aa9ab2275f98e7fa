"""One filterset per list, shared by the pages and the API."""
import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parkbeat.core.filters import ListFilterSet, visible_parks
from parkbeat.patrols.models import Checkpoint, Mode, PatrolPlan, PatrolRun, Route


def visible_plans(request):
    user = getattr(request, "user", None)
    return PatrolPlan.objects.visible_to(user).only("id", "name", "park_id") if user else PatrolPlan.objects.none()


class CheckpointFilterSet(ListFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    park = django_filters.ModelChoiceFilter(queryset=visible_parks, label=_("Park"))
    kind = django_filters.ChoiceFilter(choices=Checkpoint.Kind.choices, label=_("Kind"))
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Checkpoint
        fields = ["q", "park", "kind", "is_active"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(description__icontains=value)) if value else queryset


class RouteFilterSet(ListFilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Search"))
    park = django_filters.ModelChoiceFilter(queryset=visible_parks, label=_("Park"))
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Route
        fields = ["q", "park", "is_active"]


class PlanFilterSet(ListFilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Search"))
    park = django_filters.ModelChoiceFilter(queryset=visible_parks, label=_("Park"))
    mode = django_filters.ChoiceFilter(choices=Mode.choices, label=_("Mode"))
    is_night = django_filters.BooleanFilter(label=_("Night patrol"))
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = PatrolPlan
        fields = ["q", "park", "mode", "is_night", "is_active"]


class RunFilterSet(ListFilterSet):
    park = django_filters.ModelChoiceFilter(queryset=visible_parks, label=_("Park"))
    plan = django_filters.ModelChoiceFilter(queryset=visible_plans, label=_("Patrol plan"))
    status = django_filters.ChoiceFilter(choices=PatrolRun.Status.choices, label=_("Status"))
    mode = django_filters.ChoiceFilter(choices=Mode.choices, label=_("Mode"))
    date_from = django_filters.DateFilter(field_name="started_at", lookup_expr="date__gte", label=_("Started from"))
    date_to = django_filters.DateFilter(field_name="started_at", lookup_expr="date__lte", label=_("Started until"))

    class Meta:
        model = PatrolRun
        fields = ["park", "plan", "status", "mode", "date_from", "date_to"]
