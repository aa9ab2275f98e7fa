"""Special guarding over the API: scoped reads; every write through guarding.services."""
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from parkbeat.core.api import ScopedViewSetMixin
from parkbeat.core.api_permissions import require_perm
from parkbeat.enterprises.models import Enterprise
from parkbeat.guarding import selectors, services
from parkbeat.guarding.api.serializers import (CheckInSerializer, CoverageSerializer, DeclineSerializer,
                                               FixedPointSerializer,
                                               GapsSerializer, GuardedAssetSerializer, GuardSegmentSerializer,
                                               GuardShiftSerializer, SplitResultSerializer,
                                               SplitSerializer)
from parkbeat.guarding.filters import AssetFilterSet, SegmentFilterSet, ShiftFilterSet
from parkbeat.guarding.models import FixedPoint, GuardedAsset, GuardShift, Segment
from parkbeat.volunteers.models import VolunteerTeam

VIEW = require_perm("guarding.view")
WINDOW = [OpenApiParameter("from", OpenApiTypes.DATETIME, description="ISO 8601 with offset; default: this hour."),
          OpenApiParameter("to", OpenApiTypes.DATETIME, description="Default: 72 hours after `from`; at most 31 days.")]


def _split(serializer):
    data = dict(serializer.validated_data)
    return data, data.pop("version", None)


def _window(request):
    try:
        return selectors.parse_window(request.query_params.get("from"), request.query_params.get("to"))
    except Exception as exc:  # a Django ValidationError naming the parameter
        if hasattr(exc, "message_dict"):
            raise ValidationError(exc.message_dict) from None
        raise


def _version(request):
    try:
        return int(request.query_params.get("version", ""))
    except ValueError:
        raise ValidationError({"version": [_("Send the version you loaded (?version=).")]}) from None


class AssetViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                   viewsets.ReadOnlyModelViewSet):
    """Guarded assets: the police of the park; a volunteer those with a segment of their team, a liaison those
    with a segment beside their enterprise."""

    permission_classes = [VIEW]
    queryset = GuardedAsset.objects.select_related("park").defer(*selectors.HEAVY_PARK_FIELDS)
    serializer_class = GuardedAssetSerializer
    filterset_class = AssetFilterSet

    def perform_create(self, serializer):
        data, _version = _split(serializer)
        serializer.instance = services.asset_create(actor=self.request.user, **data)

    def perform_update(self, serializer):
        data, version = _split(serializer)
        data.pop("park", None)
        serializer.instance = services.asset_update(actor=self.request.user, asset=serializer.instance, data=data,
                                                    expected_version=version)

    @extend_schema(request=SplitSerializer, responses=SplitResultSerializer)
    @action(detail=True, methods=["post"])
    def split(self, request, pk=None):
        """Split the line anew: every `every_m` metres, or into explicit `pieces` covering it exactly."""
        asset = self.get_object()
        body = SplitSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        pieces = None
        if "pieces" in data:
            enterprises = Enterprise.objects.in_bulk([p["enterprise"] for p in data["pieces"] if p.get("enterprise")])
            teams = VolunteerTeam.objects.in_bulk([p["team"] for p in data["pieces"] if p.get("team")])
            pieces = []
            for piece in data["pieces"]:
                for key, found in (("enterprise", enterprises), ("team", teams)):
                    if piece.get(key) and piece[key] not in found:
                        raise ValidationError({"pieces": [_("No such %(what)s: %(id)s.") % {
                            "what": key, "id": piece[key]}]})
                pieces.append({"from_m": piece["from_m"], "to_m": piece["to_m"],
                               "enterprise": enterprises.get(piece.get("enterprise")),
                               "team": teams.get(piece.get("team"))})
        segments = services.asset_split(actor=request.user, asset=asset, every_m=data.get("every_m"), pieces=pieces,
                                        expected_version=data["version"])
        return Response(SplitResultSerializer({"asset_version": asset.version, "segments": segments},
                                              context={"request": request}).data)

    def _segments(self, asset):
        return list(Segment.objects.visible_to(self.request.user).filter(asset=asset).order_by("order"))

    @extend_schema(parameters=WINDOW, responses=CoverageSerializer)
    @action(detail=True, methods=["get"])
    def coverage(self, request, pk=None):
        """For the window: per segment (of those you see), the gaps and the covered stretches, and who of the
        shifts under way now has not checked in."""
        asset = self.get_object()
        lo, hi = _window(request)
        segments = self._segments(asset)
        found = selectors.asset_coverage(asset, segments, lo, hi, now=timezone.now())
        by_id = {s.pk: s for s in segments}

        def rows(items):
            return [{"segment": sid, "segment_label": str(by_id[sid]), "team": by_id[sid].team_id, "start": s,
                     "end": e} for sid, s, e in items]
        return Response(CoverageSerializer({
            "from": lo, "to": hi, "gaps": rows(found["gaps"]), "covered": rows(found["covered"]),
            "not_checked_in": [{"shift": r.shift_id, "segment": r.shift.segment_id, "user": r.user_id,
                                "name": r.user.display_name, "shift_started_at": r.shift.starts_at}
                               for r in found["not_checked_in"]]}).data)

    @extend_schema(parameters=WINDOW, responses=GapsSerializer)
    @action(detail=True, methods=["get"])
    def gaps(self, request, pk=None):
        """The stretches of the window with nobody on shift, per segment (of those you see)."""
        asset = self.get_object()
        lo, hi = _window(request)
        segments = self._segments(asset)
        by_id = {s.pk: s for s in segments}
        return Response(GapsSerializer({"from": lo, "to": hi, "gaps": [
            {"segment": sid, "segment_label": str(by_id[sid]), "team": by_id[sid].team_id, "start": s, "end": e}
            for sid, s, e in selectors.asset_gaps(asset, segments, lo, hi)]}).data)


