"""Inspections over the API: scoped reads; every write through inspections.services."""
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from parkbeat.core.api import ScopedViewSetMixin
from parkbeat.core.api_permissions import require_perm
from parkbeat.core.permissions import can
from parkbeat.inspections import selectors, services
from parkbeat.inspections.api.serializers import (ChecklistCreateSerializer, ChecklistTemplateSerializer,
                                                  ChecklistVersionInputSerializer, ChecklistVersionSerializer,
                                                  ComplianceQuerySerializer, ComplianceRowSerializer,
                                                  InspectionCancelSerializer, InspectionChangeSerializer,
                                                  InspectionDetailSerializer, InspectionPlanSerializer,
                                                  InspectionRecordSerializer, InspectionSerializer)
from parkbeat.inspections.filters import InspectionFilterSet
from parkbeat.inspections.models import ChecklistTemplate, ChecklistVersion, Inspection
from parkbeat.inspections.quarters import Quarter

VIEW = require_perm("inspection.view")


def _body(serializer_class, request):
    body = serializer_class(data=request.data, context={"request": request})
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)


class ChecklistViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Checklists (the station's reference, the same for every police user); their content is in versions."""

    permission_classes = [VIEW]
    queryset = ChecklistTemplate.objects.order_by("name", "id")
    serializer_class = ChecklistTemplateSerializer

    @extend_schema(request=ChecklistCreateSerializer, responses={201: ChecklistTemplateSerializer})
    def create(self, request):
        """A new checklist with its first version (leader and officer)."""
        if not can(request.user, "checklist.manage"):
            raise PermissionDenied()
        template = services.checklist_create(actor=request.user, **_body(ChecklistCreateSerializer, request))
        return Response(ChecklistTemplateSerializer(template).data, status=201)

    @extend_schema(request=ChecklistVersionInputSerializer, responses={201: ChecklistVersionSerializer})
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        """A new version of the checklist's content (the used ones stay as they were)."""
        if not can(request.user, "checklist.manage"):
            raise PermissionDenied()
        version = services.checklist_version_create(actor=request.user, template=self.get_object(),
                                                    **_body(ChecklistVersionInputSerializer, request))
        return Response(ChecklistVersionSerializer(version).data, status=201)


class ChecklistVersionViewSet(viewsets.ReadOnlyModelViewSet):
    """A checklist version with its areas and items; PATCH replaces the content of a version no inspection used."""

    permission_classes = [VIEW]
    queryset = ChecklistVersion.objects.select_related("template").prefetch_related("areas__items")
    serializer_class = ChecklistVersionSerializer
    filterset_fields = ["template"]

    @extend_schema(request=ChecklistVersionInputSerializer, responses=ChecklistVersionSerializer)
    def partial_update(self, request, pk=None):
        """Refused (400) once an inspection used the version: make a new one with `revise`."""
        if not can(request.user, "checklist.manage"):
            raise PermissionDenied()
        version = self.get_object()
        data = _body(ChecklistVersionInputSerializer, request)
        services.checklist_version_update(actor=request.user, version=version, areas=data["areas"],
                                          note=data["note"])
        return Response(ChecklistVersionSerializer(self.get_object()).data)


class InspectionViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Inspections: the police of the park; agency staff only those they are named on."""

    permission_classes = [VIEW]
    queryset = Inspection.objects.select_related("enterprise", "led_by").prefetch_related("agencies", "agency_staff")
    serializer_class = InspectionSerializer
    filterset_class = InspectionFilterSet

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action == "retrieve":
            qs = qs.prefetch_related("results__item__area")
        return qs

    def get_serializer_class(self):
        return InspectionSerializer if self.action == "list" else InspectionDetailSerializer

    def _detail(self, request):
        return Response(InspectionDetailSerializer(self.get_object(), context={"request": request}).data)

    @extend_schema(request=InspectionPlanSerializer, responses={201: InspectionDetailSerializer})
    def create(self, request):
        """Plan an inspection (leader and officer of the enterprise's park)."""
        if not can(request.user, "inspection.plan"):
            raise PermissionDenied()
        inspection = services.inspection_plan(actor=request.user, **_body(InspectionPlanSerializer, request))
        self.kwargs["pk"] = inspection.pk
        return Response(InspectionDetailSerializer(self.get_object(), context={"request": request}).data,
                        status=201)

    @extend_schema(request=InspectionChangeSerializer, responses=InspectionDetailSerializer)
    def partial_update(self, request, pk=None):
        """Change a planned inspection (day, leader, note, agencies and their staff)."""
        inspection = self.get_object()
        if not can(request.user, "inspection.plan", inspection):
            raise PermissionDenied()
        data = _body(InspectionChangeSerializer, request)
        version = data.pop("version")
        agencies, staff = data.pop("agencies", None), data.pop("agency_staff", None)
        services.inspection_update(actor=request.user, inspection=inspection, data=data, agencies=agencies,
                                   agency_staff=staff, expected_version=version)
        return self._detail(request)

    @extend_schema(request=InspectionRecordSerializer, responses=InspectionDetailSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        """Record the walk: when it happened and each item's result (photos: on the page, or later)."""
        inspection = self.get_object()
        if not can(request.user, "inspection.conduct", inspection):
            raise PermissionDenied()
        data = _body(InspectionRecordSerializer, request)
        services.inspection_record(actor=request.user, inspection=inspection, expected_version=data.pop("version"),
                                   **data)
        return self._detail(request)

    @extend_schema(request=InspectionCancelSerializer, responses=InspectionDetailSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        inspection = self.get_object()
        if not can(request.user, "inspection.plan", inspection):
            raise PermissionDenied()
        data = _body(InspectionCancelSerializer, request)
        services.inspection_cancel(actor=request.user, inspection=inspection, reason=data["reason"],
                                   expected_version=data["version"])
        return self._detail(request)

    @extend_schema(parameters=[ComplianceQuerySerializer], responses=ComplianceRowSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def compliance(self, request):
        """The quarterly rule per key enterprise for `?year=` (default: this year), optionally one `?park=`:
        done, due, due soon, late, upcoming or not key then, per Asia/Shanghai quarter."""
        if not can(request.user, "inspection.compliance"):
            raise PermissionDenied()
        query = ComplianceQuerySerializer(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        rows = selectors.compliance_board(user=request.user, year=query.validated_data.get("year") or
                                          Quarter.of(timezone.now()).year, park=query.validated_data.get("park"))
        return Response([{"enterprise": row.enterprise.pk, "enterprise_name": row.enterprise.name,
                          "park": row.enterprise.park_id,
                          "quarters": [{"quarter": str(q), "state": state} for q, state in row.cells]}
                         for row in rows])
