"""The incident filterset, shared by the list page and the API."""
import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkbeat.core.filters import ListFilterSet, visible_parks
from parkbeat.enterprises.filters import EnterpriseFilter
from parkbeat.incidents.models import Incident


class IncidentFilterSet(ListFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"), widget=forms.TextInput(
        attrs={"placeholder": _("Description, location or 110 number"), "type": "search"}))
    park = django_filters.ModelChoiceFilter(queryset=visible_parks, label=_("Park"))
    enterprise = EnterpriseFilter()  # by name; another station's id is a filter error
    kind = django_filters.ChoiceFilter(choices=Incident.Kind.choices, label=_("Type"))
    source = django_filters.ChoiceFilter(choices=Incident.Source.choices, label=_("Source"))
    status = django_filters.ChoiceFilter(choices=Incident.Status.choices, label=_("Status"))
    open = django_filters.BooleanFilter(method="filter_open", label=_("Not yet closed"))
    date_from = django_filters.DateFilter(field_name="reported_at", lookup_expr="date__gte", label=_("From"))
    date_to = django_filters.DateFilter(field_name="reported_at", lookup_expr="date__lte", label=_("To"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Acceptance overdue"))
    holder = django_filters.ChoiceFilter(choices=[("me", _("Held by me"))], method="filter_holder",
                                         label=_("Holder"))
    handling = django_filters.BooleanFilter(method="filter_handling", label=_("Being handled"))

    role_filters = {"holder": "incident.handle", "handling": "incident.handle"}  # only police hold incidents

    class Meta:
        model = Incident
        fields = ["q", "park", "enterprise", "kind", "source", "status", "open", "date_from", "date_to", "overdue",
                  "holder", "handling"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(description__icontains=value) | Q(location__icontains=value)
                               | Q(dispatch_number__iexact=value))

    def filter_open(self, queryset, name, value):
        """Not closed and not cancelled (the home page's 未办结警情)."""
        if value is None:
            return queryset
        return queryset.filter(status__in=Incident.OPEN_STATUSES if value else Incident.FINAL_STATUSES)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = Q(status=Incident.Status.REPORTED, accept_due_at__lt=timezone.now())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def filter_handling(self, queryset, name, value):
        """Accepted or on scene: in someone's hands (the workbench's 我处置中的警情 with holder=me)."""
        if value is None:
            return queryset
        handling = Q(status__in=(Incident.Status.ACCEPTED, Incident.Status.ON_SCENE))
        return queryset.filter(handling) if value else queryset.exclude(handling)

    def filter_holder(self, queryset, name, value):
        if value == "me":
            return queryset.filter(holder_id=self.request.user.pk)
        return queryset
