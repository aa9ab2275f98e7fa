"""The patrol lists as tables (core.tables): what the page shows is what ?export=xlsx writes."""
import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from parkbeat.core.tables import Table, WhenColumn, local_time

NARROW = {"td": {"class": "d-none d-md-table-cell"}, "th": {"class": "d-none d-md-table-cell"}}


def _yes_no(value):
    return str(_("Yes") if value else _("No"))


class CheckpointTable(Table):
    name = tables.Column(verbose_name=_("Name"), orderable=True)
    park = tables.Column(accessor="park__name", verbose_name=_("Park"), orderable=True, order_by=("park__name", "name"))
    kind = tables.Column(verbose_name=_("Kind"), orderable=True)
    lon = tables.Column(verbose_name=_("Longitude"), attrs=NARROW)
    lat = tables.Column(verbose_name=_("Latitude"), attrs=NARROW)
    is_active = tables.Column(verbose_name=_("Active"))

    export_filename = ("巡防点位", "checkpoints")
    export_noun = _("%(count)s checkpoints")

    class Meta(Table.Meta):
        attrs = {**Table.Meta.attrs, "id": "checkpoint-results"}
        empty_text = _("No checkpoint matches these filters.")

    def render_name(self, record, value):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), value)

    def value_name(self, value):
        return value

    def render_is_active(self, value):
        return format_html('<span class="badge text-bg-{}">{}</span>', "success" if value else "secondary",
                           _("Active") if value else _("Retired"))

    def value_is_active(self, value):
        return _yes_no(value)


class RouteTable(Table):
    name = tables.Column(verbose_name=_("Name"), orderable=True)
    park = tables.Column(accessor="park__name", verbose_name=_("Park"), orderable=True, order_by=("park__name", "name"))
    description = tables.Column(verbose_name=_("Route description"), attrs=NARROW)
    is_active = tables.Column(verbose_name=_("Active"))

    export_filename = ("巡防路线", "routes")
    export_noun = _("%(count)s routes")

    class Meta(Table.Meta):
        attrs = {**Table.Meta.attrs, "id": "route-results"}
        empty_text = _("No route matches these filters.")

    def render_name(self, record, value):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), value)

    def value_name(self, value):
        return value

    def render_is_active(self, value):
        return _yes_no(value)

    def value_is_active(self, value):
        return _yes_no(value)


class PlanTable(Table):
    name = tables.Column(verbose_name=_("Name"), orderable=True)
    park = tables.Column(accessor="park__name", verbose_name=_("Park"), orderable=True, order_by=("park__name", "name"))
    route = tables.Column(accessor="route__name", verbose_name=_("Route"), attrs=NARROW)
    mode = tables.Column(verbose_name=_("Mode"), orderable=True)
    schedule = tables.Column(accessor="start_time", verbose_name=_("Schedule"), orderable=True)
    is_night = tables.Column(verbose_name=_("Night patrol"), attrs=NARROW)
    is_active = tables.Column(verbose_name=_("Active"), attrs=NARROW)

    export_filename = ("巡防计划", "patrol_plans")
    export_noun = _("%(count)s plans")

    class Meta(Table.Meta):
        attrs = {**Table.Meta.attrs, "id": "plan-results"}
        empty_text = _("No plan matches these filters.")

    def render_name(self, record, value):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), value)

    def value_name(self, value):
        return value

    def render_schedule(self, record):
        return schedule_text(record)

    def value_schedule(self, record):
        return schedule_text(record)

    def render_is_night(self, value):
        return _yes_no(value)

    def value_is_night(self, value):
        return _yes_no(value)

    def render_is_active(self, value):
        return _yes_no(value)

    def value_is_active(self, value):
        return _yes_no(value)


def schedule_text(plan):
    days = "、".join(plan.weekday_labels())
    end = plan.end_time.strftime("%H:%M")
    if plan.overnight:
        end = str(_("%(time)s next day") % {"time": end})
    return f"{days} {plan.start_time:%H:%M}–{end}"


class RunTable(Table):
    started_at = WhenColumn(verbose_name=_("Started"), orderable=True)
    number = tables.Column(accessor="pk", verbose_name=_("Run"), attrs=NARROW)
    park = tables.Column(accessor="park__name", verbose_name=_("Park"), attrs=NARROW)
    route = tables.Column(accessor="route__name", verbose_name=_("Route"))
    plan = tables.Column(accessor="plan__name", verbose_name=_("Patrol plan"), attrs=NARROW)
    mode = tables.Column(verbose_name=_("Mode"), attrs=NARROW)
    status = tables.Column(verbose_name=_("Status"), orderable=True)
    finished_at = WhenColumn(verbose_name=_("Finished"), attrs=NARROW)
    started_by = tables.Column(accessor="started_by__display_name", verbose_name=_("Started by"), visible=False)

    export_filename = ("巡防记录", "patrol_runs")
    export_noun = _("%(count)s patrol runs")

    class Meta(Table.Meta):
        attrs = {**Table.Meta.attrs, "id": "run-results"}
        empty_text = _("No patrol run matches these filters.")

    def render_started_at(self, record, value):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), local_time(value))

    def value_started_at(self, value):
        return local_time(value)

    def render_number(self, record):
        return record.number

    def value_number(self, record):
        return record.number

    def render_status(self, record):
        colour = {"running": "primary", "finished": "success", "auto_closed": "warning"}[record.status]
        return format_html('<span class="badge text-bg-{}">{}</span>', colour, record.get_status_display())

    def value_status(self, record):
        return record.get_status_display()
