"""Filtersets for the lead and case lists, their export and the API."""
import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parkbeat.core.filters import ListFilterSet, visible_parks
from parkbeat.crime.models import Case, Lead
from parkbeat.crime.selectors import STATUS, case_view_of, with_view_level
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

    def for_user(self, user):
        """A user who sees every case at the status level (an enterprise's liaison) gets no park, enterprise or
        title search: the cases are all of the liaison's enterprise and their titles are not shown."""
        super().for_user(user)
        if case_view_of(user) == STATUS:
            for name in ("q", "park", "enterprise"):
                self.filters.pop(name, None)
        return self

    def search(self, queryset, name, value):
        """The title matches only in rows the user sees at the full or summary level (a status-level row hides its
        title, so a search must not reveal it); every row matches on its enterprise and its type."""
        value = value.strip()[:100]
        if not value:
            return queryset
        user = getattr(self.request, "user", None)
        if "crime_view" not in queryset.query.annotations:
            if user is None:
                return queryset.filter(Q(enterprise__name__icontains=value))
            queryset = with_view_level(user, queryset)
        kinds = [kind for kind, label in Case.Kind.choices if value.lower() in str(label).lower()]
        return queryset.filter((Q(title__icontains=value) & ~Q(crime_view=STATUS)) | Q(enterprise__name__icontains=value)
                               | Q(kind__in=kinds))
