"""The one list mechanism: a django-tables2 table per list, shown and exported the same way.

A list page declares (NetBox-style) a `Table` subclass in `<app>/tables.py` and names it as
`table_class` on its `core.views.ScopedListView`; the view then gives it, with nothing else written:
- sortable column headers (`?sort=<column>` / `?sort=-<column>`; only columns declared `orderable=True`,
  which should be indexed or cheap: the base table sorts nothing by default);
- the page size chooser (25/50/100/200) and jump-to-page (includes/pagination.html);
- `?export=xlsx` (or `csv`): exactly what the page shows (the scoped, filtered, sorted queryset, all its
  pages) through `core.exports` (row limit EXPORT_MAX_ROWS, hourly quota, formula cells escaped, an audit
  event); the file's columns are the table's columns, headed by their verbose names, each cell the
  column's `value()` (plain text: choice labels, local times) and, for `AmountColumn`, the number itself;
  a column declared `visible=False` is exported only (a raw value beside a display one);
  `exclude_from_export=True` keeps one out of the file;
- cards instead of columns on a phone when `card_template` names a template of one `record`;
- role hooks: `role_columns = {"holder": "incident.handle"}` shows a column only to users holding that
  permission (the filterset's twin is `core.filters.ListFilterSet.role_filters`).

Rows are read from the view's queryset: keep the selectors' `select_related` so that neither the page nor
the export grows a query per row. A table that declares `record_fields` (a tuple, possibly empty, of what
its templates and render_* methods read beyond the columns) reads only its columns and those
(`read_queryset`: `.only()` and exactly the joins they need, never a park's boundary); properties such as
`number` or `holder__display_name` read the columns core.lean knows them by.
"""
import html
from decimal import Decimal

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.encoding import force_str
from django.utils.functional import cached_property
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html, strip_tags
from django.utils.safestring import SafeData, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext_lazy as _
import django_tables2 as tables
from django_tables2.rows import BoundRow, BoundRows
from django_tables2.utils import signature

from parkbeat.core.exports import (CHUNK, CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, Amount, ExportTooLarge,
                                   export_filename, export_logged, take_export_slot, write_csv, write_xlsx)
from parkbeat.core.permissions import can
from parkbeat.core.templatetags.parkbeat import format_yuan

DATETIME_FORMAT = "Y-m-d H:i"  # Asia/Shanghai, as every page writes a moment
DATE_FORMAT = "Y-m-d"
PAGE_SIZES = (25, 50, 100, 200)
EXPORT_FORMATS = {"xlsx": XLSX_CONTENT_TYPE, "csv": CSV_CONTENT_TYPE}


def local_time(value, fmt=DATETIME_FORMAT):
    """A datetime as the station reads it ("2026-03-10 09:00", Asia/Shanghai); a date as 2026-03-10."""
    if value is None or value == "":
        return ""
    if hasattr(value, "tzinfo"):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return date_format(value, fmt)


# ---------------------------------------------------------------- columns
class WhenColumn(tables.Column):
    """A moment in Asia/Shanghai to the minute (`fmt` to change it); the same text in the export."""

    def __init__(self, *args, fmt=DATETIME_FORMAT, **kwargs):
        self.fmt = fmt
        kwargs.setdefault("attrs", {"td": {"class": "text-nowrap"}})
        super().__init__(*args, **kwargs)

    def render(self, value):
        return local_time(value, self.fmt)

    def value(self, value):
        return local_time(value, self.fmt)


