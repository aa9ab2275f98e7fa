"""The audit trail as a table (core.tables): columns people read, sortable by time, user, type and object.

Each page's events are read in bulk first (audit.readable: names, labels, masked values), so the table
renders from attributes and the page keeps a fixed number of queries. The file export stays the trail's
own (audit.exports: raw values beside readable ones, every event, no hourly quota for the auditor).
"""
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
import django_tables2 as tables

from parkbeat.audit.readable import read_events
from parkbeat.core.roles import Role
from parkbeat.core.tables import Table, WhenColumn

CHANGE_VALUE_MAX = 40
SHOWN_CHANGES = 4
# Bookkeeping every versioned record carries: on the detail page, not in the list's summary.
NOT_SUMMARISED = frozenset({"version"})


def role_labels(actor_roles):
    labels = []
    for code in filter(None, (actor_roles or "").split(",")):
        try:
            labels.append(Role(code).label)
        except ValueError:
            labels.append(code)
    return labels


def short(text):
    return text if len(text) <= CHANGE_VALUE_MAX else text[:CHANGE_VALUE_MAX - 1] + "…"


def summary(event):
    """The list's short form of the changes: (label, before, after), before None for a creation and after None
    for a deletion (the list then shows just the value), unchanged-looking and bookkeeping fields left out."""
    rows = []
    for row in event.change_rows:
        if row.name in NOT_SUMMARISED or row.before == row.after:
            continue
        before, after = short(row.before), short(row.after)
        if event.verb == "delete":
            after = None
        elif row.before == "—":
            before = None
        rows.append((row.label, before, after))
    return rows


def read_page(events):
    """The events of one page, readable (audit.readable) and with the list's summaries."""
    events = read_events(events)
    for event in events:
        event.role_labels = role_labels(event.actor_roles)
        event.short_changes = summary(event)
    return events


def _detail(record):
    return reverse("audit:event_detail", args=[record.pk])


class AuditEventTable(Table):
    at = WhenColumn(_("Time"), fmt="Y-m-d H:i:s", orderable=True, order_by=("at", "id"), linkify=_detail)
    actor = tables.Column(_("User"), accessor="actor_username", orderable=True, order_by=("actor_username", "id"),
                          empty_values=(), attrs={"td": {"class": "text-nowrap audit-actor"}})
    roles = tables.Column(_("Roles"), accessor="actor_roles", empty_values=(),
                          attrs={"th": {"class": "d-none d-lg-table-cell"}, "td": {"class": "d-none d-lg-table-cell"}})
    ip = tables.Column(_("Address"), attrs={"th": {"class": "d-none d-xl-table-cell"},
                                            "td": {"class": "d-none d-xl-table-cell font-monospace"}})
    verb = tables.Column(_("Type"), orderable=True, order_by=("verb", "id"), attrs={"td": {"class": "text-nowrap"}})
    outcome = tables.Column(_("Outcome"), empty_values=(), attrs={"td": {"class": "text-nowrap"}})
    object = tables.Column(_("Object"), accessor="object_type", orderable=True, order_by=("object_type", "id"),
                           empty_values=(), attrs={"td": {"class": "audit-object"}})
    changes = tables.Column(_("Changes"), empty_values=(), attrs={"td": {"class": "audit-changes"}})
    note = tables.Column(_("Note"), empty_values=(), attrs={"td": {"class": "cell-text text-break audit-note"}})

    card_template = "audit/partials/event_card.html"

    class Meta(Table.Meta):
        attrs = {"class": "table table-sm table-hover table-pb small mb-0 align-middle", "id": "audit-results"}
        empty_text = _("No event matches these filters.")

    def rows_of(self, records):
        return super().rows_of(read_page(records))

    def render_actor(self, record):
        return format_html('<span title="{}">{}</span>', record.actor_username, record.actor_name)

    def render_roles(self, record):
        if not record.role_labels:
            return "—"
        return format_html_join(" ", '<span class="badge text-bg-light fw-normal">{}</span>',
                                ((label,) for label in record.role_labels))

    def render_verb(self, record):
        return record.get_verb_display()

    def render_outcome(self, record):
        tone = "success" if record.outcome == "success" else "danger"
        return format_html('<span class="badge text-bg-{}">{}</span>', tone, record.get_outcome_display())

    def render_object(self, record):
        return format_html('<span class="text-muted">{}</span><br>{}', record.type_label or "—",
                           short(record.object_label) if record.object_label else "")

    def render_changes(self, record):
        return render_to_string("audit/partials/changes_summary.html",
                                {"e": record, "shown": SHOWN_CHANGES, "more": len(record.short_changes) - SHOWN_CHANGES})

    def render_note(self, record):
        text = record.note_text or ""
        if not text:
            return "—"
        return text if len(text) <= 120 else text[:119] + "…"
