"""The inbox as a table (core.tables): unread first; the export is the user's own notifications as shown."""
import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from parkbeat.core.tables import Table, WhenColumn
from parkbeat.notifications.models import Notification

_K = Notification.Kind
LATE = frozenset({_K.INCIDENT_ESCALATED, _K.DEMAND_OVERDUE, _K.PATROL_MISSED, _K.GUARDING_GAP, _K.HAZARD_OVERDUE})
SOON = frozenset({_K.OBLIGATION_DUE, _K.VOLUNTEER_SUPPORT_DUE, _K.GUARD_SHIFT_SOON, _K.HAZARD_DUE,
                  _K.INSPECTION_DUE, _K.VISIT_DUE})


def kind_badge(kind):
    """Red for what is already late or missed, amber for what falls due soon, grey for the rest."""
    return "text-bg-danger" if kind in LATE else "text-bg-warning" if kind in SOON else "text-bg-secondary"

class NotificationTable(Table):
    title = tables.Column(verbose_name=_("Notification"), attrs={"td": {"class": "text-break"}})
    kind = tables.Column(verbose_name=_("Kind"), orderable=True, attrs={"td": {"class": "text-nowrap"}})
    created_at = WhenColumn(verbose_name=_("Time"), orderable=True)
    read_at = WhenColumn(verbose_name=_("Read at"), visible=False)
    body = tables.Column(verbose_name=_("Message"), visible=False)

    card_template = "notifications/partials/notification_card.html"  # a phone shows cards, not columns
    export_filename = ("通知", "notifications")
    export_noun = _("%(count)s notifications")

    class Meta(Table.Meta):
        attrs = {**Table.Meta.attrs, "id": "inbox-results"}
        empty_text = _("No notifications match.")

    def render_title(self, record, value):
        unread = "" if record.read_at else format_html(
            '<i class="bi bi-circle-fill text-primary small" aria-label="{}"></i> ', _("Unread"))
        body = format_html('<div class="small text-muted">{}</div>',
                           record.body if len(record.body) <= 140 else record.body[:139] + "…") if record.body else ""
        return format_html('<a class="{}" href="{}">{}{}</a>{}', "text-muted" if record.read_at else "fw-bold",
                           reverse("notifications:notification_open", args=[record.pk]), unread, value, body)

    def value_title(self, value):
        return value

    def value_kind(self, record):
        return record.get_kind_display()

    def render_kind(self, record):
        return format_html('<span class="badge {} fw-normal" data-kind="{}">{}</span>', kind_badge(record.kind),
                           record.kind, record.get_kind_display())
