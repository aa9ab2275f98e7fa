"""The audit trail pages: for the audit administrator only ("audit.view"); read-only, newest first."""
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
from parkbeat.core.exports import ExportTooLarge
from parkbeat.core.forms import FilterForm
from parkbeat.core.roles import Role
from parkbeat.core.views import PermissionRequiredMixin, ScopedListView

CHANGE_VALUE_MAX = 40
# Never shown, even to the auditor (SECURITY C5); the page says a value changed, not what it is.
SECRET_FIELDS = frozenset({"password", "key_hash"})
SECRET_SHOWN = "******"


class AuditEventPageFilterSet(AuditEventFilterSet):
    class Meta(AuditEventFilterSet.Meta):
        form = FilterForm


def role_labels(actor_roles):
    labels = []
    for code in filter(None, actor_roles.split(",")):
        try:
            labels.append(Role(code).label)
        except ValueError:
            labels.append(code)
    return labels


def _short(value):
    text = "—" if value in (None, "") else str(value)
    return text if len(text) <= CHANGE_VALUE_MAX else text[:CHANGE_VALUE_MAX - 1] + "…"


def change_rows(changes, short=True):
    """[(field, before, after)] from the event's {field: [before, after]}."""
    rows = []
    for name, pair in (changes or {}).items():
        before, after = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        if name in SECRET_FIELDS:
            before, after = (before and SECRET_SHOWN), (after and SECRET_SHOWN)
        rows.append((name, _short(before), _short(after)) if short else (name, before, after))
    return rows


class AuditEventListView(ScopedListView):
    """The trail is not scoped: the auditor reads all of it and nothing else (三员分立)."""

    model = AuditEvent
    required_perm = "audit.view"
    filterset_class = AuditEventPageFilterSet
    template_name = "audit/event_list.html"
    paginate_by = 50

    def get_base_queryset(self):
        return AuditEvent.objects.order_by("-id")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        events = list(ctx["object_list"])
        for event in events:
            event.role_labels = role_labels(event.actor_roles)
            event.change_rows = change_rows(event.changes)
        ctx["events"] = events
        return ctx


class AuditEventDetailView(PermissionRequiredMixin, DetailView):
    model = AuditEvent
    required_perm = "audit.view"
    template_name = "audit/event_detail.html"
    context_object_name = "event"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["role_labels"] = role_labels(self.object.actor_roles)
        ctx["change_rows"] = change_rows(self.object.changes, short=False)
        return ctx


class AuditEventExportView(PermissionRequiredMixin, View):
    """The filtered trail as CSV for the auditor; the export itself goes on the trail."""

    required_perm = "audit.view"

    def get(self, request):
        filterset = AuditEventPageFilterSet(request.GET, queryset=AuditEvent.objects.all())
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
