"""The volunteers' lists as tables (core.tables): what the page shows is what ?export=xlsx writes.
The resident ID and mobile are only ever written masked."""
import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from parkbeat.core.tables import BadgeColumn, Table

NARROW = {"td": {"class": "d-none d-md-table-cell"}, "th": {"class": "d-none d-md-table-cell"}}
WIDE = {"td": {"class": "d-none d-lg-table-cell"}, "th": {"class": "d-none d-lg-table-cell"}}
NUMBER = {"td": {"class": "text-end"}, "th": {"class": "text-end"}}


class VolunteerTable(Table):
    name = tables.Column(verbose_name=_("Name"), orderable=True, attrs={"td": {"class": "text-break"}})
    team = tables.Column(accessor="team__name", verbose_name=_("Team"), orderable=True, order_by=("team__name", "name"))
    park = tables.Column(accessor="team__park__name", verbose_name=_("Park"), attrs=NARROW)
    status = BadgeColumn("volunteers/partials/volunteer_status.html", as_name="volunteer", verbose_name=_("Status"),
                         orderable=True)
    post = tables.Column(verbose_name=_("Post"), attrs=WIDE)
    duties = tables.Column(verbose_name=_("Duties"), attrs=WIDE)
    resident_id_masked = tables.Column(accessor="resident_id_masked", verbose_name=_("Resident ID"),
                                       attrs={"td": {"class": "font-monospace small d-none d-lg-table-cell"},
                                              "th": {"class": "d-none d-lg-table-cell"}})
    # Exported only
    enterprise = tables.Column(accessor="team__enterprise__name", verbose_name=_("Enterprise"), visible=False)
    mobile_masked = tables.Column(accessor="mobile_masked", verbose_name=_("Mobile"), visible=False)
    consent_date = tables.Column(verbose_name=_("Consent signed on"), visible=False)

    export_filename = ("义警名册", "volunteers")
    export_noun = _("%(count)s volunteers")

    class Meta(Table.Meta):
        attrs = {**Table.Meta.attrs, "id": "volunteer-results"}
        empty_text = _("No volunteer matches these filters.")

    def render_name(self, record, value):
        star = format_html(' <i class="bi bi-star-fill text-warning" title="{}"></i>', _("Captain")) \
            if record.is_captain else ""
        return format_html('<a href="{}">{}</a>{}', record.get_absolute_url(), value, star)

    def value_name(self, value):
        return value

    def render_team(self, record, value):
        return format_html('<a href="{}">{}</a>', record.team.get_absolute_url(), value)

    def value_team(self, value):
        return value

    def render_duties(self, record):
        return "、".join(record.duty_labels()) or "—"

    def value_duties(self, record):
        return "、".join(record.duty_labels())

    def value_consent_date(self, value):
        return value.isoformat() if value else ""


class VolunteerTeamTable(Table):
    name = tables.Column(verbose_name=_("Name"), orderable=True, attrs={"td": {"class": "text-break"}})
    park = tables.Column(accessor="park__name", verbose_name=_("Park"), orderable=True, order_by=("park__name", "name"))
    enterprise = tables.Column(accessor="enterprise__name", verbose_name=_("Enterprise"), attrs=NARROW)
    active_count = tables.Column(verbose_name=_("Active members"), orderable=True, attrs=NUMBER)
    nominated_count = tables.Column(verbose_name=_("Awaiting vetting"), orderable=True, attrs=NUMBER)

    export_filename = ("义警队伍", "volunteer-teams")
    export_noun = _("%(count)s volunteer teams")

    class Meta(Table.Meta):
        attrs = {**Table.Meta.attrs, "id": "team-results"}
        empty_text = _("No team matches these filters.")

    def render_name(self, record, value):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), value)

    def value_name(self, value):
        return value
