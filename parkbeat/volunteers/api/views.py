"""Thin viewsets: scoping from ScopedViewSetMixin, every write through volunteers.services."""
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from parkbeat.core.api import ScopedViewSetMixin
from parkbeat.core.api_permissions import require_perm
from parkbeat.volunteers import selectors, services
from parkbeat.volunteers.api.hours import (PERIOD_PARAMETERS, PeriodQuerySerializer, RankingQuerySerializer,
                                           VolunteerHoursSerializer, VolunteerRankingSerializer)
from parkbeat.volunteers.api.serializers import (CaptainSerializer, EventSerializer, NominationSerializer,
                                                 SupportRecordCreateSerializer, SupportRecordSerializer,
                                                 TeamCreateSerializer, TeamUpdateSerializer, TrainingCreateSerializer,
                                                 TrainingSerializer, TransitionSerializer, VolunteerDetailSerializer,
                                                 VolunteerSerializer, VolunteerTeamDetailSerializer,
                                                 VolunteerTeamSerializer, VolunteerUpdateSerializer)
from parkbeat.volunteers.filters import VolunteerFilterSet, VolunteerTeamFilterSet
from parkbeat.volunteers.models import SupportRecord, Training, Volunteer, VolunteerTeam

# Administrators, mediators and agency staff: 403 on the lists, as on the pages; records stay 404 out of scope.
VOLUNTEER_LIST = require_perm("volunteer.view", actions={"list"})


