"""Hazard pages: declared on the core bases; reads through selectors, writes through services."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from parkbeat.core.permissions import LIAISON, POLICE, can, require
from parkbeat.core.scoping import access_for
from parkbeat.core.views import PermissionRequiredMixin, ScopedListView, ServiceFormView
from parkbeat.hazards import selectors, services
from parkbeat.hazards.figures import hazard_figures
from parkbeat.hazards.filters import HazardFilterSet
from parkbeat.hazards.forms import EvidenceForm, FollowUpForm, HazardForm, ReferForm, ReviewForm
from parkbeat.hazards.models import Hazard
from parkbeat.hazards.tables import HazardTable


class HazardListView(ScopedListView):
    model = Hazard
    required_perm = "hazard.view"
    filterset_class = HazardFilterSet
    table_class = HazardTable
    template_name = "hazards/hazard_list.html"
    strict = True  # an invalid filter (another station's enterprise) shows its error and no rows

    def get_base_queryset(self):
        return selectors.hazard_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        figures = hazard_figures(user=self.request.user, queryset=self.filterset.qs if (
            not self.filterset.is_bound or self.filterset.is_valid()) else Hazard.objects.none())
        return {**ctx, "figures": figures, "can_add": can(self.request.user, "hazard.add")}


class HazardMixin:
    @cached_property
    def hazard(self):
        """In scope (else 404) and within reach of the view's permission (else 403)."""
        hazard = selectors.hazard_get(user=self.request.user, pk=self.kwargs["pk"])
        if self.required_perm != "hazard.view":
            require(self.request.user, self.required_perm, hazard)
        return hazard


def actions_for(user, hazard):
    """What `user` may do to `hazard` now (the page shows exactly these)."""
    open_ = hazard.state != Hazard.State.STRUCK_OFF
    return {"evidence": open_ and can(user, "hazard.evidence", hazard),
            "review": hazard.state == Hazard.State.SUBMITTED and can(user, "hazard.review", hazard),
            "follow_up": open_ and can(user, "hazard.follow_up", hazard),  # none once struck off
            "refer": open_ and can(user, "hazard.refer", hazard)}


class HazardDetailView(HazardMixin, PermissionRequiredMixin, TemplateView):
    required_perm = "hazard.view"
    template_name = "hazards/hazard_detail.html"

    def get_context_data(self, **kwargs):
        hazard, user = self.hazard, self.request.user
        now = timezone.localtime().replace(second=0, microsecond=0)
        actions = actions_for(user, hazard)
        return {**super().get_context_data(**kwargs), "hazard": hazard, "actions": actions,
                "overdue": hazard.is_overdue(services.today_in_shanghai()),
                "events": selectors.event_list(user=user, hazard=hazard),
                "evidence": selectors.evidence_list(user=user, hazard=hazard),
                "evidence_form": EvidenceForm(initial={"version": hazard.version}, auto_id="evidence_%s"),
                "review_form": ReviewForm(initial={"version": hazard.version}, auto_id="review_%s"),
                "follow_up_form": FollowUpForm(initial={"at": now}, auto_id="follow_%s"),
                "refer_form": ReferForm(hazard=hazard, initial={"version": hazard.version}, auto_id="refer_%s")
                if actions["refer"] else None}


class HazardCreateView(ServiceFormView):
    """Register a hazard: on its own, from an inspection item (?result=, prefilled with the item's note and area),
    from an incident (?incident=) or a patrol finding (?finding=)."""

    required_perm = "hazard.add"
    form_class = HazardForm
    template_name = "hazards/hazard_form.html"
    page_title = gettext_lazy("Register a hazard")
    success_message = gettext_lazy("Hazard registered.")

    def _param(self, name):
        return self.request.GET.get(name) or self.request.POST.get(name)

    def _load(self, model, name):
        pk = self._param(name)
        if not pk:
            return None
        try:
            return model.objects.visible_to(self.request.user, roles=POLICE).get(pk=int(pk))
        except (model.DoesNotExist, ValueError, TypeError, OverflowError):
            raise Http404 from None

    @cached_property
    def result(self):
        from parkbeat.inspections.models import InspectionResult

        result = self._load(InspectionResult, "result")
        if result is not None:
            existing = result.hazards.first()
            if existing is not None:
                self.existing = existing
        return result

    @cached_property
    def incident(self):
        from parkbeat.incidents.models import Incident

        return None if self.result else self._load(Incident, "incident")

    @cached_property
    def finding(self):
        from parkbeat.patrols.models import Finding

        return None if (self.result or self.incident) else self._load(Finding, "finding")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and can(request.user, self.required_perm):
            self.existing = None
            if self.result is not None and self.existing is not None:
                messages.info(request, _("A hazard is already registered for this item."))
                return redirect(self.existing.get_absolute_url())
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        fixed = self.result.inspection.enterprise if self.result else None
        return {**super().get_form_kwargs(), "user": self.request.user, "fixed_enterprise": fixed}

    def get_initial(self):
        initial = {"found_at": timezone.localtime().replace(second=0, microsecond=0), "severity": "general",
                   "enterprise": self.request.GET.get("enterprise")}
        if self.result is not None:
            initial.update(description=self.result.note, location=self.result.item.area.name,
                           found_at=timezone.localtime(self.result.inspection.happened_at))
        elif self.incident is not None:
            initial.update(enterprise=self.incident.enterprise_id, location=self.incident.location or "",
                           found_at=timezone.localtime(self.incident.reported_at))
        elif self.finding is not None:
            initial.update(description=self.finding.description, found_at=timezone.localtime(self.finding.at))
        return initial

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "result": self.result, "incident": self.incident,
                "finding": self.finding}

    def perform(self, form):
        data = form.cleaned_data
        return services.hazard_create(
            actor=self.request.user, enterprise=data.get("enterprise"), severity=data["severity"],
            description=data["description"], location=data["location"], found_at=data["found_at"],
            late_reason=data["late_reason"], disposition=data["disposition"], deadline=data["deadline"],
            responsible_name=data["responsible_name"], responsible_mobile=data["responsible_mobile"],
            evidence=data["evidence"], evidence_note=data["evidence_note"], result=self.result,
            incident=self.incident, finding=self.finding)


