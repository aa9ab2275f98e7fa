"""The ledger import over the API: thin views around disputes.ledger (routes in disputes/api/urls.py)."""
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from parkbeat.core.api import OnlyDetailRequiredMixin, SpreadsheetImportAPIView
from parkbeat.core.exports import XLSX_CONTENT_TYPE, XLSX_RESPONSE, XlsxRenderer
from parkbeat.core.serializers import StrictSerializer
from parkbeat.disputes import ledger
from parkbeat.disputes.views_ledger import template_response
from parkbeat.enterprises.api.io import JsonErrorsMixin, RowErrorSerializer, role_permission


class LedgerImportRequestSerializer(StrictSerializer):
    file = serializers.FileField(help_text="The station's ledger as .xlsx, in the template's columns")
    import_good_rows = serializers.BooleanField(default=False,
                                                help_text="Import the valid rows even if other rows have errors")


class LedgerImportSummarySerializer(serializers.Serializer):
    created = serializers.IntegerField(help_text="Disputes created, one per imported row")
    incidents = serializers.IntegerField(help_text="Of which with their incident (rows with 到场时间)")
    agreements = serializers.IntegerField()
    already = serializers.IntegerField(help_text="Rows imported before with the same content, passed over")
    skipped = serializers.IntegerField(help_text="The template's example row, ignored")
    imported = serializers.BooleanField()
    error_count = serializers.IntegerField()
    errors = RowErrorSerializer(many=True, help_text="At most 1000 are listed; error_count counts all")
    notices = RowErrorSerializer(many=True, help_text="The rows imported before: “Already imported as JF…”")
    disputes = serializers.ListField(child=serializers.CharField(), help_text="Numbers of the disputes created")


class LedgerImportRefusedSerializer(OnlyDetailRequiredMixin, LedgerImportSummarySerializer):
    """400: always `detail`; the summary and row errors when the file was read, the field errors when the
    request itself was invalid (no file, say)."""

    detail = serializers.CharField()


class LedgerImportAPIView(SpreadsheetImportAPIView):
    """Import a station's dispute ledger from an .xlsx file (station leaders and park officers, into their parks)."""

    permission_classes = [IsAuthenticated, role_permission("dispute.import")]
    request_serializer = LedgerImportRequestSerializer
    row_error_lists = ("errors", "notices")

    def run_import(self, *, user, fileobj, import_good_rows):
        return ledger.ledger_import(actor=user, fileobj=fileobj, import_good_rows=import_good_rows)

    @extend_schema(
        operation_id="disputes_ledger_import",
        request={"multipart/form-data": LedgerImportRequestSerializer},
        responses={200: LedgerImportSummarySerializer, 400: LedgerImportRefusedSerializer},
        description="Every row is checked first. With any error nothing is written (400 with the row errors) "
        "unless `import_good_rows` is true. Rows are known by their ledger number within the station: a row "
        "imported before is passed over (`notices`), a changed one is an error. Each row becomes a dispute "
        "(with its incident when it has an arrival time, its parties and agreement), written as history: "
        "nobody is notified.",
    )
    def post(self, request):
        return super().post(request)


class LedgerTemplateAPIView(JsonErrorsMixin, APIView):
    """The .xlsx ledger template, listing the parks the user may import into."""

    permission_classes = [IsAuthenticated, role_permission("dispute.import")]
    renderer_classes = [JSONRenderer, XlsxRenderer]

    @extend_schema(operation_id="disputes_ledger_template", responses={(200, XLSX_CONTENT_TYPE): XLSX_RESPONSE})
    def get(self, request):
        return template_response(request.user)