class VolunteerViewSet(ScopedViewSetMixin, viewsets.GenericViewSet, mixins.ListModelMixin,
                       mixins.RetrieveModelMixin):
    """Volunteers in the user's scope (a volunteer: their own record). Resident IDs and mobiles are masked."""

    permission_classes = [VOLUNTEER_LIST]
    queryset = Volunteer.objects.select_related("team")
    serializer_class = VolunteerSerializer
    filterset_class = VolunteerFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action == "retrieve":
            qs = qs.select_related("nominated_by").prefetch_related("transitions__actor", "trainings__recorded_by",
                                                                     "support_records__recorded_by")
        return qs

    def get_serializer_class(self):
        return VolunteerDetailSerializer if self.action == "retrieve" else VolunteerSerializer

    def _detail(self, request, pk, code=status.HTTP_200_OK):
        """The volunteer after a write, re-read within the user's scope (404 if the write moved it out)."""
        volunteer = get_object_or_404(
            Volunteer.objects.visible_to(request.user).select_related("team", "nominated_by")
            .prefetch_related("transitions__actor", "trainings__recorded_by", "support_records__recorded_by"), pk=pk)
        return Response(VolunteerDetailSerializer(volunteer, context={"request": request}).data, status=code)

    @extend_schema(request=NominationSerializer, responses={201: VolunteerDetailSerializer})
    def create(self, request):
        """The liaison nominates an employee for their own enterprise's team (status `nominated`)."""
        body = NominationSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        data["duties"] = sorted(data["duties"])
        volunteer = services.volunteer_nominate(actor=request.user, **data)
        return self._detail(request, volunteer.pk, status.HTTP_201_CREATED)

    @extend_schema(request=VolunteerUpdateSerializer, responses=VolunteerDetailSerializer)
    def partial_update(self, request, pk=None):
        """Name, mobile, post and duties; send the `version` you loaded (a stale one gets 409)."""
        volunteer = self.get_object()
        body = VolunteerUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        version = data.pop("version")
        if "duties" in data:
            data["duties"] = sorted(data["duties"])
        services.volunteer_update(actor=request.user, volunteer=volunteer, data=data, expected_version=version)
        return self._detail(request, volunteer.pk)

    def _event(self, request, service, body_class=EventSerializer):
        volunteer = self.get_object()
        body = body_class(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        service(actor=request.user, volunteer=volunteer, note=data.pop("note"), at=data.pop("at"),
                late_reason=data.pop("late_reason"), expected_version=data.pop("version"), **data)
        return self._detail(request, volunteer.pk)

    @extend_schema(parameters=PERIOD_PARAMETERS, responses=VolunteerHoursSerializer)
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def hours(self, request, pk=None):
        """Hours served in the period (from completed patrol runs, as they happened), bonuses and points. The
        volunteer in the user's scope, or a member of the team the user captains; 404 otherwise."""
        from parkbeat.volunteers import hours
        from parkbeat.volunteers.service_views import service_volunteer_get

        query = PeriodQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        volunteer, _full = service_volunteer_get(user=request.user, pk=pk)
        start, end = query.validated_data["start"], query.validated_data["end"]
        return Response({"volunteer": volunteer.pk, "start": start, "end": end,
                         **hours.person_service(volunteer, start, end),
                         "reliability": hours.reliability(volunteer, start, end)
                         or {"assigned": 0, "attended": 0, "no_shows": 0, "rate": None}})

    @extend_schema(request=EventSerializer, responses=VolunteerDetailSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Vetting: the nomination is approved, the volunteer becomes active; the nominating liaison is told."""
        return self._event(request, services.volunteer_approve)

    @extend_schema(request=EventSerializer, responses=VolunteerDetailSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Vetting: the nomination is rejected with a reason (`note`, required); the nominating liaison is told."""
        return self._event(request, services.volunteer_reject)

    @extend_schema(request=TransitionSerializer, responses=VolunteerDetailSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """A later status change: suspend (reason), reinstate, left (reason), with when it happened."""
        return self._event(request, services.volunteer_transition, TransitionSerializer)


class VolunteerTeamViewSet(ScopedViewSetMixin, viewsets.GenericViewSet, mixins.ListModelMixin,
                           mixins.RetrieveModelMixin):
    """Teams per enterprise and park. The detail's roster gives names only, for every role that sees the team."""

    permission_classes = [VOLUNTEER_LIST]
    queryset = VolunteerTeam.objects.select_related("park", "enterprise").defer(*selectors.HEAVY_PARK_FIELDS)
    serializer_class = VolunteerTeamSerializer
    filterset_class = VolunteerTeamFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        from django.db.models import Count, Q

        active = Count("members", filter=Q(members__status=Volunteer.Status.ACTIVE))
        return super().get_queryset().annotate(active_count=active).order_by("park_id", "name", "id")

    def get_serializer_class(self):
        return VolunteerTeamDetailSerializer if self.action != "list" else VolunteerTeamSerializer

    def _detail(self, request, pk, code=status.HTTP_200_OK):
        team = self.get_queryset().get(pk=pk)
        context = {"request": request, "captain": selectors.team_captain(team=team),
                   "roster": selectors.team_roster(team=team)}
        return Response(VolunteerTeamDetailSerializer(team, context=context).data, status=code)

    def retrieve(self, request, pk=None):
        team = self.get_object()
        return self._detail(request, team.pk)

    @extend_schema(request=TeamCreateSerializer, responses={201: VolunteerTeamDetailSerializer})
    def create(self, request):
        """A new team in a park the officer or leader polices (optionally an enterprise's)."""
        body = TeamCreateSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        team = services.team_create(actor=request.user, **body.validated_data)
        return self._detail(request, team.pk, status.HTTP_201_CREATED)

    @extend_schema(request=TeamUpdateSerializer, responses=VolunteerTeamDetailSerializer)
    def partial_update(self, request, pk=None):
        """Rename; send the `version` you loaded."""
        team = self.get_object()
        body = TeamUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.team_update(actor=request.user, team=team, data={"name": body.validated_data["name"]},
                             expected_version=body.validated_data["version"])
        return self._detail(request, team.pk)

    @extend_schema(request=CaptainSerializer, responses=VolunteerTeamDetailSerializer)
    @action(detail=True, methods=["post"])
    def captain(self, request, pk=None):
        """Make an active member the team's one captain."""
        team = self.get_object()
        body = CaptainSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        volunteer = Volunteer.objects.filter(team=team, pk=body.validated_data["volunteer"]).first()
        if volunteer is None:
            raise serializers.ValidationError({"volunteer": [_("No member of this team has that id.")]})
        services.team_set_captain(actor=request.user, team=team, volunteer=volunteer,
                                  expected_version=body.validated_data["version"])
        return self._detail(request, team.pk)


class _RecordViewSet(ScopedViewSetMixin, viewsets.GenericViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    permission_classes = [VOLUNTEER_LIST]
    filterset_fields = ["volunteer"]
    create_serializer = None
    service = None

    def create(self, request):
        body = self.create_serializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        obj = type(self).service(actor=request.user, **body.validated_data)
        return Response(self.serializer_class(obj, context={"request": request}).data, status=status.HTTP_201_CREATED)


class TrainingViewSet(_RecordViewSet):
    """Training records of the volunteers in scope (`?volunteer=`)."""

    queryset = Training.objects.select_related("recorded_by")
    serializer_class = TrainingSerializer
    create_serializer = TrainingCreateSerializer
    service = staticmethod(services.training_create)

    @extend_schema(request=TrainingCreateSerializer, responses={201: TrainingSerializer})
    def create(self, request):
        """Record a training (police of the volunteer's park)."""
        return super().create(request)


class SupportRecordViewSet(_RecordViewSet):
    """Insurance and allowances of the volunteers in scope (`?volunteer=`), with their expiry dates."""

    queryset = SupportRecord.objects.select_related("recorded_by")
    serializer_class = SupportRecordSerializer
    create_serializer = SupportRecordCreateSerializer
    service = staticmethod(services.support_create)

    @extend_schema(request=SupportRecordCreateSerializer, responses={201: SupportRecordSerializer})
    def create(self, request):
        """Record insurance or an allowance (police of the volunteer's park)."""
        return super().create(request)


class VolunteerRankingView(APIView):
    """Rankings by hours served and points for a period, by person or by team, over what the user sees."""

    permission_classes = [require_perm("volunteer.view")]

    @extend_schema(parameters=[*PERIOD_PARAMETERS,
                               OpenApiParameter("by", OpenApiTypes.STR, enum=["person", "team"]),
                               OpenApiParameter("team", OpenApiTypes.INT, description=_(
                                   "By person: only this team's members (a team out of scope: 404)."))],
                   responses=VolunteerRankingSerializer)
    def get(self, request):
        """Ranked by points (equal points, equal rank); hours from completed patrol runs as they happened."""
        from parkbeat.volunteers import hours

        query = RankingQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        by = data["by"]
        rows = hours.ranking(user=request.user, start=data["start"], end=data["end"], by=by)
        if data.get("team") and by == "person":
            team = selectors.team_get(user=request.user, pk=data["team"])
            rows = rows.filter(team=team)
        return Response({"start": data["start"], "end": data["end"], "by": by,
                         "points_per_hour": hours.POINTS_PER_HOUR, "results": hours.ranking_rows(rows, by)})
