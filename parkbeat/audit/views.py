"""The audit trail pages: for the audit administrator only ("audit.view"); read-only, newest first.

Events are shown as people read them (audit.readable): objects and people by name, fields by their
labels, values by meaning, in a fixed number of queries per page.
"""
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView

from parkbeat.audit.exports import audit_export
from parkbeat.audit.filters import AuditEventFilterSet
from parkbeat.audit.models import AuditEvent
from parkbeat.audit.readable import read_events
from parkbeat.audit.tables import AuditEventTable, role_labels
from parkbeat.core.exports import ExportTooLarge
from parkbeat.core.views import PermissionRequiredMixin, ScopedListView


class AuditEventListView(ScopedListView):
    """The trail is not scoped: the auditor reads all of it and nothing else (三员分立).

    A core list (table, sorting by time, user, type and object, page size, jump to page); the file export is
    the trail's own CSV (AuditEventExportView), not the generic one: raw values beside readable ones, and no
    hourly quota for the auditor."""

    model = AuditEvent
    required_perm = "audit.view"
    filterset_class = AuditEventFilterSet
    table_class = AuditEventTable
    template_name = "audit/event_list.html"
    partial_template_name = "audit/partials/event_results.html"
    paginate_by = 50
    export_formats = ()

    def get_base_queryset(self):
        return AuditEvent.objects.order_by("-id")


class AuditEventDetailView(PermissionRequiredMixin, DetailView):
    model = AuditEvent
    required_perm = "audit.view"
    template_name = "audit/event_detail.html"
    context_object_name = "event"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        [event] = read_events([self.object])
        ctx["event"] = ctx["object"] = event
        ctx["actor_role_labels"] = role_labels(event.actor_roles)  # not role_labels: the header's, of the viewer
        ctx["change_rows"] = event.change_rows
        if event.object_type and event.object_id:
            ctx["history_query"] = f"object_type={event.object_type}&object_id={event.object_id}"
        return ctx


class AuditEventExportView(PermissionRequiredMixin, View):
    """The filtered trail as CSV for the auditor: raw values beside readable ones; the export goes on the trail."""

    required_perm = "audit.view"

    def get(self, request):
        filterset = AuditEventFilterSet(request.GET, queryset=AuditEvent.objects.all())
        if not filterset.is_valid():
            messages.error(request, _("Correct the filters before exporting."))
            return redirect("audit:event_list")
        filters = {k: v for k, v in request.GET.items() if k in filterset.filters and v}
        try:
            content = audit_export(actor=request.user, queryset=filterset.qs, filters=filters)
        except ExportTooLarge as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(f"{reverse('audit:event_list')}?{request.GET.urlencode()}")
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="audit-{timezone.localtime():%Y%m%d-%H%M%S}.csv"'
        response["Cache-Control"] = "no-store"
        return response
