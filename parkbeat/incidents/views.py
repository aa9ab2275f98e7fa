"""Incident pages: declared on the core bases; reads through selectors, writes through services."""
from datetime import timedelta

from django.contrib import messages
from django.db import DatabaseError
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from parkbeat.core.permissions import can
from parkbeat.core.services import IllegalTransition
from parkbeat.core.timeouts import time_limit_exceeded
from parkbeat.core.views import PermissionRequiredMixin, ScopedDetailView, ScopedListView, ServiceFormView
from parkbeat.incidents import selectors, services
from parkbeat.incidents.filters import IncidentFilterSet
from parkbeat.incidents.forms import ACTIONS, IncidentActionForm, IncidentForm, QuickReportForm
from parkbeat.incidents.links import outcomes_of
from parkbeat.incidents.models import Incident
from parkbeat.incidents.tables import IncidentTable


class IncidentListView(ScopedListView):
    """The incident list: the figures of the period above the table, cards on a phone, export as shown."""

    model = Incident
    table_class = IncidentTable
    required_perm = "case.view"  # administrators: 403, not an empty list
    filterset_class = IncidentFilterSet
    template_name = "incidents/incident_list.html"
    partial_template_name = "incidents/partials/incident_table.html"

    def get_base_queryset(self):
        return selectors.incident_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_add"] = can(self.request.user, "incident.handle")
        ctx["can_quick_report"] = can(self.request.user, "incident.add")
        ctx["now"] = timezone.now()
        # The station's own clocks and counts are for the police, not for liaisons, agencies or volunteers.
        # The page fetches them once it shows (IncidentListFiguresView): the list never waits for them.
        if can(self.request.user, "incident.handle"):
            query = self.request.GET.copy()
            for key in ("page", "page_size", "sort", "export"):
                query.pop(key, None)
            ctx["figures_url"] = reverse("incidents:incident_list_figures") + (f"?{query.urlencode()}" if query else "")
        return ctx

    FIGURES_DAYS = 30  # the period when the filter names none: the last 30 days

    def figures(self, filterset):
        """The figures of the filter's period (default: the last 30 days), park and enterprise, above the table."""
        data = filterset.form.cleaned_data if filterset.form.is_valid() else {}
        first, last = selectors.FIGURES_FIRST_DAY, selectors.FIGURES_LAST_DAY
        date_from, date_to = data.get("date_from"), data.get("date_to")
        if (date_to and date_to < first) or (date_from and date_from > last):
            return None  # e.g. 0001-01-01 … : no incident can lie there
        today = timezone.localdate()
        end = min(date_to or max(today, date_from or today), last)
        start = max(date_from or min(end, today) - timedelta(days=self.FIGURES_DAYS - 1), first)
        if start > end:
            return None
        figures = selectors.incident_figures(user=self.request.user, start=start, end=end, park=data.get("park"),
                                             enterprise=data.get("enterprise"))
        figures["clocks"] = [(gettext_lazy("To acceptance"), figures["to_accept"]),
                             (gettext_lazy("To the scene"), figures["to_scene"]),
                             (gettext_lazy("To closing"), figures["to_close"])]
        figures["kinds"] = [(label, figures["by_kind"][value]) for value, label in Incident.Kind.choices
                            if figures["by_kind"][value]]
        figures["sources"] = [(label, figures["by_source"][value]) for value, label in Incident.Source.choices
                              if figures["by_source"][value]]
        return figures


class IncidentListFiguresView(IncidentListView):
    """The figures above the incident list for the list's filters, which the page fetches (HTMX) once it
    shows. A period too large for the request's time limit says so in their place; the list stays usable."""

    required_perm = "incident.handle"
    template_name = "incidents/partials/incident_figures.html"

    def get(self, request, *args, **kwargs):
        filterset = self.get_filterset(self.get_filterset_class())
        try:
            figures = self.figures(filterset)
        except DatabaseError as exc:
            if not time_limit_exceeded(exc):
                raise
            return render(request, self.template_name, {"too_long": True})
        return render(request, self.template_name, {"figures": figures})


def allowed_actions(user, incident):
    """Which buttons the incident page shows to `user` (the services check again)."""
    status, S = incident.status, Incident.Status
    handle = can(user, "incident.handle", incident)
    dispatch = can(user, "incident.dispatch", incident)
    return {
        "accept": status == S.REPORTED and (incident.holder_id == user.pk or handle),
        "arrive": status == S.ACCEPTED and handle,
        "close": status in (S.ACCEPTED, S.ON_SCENE) and handle,
        "cancel": S.CANCELLED in Incident.TRANSITIONS[status] and dispatch,
        "reopen": status == S.CLOSED and dispatch,
        "handover": incident.is_open and dispatch,
        "agency": status != S.CANCELLED and handle,
    }


