"""Registry pages: declared on the core bases; reads through selectors, writes through services."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parkbeat.core.permissions import can, require
from parkbeat.core.views import ScopedDetailView, ScopedListView, ServiceFormView, ServiceUpdateView
from parkbeat.enterprises import selectors, services
from parkbeat.enterprises.filters import DemandFilterSet, EnterpriseFilterSet, VisitFilterSet
from parkbeat.enterprises.forms import (DemandActionForm, DemandAssignForm, DemandForm, DesignationForm,
                                        EnterpriseForm, LiaisonForm, UndesignationForm, VisitForm)
from parkbeat.enterprises.models import Demand, Enterprise, Visit
from parkbeat.enterprises.tables import DemandTable, EnterpriseTable, VisitTable


class EnterpriseListView(ScopedListView):
    """The register: sortable, exported as shown (?export=xlsx); the roster export beside it writes the
    import template's columns for a round trip."""

    model = Enterprise
    required_perm = "case.view"  # administrators: 403, not an empty list
    filterset_class = EnterpriseFilterSet
    table_class = EnterpriseTable
    template_name = "enterprises/enterprise_list.html"
    partial_template_name = "includes/list_results.html"

    def get_base_queryset(self):
        return selectors.enterprise_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_add"] = can(self.request.user, "enterprise.add")
        ctx["can_import"] = can(self.request.user, "enterprise.import")
        ctx["can_export"] = can(self.request.user, "enterprise.export")
        return ctx


class EnterpriseDetailView(ScopedDetailView):
    model = Enterprise
    template_name = "enterprises/enterprise_detail.html"

    def get_queryset(self):
        return selectors.enterprise_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, enterprise = self.request.user, self.object
        ctx["liaisons"] = selectors.liaison_list(user=user).filter(enterprise=enterprise)
        ctx["visits"] = selectors.visit_list(user=user).filter(enterprise=enterprise)[:20]
        ctx["demands"] = selectors.demand_list(user=user).filter(enterprise=enterprise)[:20]
        ctx["can_change"] = can(user, "enterprise.change", enterprise)
        ctx["designations"] = selectors.designation_list(user=user).filter(enterprise=enterprise).select_related(
            "created_by", "ended_by")
        ctx["can_designate"] = can(user, "enterprise.designate", enterprise)
        ctx["can_add_liaison"] = can(user, "liaison.add", enterprise)
        ctx["can_add_visit"] = can(user, "visit.add", enterprise)
        ctx["can_add_demand"] = can(user, "demand.add", enterprise)
        return ctx


class EnterpriseCreateView(ServiceFormView):
    required_perm = "enterprise.add"
    form_class = EnterpriseForm
    template_name = "enterprises/enterprise_form.html"
    success_message = gettext_lazy("Enterprise saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {"park": self.request.GET.get("park")}

    def perform(self, form):
        return services.enterprise_create(actor=self.request.user, **form.field_data())


class EnterpriseUpdateView(ServiceUpdateView):
    required_perm = "enterprise.change"
    form_class = EnterpriseForm
    template_name = "enterprises/enterprise_form.html"
    success_message = gettext_lazy("Enterprise saved.")
    update_service = staticmethod(services.enterprise_update)
    object_kwarg = "enterprise"

    def load_object(self):
        enterprise = selectors.enterprise_get(user=self.request.user, pk=self.kwargs["pk"])
        require(self.request.user, self.required_perm, enterprise)
        return enterprise

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "enterprise": self.edited}


class EnterpriseChildMixin:
    """Pages under /enterprises/<pk>/...: the enterprise is loaded in scope (404 otherwise)."""

    @cached_property
    def enterprise(self):
        """In scope (else 404) and within reach of the view's permission (else 403)."""
        enterprise = selectors.enterprise_get(user=self.request.user, pk=self.kwargs["pk"])
        require(self.request.user, self.required_perm, enterprise)
        return enterprise

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "enterprise": self.enterprise}

    def get_success_url(self):
        return self.enterprise.get_absolute_url()


