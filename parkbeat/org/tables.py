"""The organisation's lists as tables (core.tables): parks, accounts and role assignments.

The administrators' tables hold account fields only (三员分立); a mobile number is masked on the page and
in the file alike. Action buttons are page-only columns (never exported); their forms carry the CSRF
token of `table.request`, which the list view sets.
"""
import django_tables2 as tables
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from parkbeat.core.tables import DayColumn, Table, WhenColumn
from parkbeat.core.templatetags.parkbeat import mask_mobile
from parkbeat.org.models import ADMIN_ROLES, Role

MONO = {"td": {"class": "font-monospace"}}
NUMBER = {"td": {"class": "text-end"}, "th": {"class": "text-end"}}
ACTIONS = {"td": {"class": "text-end text-nowrap"}, "th": {"class": "text-end"}}


class ActionsTable(Table):
    """A table with a page-only `actions` column drawn by `actions_template` (given `record`, `user`)."""

    actions_template = None
    request = None

    def render_actions(self, record):
        return render_to_string(self.actions_template, {"record": record, "user": self.user}, request=self.request)


class ParkTable(Table):
    station = tables.Column(accessor="station__name", verbose_name=_("Police station"), orderable=True,
                            order_by=("station__path", "name"))
    name = tables.Column(verbose_name=_("Park"), orderable=True)
    kind = tables.Column(verbose_name=_("Kind of area"), orderable=True)
    code = tables.Column(verbose_name=_("Code"), orderable=True, attrs={"td": {"class": "font-monospace small"}})
    area_km2 = tables.Column(verbose_name=_("Area (km²)"), orderable=True, attrs=NUMBER)
    enterprise_count = tables.Column(verbose_name=_("Enterprises"), orderable=True,
                                     attrs={"td": {"class": "text-end", "data-col": "enterprises"},
                                            "th": {"class": "text-end"}})
    key_enterprise_count = tables.Column(verbose_name=_("Key enterprises"), orderable=True,
                                         attrs={"td": {"class": "text-end", "data-col": "key"},
                                                "th": {"class": "text-end"}})
    officers = tables.Column(accessor="pk", verbose_name=_("Park officers"), attrs={"td": {"data-col": "officers"}})
    auxiliaries = tables.Column(accessor="pk", verbose_name=_("Auxiliary officers"),
                                attrs={"td": {"data-col": "auxiliaries"}})

    export_filename = ("园区", "parks")
    export_noun = _("%(count)s parks")

    class Meta(Table.Meta):
        attrs = {**Table.Meta.attrs, "id": "park-results"}
        empty_text = _("No park matches these filters.")

    @staticmethod
    def _team(record, role):
        return "、".join(a.user.display_name for a in record.team_assignments if a.role == role)

    def render_name(self, record, value):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), value)

    def value_name(self, value):
        return value

    def render_kind(self, record):
        return format_html('<span class="badge {} fw-normal">{}</span>', record.kind_badge, record.get_kind_display())

    def value_kind(self, record):
        return record.get_kind_display()

    def render_enterprise_count(self, value):
        return f"{value:,}"

    def value_enterprise_count(self, value):
        return value

    def render_key_enterprise_count(self, value):
        return format_html('<span class="badge badge-key">{}</span>', f"{value:,}") if value else "0"

    def value_key_enterprise_count(self, value):
        return value

    def render_officers(self, record):
        return self._team(record, Role.PARK_OFFICER) or "—"

    def value_officers(self, record):
        return self._team(record, Role.PARK_OFFICER)

    def render_auxiliaries(self, record):
        return self._team(record, Role.AUXILIARY) or "—"

    def value_auxiliaries(self, record):
        return self._team(record, Role.AUXILIARY)


class UserTable(ActionsTable):
    username = tables.Column(verbose_name=_("Username"), orderable=True, attrs=MONO)
    full_name = tables.Column(verbose_name=_("Full name"), orderable=True)
    mobile = tables.Column(verbose_name=_("Mobile"), attrs={"td": {"class": "font-monospace small"}})
    is_active = tables.Column(verbose_name=_("Status"), orderable=True)
    last_login = WhenColumn(verbose_name=_("Last login"), orderable=True)
    date_joined = DayColumn(verbose_name=_("Date joined"), orderable=True)
    actions = tables.Column(accessor="pk", verbose_name=_("Actions"), exclude_from_export=True, attrs=ACTIONS)

    actions_template = "org/partials/user_actions.html"
    export_filename = ("账号", "accounts")
    export_noun = _("%(count)s accounts")

    class Meta(Table.Meta):
        attrs = {**Table.Meta.attrs, "id": "account-results"}
        empty_text = _("No account matches these filters.")

    def render_mobile(self, value):
        return mask_mobile(value)

    def value_mobile(self, value):
        return mask_mobile(value)  # masked in the file too (D2)

    def render_is_active(self, value):
        if value:
            return format_html('<span class="badge badge-status-active">{}</span>', _("Active"))
        return format_html('<span class="badge badge-status-closed">{}</span>', _("Disabled"))

    def value_is_active(self, value):
        return str(_("Active") if value else _("Disabled"))


class RoleAssignmentTable(ActionsTable):
    username = tables.Column(accessor="user__username", verbose_name=_("Username"), orderable=True,
                             order_by=("user__username", "role", "id"), attrs=MONO)
    full_name = tables.Column(accessor="user__full_name", verbose_name=_("Full name"), orderable=True)
    role = tables.Column(verbose_name=_("Role"), orderable=True)
    place = tables.Column(accessor="place", verbose_name=_("Place"))
    created_at = DayColumn(verbose_name=_("Since"), orderable=True)
    actions = tables.Column(accessor="pk", verbose_name=_("Actions"), exclude_from_export=True, attrs=ACTIONS)

    actions_template = "org/partials/role_actions.html"
    export_filename = ("角色分配", "role-assignments")
    export_noun = _("%(count)s role assignments")

    class Meta(Table.Meta):
        attrs = {**Table.Meta.attrs, "id": "role-results"}
        empty_text = _("No role assignment matches these filters.")

    def render_username(self, record, value):
        if record.user.is_active:
            return value
        return format_html('{} <span class="badge badge-status-closed">{}</span>', value, _("Disabled"))

    def value_username(self, value):
        return value

    def value_role(self, record):
        return record.get_role_display()

    def render_role(self, record):
        label = record.get_role_display()
        if record.role in ADMIN_ROLES:
            return format_html('<span class="badge text-bg-warning">{}</span>', label)
        return label

    def value_place(self, value):
        return str(value) if value else ""
