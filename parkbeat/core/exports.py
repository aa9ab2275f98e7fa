"""Spreadsheet and CSV exports: the one mechanism every list's export uses, below the domain apps.

An app declares what a list exports (`Export(object_type=..., sheet=..., columns=...)`) and calls
`render(queryset, user=..., filters=...)` from its page, API view and command alike. Rendering:
1. refuses above settings.EXPORT_MAX_ROWS rows, with nothing written or logged (`ExportTooLarge`);
2. counts the export against the user's hourly quota, settings.EXPORT_RATE_PER_HOUR (`ExportRateLimited`);
3. streams the rows (`values_list` in chunks, openpyxl's write-only workbook), escaping every cell a
   spreadsheet would run as a formula (SECURITY E5);
4. puts the export on the audit trail once the file exists and before it is handed over: an export
   that fails to log is not delivered.
Column titles default to the model fields' verbose names, in the active language.
"""
import csv
import io
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from rest_framework.renderers import BaseRenderer

from parkbeat.audit.services import record
from parkbeat.core.logging import scrub
from parkbeat.core.ratelimit import QuotaExceeded, take_hourly_slot

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 2000


class ExportTooLarge(ValidationError):
    """More rows match than settings.EXPORT_MAX_ROWS allows: narrow the filters (nothing written or logged)."""

    def __init__(self, count, message):
        self.count = count
        super().__init__(str(message) % {"count": count, "max": settings.EXPORT_MAX_ROWS})


class ExportRateLimited(QuotaExceeded):
    """Too many exports by one user within the hour (SECURITY B6)."""


# ---------------------------------------------------------------- cells
class Amount(Decimal):
    """An amount of money in an export: a number in the cell (sums and sorting work), shown by Excel with
    thousands separators and 元, as on the pages and in the PDFs."""


AMOUNT_FORMAT = '#,##0.00" 元"'


