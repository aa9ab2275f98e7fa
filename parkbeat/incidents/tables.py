"""The incident list as a table (core.tables): the page, the phone cards and the Excel export."""
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
import django_tables2 as tables

from parkbeat.core.tables import BadgeColumn, Table, WhenColumn, local_time


class IncidentTable(Table):
    number = tables.Column(_("Number"), accessor="number", linkify=True, orderable=True,
                           order_by=("reported_at", "id"), attrs={"td": {"class": "text-nowrap fw-semibold"}})
    reported_at = WhenColumn(_("Reported at"), orderable=True, order_by=("reported_at", "id"))
    kind = tables.Column(_("Type"), orderable=True, attrs={"td": {"class": "text-nowrap"}})
    park = tables.Column(_("Park"), accessor="park__name", orderable=True, order_by=("park__name",),
                         attrs={"th": {"class": "d-none d-md-table-cell"},
                                "td": {"class": "d-none d-md-table-cell text-nowrap"}})
    enterprise = tables.Column(_("Enterprise"), accessor="enterprise__name",
                               attrs={"th": {"class": "d-none d-lg-table-cell"},
                                      "td": {"class": "d-none d-lg-table-cell cell-name"}})
    source = tables.Column(_("Source"), attrs={"th": {"class": "d-none d-lg-table-cell"},
                                               "td": {"class": "d-none d-lg-table-cell text-nowrap"}})
    status = BadgeColumn("incidents/partials/incident_status.html", _("Status"), as_name="incident",
                         orderable=True)
    holder = tables.Column(_("Held by"), accessor="holder__display_name", attrs={"td": {"class": "text-nowrap"}})
    # Export only: what the officer needs beside the columns in the file.
    location = tables.Column(_("Location"), visible=False)
    dispatch_number = tables.Column(_("110 number"), visible=False)
    held_since = WhenColumn(_("Held since"), visible=False)
    closed_at = WhenColumn(_("Closed at"), visible=False)

    card_template = "incidents/partials/incident_card.html"
    record_fields = ("accept_due_at",)  # beyond the columns: the status badge's overdue mark
    export_filename = ("警情列表", "incidents")
    export_noun = _("%(count)s incidents")
    export_too_many = _("%(count)s incidents match; at most %(max)s can be exported at once. Narrow the filters.")

    class Meta(Table.Meta):
        empty_text = _("No incident matches these filters.")

    def render_holder(self, value, record):
        if record.held_since:
            return format_html('{}<span class="sub">{}</span>', value,
                               _("since %(since)s") % {"since": local_time(record.held_since, "m-d H:i")})
        return value

    def value_holder(self, value):
        return value
