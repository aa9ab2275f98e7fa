"""Visits planned by risk over the API: the enterprises due a visit and not visited (the same filters as the
page, most overdue first, paginated) and the visit coverage of a period."""
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from parkbeat.core.api_permissions import require_perm
from parkbeat.enterprises import visit_plan
from parkbeat.enterprises.models import Enterprise
from parkbeat.enterprises.visit_plan_views import VisitPlanFilterSet, parse_period


class VisitDueSerializer(serializers.ModelSerializer):
    park_name = serializers.CharField(source="park.name", read_only=True)
    last_visit_at = serializers.DateTimeField(read_only=True, allow_null=True,
                                              help_text="The last recorded visit (null: never visited).")
    due_on = serializers.SerializerMethodField(help_text="The day it fell due (Asia/Shanghai).")
    days_overdue = serializers.SerializerMethodField(help_text="Days since it fell due (0: due today).")

    class Meta:
        model = Enterprise
        fields = ["id", "name", "park", "park_name", "is_key", "last_visit_at", "due_on", "days_overdue"]
        read_only_fields = fields

    def _today(self):
        if "today" not in self.context:
            self.context["today"] = visit_plan.local_today()
        return self.context["today"]

    def get_due_on(self, obj) -> OpenApiTypes.DATE:
        return visit_plan.due_date(obj)

    def get_days_overdue(self, obj) -> int:
        return visit_plan.overdue_days(obj, self._today())


class VisitShareSerializer(serializers.Serializer):
    visited = serializers.IntegerField()
    total = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True, help_text="visited / total (null when there is none).")


class VisitCoverageSerializer(serializers.Serializer):
    period_from = serializers.DateField()
    period_to = serializers.DateField()
    key = VisitShareSerializer()
    other = VisitShareSerializer()
    all = VisitShareSerializer()


class VisitPlanViewSet(viewsets.ReadOnlyModelViewSet):
    """应访未访: your enterprises due a visit and not visited (key every PARKBEAT_VISIT_DAYS_KEY days, the others
    every PARKBEAT_VISIT_DAYS_OTHER, from the last visit or the registration), most overdue first."""

    permission_classes = [require_perm("visit.add")]
    serializer_class = VisitDueSerializer
    filterset_class = VisitPlanFilterSet
    http_method_names = ["get", "head", "options"]

    def get_queryset(self):
        return visit_plan.due_list(user=self.request.user)

    @extend_schema(parameters=[OpenApiParameter("from", OpenApiTypes.DATE, description="Default: this quarter's "
                                                "first day."),
                               OpenApiParameter("to", OpenApiTypes.DATE, description="Default: today.")],
                   responses=VisitCoverageSerializer)
    @action(detail=False, methods=["get"])
    def coverage(self, request):
        """Of the active enterprises you see, how many had at least one visit in the period, key and other."""
        try:
            start, end = parse_period(request.query_params)
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from None
        found = visit_plan.coverage(user=request.user, start=start, end=end)
        body = {"period_from": start, "period_to": end}
        for key in ("key", "other", "all"):
            visited, total = found[key]
            body[key] = {"visited": visited, "total": total, "share": found["shares"][key]}
        return Response(VisitCoverageSerializer(body).data)
