"""Filter pieces every app's filterset uses."""
import django_filters
from django.apps import apps


class IdFilter(django_filters.NumberFilter):
    """A row id: whole numbers within the database's range, so a huge value is a form error, not a 500."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1, max_value=2**63 - 1, step_size=1, **kwargs)


def visible_parks(request):
    """The parks a filter may offer: those the requesting user sees."""
    Park = apps.get_model("org", "Park")  # by label: org's models build on core's
    user = getattr(request, "user", None)
    parks = Park.objects.visible_to(user) if user is not None else Park.objects.none()
    return parks.only("id", "name", "station_id")


class ListFilterSet(django_filters.FilterSet):
    """The filterset of a list page (and its API): rendered by includes/filter_form.html with core's
    FilterForm ("All" as the empty choice, date inputs, All/Yes/No for a boolean).

    `role_filters = {"holder": "incident.handle"}`: a filter shown (and applied) only for users holding
    the permission; `ScopedListView` calls `for_user(user)` before the form is built.
    """

    role_filters = {}

    def get_form_class(self):
        from django import forms

        from parkbeat.core.forms import FilterForm

        base = FilterForm if self._meta.form is forms.Form else self._meta.form
        fields = {name: filter_.field for name, filter_ in self.filters.items()}
        return type(f"{type(self).__name__}Form", (base,), fields)

    def for_user(self, user):
        """Drop the filters that mean nothing to `user` (a liaison holds no incident)."""
        from parkbeat.core.permissions import can

        for name, perm in self.role_filters.items():
            if not can(user, perm):
                self.filters.pop(name, None)
        return self

