"""Hazards over the API: scoped reads (another station's hazard is a 404); every write through hazards.services."""
from datetime import datetime, time, timedelta

from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from parkbeat.core.api import ScopedViewSetMixin
from parkbeat.core.api_permissions import require_perm
from parkbeat.core.parsers import JSONParser
from parkbeat.core.permissions import can
from parkbeat.hazards import services
from parkbeat.hazards.api.serializers import (EvidenceUploadSerializer, FiguresQuerySerializer, FollowUpSerializer,
                                              HazardCreateSerializer, HazardEventSerializer,
                                              HazardEvidenceSerializer, HazardFiguresSerializer, HazardSerializer,
                                              ReferSerializer, ReviewSerializer)
from parkbeat.hazards.figures import hazard_figures
from parkbeat.hazards.filters import HazardFilterSet
from parkbeat.hazards.models import Hazard, HazardEvent
from parkbeat.hazards.services import SHANGHAI

VIEW = require_perm("hazard.view")


def _body(serializer_class, request):
    body = serializer_class(data=request.data, context={"request": request})
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)


class HazardViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Hazards: the police of the park, the enterprise's liaisons, the staff of the agency it was referred to and
    the agency staff named on the inspection that found it."""

    permission_classes = [VIEW]
    queryset = Hazard.objects.select_related("enterprise")
    serializer_class = HazardSerializer
    filterset_class = HazardFilterSet

    def get_parsers(self):
        """JSON; the create also as multipart (a hazard fixed on the spot carries its evidence)."""
        method = getattr(self.request, "method", "").lower()
        if getattr(self, "action_map", {}).get(method) == "create":
            return [JSONParser(), MultiPartParser()]
        return super().get_parsers()

    def _detail(self, request, status=200):
        return Response(HazardSerializer(self.get_object(), context={"request": request}).data, status=status)

    @extend_schema(request={"application/json": HazardCreateSerializer,
                            "multipart/form-data": HazardCreateSerializer}, responses={201: HazardSerializer})
    def create(self, request):
        """Register a hazard (the police): fixed on the spot (with `evidence` files, multipart) or under a deadline
        (`deadline`, `responsible_name`)."""
        if not can(request.user, "hazard.add"):
            raise PermissionDenied()
        hazard = services.hazard_create(actor=request.user, **_body(HazardCreateSerializer, request))
        self.kwargs["pk"] = hazard.pk
        return self._detail(request, status=201)

    @extend_schema(request=FollowUpSerializer, responses={201: HazardEventSerializer})
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request, pk=None):
        """A follow-up visit (跟踪回访): when it happened and what it found."""
        hazard = self.get_object()
        if not can(request.user, "hazard.follow_up", hazard):
            raise PermissionDenied()
        row = services.hazard_follow_up(actor=request.user, hazard=hazard, **_body(FollowUpSerializer, request))
        return Response(HazardEventSerializer(row).data, status=201)

    @extend_schema(request={"multipart/form-data": EvidenceUploadSerializer}, responses={201: HazardEvidenceSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def evidence(self, request, pk=None):
        """Evidence of the fix (photos or PDF, size-limited): the liaison or the police; the hazard then awaits
        review."""
        hazard = self.get_object()
        if not can(request.user, "hazard.evidence", hazard):
            raise PermissionDenied()
        data = _body(EvidenceUploadSerializer, request)
        row = services.hazard_evidence_add(actor=request.user, hazard=hazard, uploads=data["files"],
                                           note=data["note"], expected_version=data.get("version"))
        return Response(HazardEvidenceSerializer(row).data, status=201)

    @extend_schema(request=ReviewSerializer, responses=HazardSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        """Accept (struck off, 销号: only with evidence) or reject with a reason (back to rectifying); leader or
        officer only. A stale `version` (someone reviewed first) answers 409."""
        hazard = self.get_object()
        if not can(request.user, "hazard.review", hazard):
            raise PermissionDenied()
        data = _body(ReviewSerializer, request)
        services.hazard_review(actor=request.user, hazard=hazard, accept=data["decision"] == "accept",
                               reason=data["reason"], new_deadline=data.get("new_deadline"),
                               expected_version=data["version"])
        return self._detail(request)

    @extend_schema(request=ReferSerializer, responses=HazardSerializer)
    @action(detail=True, methods=["post"])
    def refer(self, request, pk=None):
        """Refer to a partner agency serving the park; its staff then see the hazard."""
        hazard = self.get_object()
        if not can(request.user, "hazard.refer", hazard):
            raise PermissionDenied()
        data = _body(ReferSerializer, request)
        services.hazard_refer(actor=request.user, hazard=hazard, agency=data["agency"], note=data["note"],
                              expected_version=data["version"])
        return self._detail(request)

    @extend_schema(responses=HazardEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def events(self, request, pk=None):
        """The hazard's whole history, oldest first."""
        hazard = self.get_object()
        rows = HazardEvent.objects.visible_to(request.user).filter(hazard=hazard).order_by("at", "id")
        return Response(HazardEventSerializer(rows, many=True).data)

    @extend_schema(parameters=[FiguresQuerySerializer], responses=HazardFiguresSerializer)
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def figures(self, request):
        """Hazards you see found in the period (`start`…`end`, both included, Asia/Shanghai; default: all), one
        park or all: found by severity, fixed on the spot, under a deadline, struck off, open, overdue today,
        median days from found to struck off."""
        query = FiguresQuerySerializer(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        q = query.validated_data
        start = datetime.combine(q["start"], time(), SHANGHAI) if q.get("start") else None
        end = datetime.combine(q["end"] + timedelta(days=1), time(), SHANGHAI) if q.get("end") else None
        return Response(hazard_figures(user=request.user, start=start, end=end, park=q.get("park")))
