"""Thin viewsets: scoping from ScopedViewSetMixin, every write through disputes.services."""
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from parkbeat.core import lean
from parkbeat.core.api import ScopedViewSetMixin
from parkbeat.core.api_permissions import CASE_LIST
from parkbeat.core.idempotency import (IdempotentCreateMixin, idempotency_parameter, idempotent,
                                       request_fingerprint)
from parkbeat.core.parsers import JSONParser
from parkbeat.core.permissions import can
from parkbeat.disputes import selectors, services
from parkbeat.disputes.api.serializers import (AgreementSerializer, DisputeDetailSerializer, DisputeSerializer,
                                               FiguresQuerySerializer, FiguresSerializer, LevelSerializer,
                                               ObligationSerializer, PartySerializer, PaymentSerializer, PaySerializer,
                                               RouteSerializer, SessionSerializer, TransitionActionSerializer)
from parkbeat.disputes.filters import AgreementFilterSet, DisputeFilterSet, ObligationFilterSet, SessionFilterSet
from parkbeat.disputes.models import Dispute, Obligation, Payment
from parkbeat.org.models import Park


# The list reads columns (core.lean): the number and the seconds at each level by the model's own code.
lean.declare_property(Dispute, "number", ("began_at", "pk"))
lean.declare_property(Obligation, "outstanding_amount", ("amount", "paid_amount"))
lean.declare(DisputeSerializer, seconds_at=lean.from_model(
    Dispute, ("level", "status", "level_since", *(f"seconds_{level}" for level in Dispute.Level.values)),
    lambda d: {level: d.seconds_at(level) for level, _label in Dispute.Level.choices}))


