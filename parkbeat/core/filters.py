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