def escape_cell(value):
    """Text a spreadsheet would run as a formula gets a leading apostrophe; characters Excel refuses go."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith(FORMULA_PREFIXES):
            return "'" + value
    return value


def unescape_cell(value):
    """Undo `escape_cell`, so that an exported file imports back unchanged."""
    if len(value) > 1 and value[0] == "'" and value[1] in "=+-@\t\r":
        return value[1:]
    return value


def verbose_title(model, path):
    """The column title of a `values()` path: the verbose name of its last field, as a heading
    ("park__name" → the park's "name" field → 名称 in Chinese)."""
    *relations, last = path.split("__")
    for name in relations:
        model = model._meta.get_field(name).related_model
    try:
        title = str(model._meta.get_field(last).verbose_name)
    except FieldDoesNotExist:
        return path
    return title[:1].upper() + title[1:]


# ---------------------------------------------------------------- writers
def write_xlsx(*, sheet, headers, rows, widths=()):
    """A write-only (streaming) workbook of one sheet: the header row, then `rows`, every cell escaped."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet[:31])  # Excel's limit for a sheet name
    for position, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(position)].width = width
    ws.append([escape_cell(h) for h in headers])
    for row in rows:
        ws.append([amount_cell(ws, v) if isinstance(v, Amount) else escape_cell(v) for v in row])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def amount_cell(ws, value):
    cell = WriteOnlyCell(ws, value=value)
    cell.number_format = AMOUNT_FORMAT
    return cell


def write_csv(*, headers, rows):
    """UTF-8 with a byte-order mark (so Excel reads the Chinese), every cell escaped."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow([escape_cell(h) for h in headers])
    for row in rows:
        writer.writerow([escape_cell(v) for v in row])
    return buffer.getvalue().encode("utf-8")


# ---------------------------------------------------------------- limits and the audit trail
def take_export_slot(user):
    """Count this export against the user's hourly quota (setting EXPORT_RATE_PER_HOUR)."""
    limit = settings.EXPORT_RATE_PER_HOUR
    take_hourly_slot("export", user, limit, _("At most %(limit)s exports an hour; try again later.") % {
        "limit": limit}, error=ExportRateLimited)


def export_logged(*, actor, object_type, object_repr, filters):
    """The export itself is a read; this leaves its trace on the audit trail (who, what, which filters)."""
    note = filters if isinstance(filters, str) else json.dumps(filters or {}, ensure_ascii=False, default=str)
    note = scrub(note)  # a search for a mobile or resident ID is not kept in clear (SECURITY C5)
    record(actor=actor, verb="export", object_type=object_type, object_repr=object_repr, note=note[:500])


# ---------------------------------------------------------------- the declaration
@dataclass(frozen=True)
class Export:
    """What a list exports.

    `columns` are `values()` paths, or (path, title) pairs where the file format fixes the title;
    `convert(row)` turns one tuple of values into the cells (choice labels, 是/否, ...). `noun` names
    the rows on the audit trail and `too_many` refuses an oversized export: lazily translated texts
    with %(count)s (and %(max)s), e.g. _("%(count)s enterprises").
    """

    object_type: str  # "enterprises.Enterprise": the audit trail's name for what was exported
    sheet: str
    columns: tuple
    noun: str
    too_many: str
    convert: Callable[[tuple], list] | None = None
    widths: tuple = ()
    rate_limited: bool = True
    format: str = "xlsx"  # or "csv"
    order_by: tuple = field(default_factory=tuple)

    def paths(self):
        return [c if isinstance(c, str) else c[0] for c in self.columns]

    def headers(self, model):
        return [verbose_title(model, c) if isinstance(c, str) else str(c[1]) for c in self.columns]

    def render(self, queryset, *, user, filters=None):
        """The file of exactly `queryset` (already narrowed to what `user` may export), logged as an export."""
        count = queryset.count()
        if count > settings.EXPORT_MAX_ROWS:
            raise ExportTooLarge(count, self.too_many)
        if self.rate_limited:
            take_export_slot(user)
        if self.order_by:
            queryset = queryset.order_by(*self.order_by)
        values = queryset.values_list(*self.paths()).iterator(chunk_size=CHUNK)
        rows = (self.convert(row) for row in values) if self.convert else values
        headers = self.headers(queryset.model)
        written = _Counter(rows)
        if self.format == "csv":
            content = write_csv(headers=headers, rows=written)
        else:
            content = write_xlsx(sheet=self.sheet, headers=headers, rows=written, widths=self.widths)
        export_logged(actor=user, object_type=self.object_type, object_repr=str(self.noun) % {"count": written.count},
                      filters=filters)
        return content

    @property
    def content_type(self):
        return CSV_CONTENT_TYPE if self.format == "csv" else XLSX_CONTENT_TYPE


class _Counter:
    """Passes rows through, counting them: the audit trail records what was written, not what was counted."""

    def __init__(self, rows):
        self.rows, self.count = rows, 0

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            yield row


# ---------------------------------------------------------------- delivery (pages and API)
def download_response(content, filename, ascii_fallback, content_type=XLSX_CONTENT_TYPE):
    """An attachment download; a Chinese name travels as RFC 5987 `filename*`, with an ASCII fallback."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (f'attachment; filename="{ascii_fallback}"; '
                                       f"filename*=UTF-8''{quote(filename)}")
    response["Cache-Control"] = "no-store"
    return response


def export_filename(stem_zh, stem_en, extension="xlsx"):
    """("企业名册_20261202-0930.xlsx", "enterprises_20261202-0930.xlsx"), stamped in Asia/Shanghai."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return f"{stem_zh}_{stamp}.{extension}", f"{stem_en}_{stamp}.{extension}"


class XlsxRenderer(BaseRenderer):
    """Lets API clients ask for the spreadsheet by Accept header; errors still go out as JSON text."""

    media_type = XLSX_CONTENT_TYPE
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, (bytes, bytearray)):
            return data
        return json.dumps(data, ensure_ascii=False, default=str).encode()


XLSX_RESPONSE = OpenApiResponse(response=OpenApiTypes.BINARY, description="An .xlsx workbook (attachment)")
