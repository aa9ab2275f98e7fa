"""Thin viewsets: scoping comes from ScopedViewSetMixin, every write goes through enterprises.services."""
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from django.utils.translation import gettext as _

from parkbeat.core import lean
from parkbeat.core.api import ScopedViewSetMixin
from parkbeat.core.api_permissions import CASE_LIST
from parkbeat.core.permissions import require
from parkbeat.core.idempotency import IdempotentCreateMixin  # part D: resent creates store once
from parkbeat.core.services import IllegalTransition
from parkbeat.enterprises import services
from parkbeat.enterprises.api.serializers import (DemandActionSerializer, DemandAssignSerializer,
                                                  DemandDetailSerializer, DemandSerializer, DesignateSerializer,
                                                  EnterpriseSerializer, KeyDesignationSerializer, LiaisonSerializer,
                                                  UndesignateSerializer, VisitSerializer)
from parkbeat.enterprises import selectors
from parkbeat.enterprises.selectors import HEAVY_PARK_FIELDS
from parkbeat.enterprises.filters import DemandFilterSet, EnterpriseFilterSet, VisitFilterSet
from parkbeat.enterprises.models import Demand, Enterprise, Liaison, Visit


def _fields(serializer):
    data = dict(serializer.validated_data)
    version = data.pop("version", None)
    return data, version


class UpdateViaServiceMixin:
    """PUT/PATCH call `update_service(actor=, <name>=obj, data=, expected_version=)`."""

    update_service = None
    instance_kwarg = None

    def perform_update(self, serializer):
        data, version = _fields(serializer)
        serializer.instance = type(self).update_service(
            actor=self.request.user, **{self.instance_kwarg: serializer.instance}, data=data,
            expected_version=version)


