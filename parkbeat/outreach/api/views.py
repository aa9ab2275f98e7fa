"""Publicity over the API: scoped reads (another station's lecture is a 404); every write through outreach.services.
A lecture refused inside production hours answers 400 with `starts_at` and the `free_slots`."""
from datetime import datetime, time, timedelta

from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from parkbeat.core.api import ScopedViewSetMixin
from parkbeat.core.api_permissions import require_perm
from parkbeat.core.parsers import JSONParser
from parkbeat.core.permissions import can
from parkbeat.outreach import services
from parkbeat.outreach.api import serializers as s
from parkbeat.outreach.figures import coverage_rows, outreach_figures
from parkbeat.outreach.filters import AdoptionFilterSet, LectureFilterSet
from parkbeat.outreach.models import Campaign, Lecture, LectureEvent, Rule, RuleAdoption, Speaker
from parkbeat.outreach.selectors import campaign_materials
from parkbeat.outreach.timetable import SHANGHAI

VIEW = require_perm("outreach.view")


def _body(serializer_class, request):
    body = serializer_class(data=request.data, context={"request": request})
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)


def _query(serializer_class, request):
    query = serializer_class(data=request.query_params, context={"request": request})
    query.is_valid(raise_exception=True)
    return query.validated_data


def _manage(request, obj=None):
    if not can(request.user, "outreach.manage", obj):
        raise PermissionDenied()


def refusal(exc):
    """The 400 body of a lecture refused inside production hours: the message, `starts_at` and the free slots."""
    message = exc.message_dict["starts_at"][0]
    return Response({"detail": message, "starts_at": [message], "free_slots": [
        {"starts_at": a.isoformat(), "ends_at": b.isoformat()} for a, b in exc.free_slots]}, status=400)


def _period(q):
    start = datetime.combine(q["start"], time(), SHANGHAI) if q.get("start") else None
    end = datetime.combine(q["end"] + timedelta(days=1), time(), SHANGHAI) if q.get("end") else None
    return start, end


class CampaignViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                      viewsets.ReadOnlyModelViewSet):
    """Publicity campaigns of the stations whose parks you police."""

    permission_classes = [require_perm("outreach.manage")]
    queryset = Campaign.objects.prefetch_related("parks", "enterprises")
    serializer_class = s.OutreachCampaignSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def _detail(self, request, status=200):
        return Response(s.OutreachCampaignSerializer(self.get_object(), context={"request": request}).data,
                        status=status)

    def list(self, request, *args, **kwargs):
        """The page's campaigns with their materials read in one query (not one per campaign)."""
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = list(page if page is not None else queryset)
        context = {**self.get_serializer_context(), "materials": campaign_materials(rows)}
        data = s.OutreachCampaignSerializer(rows, many=True, context=context).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    @extend_schema(summary="新建宣传活动 / Create a campaign", request=s.OutreachCampaignCreateSerializer,
                   responses={201: s.OutreachCampaignSerializer})
    def create(self, request):
        campaign = services.campaign_create(actor=request.user, **_body(s.OutreachCampaignCreateSerializer, request))
        self.kwargs["pk"] = campaign.pk
        return self._detail(request, status=201)

    @extend_schema(summary="修改宣传活动 / Change a campaign", request=s.OutreachCampaignUpdateSerializer,
                   responses=s.OutreachCampaignSerializer)
    def partial_update(self, request, pk=None):
        campaign = self.get_object()
        data = _body(s.OutreachCampaignUpdateSerializer, request)
        version = data.pop("version")
        parks, enterprises = data.pop("parks", None), data.pop("enterprises", None)
        services.campaign_update(actor=request.user, campaign=campaign, data=data, parks=parks,
                                 enterprises=enterprises, expected_version=version)
        return self._detail(request)

    def update(self, request, *args, **kwargs):  # PATCH only (http_method_names): never reached by PUT
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(summary="上传宣传材料 / Upload materials", request={"multipart/form-data": s.OutreachMaterialsSerializer},
                   responses={201: s.OutreachCampaignSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def materials(self, request, pk=None):
        campaign = self.get_object()
        data = _body(s.OutreachMaterialsSerializer, request)
        services.campaign_update(actor=request.user, campaign=campaign, data={}, materials=data["files"])
        return self._detail(request, status=201)


class LectureViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Lectures: the police of the park, the enterprise's liaisons, the volunteers who speak at them."""

    permission_classes = [VIEW]
    queryset = Lecture.objects.select_related("enterprise").prefetch_related(
        Prefetch("speakers", queryset=Speaker.objects.select_related("user").order_by("id")))
    serializer_class = s.OutreachLectureSerializer
    filterset_class = LectureFilterSet

    def get_parsers(self):
        """JSON; the create and the change also as multipart (the liaison's written agreement)."""
        method = getattr(self.request, "method", "").lower()
        if getattr(self, "action_map", {}).get(method) in ("create", "partial_update"):
            return [JSONParser(), MultiPartParser()]
        return super().get_parsers()

    def _detail(self, request, status=200):
        return Response(s.OutreachLectureSerializer(self.get_object(), context={"request": request}).data,
                        status=status)

    @extend_schema(summary="安排宣讲 / Schedule a lecture",
                   request={"application/json": s.OutreachLectureCreateSerializer,
                            "multipart/form-data": s.OutreachLectureCreateSerializer},
                   responses={201: s.OutreachLectureSerializer,
                              400: OpenApiResponse(s.OutreachRefusalSerializer, description=(
                                  "在生产时间内（或与已安排的宣讲冲突）：`starts_at` 与可选时段 / Inside production "
                                  "hours (or over a planned lecture): `starts_at` and the free slots."))})
    def create(self, request):
        """Schedule a lecture (the police of the park): refused inside the enterprise's production hours unless the
        liaison's written agreement is attached (`agreement`, multipart)."""
        _manage(request)
        data = _body(s.OutreachLectureCreateSerializer, request)
        try:
            lecture = services.lecture_schedule(actor=request.user, **data)
        except services.ProductionHoursConflict as exc:
            return refusal(exc)
        self.kwargs["pk"] = lecture.pk
        return self._detail(request, status=201)

    @extend_schema(summary="修改宣讲 / Change a lecture",
                   request={"application/json": s.OutreachLectureUpdateSerializer,
                            "multipart/form-data": s.OutreachLectureUpdateSerializer},
                   responses={200: s.OutreachLectureSerializer, 400: s.OutreachRefusalSerializer})
    def partial_update(self, request, pk=None):
        """Change a planned lecture; a new time inside production hours needs a fresh written agreement
        (`agreement`, multipart): the one given for the old time does not carry over."""
        lecture = self.get_object()
        _manage(request, lecture)
        data = _body(s.OutreachLectureUpdateSerializer, request)
        version, speakers = data.pop("version"), data.pop("speakers", None)
        agreement = data.pop("agreement", None)
        try:
            services.lecture_update(actor=request.user, lecture=lecture, data=data, speakers=speakers,
                                    agreement=agreement, expected_version=version)
        except services.ProductionHoursConflict as exc:
            return refusal(exc)
        return self._detail(request)

    @extend_schema(request=s.OutreachTransitionSerializer, responses=s.OutreachLectureSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Planned -> held (once it has started) or cancelled."""
        lecture = self.get_object()
        _manage(request, lecture)
        data = _body(s.OutreachTransitionSerializer, request)
        services.lecture_transition(actor=request.user, lecture=lecture, to=data["to"], at=data.get("at"),
                                    late_reason=data["late_reason"], note=data["note"],
                                    expected_version=data["version"])
        return self._detail(request)

    @extend_schema(summary="登记参加人数 / Record attendance", request=s.OutreachAttendanceSerializer,
                   responses=s.OutreachLectureSerializer)
    @action(detail=True, methods=["post"])
    def attendance(self, request, pk=None):
        """The people reached by a lecture held, with when they were counted."""
        lecture = self.get_object()
        _manage(request, lecture)
        data = _body(s.OutreachAttendanceSerializer, request)
        services.lecture_record_attendance(actor=request.user, lecture=lecture, attendance=data["attendance"],
                                           at=data.get("at"), late_reason=data["late_reason"], note=data["note"],
                                           expected_version=data["version"])
        return self._detail(request)

    @extend_schema(summary="宣讲经过 / The lecture's history", responses=s.OutreachLectureEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def events(self, request, pk=None):
        lecture = self.get_object()
        rows = LectureEvent.objects.visible_to(request.user).filter(lecture=lecture).order_by("at", "id")
        return Response(s.OutreachLectureEventSerializer(rows, many=True).data)

    @extend_schema(summary="可选时段 / Free slots", parameters=[s.OutreachFreeSlotsQuerySerializer],
                   responses=s.OutreachSlotSerializer(many=True))
    @action(detail=False, methods=["get"], url_path="free-slots", pagination_class=None, filter_backends=[])
    def free_slots(self, request):
        """The next free slots of `minutes` at the enterprise, from `starts_at` (default now) over the following
        seven days, 08:00–21:00, outside production hours and its other planned lectures."""
        _manage(request)
        q = _query(s.OutreachFreeSlotsQuerySerializer, request)
        enterprise = q["enterprise"]
        _manage(request, enterprise)
        exclude = Lecture.objects.visible_to(request.user).filter(pk=q.get("lecture")).first() if q.get(
            "lecture") else None
        slots = services.suggested_slots(enterprise, starts_at=q.get("starts_at") or timezone.now(),
                                         duration=timedelta(minutes=q["minutes"]), exclude=exclude)
        return Response([{"starts_at": a.isoformat(), "ends_at": b.isoformat()} for a, b in slots])

    @extend_schema(parameters=[s.OutreachFiguresQuerySerializer], responses=s.OutreachFiguresSerializer)
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def figures(self, request):
        """Lectures held, people reached, enterprises reached / in scope, by theme and campaign, for the period
        (`start`…`end`, both included, Asia/Shanghai; default: all)."""
        if not can(request.user, "outreach.coverage"):
            raise PermissionDenied()
        q = _query(s.OutreachFiguresQuerySerializer, request)
        start, end = _period(q)
        return Response(outreach_figures(user=request.user, start=start, end=end, park=q.get("park"),
                                         campaign=q.get("campaign")))


class CoverageViewSet(viewsets.GenericViewSet):
    """Coverage per enterprise you see: people reached / headcount, for a period or a campaign's targets."""

    permission_classes = [require_perm("outreach.coverage")]
    serializer_class = s.OutreachCoverageSerializer

    def get_queryset(self):
        return coverage_rows(user=self.request.user).order_by("name", "id")

    @extend_schema(summary="覆盖情况 / Coverage", parameters=[s.OutreachCoverageQuerySerializer],
                   responses=s.OutreachCoverageSerializer(many=True))
    def list(self, request):
        q = _query(s.OutreachCoverageQuerySerializer, request)
        start, end = _period(q)
        rows = coverage_rows(user=request.user, start=start, end=end, campaign=q.get("campaign"), park=q.get("park"),
                             band=q.get("band")).order_by("name", "id")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(s.OutreachCoverageSerializer(page, many=True).data)


class RuleViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The rules (规矩) of the stations whose parks you police."""

    permission_classes = [require_perm("outreach.manage")]
    queryset = Rule.objects.all()
    serializer_class = s.OutreachRuleSerializer

    @extend_schema(summary="新建规矩 / Create a rule", request=s.OutreachRuleCreateSerializer,
                   responses={201: s.OutreachRuleSerializer})
    def create(self, request):
        rule = services.rule_create(actor=request.user, **_body(s.OutreachRuleCreateSerializer, request))
        return Response(s.OutreachRuleSerializer(rule).data, status=201)


class AdoptionViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Which enterprises adopted which rule, since when: the police of the park, the enterprise's liaisons."""

    permission_classes = [require_perm("outreach.coverage")]
    queryset = RuleAdoption.objects.select_related("rule", "enterprise")
    serializer_class = s.OutreachAdoptionSerializer
    filterset_class = AdoptionFilterSet

    @extend_schema(summary="登记采纳规矩 / Record an adoption", request=s.OutreachAdoptionCreateSerializer,
                   responses={201: s.OutreachAdoptionSerializer})
    def create(self, request):
        _manage(request)
        adoption = services.adoption_record(actor=request.user, **_body(s.OutreachAdoptionCreateSerializer, request))
        return Response(s.OutreachAdoptionSerializer(adoption).data, status=201)

    @extend_schema(summary="终止采纳 / End an adoption", request=s.OutreachAdoptionEndSerializer,
                   responses=s.OutreachAdoptionSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        adoption = self.get_object()
        _manage(request, adoption)
        data = _body(s.OutreachAdoptionEndSerializer, request)
        services.adoption_end(actor=request.user, adoption=adoption, ended_on=data["ended_on"], note=data["note"],
                              expected_version=data["version"])
        adoption.refresh_from_db()
        return Response(s.OutreachAdoptionSerializer(adoption).data)
