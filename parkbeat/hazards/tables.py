"""The hazard list as a table (core.tables): what the page shows is what ?export=xlsx writes."""
import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from parkbeat.core.tables import DayColumn, StatusBadgeColumn, Table, WhenColumn
from parkbeat.hazards.services import today_in_shanghai

NARROW = {"td": {"class": "d-none d-md-table-cell"}, "th": {"class": "d-none d-md-table-cell"}}


class HazardTable(Table):
    found_at = WhenColumn(verbose_name=_("Found at"), orderable=True)
    enterprise = tables.Column(accessor="enterprise__name", verbose_name=_("Enterprise"))
    description = tables.Column(verbose_name=_("Hazard description"))
    severity = StatusBadgeColumn(verbose_name=_("Severity"), css={"major": "text-bg-danger"})
    disposition = tables.Column(verbose_name=_("Disposition"), attrs=NARROW)
    deadline = DayColumn(verbose_name=_("Rectify by"), orderable=True)
    state = StatusBadgeColumn(verbose_name=_("State"), css="state_badge", suffix=lambda record: format_html(
        '<span class="badge badge-status-overdue">{}</span>', _("Overdue")) if record.is_overdue(
        today_in_shanghai()) else None)
    park = tables.Column(accessor="park__name", verbose_name=_("Park"), attrs=NARROW)

    export_filename = ("安全隐患", "hazards")
    card_template = "hazards/partials/hazard_card.html"
    export_noun = _("%(count)s hazards")

    class Meta(Table.Meta):
        attrs = {**Table.Meta.attrs, "id": "hazard-results"}
        empty_text = _("No hazard matches these filters.")

    def render_description(self, record, value):
        short = value if len(value) <= 40 else value[:40] + "…"
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), short)

    def value_description(self, value):
        return value

    def value_disposition(self, record, value):
        return record.get_disposition_display()