class EnterpriseViewSet(lean.LeanListMixin, ScopedViewSetMixin, UpdateViaServiceMixin, mixins.CreateModelMixin,
                        mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Enterprises in the user's scope. Closed ones are kept (status), never deleted."""

    permission_classes = [CASE_LIST]  # administrators: 403 on the list, not an empty page
    queryset = Enterprise.objects.select_related("park").defer(*HEAVY_PARK_FIELDS)
    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilterSet
    update_service = staticmethod(services.enterprise_update)
    instance_kwarg = "enterprise"

    def perform_create(self, serializer):
        data, _version = _fields(serializer)
        serializer.instance = services.enterprise_create(actor=self.request.user, **data)

    def _designation(self, request, service, body_class):
        enterprise = self.get_object()
        require(request.user, "enterprise.designate", enterprise)  # the right first: no hint at the state
        body = body_class(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        version = data.pop("version")
        service(actor=request.user, enterprise=enterprise, expected_version=version, **data)
        return Response(EnterpriseSerializer(self.get_object(), context=self.get_serializer_context()).data)

    @extend_schema(request=DesignateSerializer, responses=EnterpriseSerializer)
    @action(detail=True, methods=["post"])
    def designate(self, request, pk=None):
        """Make the enterprise a key enterprise, or change its designation (the current one ends)."""
        return self._designation(request, services.enterprise_designate, DesignateSerializer)

    @extend_schema(request=UndesignateSerializer, responses=EnterpriseSerializer)
    @action(detail=True, methods=["post"])
    def undesignate(self, request, pk=None):
        """End the current key designation, saying why."""
        return self._designation(request, services.enterprise_undesignate, UndesignateSerializer)

    @extend_schema(responses=KeyDesignationSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def designations(self, request, pk=None):
        """The enterprise's key designations, newest first: who designated it, when, why, and how each ended."""
        enterprise = self.get_object()
        rows = (selectors.designation_list(user=request.user).filter(enterprise=enterprise)
                .select_related("created_by", "ended_by"))
        return Response(KeyDesignationSerializer(rows, many=True).data)


class LiaisonViewSet(lean.LeanListMixin, ScopedViewSetMixin, UpdateViaServiceMixin, mixins.CreateModelMixin,
                     mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    permission_classes = [CASE_LIST]  # administrators: 403 on the list, not an empty page
    queryset = Liaison.objects.select_related("enterprise")
    serializer_class = LiaisonSerializer
    filterset_fields = ["enterprise", "kind"]
    update_service = staticmethod(services.liaison_update)
    instance_kwarg = "liaison"

    def perform_create(self, serializer):
        data, _version = _fields(serializer)
        serializer.instance = services.liaison_create(actor=self.request.user, **data)

    def perform_update(self, serializer):
        serializer.validated_data.pop("enterprise", None)
        super().perform_update(serializer)


class VisitViewSet(lean.LeanListMixin, ScopedViewSetMixin, UpdateViaServiceMixin, IdempotentCreateMixin, mixins.CreateModelMixin,
                   mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    permission_classes = [CASE_LIST]  # administrators: 403 on the list, not an empty page
    queryset = Visit.objects.select_related("enterprise", "visitor")
    serializer_class = VisitSerializer
    filterset_class = VisitFilterSet
    update_service = staticmethod(services.visit_update)
    instance_kwarg = "visit"

    def perform_create(self, serializer):
        data, _version = _fields(serializer)
        serializer.instance = services.visit_create(actor=self.request.user, **data)


lean.declare_property(Demand, "is_overdue", ("status", "due_at"))  # the list reads columns


class DemandViewSet(lean.LeanListMixin, ScopedViewSetMixin, UpdateViaServiceMixin, IdempotentCreateMixin, mixins.CreateModelMixin,
                    mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Demands until answered: transitions are actions; a stale `version` gets 409."""

    permission_classes = [CASE_LIST]  # administrators: 403 on the list, not an empty page
    queryset = Demand.objects.select_related("enterprise", "raised_by", "assignee")
    serializer_class = DemandSerializer
    filterset_class = DemandFilterSet
    update_service = staticmethod(services.demand_update)
    instance_kwarg = "demand"

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action == "retrieve":
            qs = qs.prefetch_related("transitions__actor")
        return qs

    def get_serializer_class(self):
        return DemandDetailSerializer if self.action == "retrieve" else DemandSerializer

    def perform_create(self, serializer):
        data, _version = _fields(serializer)
        serializer.instance = services.demand_create(actor=self.request.user, **data)

    def _transition(self, request, to):
        demand = self.get_object()
        body = DemandActionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.demand_transition(actor=request.user, demand=demand, to=to, note=body.validated_data["note"],
                                   answer=body.validated_data["answer"],
                                   expected_version=body.validated_data["version"])
        return Response(DemandDetailSerializer(self.get_object(), context={"request": request}).data)

    @extend_schema(request=DemandActionSerializer, responses=DemandDetailSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        """Mark the demand as being worked on."""
        return self._transition(request, Demand.Status.IN_PROGRESS)

    @extend_schema(request=DemandActionSerializer, responses=DemandDetailSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        """Record the answer given to the enterprise (field `answer` required)."""
        return self._transition(request, Demand.Status.ANSWERED)

    @extend_schema(request=DemandActionSerializer, responses=DemandDetailSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._transition(request, Demand.Status.CLOSED)

    @extend_schema(request=DemandActionSerializer, responses=DemandDetailSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """An answer that did not satisfy: back to in progress (only an answered demand reopens)."""
        demand = self.get_object()
        require(request.user, "demand.close", demand)  # the right first: a refusal never hints at the state
        if demand.status in Demand.OPEN_STATUSES:
            raise IllegalTransition(_("Only an answered demand can be reopened."))
        return self._transition(request, Demand.Status.IN_PROGRESS)

    @extend_schema(request=DemandAssignSerializer, responses=DemandDetailSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        demand = self.get_object()
        body = DemandAssignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.demand_assign(actor=request.user, demand=demand, assignee=body.validated_data["assignee"],
                               expected_version=body.validated_data["version"])
        return Response(DemandDetailSerializer(self.get_object(), context={"request": request}).data)
