"""Inspection pages: declared on the core bases; reads through selectors, writes through services."""
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from parkbeat.core.permissions import LEADER, OFFICER, can, require
from parkbeat.core.scoping import access_for
from parkbeat.core.views import PermissionRequiredMixin, ScopedListView, ServiceFormView
from parkbeat.files.models import Attachment
from parkbeat.inspections import selectors, services
from parkbeat.inspections.filters import InspectionFilterSet
from parkbeat.inspections.forms import CancelForm, InspectionPlanForm, InspectionRecordForm
from parkbeat.inspections.models import Inspection, InspectionResult
from parkbeat.inspections.quarters import Quarter
from parkbeat.inspections.tables import InspectionTable
from parkbeat.org.models import Park


class InspectionListView(ScopedListView):
    model = Inspection
    required_perm = "inspection.view"
    filterset_class = InspectionFilterSet
    table_class = InspectionTable
    template_name = "inspections/inspection_list.html"
    partial_template_name = "includes/list_results.html"
    strict = True  # an invalid filter (another station's enterprise) shows its error and no rows

    def get_base_queryset(self):
        return selectors.inspection_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "can_plan": can(self.request.user, "inspection.plan")}


class InspectionMixin:
    @cached_property
    def inspection(self):
        """In scope (else 404) and within reach of the view's permission (else 403)."""
        inspection = selectors.inspection_get(user=self.request.user, pk=self.kwargs["pk"])
        if self.required_perm != "inspection.view":
            require(self.request.user, self.required_perm, inspection)
        return inspection


class InspectionDetailView(InspectionMixin, PermissionRequiredMixin, TemplateView):
    required_perm = "inspection.view"
    template_name = "inspections/inspection_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        inspection, user = self.inspection, self.request.user
        results = {r.item_id: r for r in selectors.result_list(user=user, inspection=inspection)}
        photos = {}
        for photo in Attachment.objects.filter(content_type=ContentType.objects.get_for_model(InspectionResult),
                                               object_id__in=[r.pk for r in results.values()]):
            photos.setdefault(photo.object_id, []).append(photo)
        areas = []
        for area in selectors.version_areas(inspection.checklist):
            rows = [{"item": item, "result": results.get(item.pk),
                     "photos": photos.get(results[item.pk].pk, []) if item.pk in results else []}
                    for item in area.items.all()]
            areas.append({"area": area, "rows": rows, "covered": all(row["result"] for row in rows)})
        planned = inspection.status == Inspection.Status.PLANNED
        ctx.update(inspection=inspection, areas=areas, agencies=inspection.agencies.all(),
                   staff=inspection.agency_staff.all(),
                   can_record=planned and can(user, "inspection.conduct", inspection),
                   can_cancel=planned and can(user, "inspection.plan", inspection),
                   cancel_form=CancelForm(initial={"version": inspection.version}))
        return ctx


class InspectionPlanView(ServiceFormView):
    required_perm = "inspection.plan"
    form_class = InspectionPlanForm
    template_name = "inspections/form.html"
    page_title = gettext_lazy("Plan an inspection")
    success_message = gettext_lazy("Inspection planned.")

    def get_form_kwargs(self):
        park_ids = sorted(access_for(self.request.user).park_ids({LEADER, OFFICER}))
        return {**super().get_form_kwargs(), "user": self.request.user, "park_ids": park_ids}

    def get_initial(self):
        return {"enterprise": self.request.GET.get("enterprise"), "planned_on": timezone.localdate()}

    def perform(self, form):
        data = form.cleaned_data
        return services.inspection_plan(actor=self.request.user, enterprise=data["enterprise"],
                                        planned_on=data["planned_on"], led_by=data["led_by"],
                                        agencies=data["agencies"], agency_staff=data["agency_staff"],
                                        note=data["note"])


