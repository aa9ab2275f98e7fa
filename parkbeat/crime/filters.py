"""Filtersets for the lead and case lists, their export and the API."""
import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parkbeat.core.filters import ListFilterSet, visible_parks
from parkbeat.crime.models import Case, Lead
from parkbeat.enterprises.filters import EnterpriseFilter


class LeadFilterSet(ListFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"), widget=forms.TextInput(
        attrs={"placeholder": _("Description or area"), "type": "search"}))
    park = django_filters.ModelChoiceFilter(queryset=visible_parks, label=_("Park"))
    source = django_filters.ChoiceFilter(choices=Lead.Source.choices, label=_("Source"))
    status = django_filters.ChoiceFilter(choices=Lead.Status.choices, label=_("Status"))

    class Meta:
        model = Lead
        fields = ["q", "park", "source", "status"]

    def search(self, queryset, name, value):
        value = value.strip()[:100]
        if not value:
            return queryset
        return queryset.filter(Q(description__icontains=value) | Q(area__icontains=value))


class CaseFilterSet(ListFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"), widget=forms.TextInput(
        attrs={"placeholder": _("Title or enterprise"), "type": "search"}))
    park = django_filters.ModelChoiceFilter(queryset=visible_parks, label=_("Park"))
    enterprise = EnterpriseFilter()
    kind = django_filters.ChoiceFilter(choices=Case.Kind.choices, label=_("Type"))
    status = django_filters.ChoiceFilter(choices=Case.Status.choices, label=_("Status"))
    reported_from = django_filters.DateFilter(field_name="reported_at", lookup_expr="date__gte",
                                              label=_("Reported from"))
    reported_to = django_filters.DateFilter(field_name="reported_at", lookup_expr="date__lte", label=_("Reported to"))

    class Meta:
        model = Case
        fields = ["q", "park", "enterprise", "kind", "status", "reported_from", "reported_to"]

    def search(self, queryset, name, value):
        value = value.strip()[:100]
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(enterprise__name__icontains=value))
