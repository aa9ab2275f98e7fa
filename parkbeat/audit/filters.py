import django_filters
from django.utils.translation import gettext_lazy as _

from parkbeat.audit.models import AuditEvent


class AuditEventFilterSet(django_filters.FilterSet):
    user = django_filters.CharFilter(field_name="actor_username", lookup_expr="iexact", label=_("User"))
    verb = django_filters.ChoiceFilter(choices=AuditEvent.Verb.choices, label=_("Type"))
    object_type = django_filters.CharFilter(label=_("Object type"))
    object_id = django_filters.CharFilter(label=_("Object id"))
    date_from = django_filters.DateFilter(field_name="at", lookup_expr="date__gte", label=_("From"))
    date_to = django_filters.DateFilter(field_name="at", lookup_expr="date__lte", label=_("To"))

    class Meta:
        model = AuditEvent
        fields = ["user", "verb", "object_type", "object_id", "date_from", "date_to"]
