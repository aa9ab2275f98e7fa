"""The guarded assets list as a table (core.tables): what the page shows is what ?export=xlsx writes."""
import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from parkbeat.core.tables import BadgeColumn, Table, WhenColumn

NARROW = {"td": {"class": "d-none d-md-table-cell"}, "th": {"class": "d-none d-md-table-cell"}}


class AssetTable(Table):
    name = tables.Column(verbose_name=_("Name"), orderable=True)
    park = tables.Column(accessor="park__name", verbose_name=_("Park"), orderable=True, order_by=("park__name", "name"))
    kind = tables.Column(verbose_name=_("Kind"), orderable=True)
    length_m = tables.Column(verbose_name=_("Length (m)"), orderable=True, attrs=NARROW)
    starts_at = WhenColumn(verbose_name=_("Guarded from"), orderable=True)
    ends_at = WhenColumn(verbose_name=_("Guarded until"), orderable=True, attrs=NARROW)
    status = BadgeColumn("guarding/partials/asset_status.html", as_name="asset", verbose_name=_("Status"),
                         orderable=True)

    export_filename = ("专项守护", "guarded_assets")
    export_noun = _("%(count)s guarded assets")

    class Meta(Table.Meta):
        attrs = {**Table.Meta.attrs, "id": "asset-results"}
        empty_text = _("No guarded asset matches these filters.")

    def render_name(self, record, value):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), value)

    def value_name(self, value):
        return value
