"""Incidents over the API: scoped reads, idempotent creates (also by a 110 integration with a token),
and every change as an action carrying the `version` the caller loaded (stale or illegal: 409)."""
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from parkbeat.core import lean
from parkbeat.core.api import ScopedViewSetMixin
from parkbeat.core.api_permissions import CASE_LIST
from parkbeat.core.idempotency import IdempotentCreateMixin  # part D: resent creates store once
from parkbeat.core.parsers import JSONParser
from parkbeat.core.permissions import require
from parkbeat.core.services import IllegalTransition
from parkbeat.incidents import selectors, services
from parkbeat.incidents.api.serializers import (IncidentActionSerializer, IncidentAgencySerializer,
                                                IncidentCloseSerializer, IncidentDetailSerializer,
                                                IncidentFiguresQuerySerializer,
                                                IncidentHandoverSerializer, IncidentPhotoSerializer,
                                                IncidentPhotoUploadSerializer, IncidentSerializer)
from parkbeat.incidents.filters import IncidentFilterSet
from parkbeat.incidents.models import Incident
from parkbeat.incidents.selectors import HEAVY_PARK_FIELDS
from parkbeat.org.models import Agency, Park


lean.declare_property(Incident, "number", ("reported_at", "pk"))


class IncidentViewSet(lean.LeanListMixin, ScopedViewSetMixin, IdempotentCreateMixin, mixins.CreateModelMixin,
                      viewsets.ReadOnlyModelViewSet):
    """Incidents in the user's scope: police of the park, the enterprise's liaisons, agencies brought in,
    and whoever reported or holds one."""

    permission_classes = [CASE_LIST]  # administrators: 403 on the list, not an empty page
    queryset = (Incident.objects.select_related("park", "enterprise", "holder", "reported_by")
                .prefetch_related("agencies").defer(*HEAVY_PARK_FIELDS))
    serializer_class = IncidentSerializer
    filterset_class = IncidentFilterSet

    def get_parsers(self):
        """JSON; a report may also come as multipart with its photos (the create only): the schema says so."""
        method = getattr(self.request, "method", "").lower()
        if getattr(self, "action_map", {}).get(method) == "create":
            return [JSONParser(), MultiPartParser()]
        return super().get_parsers()

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action != "list":
            qs = qs.prefetch_related("transitions__actor", "transitions__holder")
        return qs

    def get_serializer_class(self):
        return IncidentSerializer if self.action in ("list", "create") else IncidentDetailSerializer

    def perform_create(self, serializer):
        self.prepare_create(serializer)()

    def prepare_create(self, serializer):
        """Checks and reads before the write transaction (core.idempotency); the callable writes."""
        data = dict(serializer.validated_data)
        data.setdefault("source", Incident.Source.PATROL)
        data["photos"] = data.pop("photos", [])
        write = services.incident_report_prepare(actor=self.request.user, **data)

        def save():
            serializer.instance = write()
            serializer.instance._prefetched_objects_cache = {"agencies": Agency.objects.none()}  # new: none yet
        return save

    def _detail(self, request):
        incident = self.get_queryset().get(pk=self.kwargs["pk"])
        return Response(IncidentDetailSerializer(incident, context={"request": request}).data)

    def _transition(self, request, to, body_class=IncidentActionSerializer):
        incident = self.get_object()
        body = body_class(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        services.incident_transition(actor=request.user, incident=incident, to=to, at=data["at"],
                                     late_reason=data["late_reason"], note=data["note"],
                                     result=data.get("result", ""), result_note=data.get("result_note", ""),
                                     expected_version=data["version"])
        return self._detail(request)

    @extend_schema(request=IncidentActionSerializer, responses=IncidentDetailSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Take the incident: the acceptor becomes its holder. A second acceptance gets 409."""
        return self._transition(request, Incident.Status.ACCEPTED)

    @extend_schema(request=IncidentActionSerializer, responses=IncidentDetailSerializer)
    @action(detail=True, methods=["post"])
    def arrive(self, request, pk=None):
        """Arrived on scene."""
        return self._transition(request, Incident.Status.ON_SCENE)

    @extend_schema(request=IncidentCloseSerializer, responses=IncidentDetailSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close with a result."""
        return self._transition(request, Incident.Status.CLOSED, IncidentCloseSerializer)

    @extend_schema(request=IncidentActionSerializer, responses=IncidentDetailSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel (leader or park officer; `note` with the reason is required)."""
        return self._transition(request, Incident.Status.CANCELLED)

    @extend_schema(request=IncidentActionSerializer, responses=IncidentDetailSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """Reopen a closed incident: back on scene if someone had arrived, else back to accepted (leader or
        park officer; `note` required)."""
        incident = self.get_object()
        require(request.user, "incident.dispatch", incident)  # the right first: a refusal never hints at the state
        if incident.status != Incident.Status.CLOSED:
            raise IllegalTransition(_("Only a closed incident can be reopened."))
        return self._transition(request, services.reopen_status(incident))

    @extend_schema(request=IncidentHandoverSerializer, responses=IncidentDetailSerializer)
    @action(detail=True, methods=["post"])
    def handover(self, request, pk=None):
        """Hand over to another officer of the park or a leader of its station (`note` required)."""
        incident = self.get_object()
        require(request.user, "incident.dispatch", incident)  # the right first, then who may be named
        body = IncidentHandoverSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = body.validated_data
        services.incident_handover(actor=request.user, incident=incident, to_user=data["to_user"], note=data["note"],
                                   at=data["at"], late_reason=data["late_reason"], expected_version=data["version"])
        return self._detail(request)

    @extend_schema(request=IncidentAgencySerializer, responses=IncidentDetailSerializer)
    @action(detail=True, methods=["post"])
    def agencies(self, request, pk=None):
        """Bring a partner agency into the disposal: its staff then see the incident."""
        incident = self.get_object()
        body = IncidentAgencySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        services.incident_add_agency(actor=request.user, incident=incident, agency=data["agency"],
                                     note=data["note"], expected_version=data["version"])
        return self._detail(request)

    @extend_schema(request={"multipart/form-data": IncidentPhotoUploadSerializer},
                   responses={201: IncidentPhotoSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def photos(self, request, pk=None):
        """Add one photo (images only, size-limited, re-encoded): the reporter while the incident is open, the
        police handling it also once closed (403 otherwise); never to a cancelled incident (400)."""
        incident = self.get_object()
        refusal = services.photo_refusal(request.user, incident)  # before reading the upload
        if refusal is not None:
            raise refusal
        body = IncidentPhotoUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        attachment = services.incident_add_photo(actor=request.user, incident=incident,
                                                 upload=body.validated_data["photo"])
        return Response(IncidentPhotoSerializer(attachment).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[OpenApiParameter("start", OpenApiTypes.DATE, required=True),
                               OpenApiParameter("end", OpenApiTypes.DATE, required=True),
                               OpenApiParameter("park", OpenApiTypes.INT)],
                   responses=OpenApiTypes.OBJECT)
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def figures(self, request):
        """Figures of the incidents you see reported in the period (both dates included, 2000…2100), one
        park or all: by kind and source, median and 90th-percentile minutes to acceptance, to the scene and to
        closing, escalated and acceptance overdue (see selectors.incident_figures)."""
        query = IncidentFiguresQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        park = None
        if query.validated_data.get("park"):
            park = get_object_or_404(Park.objects.visible_to(request.user).only("id"),
                                     pk=query.validated_data["park"])
        return Response(selectors.incident_figures(user=request.user, start=query.validated_data["start"],
                                                   end=query.validated_data["end"], park=park))
