"""The dispute, mediation session and agreement lists as tables (core.tables): page and export."""
from django.utils.translation import gettext_lazy as _
import django_tables2 as tables

from parkbeat.core.tables import AmountColumn, BadgeColumn, DayColumn, Table, WhenColumn

HIDE_SM = {"th": {"class": "d-none d-md-table-cell"}, "td": {"class": "d-none d-md-table-cell text-nowrap"}}


class DisputeTable(Table):
    number = tables.Column(_("Number"), accessor="number", linkify=True, orderable=True,
                           order_by=("began_at", "id"), attrs={"td": {"class": "text-nowrap fw-semibold"}})
    title = tables.Column(_("Title"), linkify=True, attrs={"td": {"class": "cell-text"}})
    park = tables.Column(_("Park"), accessor="park__name", orderable=True, order_by=("park__name",), attrs=HIDE_SM)
    enterprise = tables.Column(_("Enterprise"), accessor="enterprise__name",
                               attrs={"th": {"class": "d-none d-lg-table-cell"},
                                      "td": {"class": "d-none d-lg-table-cell cell-name"}})
    category = tables.Column(_("Category"), orderable=True, attrs=HIDE_SM)
    status = BadgeColumn("disputes/partials/status.html", _("Status"), as_name="d", orderable=True)
    began_at = WhenColumn(_("Began"), orderable=True, order_by=("began_at", "id"))
    level = tables.Column(_("Level"), visible=False)
    handler = tables.Column(_("Handler"), accessor="handler__display_name", visible=False)

    record_fields = ()  # the columns are all the rows need
    export_filename = ("纠纷列表", "disputes")
    export_noun = _("%(count)s disputes")
    export_too_many = _("%(count)s disputes match; at most %(max)s can be exported at once. Narrow the filters.")

    class Meta(Table.Meta):
        empty_text = _("No disputes match.")


class SessionTable(Table):
    dispute = tables.Column(_("Case"), accessor="dispute__number", orderable=True, order_by=("dispute__began_at",),
                            linkify=lambda record: record.dispute.get_absolute_url(),
                            attrs={"td": {"class": "text-nowrap fw-semibold"}})
    title = tables.Column(_("Title"), accessor="dispute__title", attrs={"td": {"class": "cell-text"}})
    park = tables.Column(_("Park"), accessor="dispute__park__name", attrs=HIDE_SM)
    started_at = WhenColumn(_("Started at"), orderable=True, order_by=("started_at", "id"))
    duration_minutes = tables.Column(_("Minutes"), attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}})
    place = tables.Column(_("Where it was held"), attrs={"th": {"class": "d-none d-lg-table-cell"},
                                             "td": {"class": "d-none d-lg-table-cell cell-name"}})
    level = tables.Column(_("Level"), attrs=HIDE_SM)
    outcome = tables.Column(_("Outcome"), orderable=True, attrs={"td": {"class": "text-nowrap"}})
    recorded_by = tables.Column(_("Recorded by"), accessor="recorded_by__display_name", visible=False)

    export_filename = ("调解记录", "mediation_sessions")
    export_noun = _("%(count)s mediation sessions")
    export_too_many = _("%(count)s mediation sessions match; at most %(max)s can be exported at once. "
                        "Narrow the filters.")

    class Meta(Table.Meta):
        empty_text = _("No mediation session matches these filters.")


class AgreementTable(Table):
    dispute = tables.Column(_("Case"), accessor="dispute__number", orderable=True, order_by=("dispute__began_at",),
                            linkify=lambda record: record.dispute.get_absolute_url(),
                            attrs={"td": {"class": "text-nowrap fw-semibold"}})
    title = tables.Column(_("Title"), accessor="dispute__title", attrs={"td": {"class": "cell-text"}})
    park = tables.Column(_("Park"), accessor="dispute__park__name", attrs=HIDE_SM)
    signed_on = DayColumn(_("Signed on"), orderable=True, order_by=("signed_on", "id"))
    total_amount = AmountColumn(_("Total amount"), orderable=True)
    status = tables.Column(_("Status"), orderable=True, attrs={"td": {"class": "text-nowrap"}})
    terms = tables.Column(_("Terms"), visible=False)
    recorded_by = tables.Column(_("Recorded by"), accessor="recorded_by__display_name", visible=False)

    export_filename = ("调解协议", "agreements")
    export_noun = _("%(count)s agreements")
    export_too_many = _("%(count)s agreements match; at most %(max)s can be exported at once. Narrow the filters.")

    class Meta(Table.Meta):
        empty_text = _("No agreement matches these filters.")

    def render_status(self, record, value):
        from django.utils.html import format_html
        tone = {"performing": "primary", "fulfilled": "success", "breached": "danger"}.get(record.status, "secondary")
        return format_html('<span class="badge text-bg-{} agreement-status-{}">{}</span>', tone, record.status, value)

    def value_status(self, value):
        return value
