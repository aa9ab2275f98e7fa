"""Patrols over the API: scoped reads; every write through patrols.services; scans idempotent by header."""
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from parkbeat.core.api import ScopedViewSetMixin
from parkbeat.core.api_permissions import require_perm
from parkbeat.core.idempotency import idempotency_parameter, idempotent, request_fingerprint
from parkbeat.core.permissions import require
from parkbeat.patrols import selectors, services, tokens, track
from parkbeat.patrols.api.serializers import (CheckInSerializer, CheckpointCodeSerializer, CheckpointSerializer,
                                              FindingCreateSerializer, FindingSerializer, PlanSerializer,
                                              PatrolRouteSerializer, RunDetailSerializer, RunFinishSerializer,
                                              RunSerializer, RunStartSerializer, ScanSerializer,
                                              TrackIngestResultSerializer, TrackIngestSerializer,
                                              TrackPointSerializer, VersionBodySerializer)
from parkbeat.patrols.filters import CheckpointFilterSet, PlanFilterSet, RouteFilterSet, RunFilterSet
from parkbeat.patrols.models import CheckIn, Checkpoint, PatrolPlan, PatrolRun, Route
from parkbeat.volunteers.models import VolunteerTeam

PLACES = require_perm("patrol.places")
RUNS = require_perm("patrol.run")


def _split(serializer):
    data = dict(serializer.validated_data)
    return data, data.pop("version", None)


class CheckpointViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                        viewsets.ReadOnlyModelViewSet):
    """Checkpoints of the parks the police user covers; retiring or reissuing refuses every older code."""

    permission_classes = [PLACES]
    queryset = Checkpoint.objects.select_related("park").defer(*selectors.HEAVY_PARK_FIELDS)
    serializer_class = CheckpointSerializer
    filterset_class = CheckpointFilterSet

    def perform_create(self, serializer):
        data, _version = _split(serializer)
        serializer.instance = services.checkpoint_create(actor=self.request.user, **data)

    def perform_update(self, serializer):
        data, version = _split(serializer)
        data.pop("park", None)
        serializer.instance = services.checkpoint_update(actor=self.request.user, checkpoint=serializer.instance,
                                                         data=data, expected_version=version)

    @extend_schema(responses=CheckpointCodeSerializer)
    @action(detail=True, methods=["get"])
    def code(self, request, pk=None):
        """The text of the checkpoint's QR code and the short code to type (leader and officer only)."""
        checkpoint = self.get_object()
        require(request.user, "patrol.plan", checkpoint)
        if not checkpoint.is_active:
            return Response({"detail": _("This checkpoint is retired: it has no code.")}, status=status.HTTP_409_CONFLICT)
        return Response({"token": tokens.checkpoint_token(checkpoint), "short_code": tokens.short_code(checkpoint),
                         "token_version": checkpoint.token_version})

    @extend_schema(request=VersionBodySerializer, responses=CheckpointSerializer)
    @action(detail=True, methods=["post"])
    def reissue(self, request, pk=None):
        """A new code: every code printed before is refused from now on."""
        return self._code_action(request, services.checkpoint_reissue)

    @extend_schema(request=VersionBodySerializer, responses=CheckpointSerializer)
    @action(detail=True, methods=["post"])
    def retire(self, request, pk=None):
        """Retire the checkpoint: its codes are refused, its history kept."""
        return self._code_action(request, services.checkpoint_retire)

    def _code_action(self, request, service):
        checkpoint = self.get_object()
        body = VersionBodySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        service(actor=request.user, checkpoint=checkpoint, expected_version=body.validated_data["version"])
        return Response(CheckpointSerializer(self.get_object(), context={"request": request}).data)


class RouteViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                   viewsets.ReadOnlyModelViewSet):
    permission_classes = [PLACES]
    queryset = Route.objects.select_related("park").defer(*selectors.HEAVY_PARK_FIELDS).prefetch_related("stops")
    serializer_class = PatrolRouteSerializer
    filterset_class = RouteFilterSet

    def perform_create(self, serializer):
        data, _version = _split(serializer)
        serializer.instance = services.route_create(actor=self.request.user, **data)

    def perform_update(self, serializer):
        data, version = _split(serializer)
        data.pop("park", None)
        checkpoints = data.pop("checkpoints", None)
        serializer.instance = services.route_update(actor=self.request.user, route=serializer.instance, data=data,
                                                    checkpoints=checkpoints, expected_version=version)


