"""The lead and case lists as tables (core.tables): what the page shows is what ?export=xlsx writes. The case
table shows the summary columns (what an auxiliary may see); a liaison's table only status and recovered value."""
import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from parkbeat.core.tables import AmountColumn, StatusBadgeColumn, Table, WhenColumn
from parkbeat.core.templatetags.parkbeat import format_yuan
from parkbeat.crime.selectors import STATUS, row_view

NARROW = {"td": {"class": "d-none d-md-table-cell"}, "th": {"class": "d-none d-md-table-cell"}}
NARROW_AMOUNT = {"td": {"class": "text-end text-nowrap d-none d-md-table-cell"},
                 "th": {"class": "text-end d-none d-md-table-cell"}}


class LeadTable(Table):
    received_at = WhenColumn(verbose_name=_("Received at"), orderable=True)
    description = tables.Column(verbose_name=_("Lead description"))
    area = tables.Column(verbose_name=_("Area"), attrs=NARROW)
    source = tables.Column(verbose_name=_("Source"), attrs=NARROW)
    agency = tables.Column(accessor="agency__name", verbose_name=_("Worked with"), default="—")
    status = StatusBadgeColumn(verbose_name=_("Status"), css="status_badge")
    park = tables.Column(accessor="park__name", verbose_name=_("Park"), attrs=NARROW)

    export_filename = ("涉企线索", "crime-leads")
    card_template = "crime/partials/lead_card.html"
    export_noun = _("%(count)s leads")

    class Meta(Table.Meta):
        attrs = {**Table.Meta.attrs, "id": "lead-results"}
        empty_text = _("No lead matches these filters.")

    def render_description(self, record, value):
        short = value if len(value) <= 40 else value[:40] + "…"
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), short)

    def value_description(self, value):
        return value

    def value_source(self, record, value):
        return record.get_source_display()


class CaseTable(Table):
    reported_at = WhenColumn(verbose_name=_("Reported at"), orderable=True)
    title = tables.Column(verbose_name=_("Title"))
    kind = tables.Column(verbose_name=_("Type"))
    enterprise = tables.Column(accessor="enterprise__name", verbose_name=_("Enterprise"), default="—")
    loss_yuan = AmountColumn(verbose_name=_("Loss (yuan)"), attrs=NARROW_AMOUNT)
    recovered_yuan = AmountColumn(verbose_name=_("Recovered (yuan)"))
    status = StatusBadgeColumn(verbose_name=_("Status"), css="status_badge")
    park = tables.Column(accessor="park__name", verbose_name=_("Park"), attrs=NARROW)

    export_filename = ("涉企案件", "crime-cases")
    card_template = "crime/partials/case_card.html"
    export_noun = _("%(count)s cases")

    class Meta(Table.Meta):
        attrs = {**Table.Meta.attrs, "id": "case-results"}
        empty_text = _("No case matches these filters.")

    # A row at the status level (the user is the enterprise's liaison there, an officer elsewhere) shows only what
    # a liaison may see: the type instead of the title, no loss.
    def render_title(self, record, value):
        shown = record.get_kind_display() if row_view(record) == STATUS else value
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), shown)

    def value_title(self, record, value):
        return record.get_kind_display() if row_view(record) == STATUS else value

    def render_loss_yuan(self, record, value):
        return "—" if row_view(record) == STATUS else format_yuan(value)

    def value_loss_yuan(self, record, value):
        return "" if row_view(record) == STATUS else value

    def value_kind(self, record, value):
        return record.get_kind_display()


class LiaisonCaseTable(Table):
    """The enterprise's liaison: status and recovered value, nothing underneath."""

    reported_at = WhenColumn(verbose_name=_("Reported at"), orderable=True)
    kind = tables.Column(verbose_name=_("Type"))
    status = StatusBadgeColumn(verbose_name=_("Status"), css="status_badge")
    recovered_yuan = AmountColumn(verbose_name=_("Recovered (yuan)"))

    card_template = "crime/partials/case_card.html"

    class Meta(Table.Meta):
        attrs = {**Table.Meta.attrs, "id": "case-results"}
        empty_text = _("No case matches these filters.")

    def render_kind(self, record, value):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), record.get_kind_display())

    def value_kind(self, record, value):
        return record.get_kind_display()
