"""Crime over the API: scoped reads (another station's lead or case is a 404); every write through crime.services.
A case reads whole for leaders and officers, as a summary for auxiliaries, as status and recovered value for the
enterprise's liaison."""
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from parkbeat.core.api import ScopedViewSetMixin
from parkbeat.core.api_permissions import require_perm
from parkbeat.core.permissions import can
from parkbeat.crime import services
from parkbeat.crime.api.serializers import (CaseCreateSerializer, CaseEventSerializer, CaseFiguresSerializer,
                                            CaseSerializer, CaseStatusSerializer, CaseSummarySerializer,
                                            CaseUpdateSerializer, CloseLeadSerializer, KeyTimeSerializer,
                                            LeadAgencySerializer, LeadCreateSerializer,
                                            LeadObservationSerializer, LeadSerializer, ObserveSerializer,
                                            SuspectCreateSerializer, SuspectSerializer, CaseTransitionSerializer)
from parkbeat.crime.figures import case_figures
from parkbeat.crime.filters import CaseFilterSet
from parkbeat.crime.models import Case, CaseEvent, Lead, LeadObservation, Suspect
from parkbeat.crime.selectors import case_figure_rows, case_view_of, row_view, with_view_level


def _body(serializer_class, request):
    body = serializer_class(data=request.data, context={"request": request})
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)


class LeadViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Leads (线索): the police of the park; the staff of the agency working a lead jointly see that lead."""

    permission_classes = [require_perm("lead.view")]
    queryset = Lead.objects.all()
    serializer_class = LeadSerializer

    def _detail(self, request, status=200):
        return Response(LeadSerializer(self.get_object(), context={"request": request}).data, status=status)

    @extend_schema(request=LeadCreateSerializer, responses={201: LeadSerializer})
    def create(self, request):
        """Record a lead (the police)."""
        if not can(request.user, "lead.add"):
            raise PermissionDenied()
        lead = services.lead_create(actor=request.user, **_body(LeadCreateSerializer, request))
        self.kwargs["pk"] = lead.pk
        return self._detail(request, status=201)

    @extend_schema(request=ObserveSerializer, responses={201: LeadObservationSerializer})
    @action(detail=True, methods=["post"])
    def observe(self, request, pk=None):
        """An observation of the lead's work (the police, or the staff of the agency working it)."""
        lead = self.get_object()
        if not can(request.user, "lead.observe", lead):
            raise PermissionDenied()
        row = services.lead_observe(actor=request.user, lead=lead, **_body(ObserveSerializer, request))
        return Response(LeadObservationSerializer(row).data, status=201)

    @extend_schema(request=CloseLeadSerializer, responses=LeadSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close the lead with a reason (leader or officer); a stale `version` answers 409."""
        lead = self.get_object()
        if not can(request.user, "lead.decide", lead):
            raise PermissionDenied()
        data = _body(CloseLeadSerializer, request)
        services.lead_close(actor=request.user, lead=lead, reason=data["reason"], expected_version=data["version"])
        return self._detail(request)

    @extend_schema(request=LeadAgencySerializer, responses=LeadSerializer)
    @action(detail=True, methods=["post"])
    def agency(self, request, pk=None):
        """Change the partner agency working the lead jointly (leader or officer): its staff then see the lead, the
        previous agency's no longer; a stale `version` answers 409."""
        lead = self.get_object()
        if not can(request.user, "lead.decide", lead):
            raise PermissionDenied()
        data = _body(LeadAgencySerializer, request)
        services.lead_set_agency(actor=request.user, lead=lead, agency=data["agency"],
                                 expected_version=data["version"])
        return Response(LeadSerializer(lead, context={"request": request}).data)

    @extend_schema(responses=LeadObservationSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def observations(self, request, pk=None):
        """The lead's observations, oldest first."""
        lead = self.get_object()
        rows = LeadObservation.objects.visible_to(request.user).filter(lead=lead).order_by("at", "id")
        return Response(LeadObservationSerializer(rows, many=True).data)


class CaseViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Criminal cases at enterprises (涉企案件)."""

    permission_classes = [require_perm("crime.view")]
    queryset = Case.objects.select_related("enterprise")
    serializer_class = CaseSerializer
    filterset_class = CaseFilterSet

    LEVEL_SERIALIZERS = {"full": CaseSerializer, "summary": CaseSummarySerializer, "status": CaseStatusSerializer}

    def get_serializer_class(self):
        """The schema's (and the highest level's) serializer; each row is written at its own level (`_rows`)."""
        view = case_view_of(self.request.user) if getattr(self.request, "user", None) else "full"
        return self.LEVEL_SERIALIZERS[view]

    def get_queryset(self):
        qs = super().get_queryset()
        user = getattr(self.request, "user", None)
        return with_view_level(user, qs) if user is not None and user.is_authenticated else qs

    def _rows(self, rows):
        context = self.get_serializer_context()
        return [self.LEVEL_SERIALIZERS[row_view(row)](row, context=context).data for row in rows]

    def list(self, request, *args, **kwargs):
        """The cases you see, each at the level of your role in its park: whole (leader, officer), a summary
        (auxiliary), or status and recovered value (the enterprise's liaison)."""
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        if page is None:
            return Response(self._rows(queryset))
        return self.get_paginated_response(self._rows(page))

    def retrieve(self, request, *args, **kwargs):
        """One case at the level of your role in its park."""
        return Response(self._rows([self.get_object()])[0])

    def _detail(self, request, status=200):
        return Response(CaseSerializer(self.get_object(), context={"request": request}).data, status=status)

    def _handled(self, request):
        case = self.get_object()
        if not can(request.user, "crime.handle", case):
            raise PermissionDenied()
        return case

    @extend_schema(request=CaseCreateSerializer, responses={201: CaseSerializer})
    def create(self, request):
        """Record a case (leader or officer), optionally from an incident or a lead (which becomes the case)."""
        if not can(request.user, "crime.handle"):
            raise PermissionDenied()
        case = services.case_create(actor=request.user, **_body(CaseCreateSerializer, request))
        self.kwargs["pk"] = case.pk
        return self._detail(request, status=201)

    @extend_schema(request=CaseUpdateSerializer, responses=CaseSerializer)
    def partial_update(self, request, pk=None):
        """Change the case's details (leader or officer) with the `version` you loaded; a stale one is 409."""
        case = self._handled(request)
        data = _body(CaseUpdateSerializer, request)
        services.case_update(actor=request.user, case=case, expected_version=data.pop("version"),
                             late_reason=data.pop("late_reason", ""), data=data)
        return self._detail(request)

    @extend_schema(request=KeyTimeSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"], url_path="key-time")
    def key_time(self, request, pk=None):
        """Suspect identified, arrested or property recovered (with `recovered_yuan`); a stale version is 409."""
        case = self._handled(request)
        data = _body(KeyTimeSerializer, request)
        services.case_key_time(actor=request.user, case=case, expected_version=data.pop("version"), **data)
        return self._detail(request)

    @extend_schema(request=CaseTransitionSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Solved, or closed with a reason."""
        case = self._handled(request)
        data = _body(CaseTransitionSerializer, request)
        services.case_transition(actor=request.user, case=case, status=data["status"], reason=data["reason"],
                                 expected_version=data["version"])
        return self._detail(request)

    @extend_schema(request=SuspectCreateSerializer, responses={201: SuspectSerializer})
    @action(detail=True, methods=["post"], url_path="suspects/add")
    def suspect_add(self, request, pk=None):
        """Add a suspect (name masked, resident ID encrypted and shown masked)."""
        case = self._handled(request)
        row = services.suspect_add(actor=request.user, case=case, **_body(SuspectCreateSerializer, request))
        return Response(SuspectSerializer(row).data, status=201)

    @extend_schema(responses=SuspectSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def suspects(self, request, pk=None):
        """The case's suspects (leader and officer only)."""
        case = self._handled(request)
        return Response(SuspectSerializer(Suspect.objects.visible_to(request.user).filter(case=case),
                                          many=True).data)

    @extend_schema(responses=CaseEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def events(self, request, pk=None):
        """The case's timeline, oldest first (leader and officer only)."""
        case = self._handled(request)
        rows = CaseEvent.objects.visible_to(request.user).filter(case=case).order_by("at", "id")
        return Response(CaseEventSerializer(rows, many=True).data)

    @extend_schema(responses=CaseFiguresSerializer)
    @action(detail=False, methods=["get"], pagination_class=None)
    def figures(self, request):
        """Figures of the cases you see (filtered as the list): by type, median hours to identify a suspect and
        the share within 48 h, loss and recovered yuan, clearance rate. The police only."""
        if not can(request.user, "crime.export"):
            raise PermissionDenied()
        qs = case_figure_rows(user=request.user, queryset=self.filter_queryset(self.get_queryset()))
        return Response(CaseFiguresSerializer(case_figures(user=request.user, queryset=qs)).data)
