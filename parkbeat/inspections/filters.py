"""One filterset per list, shared by the pages and the API."""
import django_filters
from django.utils.translation import gettext_lazy as _

from parkbeat.core.filters import ListFilterSet, visible_parks
from parkbeat.enterprises.filters import EnterpriseFilter
from parkbeat.inspections.models import Inspection


class InspectionFilterSet(ListFilterSet):
    park = django_filters.ModelChoiceFilter(queryset=visible_parks, label=_("Park"))
    enterprise = EnterpriseFilter()
    status = django_filters.ChoiceFilter(choices=Inspection.Status.choices, label=_("Status"))
    coverage = django_filters.ChoiceFilter(choices=Inspection.Coverage.choices, label=_("Coverage"))
    planned_from = django_filters.DateFilter(field_name="planned_on", lookup_expr="gte", label=_("Planned from"))
    planned_to = django_filters.DateFilter(field_name="planned_on", lookup_expr="lte", label=_("Planned to"))

    class Meta:
        model = Inspection
        fields = ["park", "enterprise", "status", "coverage", "planned_from", "planned_to"]
