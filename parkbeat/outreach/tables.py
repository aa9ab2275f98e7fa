"""The lecture, coverage and adoption lists as tables (core.tables): what the page shows is what ?export=xlsx writes."""
import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from parkbeat.core.tables import DayColumn, Table, WhenColumn
from parkbeat.outreach.figures import shown_percent

NARROW = {"td": {"class": "d-none d-md-table-cell"}, "th": {"class": "d-none d-md-table-cell"}}
BAND_BADGES = {"never": "text-bg-danger", "under_half": "text-bg-warning", "half_and_over": "text-bg-success"}
BAND_LABELS = {"never": _("Never reached"), "under_half": _("Under 50 %"), "half_and_over": _("50 % and over")}


class LectureTable(Table):
    starts_at = WhenColumn(verbose_name=_("Starts at"), orderable=True)
    enterprise = tables.Column(accessor="enterprise__name", verbose_name=_("Enterprise"))
    topic = tables.Column(verbose_name=_("Lecture topic"))
    theme = tables.Column(verbose_name=_("Theme"), attrs=NARROW)
    campaign = tables.Column(accessor="campaign__title", verbose_name=_("Campaign"), attrs=NARROW)
    status = tables.Column(verbose_name=_("Status"))
    attendance = tables.Column(verbose_name=_("People reached"))
    park = tables.Column(accessor="park__name", verbose_name=_("Park"), attrs=NARROW)

    export_filename = ("宣讲活动", "lectures")
    export_noun = _("%(count)s lectures")

    class Meta(Table.Meta):
        attrs = {**Table.Meta.attrs, "id": "lecture-results"}
        empty_text = _("No lecture matches these filters.")

    def render_topic(self, record, value):
        short = value if len(value) <= 40 else value[:40] + "…"
        return format_html('<a href="{}" id="lecture-link-{}">{}</a>', record.get_absolute_url(), record.pk, short)

    def value_topic(self, value):
        return value

    def value_theme(self, record, value):
        return record.get_theme_display()

    def render_theme(self, record, value):
        return record.get_theme_display()

    def render_status(self, record, value):
        badge = format_html('<span class="badge {}">{}</span>', record.status_badge, record.get_status_display())
        if record.by_agreement:
            return format_html('{} <span class="badge text-bg-warning">{}</span>', badge, _("by agreement"))
        return badge

    def value_status(self, record, value):
        return record.get_status_display()


class CoverageTable(Table):
    name = tables.Column(verbose_name=_("Enterprise"), orderable=True)
    park = tables.Column(accessor="park__name", verbose_name=_("Park"), attrs=NARROW)
    headcount = tables.Column(verbose_name=_("Headcount"), orderable=True)
    lectures_held = tables.Column(verbose_name=_("Lectures held"), orderable=True)
    reached = tables.Column(verbose_name=_("People reached"), orderable=True)
    coverage = tables.Column(verbose_name=_("Coverage"), orderable=True)
    band = tables.Column(verbose_name=_("Band"))

    export_filename = ("宣传覆盖", "coverage")
    export_noun = _("%(count)s enterprises")

    class Meta(Table.Meta):
        attrs = {**Table.Meta.attrs, "id": "coverage-results"}
        empty_text = _("No enterprise matches these filters.")

    def render_name(self, record, value):
        return format_html('<a href="{}" id="coverage-{}">{}</a>', record.get_absolute_url(), record.pk, value)

    def value_name(self, value):
        return value

    def render_coverage(self, record, value):
        percent = shown_percent(record.coverage)
        return "—" if percent is None else f"{percent} %"

    def value_coverage(self, record, value):
        percent = shown_percent(record.coverage)
        return "" if percent is None else percent

    def render_band(self, record, value):
        return format_html('<span class="badge {}">{}</span>', BAND_BADGES[value], BAND_LABELS[value])

    def value_band(self, record, value):
        return str(BAND_LABELS[value])


class AdoptionTable(Table):
    rule = tables.Column(accessor="rule__text", verbose_name=_("Rule"))
    enterprise = tables.Column(accessor="enterprise__name", verbose_name=_("Enterprise"))
    since = DayColumn(verbose_name=_("Adopted on"), orderable=True)
    ended_on = DayColumn(verbose_name=_("Ended on"))
    park = tables.Column(accessor="park__name", verbose_name=_("Park"), attrs=NARROW)
    note = tables.Column(verbose_name=_("Note"), attrs=NARROW)
    end = tables.Column(accessor="pk", verbose_name="", orderable=False, exclude_from_export=True, empty_values=())

    role_columns = {"end": "outreach.manage"}
    export_filename = ("企业规矩", "rules")
    export_noun = _("%(count)s adoptions")

    class Meta(Table.Meta):
        attrs = {**Table.Meta.attrs, "id": "adoption-results"}
        empty_text = _("No enterprise has adopted a rule matching these filters.")

    def render_rule(self, record, value):
        return format_html('<span id="adoption-{}">{}</span>', record.pk, value)

    def render_end(self, record):
        if record.ended_on is not None:
            return ""
        return format_html('<a class="btn btn-sm btn-outline-danger py-0" id="adoption-end-{}" href="{}">{}</a>',
                           record.pk, reverse("outreach:adoption_end", args=[record.pk]), _("End…"))

    def value_rule(self, value):
        return value
