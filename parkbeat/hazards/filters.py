"""One filterset for the hazard list page, its export and the API."""
import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parkbeat.core.filters import ListFilterSet, visible_parks
from parkbeat.enterprises.filters import EnterpriseFilter
from parkbeat.hazards.models import Hazard
from parkbeat.hazards.services import today_in_shanghai


class HazardFilterSet(ListFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"), widget=forms.TextInput(
        attrs={"placeholder": _("Description, location or enterprise"), "type": "search"}))
    park = django_filters.ModelChoiceFilter(queryset=visible_parks, label=_("Park"))
    enterprise = EnterpriseFilter()
    severity = django_filters.ChoiceFilter(choices=Hazard.Severity.choices, label=_("Severity"))
    disposition = django_filters.ChoiceFilter(choices=Hazard.Disposition.choices, label=_("Disposition"))
    state = django_filters.ChoiceFilter(choices=Hazard.State.choices, label=_("State"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))
    found_from = django_filters.DateFilter(field_name="found_at", lookup_expr="date__gte", label=_("Found from"))
    found_to = django_filters.DateFilter(field_name="found_at", lookup_expr="date__lte", label=_("Found to"))

    class Meta:
        model = Hazard
        fields = ["q", "park", "enterprise", "severity", "disposition", "state", "overdue", "found_from", "found_to"]

    def search(self, queryset, name, value):
        value = value.strip()[:100]
        if not value:
            return queryset
        return queryset.filter(Q(description__icontains=value) | Q(location__icontains=value)
                               | Q(enterprise__name__icontains=value))

    def filter_overdue(self, queryset, name, value):
        overdue = Q(state=Hazard.State.RECTIFYING, deadline__lt=today_in_shanghai())
        if value is None:
            return queryset
        return queryset.filter(overdue) if value else queryset.exclude(overdue)
