"""Roster import/export over the API: thin views around enterprises.spreadsheets."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from parkbeat.core.api import OnlyDetailRequiredMixin, SpreadsheetImportAPIView
from parkbeat.core.serializers import StrictSerializer
from parkbeat.core.exports import XLSX_CONTENT_TYPE, XLSX_RESPONSE, ExportRateLimited, XlsxRenderer
from parkbeat.core.permissions import can
from parkbeat.enterprises import spreadsheets
from parkbeat.enterprises.models import Enterprise, Industry
from parkbeat.enterprises.views_io import filtered_enterprises, roster_filename, xlsx_response


def role_permission(perm):
    """A DRF permission class granting `perm` (roles from core.permissions; scope is the service's business)."""

    class RolePermission(BasePermission):
        message = gettext_lazy("You are not allowed to do this.")

        def has_permission(self, request, view):
            return can(request.user, perm)

    RolePermission.__name__ = f"Can_{perm.replace('.', '_')}"
    return RolePermission


class JsonErrorsMixin:
    """Errors go out as JSON even when the client asked for the spreadsheet (Accept or ?format=xlsx)."""

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        self.request.accepted_renderer, self.request.accepted_media_type = JSONRenderer(), "application/json"
        return response


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True, help_text="Spreadsheet row (1 = header); null for the whole file")
    column = serializers.CharField(help_text="Column title, empty for the whole row or file")
    message = serializers.CharField()


class ImportRequestSerializer(StrictSerializer):
    file = serializers.FileField(help_text="The roster as .xlsx, in the template's columns")
    import_good_rows = serializers.BooleanField(default=False,
                                                help_text="Import the valid rows even if other rows have errors")


class ImportSummarySerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    skipped = serializers.IntegerField(help_text="The template's example row, ignored")
    imported = serializers.BooleanField()
    error_count = serializers.IntegerField()
    errors = RowErrorSerializer(many=True, help_text="At most 1000 are listed; error_count counts all")


class ImportRefusedSerializer(OnlyDetailRequiredMixin, ImportSummarySerializer):
    """400: always `detail`; the summary and row errors when the file was read, the field errors when the
    request itself was invalid (no file, say)."""

    detail = serializers.CharField()


XLSX = XLSX_CONTENT_TYPE


class EnterpriseImportAPIView(SpreadsheetImportAPIView):
    """Import the enterprise roster from an .xlsx file (station leaders and park officers, into their parks)."""

    permission_classes = [IsAuthenticated, role_permission("enterprise.import")]
    request_serializer = ImportRequestSerializer

    def run_import(self, *, user, fileobj, import_good_rows):
        return spreadsheets.import_roster(user=user, fileobj=fileobj, import_good_rows=import_good_rows)

    @extend_schema(
        request={"multipart/form-data": ImportRequestSerializer},
        responses={200: ImportSummarySerializer, 400: ImportRefusedSerializer},
        description="Every row is checked first. With any error nothing is written (400 with the row errors) "
        "unless `import_good_rows` is true. Existing enterprises are updated by credit code.",
    )
    def post(self, request):
        return super().post(request)


class EnterpriseImportTemplateAPIView(JsonErrorsMixin, APIView):
    """The .xlsx import template, listing the parks the user may import into."""

    permission_classes = [IsAuthenticated, role_permission("enterprise.import")]
    renderer_classes = [JSONRenderer, XlsxRenderer]

    @extend_schema(responses={(200, XLSX): XLSX_RESPONSE})
    def get(self, request):
        return xlsx_response(spreadsheets.import_template(user=request.user), "企业名册导入模板.xlsx",
                             "enterprise_import_template.xlsx")


class EnterpriseExportAPIView(JsonErrorsMixin, APIView):
    """The user's enterprises as .xlsx, filtered like the enterprise list; logged on the audit trail."""

    permission_classes = [IsAuthenticated, role_permission("enterprise.export")]
    renderer_classes = [JSONRenderer, XlsxRenderer]

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Name, credit code or address"),
            OpenApiParameter("park", int, description="Park id"),
            OpenApiParameter("industry", str, enum=Industry.values),
            OpenApiParameter("is_key", bool),
            OpenApiParameter("status", str, enum=Enterprise.Status.values),
        ],
        responses={(200, XLSX): XLSX_RESPONSE, 400: OpenApiResponse(description="Invalid filters or too many rows"),
                   429: OpenApiResponse(description="Too many exports this hour")},
    )
    def get(self, request):
        queryset, filters = filtered_enterprises(request, request.query_params)
        if queryset is None:
            raise exceptions.ValidationError(filters)
        try:
            content = spreadsheets.export_roster(queryset, user=request.user, filters=filters)
        except ExportRateLimited as exc:
            raise exceptions.Throttled(detail=str(exc)) from None
        except DjangoValidationError as exc:
            raise exceptions.ValidationError({"detail": " ".join(exc.messages)}) from None
        return xlsx_response(content, *roster_filename())
