"""One filterset per list, shared by the pages and the API."""
import django_filters
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