class LiaisonCreateView(EnterpriseChildMixin, ServiceFormView):
    required_perm = "liaison.add"
    form_class = LiaisonForm
    template_name = "enterprises/enterprise_child_form.html"
    page_title = gettext_lazy("Add liaison")
    success_message = gettext_lazy("Liaison saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "enterprise": self.enterprise}

    def perform(self, form):
        return services.liaison_create(actor=self.request.user, enterprise=self.enterprise, **form.field_data())


class LiaisonUpdateView(EnterpriseChildMixin, ServiceUpdateView):
    required_perm = "liaison.change"
    form_class = LiaisonForm
    template_name = "enterprises/enterprise_child_form.html"
    page_title = gettext_lazy("Edit liaison")
    success_message = gettext_lazy("Liaison saved.")
    update_service = staticmethod(services.liaison_update)
    object_kwarg = "liaison"

    def load_object(self):
        return get_object_or_404(selectors.liaison_list(user=self.request.user), pk=self.kwargs["liaison_pk"],
                                 enterprise=self.enterprise)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "enterprise": self.enterprise}


class VisitCreateView(EnterpriseChildMixin, ServiceFormView):
    required_perm = "visit.add"
    form_class = VisitForm
    template_name = "enterprises/enterprise_child_form.html"
    page_title = gettext_lazy("Record a visit")
    success_message = gettext_lazy("Visit recorded.")

    def perform(self, form):
        return services.visit_create(actor=self.request.user, enterprise=self.enterprise,
                                     demands=form.demands(), **form.field_data())


class VisitUpdateView(ServiceUpdateView):
    required_perm = "visit.change"
    form_class = VisitForm
    template_name = "enterprises/enterprise_child_form.html"
    page_title = gettext_lazy("Edit visit")
    success_message = gettext_lazy("Visit saved.")
    update_service = staticmethod(services.visit_update)
    object_kwarg = "visit"

    def load_object(self):
        visit = selectors.get_visible(selectors.visit_list(user=self.request.user), self.kwargs["pk"])
        require(self.request.user, self.required_perm, visit.enterprise)
        return visit

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "enterprise": self.edited.enterprise}


class VisitListView(ScopedListView):
    model = Visit
    required_perm = "visit.add"
    filterset_class = VisitFilterSet
    table_class = VisitTable
    template_name = "enterprises/visit_list.html"
    partial_template_name = "includes/list_results.html"
    strict = True  # an invalid filter (another station's enterprise) shows its error and no rows

    def get_base_queryset(self):
        return selectors.visit_list(user=self.request.user)


class VisitDetailView(ScopedDetailView):
    model = Visit
    template_name = "enterprises/visit_detail.html"

    def get_queryset(self):
        return selectors.visit_list(user=self.request.user).prefetch_related("demands")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_edit"] = can(self.request.user, "visit.change", self.object.enterprise)
        return ctx


class DemandListView(ScopedListView):
    model = Demand
    required_perm = "case.view"  # administrators: 403, not an empty list
    filterset_class = DemandFilterSet
    table_class = DemandTable
    template_name = "enterprises/demand_list.html"
    partial_template_name = "includes/list_results.html"
    strict = True  # an invalid filter (another station's enterprise) shows its error and no rows

    def get_base_queryset(self):
        return selectors.demand_list(user=self.request.user)

    def get_queryset(self):
        # "My open demands" is the default view: open ones, nearest deadline first.
        qs = super().get_queryset()
        if not self.request.GET.get("status"):
            qs = qs.filter(status__in=Demand.OPEN_STATUSES)
        return qs.order_by("due_at", "id") if not self.request.GET.get("status") else qs


class DemandCreateView(EnterpriseChildMixin, ServiceFormView):
    required_perm = "demand.add"
    form_class = DemandForm
    template_name = "enterprises/enterprise_child_form.html"
    page_title = gettext_lazy("Raise a demand")
    success_message = gettext_lazy("Demand recorded.")

    def perform(self, form):
        return services.demand_create(actor=self.request.user, enterprise=self.enterprise, **form.field_data())

    def get_success_url(self):
        return self.object.get_absolute_url()


class DemandUpdateView(ServiceUpdateView):
    """Category, content and deadline; only those who assign demands may change them."""

    required_perm = "demand.assign"
    form_class = DemandForm
    template_name = "enterprises/enterprise_child_form.html"
    page_title = gettext_lazy("Edit demand")
    success_message = gettext_lazy("Demand saved.")
    update_service = staticmethod(services.demand_update)
    object_kwarg = "demand"

    def load_object(self):
        demand = selectors.get_visible(selectors.demand_list(user=self.request.user), self.kwargs["pk"])
        require(self.request.user, self.required_perm, demand)
        return demand

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "enterprise": self.edited.enterprise}