class HazardActionView(HazardMixin, ServiceFormView):
    """A POST from the hazard's page (or the liaison's): errors come back as messages on the page it came from."""

    http_method_names = ["post"]
    done_message = None

    def back_url(self):
        back = self.request.POST.get("next", "")
        return back if back.startswith("/hazards/") and "//" not in back else self.hazard.get_absolute_url()

    def form_invalid(self, form):
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields and field != "__all__" else ""
            for error in errors:
                messages.error(self.request, f"{label}: {error}" if label and field not in ("version",) else error)
        return redirect(self.back_url())

    def get_success_url(self):
        messages.success(self.request, self.done_message)
        return self.back_url()


class HazardEvidenceView(HazardActionView):
    required_perm = "hazard.evidence"
    form_class = EvidenceForm
    done_message = gettext_lazy("Evidence uploaded: the hazard awaits an officer's review.")

    def perform(self, form):
        return services.hazard_evidence_add(actor=self.request.user, hazard=self.hazard,
                                            uploads=form.cleaned_data["files"], note=form.cleaned_data["note"],
                                            expected_version=form.cleaned_data["version"])


class HazardReviewView(HazardActionView):
    required_perm = "hazard.review"
    form_class = ReviewForm

    def perform(self, form):
        data = form.cleaned_data
        accept = data["decision"] == "accept"
        self.done_message = _("Hazard struck off.") if accept else _("Evidence rejected: back to rectifying.")
        return services.hazard_review(actor=self.request.user, hazard=self.hazard, accept=accept,
                                      reason=data["reason"], new_deadline=data["new_deadline"],
                                      expected_version=data["version"])


class HazardFollowUpView(HazardActionView):
    required_perm = "hazard.follow_up"
    form_class = FollowUpForm
    done_message = gettext_lazy("Follow-up visit recorded.")

    def perform(self, form):
        data = form.cleaned_data
        return services.hazard_follow_up(actor=self.request.user, hazard=self.hazard, note=data["note"],
                                         at=data["at"], late_reason=data["late_reason"])


class HazardReferView(HazardActionView):
    required_perm = "hazard.refer"
    form_class = ReferForm
    done_message = gettext_lazy("Hazard referred.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "hazard": self.hazard}

    def perform(self, form):
        data = form.cleaned_data
        return services.hazard_refer(actor=self.request.user, hazard=self.hazard, agency=data["agency"],
                                     note=data["note"], expected_version=data["version"])


class MyHazardsView(PermissionRequiredMixin, TemplateView):
    """The liaison's own page (我的隐患), phone first: their enterprise's hazards, open ones first, each with the
    upload of evidence while it is open."""

    required_perm = "hazard.evidence"
    template_name = "hazards/my_hazards.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and LIAISON not in access_for(request.user).roles:
            raise PermissionDenied(_("This page is for the enterprise's liaison."))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        rows = list(Hazard.objects.visible_to(self.request.user, roles={LIAISON}).select_related("enterprise")
                    .order_by("state", "deadline", "-found_at", "id")[:200])
        order = {Hazard.State.RECTIFYING: 0, Hazard.State.SUBMITTED: 1, Hazard.State.STRUCK_OFF: 2}
        rows.sort(key=lambda h: (order[h.state], h.deadline or h.found_at.date()))
        today = services.today_in_shanghai()
        for row in rows:
            row.overdue = row.is_overdue(today)
            row.form = EvidenceForm(initial={"version": row.version}, auto_id=f"ev{row.pk}_%s")
        return {**super().get_context_data(**kwargs), "hazards": rows,
                "open_count": sum(1 for h in rows if h.state != Hazard.State.STRUCK_OFF)}