class DisputeViewSet(lean.LeanListMixin, ScopedViewSetMixin, IdempotentCreateMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                     viewsets.ReadOnlyModelViewSet):
    """Dispute cases in the user's scope; status, level and routing change through the actions (409 when stale)."""

    permission_classes = [CASE_LIST]  # administrators: 403 on the list, not an empty page
    queryset = Dispute.objects.select_related("park", "enterprise").prefetch_related("parties", "agencies")
    serializer_class = DisputeSerializer
    filterset_class = DisputeFilterSet

    def get_queryset(self):
        qs = super().get_queryset()
        return qs.prefetch_related("transitions__actor") if self.action == "retrieve" else qs

    def get_serializer_class(self):
        return DisputeDetailSerializer if self.action == "retrieve" else DisputeSerializer

    def perform_create(self, serializer):
        self.prepare_create(serializer)()

    def prepare_create(self, serializer):
        """Checks and reads before the write transaction (core.idempotency); the callable writes."""
        data = dict(serializer.validated_data)
        data.pop("version", None)
        write = services.dispute_open_prepare(actor=self.request.user, **data)
        return lambda: setattr(serializer, "instance", write())

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        version = data.pop("version")
        serializer.instance = services.dispute_update(actor=self.request.user, dispute=serializer.instance,
                                                      data=data, expected_version=version)

    def _reply(self, request):
        return Response(DisputeDetailSerializer(self.get_object(), context={"request": request}).data)

    @extend_schema(request=LevelSerializer, responses=DisputeDetailSerializer)
    @action(detail=True, methods=["post"])
    def level(self, request, pk=None):
        """Escalate or de-escalate, with a reason, at `at` (default now); the tier left keeps its time up to then."""
        dispute = self.get_object()
        body = LevelSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        services.dispute_change_level(actor=request.user, dispute=dispute, to=d["to"], reason=d["reason"],
                                      at=d["at"], late_reason=d["late_reason"], expected_version=d["version"])
        return self._reply(request)

    @extend_schema(request=TransitionActionSerializer, responses=DisputeDetailSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Settle, withdraw (note required) or reopen (note required) at `at` (default now); 409 on an illegal move
        or stale version, 400 naming `at` for a time that cannot be."""
        dispute = self.get_object()
        body = TransitionActionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        services.dispute_transition(actor=request.user, dispute=dispute, to=d["to"], note=d["note"], at=d["at"],
                                    late_reason=d["late_reason"], expected_version=d["version"])
        return self._reply(request)

    @extend_schema(request=RouteSerializer, responses=DisputeDetailSerializer)
    @action(detail=True, methods=["post"])
    def route(self, request, pk=None):
        """Bring in the park's mediation centre, a lead mediator and partner agencies.

        Partial: a key left out keeps its value. `mediation_centre: null` takes the centre (and its lead
        mediator) away, which needs the right to decide and is refused to the centre's own mediators.
        A change is a `route` step at `at` (default now)."""
        dispute = self.get_object()
        body = RouteSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        d = dict(body.validated_data)
        version = d.pop("version")
        services.dispute_route(actor=request.user, dispute=dispute, expected_version=version, **d)
        return self._reply(request)

    @extend_schema(request=PartySerializer, responses={201: PartySerializer})
    @action(detail=True, methods=["post"])
    def parties(self, request, pk=None):
        """Add a party (an enterprise, a contractor, a group of workers, a person)."""
        dispute = self.get_object()
        body = PartySerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        party = services.party_add(actor=request.user, dispute=dispute, **body.validated_data)
        return Response(PartySerializer(party, context={"request": request}).data, status=201)

    @extend_schema(parameters=[OpenApiParameter("start", OpenApiTypes.DATE, required=True),
                               OpenApiParameter("end", OpenApiTypes.DATE, required=True),
                               OpenApiParameter("park", OpenApiTypes.INT)],
                   responses=FiguresSerializer)
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def figures(self, request):
        """Figures for any period (both dates included) and park, by when things happened; see
        selectors.dispute_figures."""
        if not can(request.user, "dispute.figures"):
            raise PermissionDenied()
        query = FiguresQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        park = None
        if query.validated_data.get("park"):
            park = get_object_or_404(Park.objects.visible_to(request.user), pk=query.validated_data["park"])
        figures = selectors.dispute_figures(user=request.user, start=query.validated_data["start"],
                                            end=query.validated_data["end"], park=park)
        return Response(selectors.figures_json(figures))


class SessionViewSet(lean.LeanListMixin, IdempotentCreateMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    permission_classes = [CASE_LIST]  # administrators: 403 on the list, not an empty page
    serializer_class = SessionSerializer
    filterset_class = SessionFilterSet

    def get_queryset(self):
        return selectors.session_list(user=self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.session_record(actor=self.request.user, **data)


class AgreementViewSet(lean.LeanListMixin, IdempotentCreateMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Agreements with their instalments; create one with nested `obligations`."""

    permission_classes = [CASE_LIST]  # administrators: 403 on the list, not an empty page
    serializer_class = AgreementSerializer
    filterset_class = AgreementFilterSet

    def get_queryset(self):
        return selectors.agreement_list(user=self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.agreement_record(actor=self.request.user, **data)


class ObligationViewSet(lean.LeanListMixin, ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    permission_classes = [CASE_LIST]  # administrators: 403 on the list, not an empty page
    queryset = Obligation.objects.select_related("agreement")
    serializer_class = ObligationSerializer
    filterset_class = ObligationFilterSet

    @extend_schema(request={"multipart/form-data": PaySerializer, "application/json": PaySerializer},
                   responses={201: PaymentSerializer},
                   parameters=[idempotency_parameter("A resent payment with the same key and body returns the "
                                                     "first payment and records nothing.")])
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, MultiPartParser])
    def pay(self, request, pk=None):
        """Record a payment (evidence optional, multipart) against the instalment's `version` you loaded
        (required): a stale version or a second submit gets 409. With an `Idempotency-Key` header a resent
        request answers with the first payment and records nothing."""
        obligation = self.get_object()

        def perform():
            body = PaySerializer(data=request.data)
            body.is_valid(raise_exception=True)
            d = body.validated_data
            payment = services.payment_record(
                actor=request.user, obligation=obligation, paid_on=d["paid_on"], amount=d["amount"],
                note=d["note"], evidence=d.get("evidence"), expected_version=d["version"])
            return payment.pk, Response(PaymentSerializer(payment).data, status=201)

        def replay(object_id, status):
            payment = get_object_or_404(Payment.objects.visible_to(request.user), pk=object_id)
            return Response(PaymentSerializer(payment).data, status=status)

        return idempotent(request, scope=f"obligation-pay-{obligation.pk}",
                          fingerprint=request_fingerprint(request.data, exclude=("evidence",)),
                          perform=perform, replay=replay)