class DemandDetailView(ScopedDetailView):
    model = Demand
    template_name = "enterprises/demand_detail.html"

    def get_queryset(self):
        return selectors.demand_list(user=self.request.user).prefetch_related("transitions__actor")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        demand, user = self.object, self.request.user
        allowed = Demand.TRANSITIONS[demand.status]
        may_close = can(user, "demand.close", demand)
        may_answer = demand.assignee_id == user.pk or can(user, "demand.answer", demand)
        ctx["actions"] = {
            "start": may_answer and demand.status == Demand.Status.OPEN,
            "answer": may_answer and Demand.Status.ANSWERED in allowed,
            "close": may_close and Demand.Status.CLOSED in allowed,
            "reopen": may_close and demand.status == Demand.Status.ANSWERED,
        }
        ctx["action_form"] = DemandActionForm(initial={"version": demand.version})
        ctx["can_edit"] = can(user, "demand.assign", demand) and demand.status != Demand.Status.CLOSED
        if can(user, "demand.assign", demand) and demand.status != Demand.Status.CLOSED:
            ctx["assign_form"] = DemandAssignForm(
                initial={"version": demand.version, "assignee": demand.assignee_id},
                candidates=selectors.demand_assignee_candidates(demand=demand))
        return ctx


class DemandActionView(ServiceFormView):
    """POST-only: a transition or an assignment from the demand page's buttons."""

    http_method_names = ["post"]
    form_class = DemandActionForm

    def demand(self):
        return selectors.get_visible(selectors.demand_list(user=self.request.user), self.kwargs["pk"])

    def form_invalid(self, form):
        for errors in form.errors.values():
            for error in errors:
                messages.error(self.request, error)
        return redirect(self.demand().get_absolute_url())

    def perform(self, form):
        to = {"start": Demand.Status.IN_PROGRESS, "answer": Demand.Status.ANSWERED,
              "close": Demand.Status.CLOSED, "reopen": Demand.Status.IN_PROGRESS}[form.cleaned_data["action"]]
        return services.demand_transition(actor=self.request.user, demand=self.demand(), to=to,
                                          note=form.cleaned_data["note"], answer=form.cleaned_data["answer"],
                                          expected_version=form.cleaned_data["version"])

    def get_success_url(self):
        messages.success(self.request, _("Demand updated."))
        return self.object.get_absolute_url()


class DemandAssignView(DemandActionView):
    form_class = DemandAssignForm

    def get_form_kwargs(self):
        demand = self.demand()
        if not can(self.request.user, "demand.assign", demand):
            raise PermissionDenied(_("You are not allowed to do this."))
        return {**super().get_form_kwargs(), "candidates": selectors.demand_assignee_candidates(demand=demand)}

    def perform(self, form):
        return services.demand_assign(actor=self.request.user, demand=self.demand(),
                                      assignee=form.cleaned_data["assignee"],
                                      expected_version=form.cleaned_data["version"])




class DesignateView(EnterpriseChildMixin, ServiceFormView):
    """Designate a key enterprise or change its designation (leader and officer of its park)."""

    required_perm = "enterprise.designate"
    form_class = DesignationForm
    template_name = "enterprises/enterprise_child_form.html"
    page_title = gettext_lazy("Designate a key enterprise")
    success_message = gettext_lazy("Key designation saved.")

    def get_initial(self):
        current = services.current_designation(self.enterprise)
        initial = {"version": self.enterprise.version}
        if current is not None:
            initial.update(risk_category=current.risk_category, reason=current.reason, review_on=current.review_on)
        return initial

    def perform(self, form):
        data = dict(form.cleaned_data)
        version = data.pop("version")
        return services.enterprise_designate(actor=self.request.user, enterprise=self.enterprise,
                                             expected_version=version, **data)


class UndesignateView(EnterpriseChildMixin, ServiceFormView):
    required_perm = "enterprise.designate"
    form_class = UndesignationForm
    template_name = "enterprises/enterprise_child_form.html"
    page_title = gettext_lazy("End the key designation")
    success_message = gettext_lazy("Key designation ended.")

    def get_initial(self):
        return {"version": self.enterprise.version}

    def perform(self, form):
        data = dict(form.cleaned_data)
        version = data.pop("version")
        return services.enterprise_undesignate(actor=self.request.user, enterprise=self.enterprise,
                                               expected_version=version, **data)