def _create_url(user, outcome, incident):
    if not can(user, outcome.permission, incident):
        return None
    try:
        return f"{reverse(outcome.create_url_name)}?incident={incident.pk}"
    except NoReverseMatch:  # the outcome's area has no page yet
        return None


def incident_page_context(user, incident, action_form=None):
    """What the incident page shows; `action_form` is a refused form to show again with its errors."""
    actions = allowed_actions(user, incident)
    if action_form is None:
        action_form = IncidentActionForm(
            initial={"version": incident.version},
            holders=selectors.holder_candidates(incident=incident) if actions["handover"] else None,
            agencies=selectors.agency_candidates(incident=incident) if actions["agency"] else None)
    return {
        "incident": incident, "object": incident, "actions": actions, "any_action": any(actions.values()),
        "action_form": action_form, "clocks": selectors.incident_clocks(incident), "now": timezone.now(),
        "timeline": selectors.incident_timeline(incident, user),
        "outcomes": [{"outcome": outcome, "records": records, "create_url": _create_url(user, outcome, incident)}
                     for outcome, records in outcomes_of(incident, user)],
    }


class IncidentDetailView(ScopedDetailView):
    model = Incident
    template_name = "incidents/incident_detail.html"

    def get_queryset(self):
        return selectors.incident_list(user=self.request.user).prefetch_related("agencies")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **incident_page_context(self.request.user, self.object)}


class IncidentCreateView(ServiceFormView):
    """Staff intake: walk-ins, phone calls, patrols and 110 transfers."""

    required_perm = "incident.handle"
    form_class = IncidentForm
    template_name = "incidents/incident_form.html"
    page_title = gettext_lazy("Record an incident")
    success_message = gettext_lazy("Incident recorded and dispatched.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        data = dict(form.cleaned_data)
        return services.incident_report(actor=self.request.user, **data)


class QuickReportView(ServiceFormView):
    """The phone page for liaisons and volunteers (and police in the field)."""

    required_perm = "incident.add"
    form_class = QuickReportForm
    template_name = "incidents/quick_report.html"
    page_title = gettext_lazy("Quick report")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        data = dict(form.cleaned_data)  # `occurred_at` from "when did it happen?"; reported: as it arrives
        source = Incident.Source.PATROL  # police reporting from the field; liaisons and volunteers are set by role
        return services.incident_report(actor=self.request.user, source=source, **data)

    def get_success_url(self):
        return reverse("incidents:quick_report_done", args=[self.object.pk])


class QuickReportDoneView(PermissionRequiredMixin, TemplateView):
    """The confirmation: the incident number and who it went to."""

    required_perm = "incident.add"
    template_name = "incidents/quick_report_done.html"

    def get_context_data(self, **kwargs):
        incident = selectors.incident_get(user=self.request.user, pk=self.kwargs["pk"])
        return {**super().get_context_data(**kwargs), "incident": incident}


class IncidentActionView(ServiceFormView):
    """POST-only: one button of the incident page (a transition, a handover or an agency). A refusal shows the
    page again with the form as sent and its errors beside the fields (e.g. a time that needs a reason)."""

    http_method_names = ["post"]
    form_class = IncidentActionForm
    template_name = IncidentDetailView.template_name

    @cached_property
    def incident(self):
        return selectors.incident_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "holders": selectors.holder_candidates(incident=self.incident),
                "agencies": selectors.agency_candidates(incident=self.incident)}

    def form_invalid(self, form):
        incident = selectors.incident_get(user=self.request.user, pk=self.kwargs["pk"])  # as stored now
        return render(self.request, self.template_name, incident_page_context(self.request.user, incident, form))

    def perform(self, form):
        data, user = form.cleaned_data, self.request.user
        action, version = data["action"], data["version"]
        when = {"at": form.happened_at(), "late_reason": data["late_reason"]}
        if action == "handover":
            return services.incident_handover(actor=user, incident=self.incident, to_user=data["to_user"],
                                              note=data["note"], expected_version=version, **when)
        if action == "agency":
            return services.incident_add_agency(actor=user, incident=self.incident, agency=data["agency"],
                                                note=data["note"], expected_version=version)
        to = ACTIONS[action]
        if action == "reopen":
            if self.incident.status != Incident.Status.CLOSED:
                raise IllegalTransition(_("Only a closed incident can be reopened."))
            to = services.reopen_status(self.incident)
        return services.incident_transition(actor=user, incident=self.incident, to=to,
                                            note=data["note"], result=data["result"],
                                            result_note=data["result_note"], expected_version=version, **when)

    def get_success_url(self):
        messages.success(self.request, _("Incident updated."))
        return self.object.get_absolute_url()