class InspectionRecordView(InspectionMixin, ServiceFormView):
    """The walk on a tablet: each area's items with ok / hazard / not applicable, a note and photos."""

    required_perm = "inspection.conduct"
    form_class = InspectionRecordForm
    template_name = "inspections/record.html"
    page_title = gettext_lazy("Record the inspection")
    success_message = gettext_lazy("Inspection recorded.")

    def get(self, request, *args, **kwargs):
        if self.inspection.status != Inspection.Status.PLANNED:
            messages.info(request, _("This inspection has already been recorded or was cancelled."))
            return redirect(self.inspection.get_absolute_url())
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "areas": selectors.version_areas(self.inspection.checklist)}

    def get_initial(self):
        return {"version": self.inspection.version,
                "happened_at": timezone.localtime().replace(second=0, microsecond=0)}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "inspection": self.inspection}

    def perform(self, form):
        if self.inspection.status != Inspection.Status.PLANNED:
            raise ValidationError(_("This inspection has already been recorded or was cancelled."))
        data = form.cleaned_data
        photos = {}
        for name in self.request.FILES:
            if name.startswith("photos_") and name[7:].isdigit():
                photos[int(name[7:])] = self.request.FILES.getlist(name)
        return services.inspection_record(
            actor=self.request.user, inspection=self.inspection, happened_at=data["happened_at"],
            results=form.results(), duration_minutes=data["duration_minutes"], summary=data["summary"],
            late_reason=data["late_reason"], photos=photos, expected_version=data["version"])


class InspectionCancelView(InspectionMixin, ServiceFormView):
    http_method_names = ["post"]
    required_perm = "inspection.plan"
    form_class = CancelForm

    def form_invalid(self, form):
        for errors in form.errors.values():
            for error in errors:
                messages.error(self.request, error)
        return redirect(self.inspection.get_absolute_url())

    def perform(self, form):
        return services.inspection_cancel(actor=self.request.user, inspection=self.inspection,
                                          reason=form.cleaned_data["reason"],
                                          expected_version=form.cleaned_data["version"])

    def get_success_url(self):
        messages.success(self.request, _("Inspection cancelled."))
        return self.inspection.get_absolute_url()


class ChecklistListView(PermissionRequiredMixin, TemplateView):
    required_perm = "inspection.view"
    template_name = "inspections/checklist_list.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs),
                "checklists": selectors.checklist_list().prefetch_related("versions")}


class ChecklistDetailView(PermissionRequiredMixin, TemplateView):
    """A checklist's versions and the areas and items of one (?version=, else the latest)."""

    required_perm = "inspection.view"
    template_name = "inspections/checklist_detail.html"

    def get_context_data(self, **kwargs):
        template = selectors.checklist_get(pk=self.kwargs["pk"])
        versions = list(template.versions.order_by("-number").select_related("created_by"))
        number = self.request.GET.get("version")
        shown = selectors.version_get(template=template, number=number) if number else (versions or [None])[0]
        return {**super().get_context_data(**kwargs), "checklist": template, "versions": versions,
                "shown": shown, "areas": selectors.version_areas(shown) if shown else [],
                "used": shown.is_used if shown else False}


class ComplianceBoardView(PermissionRequiredMixin, TemplateView):
    """Key enterprises × the quarters of a year: done, due, due soon, late (Asia/Shanghai quarters)."""

    required_perm = "inspection.compliance"
    template_name = "inspections/compliance.html"

    def get_context_data(self, **kwargs):
        now = timezone.now()
        current = Quarter.of(now)
        try:
            year = int(self.request.GET.get("year") or current.year)
            if not 2000 <= year <= 2100:
                raise ValueError
        except ValueError:
            messages.error(self.request, _("Choose a year from 2000 to 2100."))
            year = current.year
        parks = Park.objects.visible_to(self.request.user).only("id", "name").order_by("name")
        park = None
        if self.request.GET.get("park"):
            park = next((p for p in parks if str(p.pk) == self.request.GET["park"]), None)
            if park is None:
                messages.error(self.request, _("Choose a park from the list."))
        rows = selectors.compliance_board(user=self.request.user, year=year, park=park, now=now)
        return {**super().get_context_data(**kwargs), "rows": rows, "year": year, "parks": parks, "park": park,
                "quarters": [q for q, _state in rows[0].cells] if rows else [],
                "totals": selectors.compliance_totals(rows), "current": current,
                "years": list(range(current.year - 3, current.year + 2))}
