"""The coverage page's tables (core.tables): per checkpoint (sortable, exported as shown), per park and per team."""
import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from parkbeat.core.tables import Table, WhenColumn
from parkbeat.patrols import coverage

NUMBER = {"td": {"class": "text-end"}, "th": {"class": "text-end"}}
LEVELS = {coverage.NONE: ("danger", _("Not visited")), coverage.LOW: ("warning", _("Low")),
          coverage.GOOD: ("success", _("Good"))}


def percent(value):
    return "—" if value is None else f"{value:g}%"


def hours(seconds):
    return None if seconds is None else round(seconds / 3600, 1)


class CheckpointCoverageTable(Table):
    """Rows: `coverage.checkpoint_coverage`; the view sets `period`, `between` (gaps_between_visits) and `as_of`."""

    name = tables.Column(verbose_name=_("Checkpoint"), orderable=True)
    park = tables.Column(accessor="park__name", verbose_name=_("Park"), orderable=True,
                         order_by=("park__name", "name"))
    visits = tables.Column(verbose_name=_("Counted visits"), orderable=True, attrs=NUMBER)
    night_visits = tables.Column(verbose_name=_("Night visits"), orderable=True, attrs=NUMBER)
    night_share = tables.Column(accessor="pk", verbose_name=_("Night share"), attrs=NUMBER)
    last_visit = WhenColumn(verbose_name=_("Last visit"), orderable=True)
    missed = tables.Column(verbose_name=_("Missed checks"), orderable=True, attrs=NUMBER)
    longest_gap = tables.Column(accessor="pk", verbose_name=_("Longest gap (h)"), attrs=NUMBER)
    level = tables.Column(accessor="pk", verbose_name=_("Coverage"))

    export_filename = ("巡防覆盖", "patrol_coverage")
    export_noun = _("%(count)s checkpoints")

    period = None
    between = {}
    as_of = None

    class Meta(Table.Meta):
        attrs = {**Table.Meta.attrs, "id": "coverage-checkpoints"}
        empty_text = _("No checkpoint in this period and scope.")

    def gap(self, record):
        return coverage.longest_gap(self.period, record.first_visit, record.last_visit,
                                    self.between.get(record.pk), self.as_of)

    def render_name(self, record, value):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), value)

    def value_name(self, value):
        return value

    def render_night_share(self, record):
        return percent(coverage.share(record.night_visits, record.visits))

    def value_night_share(self, record):
        return coverage.share(record.night_visits, record.visits)

    def render_last_visit(self, value):
        return WhenColumn().render(value) if value else "—"

    def render_longest_gap(self, record):
        return f"{hours(self.gap(record)):g}"

    def value_longest_gap(self, record):
        return hours(self.gap(record))

    def level_of(self, record):
        return coverage.level(record.visits, record.missed, self.period.days)

    def render_level(self, record):
        tone, label = LEVELS[self.level_of(record)]
        return format_html('<span class="badge text-bg-{}">{}</span>', tone, label)

    def value_level(self, record):
        return str(LEVELS[self.level_of(record)][1])


class ParkCoverageTable(Table):
    park = tables.Column(accessor="park__name", verbose_name=_("Park"))
    checkpoints = tables.Column(verbose_name=_("Checkpoints"), attrs=NUMBER)
    visited = tables.Column(verbose_name=_("Visited"), attrs=NUMBER)
    coverage_share = tables.Column(verbose_name=_("Coverage share"), attrs=NUMBER)
    visits = tables.Column(verbose_name=_("Counted visits"), attrs=NUMBER)
    night_share = tables.Column(verbose_name=_("Night share"), attrs=NUMBER)
    missed = tables.Column(verbose_name=_("Missed checks"), attrs=NUMBER)
    last_visit = WhenColumn(verbose_name=_("Last visit"))

    class Meta(Table.Meta):
        attrs = {**Table.Meta.attrs, "id": "coverage-parks"}
        empty_text = _("No checkpoint in this period and scope.")

    def render_coverage_share(self, value):
        return percent(value)

    def render_night_share(self, value):
        return percent(value)


class TeamCoverageTable(Table):
    name = tables.Column(verbose_name=_("Volunteer team"))
    park = tables.Column(accessor="park__name", verbose_name=_("Park"))
    runs = tables.Column(verbose_name=_("Patrol runs"), attrs=NUMBER)
    visits = tables.Column(verbose_name=_("Counted visits"), attrs=NUMBER)
    night_share = tables.Column(verbose_name=_("Night share"), attrs=NUMBER)
    checkpoints_reached = tables.Column(verbose_name=_("Checkpoints reached"), attrs=NUMBER)
    missed = tables.Column(verbose_name=_("Missed checks"), attrs=NUMBER)
    last_visit = WhenColumn(verbose_name=_("Last visit"))

    class Meta(Table.Meta):
        attrs = {**Table.Meta.attrs, "id": "coverage-teams"}
        empty_text = _("No plan of these parks calls for a volunteer team.")

    def render_night_share(self, value):
        return percent(value)