class DayColumn(WhenColumn):
    """A date (YYYY-MM-DD)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, fmt=DATE_FORMAT, **kwargs)


class AmountColumn(tables.Column):
    """An amount: "12,345.00 元" on the page (core's `yuan`), the number itself in the export."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "text-end text-nowrap"}, "th": {"class": "text-end"}})
        super().__init__(*args, **kwargs)

    def render(self, value):
        return format_yuan(value)

    def value(self, value):
        return None if value is None else Amount(value)


class BadgeColumn(tables.Column):
    """A status badge from an existing partial (`template_name`, given the row as `as_name` and the table's
    `now`); the export gets the choice label of the field (`get_<field>_display`)."""

    def __init__(self, template_name, *args, as_name="record", **kwargs):
        self.template_name, self.as_name = template_name, as_name
        kwargs.setdefault("attrs", {"td": {"class": "text-nowrap"}})
        super().__init__(*args, **kwargs)

    def render(self, record, table):
        return render_to_string(self.template_name, {self.as_name: record, "record": record, "now": table.now})

    def value(self, record, bound_column):
        display = getattr(record, f"get_{bound_column.accessor}_display", None)
        return str(display()) if display else str(bound_column.accessor.resolve(record))


class StatusBadgeColumn(tables.Column):
    """A choice field as the house's status badge: `<span class="badge {css}">{label}</span>` on the page, the
    choice label (`get_<field>_display`) in the export.

    The colour (`css`): by default `badge-status-<value>` (the house's status palette, parkbeat.css); a string
    names the record's property giving the class (e.g. "status_badge"); a dict maps values to classes, with
    `default_css` for the others. `suffix(record)` may add HTML after the badge (e.g. an overdue badge)."""

    def __init__(self, *args, css=None, default_css="text-bg-secondary", suffix=None, **kwargs):
        self.css, self.default_css, self.suffix = css, default_css, suffix
        kwargs.setdefault("attrs", {"td": {"class": "text-nowrap"}})
        super().__init__(*args, **kwargs)

    @staticmethod
    def _field(bound_column):
        return str(bound_column.accessor).split("__")[-1].split(".")[-1]

    def badge_css(self, record, raw):
        if self.css is None:
            return f"badge-status-{raw}"
        if isinstance(self.css, dict):
            return self.css.get(raw, self.default_css)
        return getattr(record, self.css, None) or self.default_css

    def label(self, record, bound_column):
        display = getattr(record, f"get_{self._field(bound_column)}_display", None)
        return str(display()) if display else str(bound_column.accessor.resolve(record))

    def render(self, record, bound_column):
        raw = bound_column.accessor.resolve(record)
        badge = format_html('<span class="badge {}">{}</span>', self.badge_css(record, raw),
                            self.label(record, bound_column))
        extra = self.suffix(record) if self.suffix else None
        return format_html("{} {}", badge, extra) if extra else badge

    def value(self, record, bound_column):
        return self.label(record, bound_column)


class Table(tables.Table):
    """The base of every list table: the house look (table-sm table-hover table-pb), nothing sortable unless
    a column says `orderable=True`, "—" for an empty cell, and the export and card hooks described above."""

    card_template = None  # e.g. "incidents/partials/incident_card.html": one card per `record` on a phone
    role_columns = {}  # column name -> permission the user needs to see it (page and export)
    export_filename = ("列表", "list")  # (Chinese stem, ASCII stem) of the downloaded file
    export_sheet = None  # defaults to the Chinese stem
    export_noun = _("%(count)s rows")
    export_too_many = _("%(count)s rows match; at most %(max)s can be exported at once. Narrow the filters.")
    record_fields = None  # None: every column of the queryset; a tuple: only the columns shown, and these

    class Meta:
        attrs = {"class": "table table-sm table-hover table-pb mb-0 align-middle"}
        orderable = False
        default = "—"
        empty_text = _("Nothing matches these filters.")

    def __init__(self, data, *args, user=None, **kwargs):
        self.user = user
        exclude = list(kwargs.pop("exclude", None) or ())
        exclude += [name for name, perm in self.role_columns.items() if user is None or not can(user, perm)]
        # django-tables2 reads only a class's own Meta: a table without one still gets the house defaults
        if "Meta" not in vars(type(self)):
            for key in ("orderable", "attrs", "default", "empty_text"):
                kwargs.setdefault(key, getattr(Table.Meta, key))
        super().__init__(data, *args, exclude=exclude, **kwargs)

    @cached_property
    def now(self):
        """One "now" for every badge of the page (overdue marks)."""
        return timezone.now()

    def sortable(self):
        """The aliases `?sort=` accepts: the orderable columns, each either way."""
        names = [c.name for c in self.columns if c.orderable]
        return set(names) | {f"-{n}" for n in names}

    def headers(self, query, sort):
        """The header cells: each orderable column links to itself sorted (again: the other way), keeping
        the filters and page size in `query` (a QueryDict without `sort` and `page`)."""
        cells = []
        for column in self.columns:
            state, link = None, None
            if column.orderable:
                state = "asc" if sort == column.name else "desc" if sort == f"-{column.name}" else None
                q = query.copy()
                q["sort"] = f"-{column.name}" if state == "asc" else column.name
                link = f"?{q.urlencode()}"
            cells.append({"column": column, "state": state, "url": link})
        return cells

    def read_queryset(self, queryset):
        """`queryset` reading only what the table shows (see `record_fields`), or as is when it declares
        none or names something that is not a column."""
        if self.record_fields is None:
            return queryset
        accessors = [str(column.accessor) for column in self.columns.iterall()]
        columns = read_columns(queryset.model, [*accessors, *self.record_fields])
        if columns is None:
            return queryset
        fields, joins = columns
        return queryset.select_related(None).select_related(*joins).only(*fields)

    def rows_of(self, records):
        """Bound rows of the records of one page (the view paginates; the table only renders)."""
        return PageRows(data=records, table=self)

    def render_signature(self, bound_column):
        """(argument names, catch-all name) of the column's render method, read once per table rather than
        by `inspect.signature` for every cell as django-tables2 does."""
        cache = self.__dict__.setdefault("_render_signatures", {})
        if bound_column.name not in cache:
            cache[bound_column.name] = signature(bound_column.render)
        return cache[bound_column.name]

    # ---------------------------------------------------------------- export
    def export_columns(self):
        return [column for column in self.columns.iterall()
                if not column.column.exclude_from_export and column.name not in self.exclude]

    def export_headers(self):
        return [force_str(column.header) for column in self.export_columns()]

    def export_rows(self, records):
        columns = self.export_columns()
        for record in records:
            row = BoundRow(record, table=self)
            yield [_cell(row.get_cell_value(column.name)) for column in columns]


class PageRow(BoundRow):
    """A row of a page, rendered as django-tables2 renders it, with each render method's signature cached
    on the table (see `Table.render_signature`)."""

    def _call_render(self, bound_column, value=None):
        arguments = self._optional_cell_arguments(bound_column, value)
        names, catch_all = self.table.render_signature(bound_column)
        if catch_all:
            content = bound_column.render(**arguments)
        elif any(name not in arguments for name in names):
            content = None
        else:
            content = bound_column.render(**{name: arguments[name] for name in names})
        return bound_column.link(content, **arguments) if bound_column.link else content


class PageRows(BoundRows):
    def __iter__(self):
        for record in self.data:
            yield PageRow(record, table=self.table)

    def html(self):
        """The table body: what `<tr>{% for column, cell in row.items %}<td {{ column.attrs.td.as_html }}>{{ cell
        }}</td>…` writes, with each column's attributes built once instead of once per cell."""
        cells = {}
        out = []
        for row in self:
            out.append("<tr>")
            for column, cell in row.items():
                if column.name not in cells:
                    cells[column.name] = format_html("<td {}>", column.attrs["td"].as_html())
                out += (cells[column.name], _cell_html(cell), "</td>")
            out.append("</tr>")
        return mark_safe("".join(out))  # nosec B703 B308 - every piece is escaped above


def _cell_html(value):
    """A cell as the template engine prints `{{ cell }}`: local time, localised, escaped unless safe."""
    return conditional_escape(str(localize(template_localtime(value))))


def read_columns(model, accessors):
    """(fields for .only(), forward joins for .select_related()) of `accessors` ("park__name",
    "holder__display_name", "number"), or None when one is neither a column nor a property core.lean knows."""
    from django.core.exceptions import FieldDoesNotExist

    from parkbeat.core.lean import PROPERTIES, default_properties

    default_properties()
    fields, joins = {"pk"}, set()
    for accessor in accessors:
        owner, path = model, []
        parts = accessor.replace(".", "__").split("__")
        for position, part in enumerate(parts):
            try:
                field = owner._meta.get_field(part)
            except FieldDoesNotExist:
                computed = PROPERTIES.get((owner._meta.label, part))
                if computed is None or position != len(parts) - 1:
                    return None
                fields.update("__".join([*path, column]) for column in computed.columns)
                break
            if field.is_relation and position != len(parts) - 1:
                if not (field.many_to_one or field.one_to_one) or not field.concrete:
                    return None
                path.append(field.name)
                joins.add("__".join(path))
                owner = field.related_model
                continue
            if field.is_relation and not field.concrete:
                return None
            fields.add("__".join([*path, field.name]))
    fields = {f[:-4] if f.endswith("__pk") else f for f in fields if f != "pk"}
    return sorted(fields), sorted(joins)


def _cell(value):
    """What a spreadsheet cell holds: numbers stay numbers, text is text (a column rendered as HTML, a badge
    or a link, without its markup), nothing is "—"."""
    if isinstance(value, SafeData):
        value = html.unescape(strip_tags(value)).strip()
    if value is None or value == "—":
        return ""
    if isinstance(value, (int, float, Decimal)):  # Amount too: a number, formatted in 元 by write_xlsx
        return value
    return force_str(value)


def export_table(table, queryset, *, user, filters=None, fmt="xlsx"):
    """(content, filename, ascii_filename, content_type) of exactly `queryset` shown as `table`.

    Refuses above EXPORT_MAX_ROWS (`ExportTooLarge`, nothing logged) and beyond the hourly quota
    (`ExportRateLimited`); writes every cell through `core.exports`' escaping writers; logs the export
    with its filters and row count on the audit trail before the file is handed over.
    """
    count = queryset.count()
    if count > settings.EXPORT_MAX_ROWS:
        raise ExportTooLarge(count, table.export_too_many)
    take_export_slot(user)
    headers = table.export_headers()
    written = 0

    def rows():  # streamed from the database cursor into the writer, never all in memory
        nonlocal written
        for row in table.export_rows(queryset.iterator(chunk_size=CHUNK)):
            written += 1
            yield row

    stem_zh, stem_en = table.export_filename
    if fmt == "csv":
        content = write_csv(headers=headers, rows=rows())
    else:
        fmt = "xlsx"
        content = write_xlsx(sheet=str(table.export_sheet or stem_zh), headers=headers, rows=rows())
    model = queryset.model
    export_logged(actor=user, object_type=f"{model._meta.app_label}.{model.__name__}",
                  object_repr=str(table.export_noun) % {"count": written}, filters=filters)
    filename, ascii_name = export_filename(stem_zh, stem_en, fmt)
    return content, filename, ascii_name, EXPORT_FORMATS[fmt]
