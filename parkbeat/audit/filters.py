"""The audit trail's filters: who (picked by name), what kind of object (a labelled choice), which action,
which days (date inputs). `user` (a username) and `object_id` stay for links and the API."""
import django_filters
from django import forms
from django.apps import apps
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from parkbeat.audit.models import AuditEvent
from parkbeat.audit.readable import object_type_choices
from parkbeat.core.filters import ListFilterSet
from parkbeat.core.widgets import PickerSelect


class ActorChoiceField(django_filters.fields.ModelChoiceField):
    def label_from_instance(self, obj):
        name = obj.full_name or obj.username
        return f"{name}（{obj.username}）" if obj.full_name else name


class ActorFilter(django_filters.ModelChoiceFilter):
    field_class = ActorChoiceField


def actors(request):
    """Every account, by name: the trail outlives roles, so a deactivated account is still offered."""
    User = apps.get_model(settings.AUTH_USER_MODEL)
    return User._base_manager.only("id", "username", "full_name").order_by("full_name", "username")


class AuditEventFilterSet(ListFilterSet):
    actor = ActorFilter(queryset=actors, label=_("User"), widget=PickerSelect(placeholder=_("Type a name")))
    user = django_filters.CharFilter(field_name="actor_username", lookup_expr="iexact", label=_("Username"),
                                     widget=forms.HiddenInput)
    verb = django_filters.ChoiceFilter(choices=AuditEvent.Verb.choices, label=_("Type"))
    object_type = django_filters.ChoiceFilter(choices=object_type_choices, label=_("Object type"))
    object_id = django_filters.CharFilter(label=_("Object id"), widget=forms.HiddenInput)
    date_from = django_filters.DateFilter(field_name="at", lookup_expr="date__gte", label=_("From"))
    date_to = django_filters.DateFilter(field_name="at", lookup_expr="date__lte", label=_("To"))

    class Meta:
        model = AuditEvent
        fields = ["actor", "verb", "object_type", "date_from", "date_to", "user", "object_id"]
