"""Crime pages: leads (list, detail with observations, convert to a case, close) and cases (list with figures and
export, detail with its timeline, key times, suspects, status). Reads through selectors, writes through services.
How much of a case a page shows follows `selectors.case_view_of`."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from parkbeat.core.permissions import POLICE, can, require
from parkbeat.core.views import PermissionRequiredMixin, ScopedListView, ServiceFormView
from parkbeat.crime import selectors, services
from parkbeat.crime.figures import case_figures
from parkbeat.crime.filters import CaseFilterSet, LeadFilterSet
from parkbeat.crime.forms import (CaseEditForm, CaseForm, CaseNoteForm, CloseLeadForm, KeyTimeForm, LeadAgencyForm,
                                  LeadForm, ObserveForm, SuspectForm, TransitionForm)
from parkbeat.crime.models import Case, Lead
from parkbeat.crime.tables import CaseTable, LeadTable, LiaisonCaseTable


def _now():
    return timezone.localtime().replace(second=0, microsecond=0)


class LeadListView(ScopedListView):
    model = Lead
    required_perm = "lead.view"
    filterset_class = LeadFilterSet
    table_class = LeadTable
    template_name = "crime/lead_list.html"
    strict = True

    def get_base_queryset(self):
        return selectors.lead_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "can_add": can(self.request.user, "lead.add"),
                "cases_crumb": can(self.request.user, "crime.view")}


class LeadMixin:
    @cached_property
    def lead(self):
        lead = selectors.lead_get(user=self.request.user, pk=self.kwargs["pk"])
        if self.required_perm != "lead.view":
            require(self.request.user, self.required_perm, lead)
        return lead


class LeadDetailView(LeadMixin, PermissionRequiredMixin, TemplateView):
    required_perm = "lead.view"
    template_name = "crime/lead_detail.html"

    def get_context_data(self, **kwargs):
        lead, user = self.lead, self.request.user
        open_ = lead.status == Lead.Status.OPEN
        case = Case.objects.visible_to(user).filter(lead=lead).first()
        return {**super().get_context_data(**kwargs), "lead": lead, "case": case,
                "observations": selectors.observation_list(user=user, lead=lead),
                "cases_crumb": can(user, "crime.view"),
                "can_observe": open_ and can(user, "lead.observe", lead),
                "can_decide": open_ and can(user, "lead.decide", lead),
                "observe_form": ObserveForm(initial={"at": _now()}, auto_id="observe_%s"),
                "close_form": CloseLeadForm(initial={"version": lead.version}, auto_id="close_%s")}


class LeadCreateView(ServiceFormView):
    required_perm = "lead.add"
    form_class = LeadForm
    template_name = "crime/form.html"
    page_title = gettext_lazy("Record a lead")
    success_message = gettext_lazy("Lead recorded.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {"received_at": _now(), "park": self.request.GET.get("park")}

    def get_context_data(self, **kwargs):  # the crumbs of a lead's pages: (涉企案件 /) 线索 / 登记线索
        return {**super().get_context_data(**kwargs), "lead_form": True,
                "cases_crumb": can(self.request.user, "crime.view")}

    def perform(self, form):
        data = form.cleaned_data
        return services.lead_create(actor=self.request.user, park=data["park"], area=data["area"],
                                    source=data["source"], description=data["description"], agency=data["agency"],
                                    received_at=data["received_at"], late_reason=data["late_reason"])


class ActionView(ServiceFormView):
    """A POST from a detail page: errors come back as messages on that page."""

    http_method_names = ["post"]
    done_message = None

    def back_url(self):
        raise NotImplementedError

    def form_invalid(self, form):
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields and field != "__all__" else ""
            for error in errors:
                messages.error(self.request, f"{label}: {error}" if label and field != "version" else error)
        return redirect(self.back_url())

    def get_success_url(self):
        messages.success(self.request, self.done_message)
        return self.back_url()


class LeadObserveView(LeadMixin, ActionView):
    required_perm = "lead.observe"
    form_class = ObserveForm
    done_message = gettext_lazy("Observation recorded.")

    def back_url(self):
        return self.lead.get_absolute_url()

    def perform(self, form):
        data = form.cleaned_data
        return services.lead_observe(actor=self.request.user, lead=self.lead, note=data["note"], at=data["at"],
                                     late_reason=data["late_reason"])


class LeadCloseView(LeadMixin, ActionView):
    required_perm = "lead.decide"
    form_class = CloseLeadForm
    done_message = gettext_lazy("Lead closed.")

    def back_url(self):
        return self.lead.get_absolute_url()

    def perform(self, form):
        return services.lead_close(actor=self.request.user, lead=self.lead, reason=form.cleaned_data["reason"],
                                   expected_version=form.cleaned_data["version"])


class LeadAgencyView(LeadMixin, ServiceFormView):
    """Change the partner agency working the lead (leader or officer): its staff then see the lead."""

    required_perm = "lead.decide"
    form_class = LeadAgencyForm
    template_name = "crime/edit_form.html"
    page_title = gettext_lazy("Agency working the lead")
    success_message = gettext_lazy("Agency changed.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "park": self.lead.park}

    def get_initial(self):
        return {"version": self.lead.version, "agency": self.lead.agency_id}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "back": self.lead.get_absolute_url(), "subject": self.lead,
                "form_id": "lead-agency-form", "cases_crumb": can(self.request.user, "crime.view")}

    def perform(self, form):
        return services.lead_set_agency(actor=self.request.user, lead=self.lead, agency=form.cleaned_data["agency"],
                                        expected_version=form.cleaned_data["version"])


class CaseListView(ScopedListView):
    model = Case
    required_perm = "crime.view"
    filterset_class = CaseFilterSet
    template_name = "crime/case_list.html"
    strict = True

    @property
    def table_class(self):
        return CaseTable if selectors.case_view_of(self.request.user) != "status" else LiaisonCaseTable

    def get_base_queryset(self):
        return selectors.case_list(user=self.request.user)

    def export(self, fmt, valid):
        if not can(self.request.user, "crime.export"):
            raise PermissionDenied(_("You are not allowed to do this here."))
        return super().export(fmt, valid)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        police = can(user, "crime.export")
        if not police:
            ctx["export_formats"] = ()
        rows = selectors.case_figure_rows(user=user, queryset=self.filterset.qs) if (
            not self.filterset.is_bound or self.filterset.is_valid()) else Case.objects.none()
        figures = case_figures(user=user, queryset=rows) if police else None
        if figures is not None:
            figures["kinds"] = [(kind, label, figures["by_kind"][kind]) for kind, label in Case.Kind.choices]
        return {**ctx, "figures": figures, "can_add": can(user, "crime.handle")}


class CaseMixin:
    @cached_property
    def case(self):
        case = selectors.case_get(user=self.request.user, pk=self.kwargs["pk"])
        if self.required_perm != "crime.view":
            require(self.request.user, self.required_perm, case)
        return case


class CaseDetailView(CaseMixin, PermissionRequiredMixin, TemplateView):
    required_perm = "crime.view"
    template_name = "crime/case_detail.html"

    def get_context_data(self, **kwargs):
        case, user = self.case, self.request.user
        view = selectors.case_view_of(user, case)
        ctx = {**super().get_context_data(**kwargs), "case": case, "view": view,
               "can_edit": view == "full" and can(user, "crime.handle", case)}
        if view == "full":
            ctx.update(events=selectors.event_list(user=user, case=case),
                       suspects=selectors.suspect_list(user=user, case=case),
                       can_handle=case.status != Case.Status.CLOSED,
                       key_form=KeyTimeForm(initial={"version": case.version, "at": _now()}, auto_id="key_%s"),
                       suspect_form=SuspectForm(auto_id="suspect_%s"),
                       note_form=CaseNoteForm(initial={"at": _now()}, auto_id="note_%s"),
                       transition_form=TransitionForm(initial={"version": case.version}, auto_id="status_%s"))
        return ctx


class CaseCreateView(ServiceFormView):
    """Record a case: on its own, from an incident (?incident=) or from a lead (?lead=, which becomes the case)."""

    required_perm = "crime.handle"
    form_class = CaseForm
    template_name = "crime/form.html"
    page_title = gettext_lazy("Record a case")
    success_message = gettext_lazy("Case recorded.")

    def _load(self, model, name):
        pk = self.request.GET.get(name) or self.request.POST.get(name)
        if not pk:
            return None
        try:
            return model.objects.visible_to(self.request.user, roles=POLICE).get(pk=int(pk))
        except (model.DoesNotExist, ValueError, TypeError, OverflowError):
            raise Http404 from None

    @cached_property
    def lead(self):
        return self._load(Lead, "lead")

    @cached_property
    def incident(self):
        from parkbeat.incidents.models import Incident

        return None if self.lead else self._load(Incident, "incident")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        now = _now()
        initial = {"reported_at": now, "occurred_at": now, "enterprise": self.request.GET.get("enterprise")}
        if self.lead is not None:
            initial.update(description=self.lead.description, park=self.lead.park_id, area=self.lead.area,
                           enterprise=self.lead.enterprise_id, expected_version=self.lead.version,
                           occurred_at=timezone.localtime(self.lead.received_at))
        elif self.incident is not None:
            initial.update(enterprise=self.incident.enterprise_id, description=self.incident.description,
                           reported_at=timezone.localtime(self.incident.reported_at),
                           occurred_at=timezone.localtime(self.incident.reported_at))
        return initial

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "lead": self.lead, "incident": self.incident}

    def perform(self, form):
        data = form.cleaned_data
        return services.case_create(
            actor=self.request.user, kind=data["kind"], title=data["title"], description=data["description"],
            enterprise=data["enterprise"], park=data["park"], area=data["area"], occurred_at=data["occurred_at"],
            reported_at=data["reported_at"], loss_yuan=data["loss_yuan"], loss_items=data["loss_items"],
            cross_region=data["cross_region"], late_reason=data["late_reason"], incident=self.incident,
            lead=self.lead, expected_version=data["expected_version"])


class CaseEditView(CaseMixin, ServiceFormView):
    """Edit the case's details (leader or officer); a stale version is a form error."""

    required_perm = "crime.handle"
    form_class = CaseEditForm
    template_name = "crime/edit_form.html"
    page_title = gettext_lazy("Edit the case")
    success_message = gettext_lazy("Case saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        case = self.case
        return {"version": case.version, "kind": case.kind, "title": case.title, "enterprise": case.enterprise_id,
                "area": case.area, "description": case.description,
                "occurred_at": timezone.localtime(case.occurred_at).replace(second=0, microsecond=0),
                "reported_at": timezone.localtime(case.reported_at).replace(second=0, microsecond=0),
                "loss_yuan": case.loss_yuan, "loss_items": case.loss_items, "cross_region": case.cross_region}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "back": self.case.get_absolute_url(), "subject": self.case,
                "form_id": "case-edit-form"}

    def perform(self, form):
        data = form.field_data()
        if data.get("enterprise") is None and self.case.enterprise_id is None:
            data.pop("enterprise", None)
        return services.case_update(actor=self.request.user, case=self.case, data=data,
                                    expected_version=form.cleaned_data["version"],
                                    late_reason=form.cleaned_data["late_reason"])


