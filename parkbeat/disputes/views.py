"""Dispute pages: declared on the core bases; every write goes through disputes.services."""
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from parkbeat.core.permissions import POLICE, can, require
from parkbeat.core.scoping import access_for
from parkbeat.core.services import ConflictError
from parkbeat.core.views import (PermissionRequiredMixin, ScopedDetailView, ScopedListView, ServiceFormView,
                                 ServiceUpdateView)
from parkbeat.disputes import selectors, services
from parkbeat.disputes.filters import DisputeFilterSet
from parkbeat.disputes.forms import (AgreementForm, DisputeForm, FiguresForm, LevelForm, PartyForm, PaymentForm,
                                     RouteForm, SessionForm, TransitionForm)
from parkbeat.disputes.models import Dispute, Obligation
from parkbeat.disputes.tables import DisputeTable


class DisputeListView(ScopedListView):
    model = Dispute
    required_perm = "case.view"  # administrators: 403, not an empty list
    filterset_class = DisputeFilterSet
    table_class = DisputeTable
    template_name = "disputes/dispute_list.html"
    partial_template_name = "includes/list_results.html"

    def get_base_queryset(self):
        return selectors.dispute_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "can_add": can(self.request.user, "dispute.add"),
                "can_import": can(self.request.user, "dispute.import")}


class DisputeCreateView(ServiceFormView):
    """Open a case; `?incident=<pk>` opens it from an incident the user sees (park, enterprise, start from it)."""

    required_perm = "dispute.add"
    form_class = DisputeForm
    template_name = "disputes/dispute_form.html"
    page_title = gettext_lazy("Open a dispute case")
    success_message = gettext_lazy("Dispute case opened.")

    @cached_property
    def incident(self):
        from parkbeat.incidents.models import Incident

        pk = self.request.GET.get("incident") or self.request.POST.get("incident")
        if not pk:
            return None
        return selectors.get_visible(Incident.objects.visible_to(self.request.user).select_related("park"), pk)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "incident": self.incident}

    def get_initial(self):
        """The handler is the park's officer: who holds the incident, else the police officer opening it."""
        user = self.request.user
        police = bool(access_for(user).roles & POLICE)
        handler = self.incident.holder_id if self.incident is not None and self.incident.holder_id else None
        initial = {"level": Dispute.Level.PARK, "handler": handler or (user.pk if police else None)}
        if self.incident is None:
            return initial
        return {**initial, "enterprise": self.incident.enterprise_id,
                "summary": self.incident.description, "people_involved": self.incident.people_involved,
                "category": {"labour_dispute": Dispute.Category.LABOUR_WAGE,
                             "economic_dispute": Dispute.Category.ECONOMIC_CONTRACT}.get(self.incident.kind, "")}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "incident": self.incident}

    def perform(self, form):
        return services.dispute_open(actor=self.request.user, incident=self.incident,
                                     late_reason=form.cleaned_data.get("late_reason", ""),
                                     close_incident=form.cleaned_data.get("close_incident", False),
                                     **form.field_data())


class DisputeDetailView(ScopedDetailView):
    model = Dispute
    template_name = "disputes/dispute_detail.html"

    def get_queryset(self):
        return selectors.dispute_list(user=self.request.user).select_related("incident", "opened_by")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        dispute, user = self.object, self.request.user
        may_change, may_decide = can(user, "dispute.change", dispute), can(user, "dispute.decide", dispute)
        is_open = dispute.status in Dispute.OPEN_STATUSES
        allowed = Dispute.TRANSITIONS[dispute.status] - {Dispute.Status.PERFORMING}
        ctx.update(
            may_change=may_change and dispute.status != Dispute.Status.WITHDRAWN,
            may_record=may_change and is_open,
            may_decide=may_decide,
            level_form=LevelForm(initial={"version": dispute.version}) if may_decide and is_open else None,
            transition_forms=[(s, s.label, TransitionForm(initial={"version": dispute.version, "to": s},
                                                          auto_id=f"id_{s}_%s"))
                              for s in Dispute.Status if s in allowed] if may_decide else [],
            settle_refusal=services.settle_refusal(dispute)
            if may_decide and Dispute.Status.SETTLED in allowed else None,
            clocks=[(label, dispute.seconds_at(level)) for level, label in Dispute.Level.choices],
            parties=list(dispute.parties.all()),
            agencies=list(dispute.agencies.all()),
            agreements=list(dispute.agreements.prefetch_related("obligations", "parties")),
            timeline=selectors.dispute_timeline(dispute=dispute),
            today=timezone.localdate(),
        )
        return ctx


