"""One filterset for the inbox page and the API."""
import django_filters
from django.utils.translation import gettext_lazy as _

from parkbeat.core.filters import ListFilterSet
from parkbeat.notifications.models import Notification


class NotificationFilterSet(ListFilterSet):
    unread = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", label=_("Unread"))
    kind = django_filters.ChoiceFilter(choices=Notification.Kind.choices, label=_("Kind"))
    date_from = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte", label=_("Received from"))
    date_to = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte", label=_("Received until"))

    class Meta:
        model = Notification
        fields = ["unread", "kind", "date_from", "date_to"]