class CaseActionView(CaseMixin, ActionView):
    required_perm = "crime.handle"

    def back_url(self):
        return self.case.get_absolute_url()


class CaseKeyTimeView(CaseActionView):
    form_class = KeyTimeForm
    done_message = gettext_lazy("Key time recorded.")

    def perform(self, form):
        data = form.cleaned_data
        return services.case_key_time(actor=self.request.user, case=self.case, kind=data["kind"], at=data["at"],
                                      note=data["note"], recovered_yuan=data["recovered_yuan"],
                                      cross_region=data["cross_region"] or None, late_reason=data["late_reason"],
                                      expected_version=data["version"])


class CaseSuspectView(CaseActionView):
    form_class = SuspectForm
    done_message = gettext_lazy("Suspect added.")

    def perform(self, form):
        data = form.cleaned_data
        return services.suspect_add(actor=self.request.user, case=self.case, name=data["name"],
                                    resident_id=data["resident_id"], note=data["note"])


class CaseNoteView(CaseActionView):
    form_class = CaseNoteForm
    done_message = gettext_lazy("Note recorded.")

    def perform(self, form):
        return services.case_note(actor=self.request.user, case=self.case, note=form.cleaned_data["note"],
                                  at=form.cleaned_data["at"])


class CaseTransitionView(CaseActionView):
    form_class = TransitionForm
    done_message = gettext_lazy("Case status changed.")

    def perform(self, form):
        data = form.cleaned_data
        return services.case_transition(actor=self.request.user, case=self.case, status=data["status"],
                                        reason=data["reason"], expected_version=data["version"])