def _teams(rows):
    """[(team, volunteers)] of the body's [{team, volunteers}]; an unknown team id names the field."""
    from rest_framework.exceptions import ValidationError

    if rows is None:
        return None
    ids = [row["team_id"] for row in rows]
    found = VolunteerTeam.objects.in_bulk(ids)
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise ValidationError({"teams": [_("No such volunteer team: %(ids)s.") % {"ids": ", ".join(missing)}]})
    return [(found[row["team_id"]], row["volunteers"]) for row in rows]


class PlanViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                  viewsets.ReadOnlyModelViewSet):
    """Plans of the parks the police user covers; a volunteer sees the plans that call for their team."""

    permission_classes = [RUNS]
    queryset = PatrolPlan.objects.select_related("route").prefetch_related("teams")
    serializer_class = PlanSerializer
    filterset_class = PlanFilterSet

    def perform_create(self, serializer):
        data, _version = _split(serializer)
        teams = _teams(data.pop("teams", []))
        serializer.instance = services.plan_create(actor=self.request.user, teams=teams, **data)

    def perform_update(self, serializer):
        data, version = _split(serializer)
        data.pop("route", None)
        teams = _teams(data.pop("teams", None))
        serializer.instance = services.plan_update(actor=self.request.user, plan=serializer.instance, data=data,
                                                   teams=teams, expected_version=version)


class RunViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Runs: the police of the park see them all; everyone else only the runs they take part in."""

    permission_classes = [RUNS]
    queryset = PatrolRun.objects.select_related("route", "park").defer(*selectors.HEAVY_PARK_FIELDS)
    serializer_class = RunSerializer
    filterset_class = RunFilterSet

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action == "track":  # the run alone: the track's answer names no participant
            return qs
        qs = qs.prefetch_related("participants")
        if self.action == "retrieve":
            qs = qs.prefetch_related("checkins__checkpoint", "checkins__recorded_by", "findings__incident")
        return qs

    def get_serializer_class(self):
        return RunDetailSerializer if self.action == "retrieve" else RunSerializer

    def _detail(self, request, run, status_code=status.HTTP_200_OK):
        return Response(RunDetailSerializer(self.get_queryset().get(pk=run.pk), context={"request": request}).data,
                        status=status_code)

    @extend_schema(request=RunStartSerializer, responses={201: RunDetailSerializer})
    def create(self, request):
        """Start a run from a plan (in its window) or, for the police, an ad-hoc run of a route."""
        body = RunStartSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        plan, route = data.get("plan"), data.get("route")
        if plan is not None and not services.can_run_plan(request.user, plan):
            return Response({"plan": [_("No such plan.")]}, status=status.HTTP_400_BAD_REQUEST)
        if route is not None and not Route.objects.visible_to(request.user).filter(pk=route.pk).exists():
            return Response({"route": [_("No such route.")]}, status=status.HTTP_400_BAD_REQUEST)
        run = services.run_start(actor=request.user, plan=plan, route=route, mode=data.get("mode"),
                                 participants=data.get("participants", []), at=data.get("started_at"),
                                 late_reason=data["late_reason"], note=data["note"])
        return self._detail(request, run, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=RunDetailSerializer)
    @action(detail=True, methods=["post"])
    def join(self, request, pk=None):
        """Join a running patrol (the police of its park, or a volunteer of a team its plan calls for)."""
        run = selectors.get_visible(selectors.joinable_runs(request.user), pk)
        services.run_join(actor=request.user, run=run)
        return self._detail(request, run)

    @extend_schema(request=RunFinishSerializer, responses=RunDetailSerializer)
    @action(detail=True, methods=["post"])
    def finish(self, request, pk=None):
        run = self.get_object()
        body = RunFinishSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.run_finish(actor=request.user, run=run, at=body.validated_data.get("finished_at"),
                            late_reason=body.validated_data["late_reason"],
                            expected_version=body.validated_data["version"])
        return self._detail(request, run)

    @extend_schema(request=ScanSerializer, responses={201: CheckInSerializer, 200: CheckInSerializer},
                   parameters=[idempotency_parameter(
                       "The phone's key for this scan (any visible ASCII up to 100 characters): a scan resent "
                       "after a lost answer, or from the offline queue, is stored once and answered with the "
                       "first check-in.")])
    @action(detail=True, methods=["post"])
    def scans(self, request, pk=None):
        """Check in at a checkpoint by its scanned QR text or typed code. A scan that looks gamed (the same
        checkpoint again within minutes, faster than the mode allows, far from the checkpoint) is stored with
        its flags and `counted: false`."""
        run = self.get_object()
        body = ScanSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        key = request.headers.get("Idempotency-Key") or ""
        named = None
        if data.get("checkpoint"):
            named = Checkpoint.objects.filter(pk=data["checkpoint"]).first()
            if named is None:
                return Response({"checkpoint": [_("No such checkpoint.")]}, status=status.HTTP_400_BAD_REQUEST)

        def perform():
            checkin, created = services.checkin_record(
                actor=request.user, run=run, code=data["code"], at=data.get("at"), lon=data.get("lon"),
                lat=data.get("lat"), client_key=key, method=data["method"], checkpoint=named)
            code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
            return checkin.pk, Response(CheckInSerializer(checkin).data, status=code)

        def replay(object_id, status_code):
            checkin = get_object_or_404(CheckIn.objects.filter(run=run), pk=object_id)
            return Response(CheckInSerializer(checkin).data, status=status_code)

        return idempotent(request, scope="patrol-scan", fingerprint=request_fingerprint(request.data),
                          perform=perform, replay=replay)

    @extend_schema(request=FindingCreateSerializer, responses={201: FindingSerializer})
    @action(detail=True, methods=["post"])
    def findings(self, request, pk=None):
        """Report what was seen during the run: an incident of the run's park, linked to the run."""
        run = self.get_object()
        body = FindingCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        checkpoint = None
        if data.get("checkpoint"):
            checkpoint = Checkpoint.objects.filter(pk=data["checkpoint"], park_id=run.park_id).first()
            if checkpoint is None:
                return Response({"checkpoint": [_("No such checkpoint in this park.")]},
                                status=status.HTTP_400_BAD_REQUEST)
        finding = services.finding_report(actor=request.user, run=run, kind=data["kind"],
                                          description=data["description"], at=data.get("at"), lon=data.get("lon"),
                                          lat=data.get("lat"), checkpoint=checkpoint)
        return Response(FindingSerializer(finding).data, status=status.HTTP_201_CREATED)



    def _track_run(self, request):
        """The run, if the user sees it (the scoped queryset, without the list's filters: a batch of positions
        is not a search); a volunteer who could join it but is not on it is told no (403)."""
        try:
            run = selectors.get_visible(self.get_queryset(), self.kwargs["pk"])
        except Http404:
            selectors.get_visible(selectors.joinable_runs(request.user), self.kwargs["pk"])  # else 404
            raise PermissionDenied(_("You are not allowed to do this here.")) from None
        self.check_object_permissions(request, run)
        return run

    @extend_schema(methods=["get"], summary="巡逻轨迹 / The run's GPS track", responses=TrackPointSerializer(many=True),
                   description=_("Every stored position of the run, oldest first (all devices)."))
    @extend_schema(methods=["post"], summary="上报轨迹 / Send GPS positions of the run", request=TrackIngestSerializer,
                   responses=TrackIngestResultSerializer,
                   description=_("A batch of up to 1000 positions of one device (participants of the run, or "
                                 "the police of its park; a device signs in with its bearer token). Each point "
                                 "is kept or refused on its own, with the reason; a point the device sent "
                                 "before is counted as a duplicate, never stored twice. A kept point near a "
                                 "checkpoint not yet reached checks in there (method gps)."))
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def track(self, request, pk=None):
        run = self._track_run(request)
        if request.method == "GET":
            return Response(TrackPointSerializer(track.track_points(run), many=True).data)
        body = TrackIngestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        device = data["device"] or (f"token{request.auth.pk}" if getattr(request.auth, "pk", None) else "")
        result = services.track_ingest(actor=request.user, run=run, points=data["points"], device=device,
                                       coords=data["coords"])
        return Response(result)
