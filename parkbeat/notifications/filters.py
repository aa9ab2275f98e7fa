"""One filterset for the inbox page and the API."""
import django_filters
from django.utils.translation import gettext_lazy as _

from parkbeat.notifications.models import Notification


class NotificationFilterSet(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", label=_("Unread"))
    kind = django_filters.ChoiceFilter(choices=Notification.Kind.choices, label=_("Kind"))

    class Meta:
        model = Notification
        fields = ["unread", "kind"]
