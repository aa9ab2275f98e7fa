"""One filterset per list, shared by the pages and the API."""
import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkbeat.core.filters import ListFilterSet, visible_parks
from parkbeat.guarding.models import GuardedAsset, GuardShift, Segment


class AssetFilterSet(ListFilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Search"))
    park = django_filters.ModelChoiceFilter(queryset=visible_parks, label=_("Park"))
    kind = django_filters.ChoiceFilter(choices=GuardedAsset.Kind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=GuardedAsset.Status.choices, label=_("Status"))

    class Meta:
        model = GuardedAsset
        fields = ["q", "park", "kind", "status"]


class SegmentFilterSet(ListFilterSet):
    asset = django_filters.NumberFilter(field_name="asset_id", label=_("Guarded asset"))
    team = django_filters.NumberFilter(field_name="team_id", label=_("Volunteer team"))

    class Meta:
        model = Segment
        fields = ["asset", "team"]


class ShiftFilterSet(ListFilterSet):
    asset = django_filters.NumberFilter(field_name="segment__asset_id", label=_("Guarded asset"))
    segment = django_filters.NumberFilter(field_name="segment_id", label=_("Segment"))
    ends_after = django_filters.IsoDateTimeFilter(field_name="ends_at", lookup_expr="gt", label=_("Ends after"))
    starts_before = django_filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="lt", label=_("Starts before"))

    class Meta:
        model = GuardShift
        fields = ["asset", "segment", "ends_after", "starts_before"]


def visible_assets(request):
    """The guarded assets a filter may offer: those the requesting user sees."""
    user = getattr(request, "user", None)
    return (GuardedAsset.objects.visible_to(user) if user is not None else GuardedAsset.objects.none()).only(
        "id", "name")


class ShiftListFilterSet(ListFilterSet):
    """The shifts page: by line, by state now, by the day it starts."""

    asset = django_filters.ModelChoiceFilter(field_name="segment__asset", queryset=visible_assets,
                                             label=_("Guarded asset"))
    state = django_filters.ChoiceFilter(choices=list(GuardShift.STATES.items()), method="filter_state",
                                        label=_("Status"))
    date_from = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__gte", label=_("From"))
    date_to = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__lte", label=_("To"))

    class Meta:
        model = GuardShift
        fields = ["asset", "state", "date_from", "date_to"]

    def filter_state(self, queryset, name, value):
        now = timezone.now()
        if value == "ended":
            return queryset.filter(ends_at__lte=now)
        if value == "under_way":
            return queryset.filter(starts_at__lte=now, ends_at__gt=now)
        return queryset.filter(starts_at__gt=now)