class SegmentViewSet(ScopedViewSetMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Segments; PATCH {team, version} gives one to a team (leader and officer). People on its upcoming shifts
    who are not of the new team refuse it (400 on `team`, naming how many shifts and who) unless
    `release_conflicting` is true: then they are taken off those shifts and told."""

    permission_classes = [VIEW]
    queryset = Segment.objects.select_related("team", "enterprise")
    serializer_class = GuardSegmentSerializer
    filterset_class = SegmentFilterSet
    http_method_names = ["get", "patch", "head", "options"]

    def perform_update(self, serializer):
        data, version = _split(serializer)
        team = data.get("team", serializer.instance.team)
        serializer.instance = services.segment_assign(actor=self.request.user, segment=serializer.instance,
                                                      team=team, expected_version=version,
                                                      release_conflicting=data.get("release_conflicting", False))


class ShiftViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin,
                   viewsets.ReadOnlyModelViewSet):
    """Shifts: the police of the park; a volunteer their team's; a liaison those beside their enterprise;
    everyone the shifts they are on."""

    permission_classes = [VIEW]
    queryset = GuardShift.objects.select_related("segment").prefetch_related("roster__user")
    serializer_class = GuardShiftSerializer
    filterset_class = ShiftFilterSet
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def perform_create(self, serializer):
        data, _version = _split(serializer)
        serializer.instance = services.shift_create(actor=self.request.user, **data)

    def perform_update(self, serializer):
        data, version = _split(serializer)
        if "segment" in data and data.pop("segment") != serializer.instance.segment:
            raise ValidationError({"segment": [_("A shift stays on its segment: cancel it and plan another.")]})
        people = data.pop("people", None)
        serializer.instance = services.shift_update(actor=self.request.user, shift=serializer.instance, data=data,
                                                    people=people, expected_version=version)

    @extend_schema(parameters=[OpenApiParameter("version", int, required=True,
                                                description="The version you loaded.")])
    def destroy(self, request, *args, **kwargs):
        """Cancel a shift nobody has checked in to."""
        shift = self.get_object()
        services.shift_cancel(actor=request.user, shift=shift, expected_version=_version(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=CheckInSerializer, responses=GuardShiftSerializer)
    @action(detail=True, methods=["post"])
    def checkin(self, request, pk=None):
        """Check in to the shift (yourself, or for the police someone on it) when arriving."""
        shift = self.get_object()
        body = CheckInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        person = None
        if data.get("person"):
            row = shift.roster.filter(user_id=data["person"]).select_related("user").first()
            if row is None:
                raise ValidationError({"person": [_("This person is not on the shift.")]})
            person = row.user
        services.shift_checkin(actor=request.user, shift=shift, person=person, at=data.get("at"),
                               late_reason=data["late_reason"])
        return Response(GuardShiftSerializer(self.get_queryset().get(pk=shift.pk), context={"request": request}).data)

    @extend_schema(request=DeclineSerializer, responses=GuardShiftSerializer, summary="不能参加 / Decline")
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        """Decline your place on the shift before it starts, with a reason (the captain and officers are told);
        a second decline changes nothing."""
        shift = self.get_object()
        body = DeclineSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.shift_decline(actor=request.user, shift=shift, reason=body.validated_data["reason"])
        return Response(GuardShiftSerializer(self.get_queryset().get(pk=shift.pk), context={"request": request}).data)


class FixedPointViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                        mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet):
    """Officers' fixed night points beside a line (the police of the park)."""

    permission_classes = [require_perm("guarding.plan", actions={"create", "update", "partial_update", "destroy"}),
                          VIEW]
    queryset = FixedPoint.objects.select_related("asset", "officer")
    serializer_class = FixedPointSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    @extend_schema(parameters=[OpenApiParameter("version", int, required=True,
                                                description="The version you loaded.")])
    def destroy(self, request, *args, **kwargs):
        """Remove a fixed point (its last state stays on the audit trail)."""
        point = self.get_object()
        services.fixed_point_delete(actor=request.user, point=point, expected_version=_version(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    def perform_create(self, serializer):
        data, _version = _split(serializer)
        serializer.instance = services.fixed_point_create(actor=self.request.user, **data)

    def perform_update(self, serializer):
        data, version = _split(serializer)
        data.pop("asset", None)
        serializer.instance = services.fixed_point_update(actor=self.request.user, point=serializer.instance,
                                                          data=data, expected_version=version)
