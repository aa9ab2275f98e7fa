from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from parkbeat.core import lean
from parkbeat.core.api import ScopedViewSetMixin
from parkbeat.core.permissions import can
from parkbeat.org import auth, services
from parkbeat.org.api.serializers import (DutyShiftSerializer, ParkSerializer, ParkUpdateSerializer,
                                          TokenRequestSerializer,
                                          TokenResponseSerializer, UserBriefSerializer)
from parkbeat.org.models import DutyShift, Park


class ParkViewSet(lean.LeanListMixin, ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Park.objects.select_related("station")
    serializer_class = ParkSerializer
    filterset_fields = ["station", "code", "kind"]

    @extend_schema(request=ParkUpdateSerializer, responses=ParkSerializer)
    def partial_update(self, request, pk=None):
        """Change a park's name, kind, address or description (the station's leader)."""
        park = self.get_object()
        if not can(request.user, "park.change", park):
            raise PermissionDenied()
        body = ParkUpdateSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        services.park_update(actor=request.user, park=park, data=dict(body.validated_data))
        return Response(ParkSerializer(park, context={"request": request}).data)

    @extend_schema(responses=UserBriefSerializer(many=True),
                   parameters=[OpenApiParameter("at", str, description="ISO time; default now")])
    @action(detail=True, methods=["get"], url_path="on-duty", pagination_class=None)  # a plain list
    def on_duty(self, request, pk=None):
        """The park officer(s) on duty at `at` (default now): the roster, else the park's officer."""
        park = self.get_object()
        at = request.query_params.get("at")
        when = timezone.now()
        if at:
            from django.utils.dateparse import parse_datetime

            try:
                when = parse_datetime(at)
            except ValueError:
                when = None
            if when is None:
                return Response({"detail": "at: expected an ISO 8601 time."}, status=status.HTTP_400_BAD_REQUEST)
            if timezone.is_naive(when):
                when = timezone.make_aware(when)
        return Response(UserBriefSerializer(services.on_duty(park=park, at=when), many=True).data)


class DutyShiftViewSet(lean.LeanListMixin, ScopedViewSetMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin,
                       viewsets.ReadOnlyModelViewSet):
    queryset = DutyShift.objects.select_related("park", "user")
    serializer_class = DutyShiftSerializer
    filterset_fields = ["park", "user", "role"]

    def perform_create(self, serializer):
        serializer.instance = services.duty_shift_create(actor=self.request.user, **serializer.validated_data)

    def perform_destroy(self, instance):
        services.duty_shift_delete(actor=self.request.user, shift=instance)


class TokenView(APIView):
    """POST username + password (+ otp where a second factor is set up) → a bearer token that expires."""

    authentication_classes = []
    permission_classes = [AllowAny]

    def get_authenticate_header(self, request):
        """Bad credentials are a 401 with a challenge, not a 403."""
        return 'Bearer realm="api"'

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenResponseSerializer}, auth=[])
    def post(self, request):
        body = TokenRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        key, token = auth.token_issue(request=request, **body.validated_data)
        return Response({"token": key, "expires_at": token.expires_at})


class TokenRevokeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        auth.token_revoke(actor=request.user, token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)
