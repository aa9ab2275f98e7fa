"""Inspections over the API: scoped reads; every write through inspections.services."""
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from parkbeat.core.api import ScopedViewSetMixin
from parkbeat.core.api_permissions import require_perm
from parkbeat.core.permissions import can
from parkbeat.inspections import selectors, services
from parkbeat.inspections.api.serializers import (CampaignChangeSerializer, CampaignCreateSerializer,
                                                  CampaignDetailSerializer, CampaignSerializer,
                                                  KeyDateChangeSerializer, KeyDateCreateSerializer,
                                                  KeyDateDetailSerializer, KeyDateSerializer, KeyDateRemoveSerializer,
                                                  ChecklistCreateSerializer, ChecklistTemplateSerializer,
                                                  ChecklistVersionChangeSerializer, ChecklistVersionInputSerializer,
                                                  ChecklistVersionSerializer,
                                                  ComplianceQuerySerializer, ComplianceRowSerializer,
                                                  InspectionFiguresQuerySerializer, InspectionFiguresSerializer,
                                                  InspectionCancelSerializer, InspectionChangeSerializer,
                                                  InspectionDetailSerializer, InspectionPlanSerializer,
                                                  InspectionRecordSerializer, InspectionSerializer)
from parkbeat.inspections.figures import inspection_figures
from parkbeat.inspections.filters import InspectionFilterSet
from parkbeat.inspections.models import Campaign, ChecklistTemplate, ChecklistVersion, Inspection, KeyDate
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

    @extend_schema(request=ChecklistVersionChangeSerializer, responses=ChecklistVersionSerializer)
    def partial_update(self, request, pk=None):
        """Refused (400) once an inspection used the version: make a new one with `revise`; 409 when the
        checklist's `version` is not the one you loaded."""
        if not can(request.user, "checklist.manage"):
            raise PermissionDenied()
        version = self.get_object()
        data = _body(ChecklistVersionChangeSerializer, request)
        services.checklist_version_update(actor=request.user, version=version, areas=data["areas"],
                                          note=data["note"], expected_version=data["version"])
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

    @extend_schema(parameters=[InspectionFiguresQuerySerializer], responses=InspectionFiguresSerializer)
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def figures(self, request):
        """Inspections done (full, partial, joint), planned and cancelled in `?start=`…`?end=` (Asia/Shanghai
        days, default this year so far), and the quarterly rule's compliance rate per quarter and overall."""
        if not can(request.user, "inspection.compliance"):
            raise PermissionDenied()
        query = InspectionFiguresQuerySerializer(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        today = selectors.shanghai_day(timezone.now())
        start = query.validated_data.get("start") or today.replace(month=1, day=1)
        end = query.validated_data.get("end") or max(today, start)
        if end < start or (end - start).days > 3 * 366:
            raise ValidationError({"end": [_("Choose an end on or after the start, at most three years on.")]})
        figures = inspection_figures(user=request.user, start=start, end=end, park=query.validated_data.get("park"))
        return Response(InspectionFiguresSerializer({**vars(figures), "key": figures.key, "key_done": figures.key_done,
                                           "rate": figures.rate, "quarters": [
                                               {"quarter": str(q.quarter), "key": q.key, "done": q.done,
                                                "rate": q.rate} for q in figures.quarters]}).data)

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


class _ProgressMixin:
    """A station's plan (key dates, campaigns): read by its police, kept by its leader and officers."""

    permission_classes = [require_perm("inspection.compliance")]

    def get_queryset(self):
        return self.queryset.visible_to(self.request.user)

    def _progress_response(self, request, obj, status=200):
        serializer = self.detail_serializer(obj, context={"request": request, "progress": self.progress(obj)})
        return Response(serializer.data, status=status)

    def retrieve(self, request, pk=None):
        return self._progress_response(request, self.get_object())

    def _may_schedule(self, request):
        if not can(request.user, "inspection.plan"):
            raise PermissionDenied()


class KeyDateViewSet(_ProgressMixin, viewsets.ReadOnlyModelViewSet):
    """Key dates (重要节点): every key enterprise of the scope needs a full-coverage inspection within the window
    before the date; the detail carries each one's state (done, due, due soon, late, upcoming)."""

    queryset = KeyDate.objects.select_related("station", "park").order_by("day", "id")
    serializer_class = KeyDateSerializer
    detail_serializer = KeyDateDetailSerializer

    def progress(self, key_date):
        return selectors.keydate_progress(key_date=key_date, user=self.request.user)

    @extend_schema(responses=KeyDateDetailSerializer)
    def retrieve(self, request, pk=None):
        return super().retrieve(request, pk)

    @extend_schema(request=KeyDateCreateSerializer, responses={201: KeyDateDetailSerializer})
    def create(self, request):
        """A key date of one park (leader or its officer) or of every park of the station (its leader)."""
        self._may_schedule(request)
        key_date = services.keydate_create(actor=request.user, **_body(KeyDateCreateSerializer, request))
        return self._progress_response(request, key_date, status=201)

    @extend_schema(request=KeyDateChangeSerializer, responses=KeyDateDetailSerializer)
    def partial_update(self, request, pk=None):
        self._may_schedule(request)
        key_date = self.get_object()
        data = _body(KeyDateChangeSerializer, request)
        version = data.pop("version")
        services.keydate_update(actor=request.user, key_date=key_date, data=data, expected_version=version)
        return self._progress_response(request, self.get_object())

    @extend_schema(request=KeyDateRemoveSerializer, responses={204: None})
    @action(detail=True, methods=["post"])
    def remove(self, request, pk=None):
        """Remove a key date entered by mistake (one that has passed is kept: 400)."""
        self._may_schedule(request)
        key_date = self.get_object()
        services.keydate_delete(actor=request.user, key_date=key_date,
                                expected_version=_body(KeyDateRemoveSerializer, request)["version"])
        return Response(status=204)


class CampaignViewSet(_ProgressMixin, viewsets.ReadOnlyModelViewSet):
    """Special campaigns (专项治理): a theme, a period, a set of enterprises; the detail carries each one's state
    (done within the period, due, late after the end, upcoming)."""

    queryset = Campaign.objects.select_related("station").prefetch_related("enterprises").order_by("-starts_on", "-id")
    serializer_class = CampaignSerializer
    detail_serializer = CampaignDetailSerializer

    def progress(self, campaign):
        return selectors.campaign_progress(campaign=campaign, user=self.request.user)

    @extend_schema(responses=CampaignDetailSerializer)
    def retrieve(self, request, pk=None):
        return super().retrieve(request, pk)

    @extend_schema(request=CampaignCreateSerializer, responses={201: CampaignDetailSerializer})
    def create(self, request):
        self._may_schedule(request)
        campaign = services.campaign_create(actor=request.user, **_body(CampaignCreateSerializer, request))
        return self._progress_response(request, campaign, status=201)

    @extend_schema(request=CampaignChangeSerializer, responses=CampaignDetailSerializer)
    def partial_update(self, request, pk=None):
        self._may_schedule(request)
        campaign = self.get_object()
        data = _body(CampaignChangeSerializer, request)
        version, enterprises = data.pop("version"), data.pop("enterprises", None)
        services.campaign_update(actor=request.user, campaign=campaign, data=data, enterprises=enterprises,
                                 expected_version=version)
        return self._progress_response(request, self.get_object())