class DisputeChildMixin:
    """A form about one dispute: in scope (else 404) and within reach of `required_perm` (else 403)."""

    template_name = "disputes/dispute_form.html"

    @cached_property
    def dispute(self):
        dispute = selectors.dispute_get(user=self.request.user, pk=self.kwargs["pk"])
        require(self.request.user, self.required_perm, dispute)
        return dispute

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "dispute": self.dispute}

    def get_initial(self):
        return {"version": self.dispute.version}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "dispute": self.dispute}

    def get_success_url(self):
        return self.dispute.get_absolute_url()


class DisputeUpdateView(ServiceUpdateView):
    required_perm = "dispute.change"
    form_class = DisputeForm
    template_name = "disputes/dispute_form.html"
    page_title = gettext_lazy("Edit dispute")
    success_message = gettext_lazy("Dispute saved.")
    update_service = staticmethod(services.dispute_update)
    object_kwarg = "dispute"

    def load_object(self):
        dispute = selectors.dispute_get(user=self.request.user, pk=self.kwargs["pk"])
        require(self.request.user, self.required_perm, dispute)
        return dispute

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "dispute": self.edited}


class DisputeLevelView(DisputeChildMixin, ServiceFormView):
    required_perm = "dispute.decide"
    form_class = LevelForm
    page_title = gettext_lazy("Change level")
    success_message = gettext_lazy("Level changed.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("dispute")
        return kwargs

    def perform(self, form):
        d = form.cleaned_data
        return services.dispute_change_level(actor=self.request.user, dispute=self.dispute, to=d["to"],
                                             reason=d["reason"], expected_version=d["version"], **form.step_time())


class DisputeTransitionView(DisputeLevelView):
    form_class = TransitionForm
    page_title = gettext_lazy("Change status")
    success_message = gettext_lazy("Status changed.")

    def get_initial(self):
        return {**super().get_initial(), "to": self.request.GET.get("to")}

    def perform(self, form):
        d = form.cleaned_data
        return services.dispute_transition(actor=self.request.user, dispute=self.dispute, to=d["to"],
                                           note=d["note"], expected_version=d["version"], **form.step_time())


class DisputeRouteView(DisputeChildMixin, ServiceFormView):
    required_perm = "dispute.change"
    form_class = RouteForm
    page_title = gettext_lazy("Route to mediation and agencies")
    success_message = gettext_lazy("Routing saved.")

    def get_initial(self):
        d = self.dispute
        return {"version": d.version, "mediation_centre": d.mediation_centre_id is not None,
                "mediator": d.mediator_id, "agencies": list(d.agencies.values_list("pk", flat=True))}

    def perform(self, form):
        d = form.cleaned_data
        centre = getattr(self.dispute.park, "mediation_centre", None) if d["mediation_centre"] else None
        return services.dispute_route(actor=self.request.user, dispute=self.dispute, mediation_centre=centre,
                                      mediator=d["mediator"], agencies=d["agencies"], expected_version=d["version"],
                                      **form.step_time())


class PartyCreateView(DisputeChildMixin, ServiceFormView):
    required_perm = "dispute.change"
    form_class = PartyForm
    page_title = gettext_lazy("Add a party")
    success_message = gettext_lazy("Party added.")

    def get_initial(self):
        return {}

    def perform(self, form):
        return services.party_add(actor=self.request.user, dispute=self.dispute, **form.cleaned_data)


class PartyUpdateView(PartyCreateView):
    page_title = gettext_lazy("Edit party")
    success_message = gettext_lazy("Party saved.")

    @cached_property
    def party(self):
        return selectors.get_visible(self.dispute.parties.all(), self.kwargs["party_pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.party}

    def get_initial(self):
        return {"version": self.dispute.version}

    def perform(self, form):
        data = dict(form.cleaned_data)
        version = data.pop("version")
        return services.party_update(actor=self.request.user, party=selectors.get_visible(
            self.dispute.parties.all(), self.kwargs["party_pk"]), data=data, expected_version=version)


class PartyRemoveView(DisputeChildMixin, PermissionRequiredMixin, TemplateView):
    required_perm = "dispute.change"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        party = selectors.get_visible(self.dispute.parties.all(), self.kwargs["party_pk"])
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            messages.error(request, _(services.CONFLICT))
            return redirect(self.dispute.get_absolute_url())
        try:
            services.party_remove(actor=request.user, party=party, expected_version=version)
            messages.success(request, _("Party removed."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except ConflictError as exc:
            messages.error(request, str(exc))
        return redirect(self.dispute.get_absolute_url())


class SessionCreateView(DisputeChildMixin, ServiceFormView):
    required_perm = "dispute.change"
    form_class = SessionForm
    page_title = gettext_lazy("Record a mediation session")
    success_message = gettext_lazy("Session recorded.")

    def get_initial(self):
        return {"started_at": timezone.localtime().replace(second=0, microsecond=0), "duration_minutes": 60}

    def perform(self, form):
        return services.session_record(actor=self.request.user, dispute=self.dispute, **form.cleaned_data,
                                       new_parties=form.new_parties())


class AgreementCreateView(DisputeChildMixin, ServiceFormView):
    required_perm = "dispute.decide"  # an agreement settles the case or puts it under the agreement
    form_class = AgreementForm
    page_title = gettext_lazy("Record the agreement")
    success_message = gettext_lazy("Agreement recorded.")

    def get_initial(self):
        return {"version": self.dispute.version, "signed_on": timezone.localdate()}

    def perform(self, form):
        d = dict(form.cleaned_data)
        return services.agreement_record(actor=self.request.user, dispute=self.dispute,
                                         expected_version=d.pop("version"), **d)


class PaymentCreateView(DisputeChildMixin, ServiceFormView):
    required_perm = "dispute.change"
    form_class = PaymentForm
    page_title = gettext_lazy("Record a payment")
    success_message = gettext_lazy("Payment recorded.")

    @cached_property
    def obligation(self):
        return selectors.get_visible(
            Obligation.objects.filter(agreement__dispute=self.dispute).select_related("agreement"),
            self.kwargs["obligation_pk"])

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("dispute")
        return kwargs

    def get_initial(self):
        return {"version": self.obligation.version, "paid_on": timezone.localdate(),
                "amount": self.obligation.outstanding_amount}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "obligation": self.obligation}

    def perform(self, form):
        d = form.cleaned_data
        return services.payment_record(actor=self.request.user, obligation=self.obligation, paid_on=d["paid_on"],
                                       amount=d["amount"], note=d["note"], evidence=d.get("evidence"),
                                       expected_version=d["version"])


class DisputeFiguresView(PermissionRequiredMixin, TemplateView):
    """Figures for any period and park: a dense table, and charts drawn by disputes/figures.js."""

    required_perm = "dispute.figures"
    template_name = "disputes/dispute_figures.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        today = timezone.localdate()
        # The last year unless the query says otherwise: a query naming only the park keeps that period.
        data = {"start": (today - timedelta(days=364)).isoformat(), "end": today.isoformat()}
        data.update({k: v for k, v in self.request.GET.items() if k in ("start", "end", "park")})
        form = FiguresForm(data, user=self.request.user)
        ctx["form"] = form
        if form.is_valid():
            ctx["period"] = {"start": form.cleaned_data["start"], "end": form.cleaned_data["end"],
                             "park": form.cleaned_data["park"]}
            figures = selectors.dispute_figures(user=self.request.user, start=form.cleaned_data["start"],
                                                end=form.cleaned_data["end"], park=form.cleaned_data["park"])
            ctx["figures"] = figures
            ctx["chart_data"] = {
                "category": [[label, figures["opened"]["by_category"][value]]
                             for value, label in Dispute.Category.choices],
                "level": [[label, figures["opened"]["by_level"][value]] for value, label in Dispute.Level.choices],
                "settled": [[label, figures["settled"]["by_level"][value]] for value, label in Dispute.Level.choices],
            }
            ctx["levels"] = [(label, figures["settled"]["by_level"][value], figures["settled"]["share"][value],
                              figures["tiers"][value]) for value, label in Dispute.Level.choices]
            ctx["categories"] = [(label, figures["opened"]["by_category"][value])
                                 for value, label in Dispute.Category.choices]
        return ctx
