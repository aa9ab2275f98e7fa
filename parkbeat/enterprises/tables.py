"""The registry's lists as tables (core.tables): what the page shows is what ?export=xlsx writes.

Sortable columns are the indexed or cheap ones; the rows come from the selectors (select_related), so
neither the page nor the export grows a query per row.
"""
import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parkbeat.core.tables import BadgeColumn, DayColumn, Table, WhenColumn, local_time

NARROW = {"td": {"class": "d-none d-md-table-cell"}, "th": {"class": "d-none d-md-table-cell"}}
WIDE = {"td": {"class": "d-none d-lg-table-cell"}, "th": {"class": "d-none d-lg-table-cell"}}
NUMBER = {"td": {"class": "text-end d-none d-md-table-cell"}, "th": {"class": "text-end d-none d-md-table-cell"}}


class EnterpriseTable(Table):
    name = tables.Column(verbose_name=_("Name"), orderable=True, attrs={"td": {"class": "text-break"}})
    park = tables.Column(accessor="park__name", verbose_name=_("Park"), orderable=True,
                         order_by=("park__name", "name"), attrs={"td": {"class": "text-nowrap"}})
    industry = tables.Column(verbose_name=_("Industry"), orderable=True, attrs=NARROW)
    headcount = tables.Column(verbose_name=_("Headcount"), orderable=True, attrs=NUMBER)
    credit_code = tables.Column(verbose_name=_("Credit code"),
                                attrs={"td": {"class": "font-monospace small d-none d-lg-table-cell"},
                                       "th": {"class": "d-none d-lg-table-cell"}})
    status = tables.Column(verbose_name=_("Status"), orderable=True)
    # Exported only: what the roster holds beside the columns a station scans.
    is_key = tables.BooleanColumn(verbose_name=_("Key enterprise"), visible=False)
    key_reason = tables.Column(verbose_name=_("Key reason"), visible=False)
    address = tables.Column(verbose_name=_("Address"), visible=False)

    record_fields = ()  # the columns are all the rows need (the name's key badge reads is_key, key_reason)
    export_filename = ("企业名录", "enterprises")
    export_noun = _("%(count)s enterprises")

    class Meta(Table.Meta):
        attrs = {**Table.Meta.attrs, "id": "enterprise-results"}
        empty_text = _("No enterprise matches these filters.")

    def render_name(self, record, value):
        key = format_html(' <span class="badge badge-key" title="{}">{}</span>', record.key_reason,
                          pgettext_lazy("key enterprise badge", "Key")) if record.is_key else ""
        return format_html('<a href="{}">{}</a>{}', record.get_absolute_url(), value, key)

    def value_name(self, value):
        return value

    def render_headcount(self, value):
        return f"{value:,}"

    def value_headcount(self, value):
        return value

    def render_status(self, record):
        return format_html('<span class="badge badge-status-{}">{}</span>', record.status,
                           record.get_status_display())

    def value_status(self, record):
        return record.get_status_display()

    def value_is_key(self, value):
        return str(_("Yes") if value else _("No"))


class VisitTable(Table):
    visited_at = WhenColumn(verbose_name=_("Date"), orderable=True)
    enterprise = tables.Column(accessor="enterprise__name", verbose_name=_("Enterprise"), orderable=True,
                               order_by=("enterprise__name", "-visited_at"))
    park = tables.Column(accessor="enterprise__park__name", verbose_name=_("Park"), attrs=NARROW)
    visitor = tables.Column(accessor="visitor__display_name", verbose_name=_("Visitor"), attrs=NARROW)
    met_with = tables.Column(verbose_name=_("Met with"), attrs=WIDE)
    findings = tables.Column(verbose_name=_("Findings"), attrs={"td": {"class": "text-break"}})
    companions = tables.Column(verbose_name=_("Companions"), visible=False)

    card_template = "enterprises/partials/visit_card.html"
    export_filename = ("走访记录", "visits")
    export_noun = _("%(count)s visits")

    class Meta(Table.Meta):
        attrs = {**Table.Meta.attrs, "id": "visit-results"}
        empty_text = _("No visits match these filters.")

    def render_visited_at(self, record, value):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), local_time(value))

    def value_visited_at(self, value):
        return local_time(value)

    def render_enterprise(self, record, value):
        return format_html('<a href="{}">{}</a>', record.enterprise.get_absolute_url(), value)

    def value_enterprise(self, value):
        return value

    def render_findings(self, value):
        return value if len(value) <= 40 else value[:39] + "…"

    def value_findings(self, value):
        return value  # the whole text in the file


class DemandTable(Table):
    created_at = DayColumn(verbose_name=_("Raised"), orderable=True, attrs=NARROW)
    enterprise = tables.Column(accessor="enterprise__name", verbose_name=_("Enterprise"), orderable=True,
                               order_by=("enterprise__name", "due_at"))
    category = tables.Column(verbose_name=_("Category"), orderable=True, attrs=NARROW)
    content = tables.Column(verbose_name=_("Content"), attrs={"td": {"class": "text-break"}})
    assignee = tables.Column(accessor="assignee__display_name", verbose_name=_("Assignee"), attrs=WIDE)
    status = BadgeColumn("enterprises/partials/demand_status.html", as_name="demand", verbose_name=_("Status"),
                         orderable=True)
    due_at = WhenColumn(verbose_name=_("Answer due"), orderable=True)
    raised_by = tables.Column(accessor="raised_by__display_name", verbose_name=_("Recorded by"), visible=False)
    answer = tables.Column(verbose_name=_("Answer"), visible=False)

    card_template = "enterprises/partials/demand_card.html"  # a phone shows cards, not columns
    export_filename = ("诉求清单", "demands")
    export_noun = _("%(count)s demands")

    class Meta(Table.Meta):
        attrs = {**Table.Meta.attrs, "id": "demand-results"}
        empty_text = _("No demands match these filters.")

    def render_content(self, record, value):
        short = value if len(value) <= 40 else value[:39] + "…"
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), short)

    def value_content(self, value):
        return value
