"""Filtersets of the organisation pages."""
import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parkbeat.core.filters import ListFilterSet, visible_parks
from parkbeat.core.forms import FilterForm
from parkbeat.org.models import DutyShift, Park, Role, RoleAssignment, User
from parkbeat.org.selectors import week_bounds


class ParkFilterSet(ListFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    kind = django_filters.ChoiceFilter(choices=Park.Kind.choices, label=_("Kind of area"))

    class Meta:
        model = Park
        fields = ["q", "kind"]
        form = FilterForm

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(code__iexact=value)) if value else queryset


class DutyShiftFilterSet(django_filters.FilterSet):
    park = django_filters.ModelChoiceFilter(queryset=visible_parks, label=_("Park"))
    week = django_filters.DateFilter(method="filter_week", label=_("Week of"))

    class Meta:
        model = DutyShift
        fields = ["park", "week"]
        form = FilterForm

    def filter_week(self, queryset, name, value):
        """Shifts that overlap the Monday-to-Sunday week holding `value` (a night shift into Monday counts)."""
        start, end = week_bounds(value)
        return queryset.filter(starts_at__lt=end, ends_at__gt=start)


class UserFilterSet(ListFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    is_active = django_filters.BooleanFilter(label=_("Active"))
    joined_from = django_filters.DateFilter(field_name="date_joined", lookup_expr="date__gte", label=_("Joined from"))
    joined_to = django_filters.DateFilter(field_name="date_joined", lookup_expr="date__lte", label=_("Joined until"))

    class Meta:
        model = User
        fields = ["q", "is_active", "joined_from", "joined_to"]  # no roles here: they are the security admin's
        form = FilterForm

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(username__icontains=value) | Q(full_name__icontains=value)) if value else queryset


class RoleAssignmentFilterSet(ListFilterSet):
    q = django_filters.CharFilter(method="search", label=_("User"))
    role = django_filters.ChoiceFilter(choices=Role.choices, label=_("Role"))
    since_from = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte", label=_("Assigned from"))
    since_to = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte", label=_("Assigned until"))

    class Meta:
        model = RoleAssignment
        fields = ["q", "role", "since_from", "since_to"]
        form = FilterForm

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(user__username__icontains=value) | Q(user__full_name__icontains=value))
