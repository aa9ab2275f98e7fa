"""GET /api/v1/patrol-coverage/: the coverage figures of a period (patrols.coverage), for the police of the parks."""
from datetime import timedelta

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from parkbeat.core.api_permissions import require_perm
from parkbeat.core.serializers import StrictSerializer
from parkbeat.patrols import coverage


class PatrolCoverageQuerySerializer(StrictSerializer):
    """[from, to) as ISO 8601 times (a time without a zone is Asia/Shanghai), at most 366 days; by default the
    last 7 days. `park`: one park of yours (404 otherwise)."""

    # "from" is a Python keyword: declared under another name, read from the query as "from"
    from_ = serializers.DateTimeField(required=False)
    to = serializers.DateTimeField(required=False)
    park = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from"] = self.fields.pop("from_")

    def validate(self, attrs):
        start, end = attrs.pop("from_", None), attrs.get("to")  # "from" keeps the source it was declared with
        for name, value in (("from", start), ("to", end)):
            if value is not None and not coverage.within_bounds(value):
                raise serializers.ValidationError({name: [_("Choose a date from 2000-01-01 to 2100-12-31.")]})
        if start is None and end is None:
            default = coverage.last_days(coverage.DEFAULT_DAYS)
            start, end = default.start, min(default.end, timezone.now())
        elif start is None:
            start = end - timedelta(days=coverage.DEFAULT_DAYS)
        elif end is None:
            end = start + timedelta(days=coverage.DEFAULT_DAYS)
        if end <= start:
            raise serializers.ValidationError({"to": [_("The period ends before it starts.")]})
        if end - start > coverage.MAX_PERIOD:
            raise serializers.ValidationError({"to": [_("Choose a period of at most %(days)s days.") % {
                "days": coverage.MAX_PERIOD.days}]})
        attrs["period"] = coverage.Period(start, end)
        return attrs


class CheckpointCoverageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    park = serializers.IntegerField()
    park_name = serializers.CharField()
    kind = serializers.CharField()
    lon = serializers.FloatField()
    lat = serializers.FloatField()
    visits = serializers.IntegerField()
    night_visits = serializers.IntegerField()
    night_share = serializers.FloatField(allow_null=True)
    last_visit = serializers.DateTimeField(allow_null=True)
    missed = serializers.IntegerField()
    longest_gap_seconds = serializers.IntegerField()
    level = serializers.ChoiceField(choices=[coverage.NONE, coverage.LOW, coverage.GOOD])


class ParkCoverageSerializer(serializers.Serializer):
    park = serializers.IntegerField(source="park_id")
    park_name = serializers.CharField(source="park__name")
    checkpoints = serializers.IntegerField()
    visited = serializers.IntegerField()
    coverage_share = serializers.FloatField(allow_null=True)
    visits = serializers.IntegerField()
    night_visits = serializers.IntegerField()
    night_share = serializers.FloatField(allow_null=True)
    missed = serializers.IntegerField()
    last_visit = serializers.DateTimeField(allow_null=True)


class TeamCoverageSerializer(serializers.Serializer):
    team = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    park_name = serializers.CharField(source="park__name")
    runs = serializers.IntegerField()
    visits = serializers.IntegerField()
    night_visits = serializers.IntegerField()
    night_share = serializers.FloatField(allow_null=True)
    checkpoints_reached = serializers.IntegerField()
    missed = serializers.IntegerField()
    last_visit = serializers.DateTimeField(allow_null=True)


class CoverageTotalsSerializer(serializers.Serializer):
    checkpoints = serializers.IntegerField()
    visited = serializers.IntegerField()
    coverage_share = serializers.FloatField(allow_null=True)
    visits = serializers.IntegerField()
    night_visits = serializers.IntegerField()
    night_share = serializers.FloatField(allow_null=True)
    missed = serializers.IntegerField()


class CoveragePeriodSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


class PatrolCoverageSerializer(serializers.Serializer):
    period = CoveragePeriodSerializer()
    totals = CoverageTotalsSerializer()
    parks = ParkCoverageSerializer(many=True)
    teams = TeamCoverageSerializer(many=True)
    checkpoints = CheckpointCoverageSerializer(many=True)


class PatrolCoverageView(APIView):
    """Coverage of the checkpoints of your parks in [from, to): counted visits at when they happened (flagged
    scans never count), night visits (20:00 to 06:00 Asia/Shanghai), missed checks, the longest stretch without
    a visit and the level (none, low, good); rolled up per park and per volunteer team the runs' plans call for.
    For the police of the parks (403 otherwise)."""

    permission_classes = [require_perm("patrol.places")]

    @extend_schema(operation_id="patrol_coverage", summary="巡防覆盖 / Patrol coverage", parameters=[
        OpenApiParameter("from", OpenApiTypes.DATETIME, description="Start, included (default: 7 days ago)"),
        OpenApiParameter("to", OpenApiTypes.DATETIME, description="End, excluded (at most 366 days after from)"),
        OpenApiParameter("park", OpenApiTypes.INT, description="One park of yours")],
        responses=PatrolCoverageSerializer)
    def get(self, request):
        query = PatrolCoverageQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        park = None
        if query.validated_data.get("park"):
            park = get_object_or_404(coverage.scope_parks(request.user).only("id"), pk=query.validated_data["park"])
        figures = coverage.coverage(user=request.user, period=query.validated_data["period"], park=park)
        figures["period"] = {"start": figures["period"].start, "end": figures["period"].end}
        return Response(PatrolCoverageSerializer(figures).data)
