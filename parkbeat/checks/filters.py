"""One filterset for the background check lists, the pages and the API."""
import django_filters
from django.utils.translation import gettext_lazy as _

from parkbeat.audit.models import AuditEvent
from parkbeat.checks.models import BackgroundCheck, PostKind
from parkbeat.core.filters import ListFilterSet, visible_parks
from parkbeat.enterprises.filters import EnterpriseFilter


class BackgroundCheckFilterSet(ListFilterSet):
    park = django_filters.ModelChoiceFilter(queryset=visible_parks, label=_("Park"))
    enterprise = EnterpriseFilter()
    status = django_filters.ChoiceFilter(choices=BackgroundCheck.Status.choices, label=_("Status"))
    post_kind = django_filters.ChoiceFilter(choices=PostKind.choices, label=_("Type of post"))
    outcome = django_filters.ChoiceFilter(choices=BackgroundCheck.Outcome.choices, label=_("Outcome"))
    requested_from = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte",
                                               label=_("Requested from"))
    requested_to = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte",
                                             label=_("Requested to"))
    role_filters = {"park": "check.handle"}

    class Meta:
        model = BackgroundCheck
        fields = ["park", "enterprise", "status", "post_kind", "outcome", "requested_from", "requested_to"]


class CheckReadFilterSet(ListFilterSet):
    """The auditor's read log: by check number, by user, by day."""

    check = django_filters.NumberFilter(field_name="object_id", method="filter_check", label=_("Check number"))
    user = django_filters.CharFilter(field_name="actor_username", lookup_expr="iexact", label=_("Username"))
    day_from = django_filters.DateFilter(field_name="at", lookup_expr="date__gte", label=_("From"))
    day_to = django_filters.DateFilter(field_name="at", lookup_expr="date__lte", label=_("To"))

    class Meta:
        model = AuditEvent
        fields = ["check", "user", "day_from", "day_to"]

    def filter_check(self, queryset, name, value):
        return queryset.filter(object_id=str(int(value)))
