"""The inspections list as a table (core.tables): what the page shows is what ?export=xlsx writes."""
import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from parkbeat.core.tables import DayColumn, StatusBadgeColumn, Table, WhenColumn

NARROW = {"td": {"class": "d-none d-md-table-cell"}, "th": {"class": "d-none d-md-table-cell"}}


class InspectionTable(Table):
    planned_on = DayColumn(verbose_name=_("Planned for"), orderable=True)
    enterprise = tables.Column(accessor="enterprise__name", verbose_name=_("Enterprise"))
    park = tables.Column(accessor="park__name", verbose_name=_("Park"), attrs=NARROW)
    led_by = tables.Column(accessor="led_by__full_name", verbose_name=_("Led by"), attrs=NARROW)
    status = StatusBadgeColumn(verbose_name=_("Status"))
    happened_at = WhenColumn(verbose_name=_("Inspected at"))
    coverage = StatusBadgeColumn(verbose_name=_("Coverage"), css={"full": "text-bg-success"},
                                 default_css="text-bg-warning")

    export_filename = ("安全检查", "inspections")
    card_template = "inspections/partials/inspection_card.html"
    export_noun = _("%(count)s inspections")

    class Meta(Table.Meta):
        attrs = {**Table.Meta.attrs, "id": "inspection-results"}
        empty_text = _("No inspection matches these filters.")

    def render_enterprise(self, record, value):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), value)

    def value_enterprise(self, value):
        return value


