"""The guarded assets list as a table (core.tables): what the page shows is what ?export=xlsx writes."""
import django_tables2 as tables
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from parkbeat.core.tables import BadgeColumn, Table, WhenColumn, local_time
from parkbeat.guarding.models import GuardShift

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

    card_template = "guarding/partials/asset_card.html"
    export_filename = ("专项守护", "guarded_assets")
    export_noun = _("%(count)s guarded assets")

    class Meta(Table.Meta):
        attrs = {**Table.Meta.attrs, "id": "asset-results"}
        empty_text = _("No guarded asset matches these filters.")

    def render_name(self, record, value):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), value)

    def value_name(self, value):
        return value


class ShiftTable(Table):
    starts_at = WhenColumn(verbose_name=_("Starts at"), orderable=True)
    ends_at = WhenColumn(verbose_name=_("Ends at"), attrs=NARROW)
    asset = tables.Column(accessor="segment__asset__name", verbose_name=_("Guarded asset"))
    segment = tables.Column(verbose_name=_("Segment"))
    team = tables.Column(accessor="segment__team__name", verbose_name=_("Volunteer team"), attrs=NARROW)
    people = tables.Column(accessor="pk", verbose_name=_("People on the shift"))
    status = BadgeColumn("guarding/partials/shift_status.html", accessor="pk", as_name="shift",
                         verbose_name=_("Status"))

    card_template = "guarding/partials/shift_card.html"
    export_filename = ("守护班次", "guard_shifts")
    export_noun = _("%(count)s guard shifts")

    class Meta(Table.Meta):
        attrs = {**Table.Meta.attrs, "id": "shift-results"}
        empty_text = _("No guard shift matches these filters.")

    def render_starts_at(self, record, value):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), local_time(value))

    def value_starts_at(self, value):
        return local_time(value)

    def value_segment(self, record):
        return str(record.segment)

    def render_people(self, record):
        return format_html_join("、", "{}{}", ((row.user.display_name, " ✓" if row.checked_in_at else "")
                                              for row in record.roster.all() if row.declined_at is None)) or "—"

    def value_people(self, record):
        return "、".join(row.user.display_name for row in record.roster.all() if row.declined_at is None)

    def value_status(self, record):
        label = str(GuardShift.STATES[record.state(self.now)])
        return label if record.staffed else f"{label} · {pgettext('guard shift', 'Nobody on it')}"
