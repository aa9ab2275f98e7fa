"""Background checks over the API: scoped reads (an opened check and every exported row are audited reads); every
write through checks.services. Answering needs a session or token that passed the second factor."""
from datetime import datetime, time, timedelta

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from parkbeat.checks import selectors, services
from parkbeat.checks.api.serializers import (BackgroundCheckDetailSerializer, BackgroundCheckSerializer,
                                             CheckAnswerSerializer, CheckFiguresQuerySerializer,
                                             CheckFiguresSerializer, CheckRequestSerializer)
from parkbeat.checks.filters import BackgroundCheckFilterSet
from parkbeat.checks.models import BackgroundCheck, PostKind
from parkbeat.checks.tables import BackgroundCheckTable
from parkbeat.core.api import ScopedViewSetMixin
from parkbeat.core.api_permissions import require_perm
from parkbeat.core.exports import (XLSX_CONTENT_TYPE, XLSX_RESPONSE, ExportRateLimited, XlsxRenderer,
                                   download_response)
from parkbeat.core.parsers import JSONParser
from parkbeat.core.permissions import can
from parkbeat.core.tables import export_table


class BackgroundCheckViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Background checks: the leader and officers of the park, the liaisons of the enterprise that asked."""

    permission_classes = [require_perm("check.view")]
    queryset = BackgroundCheck.objects.select_related("enterprise", "park")
    serializer_class = BackgroundCheckSerializer
    filterset_class = BackgroundCheckFilterSet
    parser_classes = [JSONParser, MultiPartParser]  # a request carries its consent file: multipart

    def get_serializer_class(self):
        return BackgroundCheckSerializer if self.action == "list" else BackgroundCheckDetailSerializer

    def handle_exception(self, exc):
        """The export's errors go out as JSON even when the client asked for the spreadsheet (?format=xlsx)."""
        response = super().handle_exception(exc)
        if getattr(self, "action", None) == "export":
            self.request.accepted_renderer, self.request.accepted_media_type = JSONRenderer(), "application/json"
        return response

    def _detail(self, request, check, status=200):
        return Response(BackgroundCheckDetailSerializer(check, context={"request": request}).data, status=status)

    def retrieve(self, request, pk=None):
        """One check in full (the resident ID still masked); the read goes on the audit trail."""
        check = self.get_object()
        services.checks_read(actor=request.user, checks=[check], via="api")
        return self._detail(request, check)

    @extend_schema(request={"multipart/form-data": CheckRequestSerializer},
                   responses={201: BackgroundCheckDetailSerializer})
    def create(self, request):
        """Ask for a check (the enterprise's liaison), with the candidate's signed consent (multipart, required)."""
        if not can(request.user, "check.request"):
            raise PermissionDenied()
        body = CheckRequestSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        check = services.check_request(actor=request.user, **body.validated_data)
        return self._detail(request, check, status=201)

    @extend_schema(request=CheckAnswerSerializer, responses=BackgroundCheckDetailSerializer)
    @action(detail=True, methods=["post"], parser_classes=[JSONParser])  # no file: JSON only
    def answer(self, request, pk=None):
        """Answer a check (leader or officer of the park, with the second factor passed): outcome and advice, against
        the `version` you loaded; a second answer gets 409."""
        check = self.get_object()
        if not can(request.user, "check.handle", check):
            raise PermissionDenied()
        body = CheckAnswerSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        check = services.check_answer(actor=request.user, check=check, outcome=data["outcome"], advice=data["advice"],
                                      second_factor=services.second_factor_passed(request),
                                      expected_version=data["version"])
        return self._detail(request, check)

    @extend_schema(parameters=[CheckFiguresQuerySerializer], responses=CheckFiguresSerializer)
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def figures(self, request):
        """Requests, answered, median answer time and outcomes per post type for a period (Asia/Shanghai days,
        default this year so far) and optionally one park; the leader and officers, over their parks."""
        if not can(request.user, "check.figures"):
            raise PermissionDenied()
        query = CheckFiguresQuerySerializer(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        today = timezone.localdate()
        start = query.validated_data.get("start") or today.replace(month=1, day=1)
        end = query.validated_data.get("end") or today
        zone = timezone.get_current_timezone()
        figures = selectors.check_figures(user=request.user, park=query.validated_data.get("park"),
                                          start=datetime.combine(start, time.min, zone),
                                          end=datetime.combine(end + timedelta(days=1), time.min, zone))
        return Response(CheckFiguresSerializer({"start": start, "end": end, **figures}).data)

    @extend_schema(
        parameters=[OpenApiParameter("status", str, enum=BackgroundCheck.Status.values),
                    OpenApiParameter("post_kind", str, enum=PostKind.values),
                    OpenApiParameter("outcome", str, enum=BackgroundCheck.Outcome.values),
                    OpenApiParameter("enterprise", int), OpenApiParameter("park", int)],
        responses={(200, XLSX_CONTENT_TYPE): XLSX_RESPONSE,
                   400: OpenApiResponse(description="Invalid filters or too many rows"),
                   429: OpenApiResponse(description="Too many exports this hour")})
    @action(detail=False, methods=["get"], pagination_class=None, renderer_classes=[JSONRenderer, XlsxRenderer])
    def export(self, request):
        """The filtered checks as .xlsx, names and IDs masked; the export and each exported check are audited."""
        queryset = self.filter_queryset(self.get_queryset()).order_by("-created_at", "-id")
        table = BackgroundCheckTable(queryset, user=request.user)
        filters = {key: value for key, value in request.query_params.items() if key != "format"}
        try:
            with transaction.atomic():
                content, filename, ascii_name, content_type = export_table(table, queryset, user=request.user,
                                                                           filters=filters)
                reads = queryset.order_by().select_related(None).only("pk")
                services.checks_read(actor=request.user, checks=reads, via="export")
        except ExportRateLimited as exc:
            raise exceptions.Throttled(detail=str(exc)) from None
        except DjangoValidationError as exc:
            raise exceptions.ValidationError({"detail": " ".join(exc.messages)}) from None
        return download_response(content, filename, ascii_name, content_type)
