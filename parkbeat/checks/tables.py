"""The background check lists as tables (core.tables): what the page shows is what ?export=xlsx writes — the
candidate's name and resident ID masked in both (SECURITY D2); the page and the export are audited reads."""
import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from parkbeat.audit.tables import role_labels
from parkbeat.checks.models import mask_name
from parkbeat.core.personal import mask_resident_id
from parkbeat.core.tables import Table, WhenColumn

NARROW = {"td": {"class": "d-none d-md-table-cell"}, "th": {"class": "d-none d-md-table-cell"}}
VIA = {"page": _("Page"), "api": _("API"), "export": _("Export")}
OUTCOME_CSS = {"suitable": "text-bg-success", "advice": "text-bg-warning", "not_recommended": "text-bg-danger"}


class BackgroundCheckTable(Table):
    created_at = WhenColumn(verbose_name=_("Requested at"), orderable=True)
    candidate_name = tables.Column(verbose_name=_("Candidate"))
    resident_id = tables.Column(verbose_name=_("Resident ID"), attrs=NARROW)
    enterprise = tables.Column(accessor="enterprise__name", verbose_name=_("Enterprise"))
    park = tables.Column(accessor="park__name", verbose_name=_("Park"), attrs=NARROW)
    post = tables.Column(verbose_name=_("Post"), attrs=NARROW)
    post_kind = tables.Column(verbose_name=_("Type of post"))
    status = tables.Column(verbose_name=_("Status"))
    outcome = tables.Column(verbose_name=_("Outcome"))
    answered_at = WhenColumn(verbose_name=_("Answered at"), orderable=True)

    role_columns = {"park": "check.handle"}
    card_template = "checks/partials/check_card.html"
    export_filename = ("背景审查", "background_checks")
    export_noun = _("%(count)s background checks")

    class Meta(Table.Meta):
        attrs = {**Table.Meta.attrs, "id": "check-results"}
        empty_text = _("No background check matches these filters.")

    def render_candidate_name(self, record, value):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), mask_name(value))

    def value_candidate_name(self, value):
        return mask_name(value)

    def render_resident_id(self, value):
        return mask_resident_id(value)

    def value_resident_id(self, value):
        return mask_resident_id(value)

    def render_post_kind(self, record, value):
        return record.get_post_kind_display()

    def value_post_kind(self, record, value):
        return record.get_post_kind_display()

    def render_status(self, record, value):
        css = "answered" if record.status == "answered" else "open"
        return format_html('<span class="badge badge-status-{}">{}</span>', css, record.get_status_display())

    def value_status(self, record, value):
        return record.get_status_display()

    def render_outcome(self, record, value):
        return format_html('<span class="badge {}">{}</span>', OUTCOME_CSS.get(record.outcome, ""),
                           record.get_outcome_display())

    def value_outcome(self, record, value):
        return record.get_outcome_display()


class CheckReadTable(Table):
    """One read of one check (an audit "view" event)."""

    at = WhenColumn(verbose_name=_("Time"), orderable=True)
    actor_username = tables.Column(verbose_name=_("Username"), orderable=True)
    actor_roles = tables.Column(verbose_name=_("Roles"), attrs=NARROW)
    object_id = tables.Column(verbose_name=_("Check number"))
    note = tables.Column(verbose_name=_("Read through"))
    ip = tables.Column(verbose_name=_("Address"), attrs=NARROW)

    export_filename = ("背景审查查阅记录", "check_reads")
    export_noun = _("%(count)s reads")

    class Meta(Table.Meta):
        attrs = {**Table.Meta.attrs, "id": "read-results"}
        empty_text = _("Nobody has read a background check matching these filters.")

    def render_actor_roles(self, value):
        return "、".join(str(label) for label in role_labels(value))

    def value_actor_roles(self, value):
        return "、".join(str(label) for label in role_labels(value))

    def render_object_id(self, record, value):
        return format_html('<a href="{}?{}">#{}</a>', reverse("checks:read_log"), f"check={value}", value)

    def render_note(self, value):
        return VIA.get(value, value)

    def value_note(self, value):
        return VIA.get(value, value)
