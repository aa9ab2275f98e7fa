"""Inspection pages: declared on the core bases; reads through selectors, writes through services."""
from datetime import date, timedelta

from django import forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from parkbeat.core.permissions import LEADER, OFFICER, POLICE, can, require
from parkbeat.core.scoping import access_for
from parkbeat.core.services import ConflictError
from parkbeat.core.views import PermissionRequiredMixin, ScopedListView, ServiceFormView
from parkbeat.files.models import Attachment
from parkbeat.inspections import selectors, services
from parkbeat.inspections.figures import inspection_figures
from parkbeat.inspections.filters import InspectionFilterSet
from parkbeat.inspections.forms import (AreaFormSet, CampaignForm, CancelForm, ChecklistForm,
                                        InspectionChangeForm, InspectionPlanForm, InspectionRecordForm, KeyDateForm,
                                        VersionNoteForm, area_initial)
from parkbeat.inspections.models import AreaKind, Inspection, InspectionResult
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
        return {**super().get_context_data(**kwargs), "can_plan": can(self.request.user, "inspection.plan"),
                "can_calendar": can(self.request.user, "inspection.compliance")}


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
        return {"enterprise": self.request.GET.get("enterprise"), "planned_on": timezone.localdate(),
                "campaign": self.request.GET.get("campaign")}

    def perform(self, form):
        data = form.cleaned_data
        return services.inspection_plan(actor=self.request.user, enterprise=data["enterprise"],
                                        planned_on=data["planned_on"], led_by=data["led_by"],
                                        agencies=data["agencies"], agency_staff=data["agency_staff"],
                                        note=data["note"], campaign=data["campaign"])


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
                "checklists": selectors.checklist_list().prefetch_related("versions"),
                "can_manage": can(self.request.user, "checklist.manage")}


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
                "used": shown.is_used if shown else False,
                "can_manage": can(self.request.user, "checklist.manage")}


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
        figures = inspection_figures(user=self.request.user, start=date(year, 1, 1), end=date(year, 12, 31),
                                     park=park, now=now)
        return {**super().get_context_data(**kwargs), "rows": rows, "year": year, "parks": parks, "park": park,
                "figures": figures,
                "quarters": [q for q, _state in rows[0].cells] if rows else [],
                "totals": selectors.compliance_totals(rows), "current": current,
                "years": list(range(current.year - 3, current.year + 2))}


# ---------------------------------------------------------------- key dates (重要节点)
class VersionForm(forms.Form):
    version = forms.IntegerField(min_value=1)


class KeyDateListView(PermissionRequiredMixin, TemplateView):
    """The station's key dates, the coming ones first, each with how many key enterprises are done, due, late."""

    required_perm = "inspection.compliance"
    template_name = "inspections/keydate_list.html"

    def get_context_data(self, **kwargs):
        user, now = self.request.user, timezone.now()
        today = selectors.shanghai_day(now)
        key_dates = list(selectors.keydate_list(user=user).order_by("day", "id"))
        coming = [k for k in key_dates if k.day >= today]
        past = sorted((k for k in key_dates if k.day < today), key=lambda k: k.day, reverse=True)[:20]
        rows = [{"key_date": k, "counts": selectors.progress_counts(selectors.keydate_progress(
            key_date=k, user=user, now=now))} for k in coming]
        return {**super().get_context_data(**kwargs), "rows": rows, "past": past, "today": today,
                "can_schedule": can(user, "inspection.plan")}


class KeyDateMixin:
    @cached_property
    def key_date(self):
        """In scope (else 404); for a change, within the user's reach (else 403)."""
        key_date = selectors.keydate_get(user=self.request.user, pk=self.kwargs["pk"])
        if self.required_perm == "inspection.plan" and not services.keydate_may_change(self.request.user,
                                                                                            key_date):
            raise PermissionDenied(_("You are not allowed to do this here."))
        return key_date

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and can(request.user, self.required_perm):
            self.key_date  # noqa: B018 - 404 / 403 before the form
        return super().dispatch(request, *args, **kwargs)


class KeyDateDetailView(KeyDateMixin, PermissionRequiredMixin, TemplateView):
    required_perm = "inspection.compliance"
    template_name = "inspections/keydate_detail.html"

    def get_context_data(self, **kwargs):
        key_date, user, now = self.key_date, self.request.user, timezone.now()
        rows = selectors.keydate_progress(key_date=key_date, user=user, now=now)
        today = selectors.shanghai_day(now)
        return {**super().get_context_data(**kwargs), "key_date": key_date, "rows": rows,
                "parks": selectors.progress_by_park(rows), "counts": selectors.progress_counts(rows),
                "can_schedule": services.keydate_may_change(user, key_date), "past": key_date.day < today,
                "window_end": key_date.day - timedelta(days=1), "can_plan": can(user, "inspection.plan")}


class KeyDateCreateView(ServiceFormView):
    required_perm = "inspection.plan"
    form_class = KeyDateForm
    template_name = "inspections/schedule_form.html"
    page_title = gettext_lazy("New key date")
    success_message = gettext_lazy("Key date saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "back_url": reverse("inspections:keydate_list"),
                "back_title": _("Key dates")}

    def perform(self, form):
        data = form.cleaned_data
        station, park = form.station_and_park()
        return services.keydate_create(actor=self.request.user, station=station, park=park, name=data["name"],
                                       day=data["day"], window_days=data["window_days"], note=data["note"])


class KeyDateUpdateView(KeyDateMixin, ServiceFormView):
    required_perm = "inspection.plan"
    form_class = KeyDateForm
    template_name = "inspections/schedule_form.html"
    page_title = gettext_lazy("Edit key date")
    success_message = gettext_lazy("Key date saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "editing": True}

    def get_initial(self):
        k = self.key_date
        return {"version": k.version, "name": k.name, "day": k.day, "window_days": k.window_days, "note": k.note}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "back_url": self.key_date.get_absolute_url(),
                "back_title": str(self.key_date), "object": self.key_date}

    def perform(self, form):
        data = dict(form.cleaned_data)
        version = data.pop("version")
        return services.keydate_update(actor=self.request.user, key_date=self.key_date, data=data,
                                       expected_version=version)


class KeyDateDeleteView(KeyDateMixin, PermissionRequiredMixin, TemplateView):
    """GET: confirm; POST version: remove (a key date whose day has passed is kept)."""

    required_perm = "inspection.plan"
    template_name = "inspections/keydate_confirm_delete.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "key_date": self.key_date,
                "past": self.key_date.day < selectors.shanghai_day(timezone.now())}

    def post(self, request, pk):
        key_date = self.key_date
        form = VersionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Reload the page and try again."))
            return redirect(key_date)
        try:
            services.keydate_delete(actor=request.user, key_date=key_date,
                                    expected_version=form.cleaned_data["version"])
        except (ValidationError, ConflictError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            return redirect(key_date)
        messages.success(request, _("Key date removed."))
        return redirect("inspections:keydate_list")


# ---------------------------------------------------------------- special campaigns (专项治理)
class CampaignListView(PermissionRequiredMixin, TemplateView):
    required_perm = "inspection.compliance"
    template_name = "inspections/campaign_list.html"

    def get_context_data(self, **kwargs):
        user, now = self.request.user, timezone.now()
        campaigns = list(selectors.campaign_list(user=user).order_by("-starts_on", "-id")[:50])
        rows = [{"campaign": c, "counts": selectors.progress_counts(selectors.campaign_progress(
            campaign=c, user=user, now=now))} for c in campaigns]
        for row in rows:
            row["total"] = sum(row["counts"].values())
        return {**super().get_context_data(**kwargs), "rows": rows, "today": selectors.shanghai_day(now),
                "can_schedule": can(user, "inspection.plan")}


class CampaignMixin:
    @cached_property
    def campaign(self):
        """In scope (else 404); for a change, one of the user's station (else 403)."""
        roles = (LEADER, OFFICER) if self.required_perm == "inspection.plan" else None
        campaign = selectors.campaign_get(user=self.request.user, pk=self.kwargs["pk"])
        if roles and not services.campaign_list_for(self.request.user).filter(pk=campaign.pk).exists():
            raise PermissionDenied(_("You are not allowed to do this here."))
        return campaign

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and can(request.user, self.required_perm):
            self.campaign  # noqa: B018 - 404 / 403 before the form
        return super().dispatch(request, *args, **kwargs)


class CampaignDetailView(CampaignMixin, PermissionRequiredMixin, TemplateView):
    required_perm = "inspection.compliance"
    template_name = "inspections/campaign_detail.html"

    def get_context_data(self, **kwargs):
        user, campaign = self.request.user, self.campaign
        rows = selectors.campaign_progress(campaign=campaign, user=user)
        inspections = (selectors.inspection_list(user=user).filter(campaign=campaign)
                       .order_by("-planned_on", "-id")[:100])
        return {**super().get_context_data(**kwargs), "campaign": campaign, "rows": rows,
                "parks": selectors.progress_by_park(rows), "counts": selectors.progress_counts(rows),
                "inspections": inspections, "can_schedule": can(user, "inspection.plan"),
                "can_plan": can(user, "inspection.plan"),
                "can_edit": can(user, "inspection.plan") and services.campaign_changeable_by(user, campaign)}


class CampaignFormMixin:
    required_perm = "inspection.plan"
    form_class = CampaignForm
    template_name = "inspections/schedule_form.html"
    success_message = gettext_lazy("Campaign saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}


class CampaignCreateView(CampaignFormMixin, ServiceFormView):
    page_title = gettext_lazy("New special campaign")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "back_url": reverse("inspections:campaign_list"),
                "back_title": _("Special campaigns")}

    def perform(self, form):
        data = form.cleaned_data
        return services.campaign_create(actor=self.request.user, theme=data["theme"], starts_on=data["starts_on"],
                                        ends_on=data["ends_on"], enterprises=data["enterprises"],
                                        parks=data["parks"], risk_categories=data["risk_categories"],
                                        note=data["note"])


class CampaignUpdateView(CampaignMixin, CampaignFormMixin, ServiceFormView):
    page_title = gettext_lazy("Edit special campaign")

    def dispatch(self, request, *args, **kwargs):
        """Refused before the form is filled in, not after: the change would be refused on saving."""
        if (request.user.is_authenticated and can(request.user, "inspection.plan")
                and not services.campaign_changeable_by(request.user, self.campaign)):
            raise PermissionDenied(_("This campaign covers parks beyond yours; the station's leader changes it."))
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        c = self.campaign
        return {"version": c.version, "theme": c.theme, "starts_on": c.starts_on, "ends_on": c.ends_on,
                "note": c.note, "enterprises": list(c.enterprises.values_list("pk", flat=True))}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "back_url": self.campaign.get_absolute_url(),
                "back_title": self.campaign.theme, "object": self.campaign}

    def perform(self, form):
        data = form.cleaned_data
        return services.campaign_update(
            actor=self.request.user, campaign=self.campaign, enterprises=data["enterprises"], parks=data["parks"],
            risk_categories=data["risk_categories"],
            data={k: data[k] for k in ("theme", "starts_on", "ends_on", "note")}, expected_version=data["version"])


# ---------------------------------------------------------------- edit pages
class InspectionUpdateView(InspectionMixin, ServiceFormView):
    """A planned inspection's day, leader, agencies and their staff, note and campaign."""

    required_perm = "inspection.plan"
    form_class = InspectionChangeForm
    template_name = "inspections/inspection_form.html"
    page_title = gettext_lazy("Edit the planned inspection")
    success_message = gettext_lazy("Inspection saved.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and can(request.user, self.required_perm):
            if self.inspection.status != Inspection.Status.PLANNED:
                messages.info(request, _("Only a planned inspection can be changed."))
                return redirect(self.inspection.get_absolute_url())
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "park_ids": [self.inspection.park_id],
                "current_campaign": self.inspection.campaign}

    def get_initial(self):
        i = self.inspection
        return {"version": i.version, "planned_on": i.planned_on, "led_by": i.led_by_id, "note": i.note,
                "agencies": list(i.agencies.all()), "agency_staff": list(i.agency_staff.all()),
                "campaign": i.campaign_id}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "inspection": self.inspection}

    def perform(self, form):
        data = form.cleaned_data
        return services.inspection_update(
            actor=self.request.user, inspection=self.inspection, agencies=data["agencies"],
            agency_staff=data["agency_staff"], expected_version=data["version"],
            data={"planned_on": data["planned_on"], "led_by": data["led_by"], "note": data["note"],
                  "campaign": data["campaign"]})


class ChecklistMixin:
    @cached_property
    def checklist(self):
        return selectors.checklist_get(pk=self.kwargs["pk"])


class ChecklistUpdateView(ChecklistMixin, ServiceFormView):
    """A checklist's own fields: name, what it is for, description, in use."""

    required_perm = "checklist.manage"
    form_class = ChecklistForm
    template_name = "inspections/checklist_form.html"
    page_title = gettext_lazy("Edit checklist")
    success_message = gettext_lazy("Checklist saved.")

    def get_initial(self):
        c = self.checklist
        return {"version": c.version, "name": c.name, "industry": c.industry, "risk_category": c.risk_category,
                "description": c.description, "is_active": c.is_active}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "checklist": self.checklist}

    def perform(self, form):
        data = dict(form.cleaned_data)
        version = data.pop("version")
        return services.checklist_update(actor=self.request.user, template=self.checklist, data=data,
                                         expected_version=version)


class ChecklistContentView(PermissionRequiredMixin, TemplateView):
    """The editor of areas and items (a formset, one block per area): a new checklist, a new version of one, or
    the content of a version no inspection used."""

    required_perm = "checklist.manage"
    template_name = "inspections/checklist_content.html"
    with_template_fields = False

    def initial_areas(self):
        return []

    def forms(self, data=None):
        head = ChecklistForm(data, prefix="c") if self.with_template_fields else None
        note = VersionNoteForm(data, prefix="v", initial=self.note_initial())
        areas = AreaFormSet(data, prefix="areas", initial=None if data else self.initial_areas())
        return head, note, areas

    def note_initial(self):
        return {}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if "areas" not in kwargs:
            ctx["head"], ctx["note_form"], ctx["areas"] = self.forms()
        return {**ctx, "page_title": self.page_title, "kinds": AreaKind.choices}

    def post(self, request, *args, **kwargs):
        head, note, areas = self.forms(request.POST)
        ok = all(f.is_valid() for f in (head, note, areas) if f is not None)
        self.posted_version = note.cleaned_data.get("version") if ok else None
        errors = []
        if ok:
            content = [a for a in (form.area() for form in areas.forms) if a]
            try:
                obj = self.save(head, note.cleaned_data["note"], content)
            except ValidationError as exc:
                errors = exc.messages
            except ConflictError as exc:
                errors = [str(exc)]
            else:
                messages.success(request, self.success_message)
                return redirect(obj.get_absolute_url())
        return self.render_to_response(self.get_context_data(head=head, note_form=note, areas=areas,
                                                             errors=errors))


class ChecklistCreateView(ChecklistContentView):
    page_title = gettext_lazy("New checklist")
    success_message = gettext_lazy("Checklist saved.")
    with_template_fields = True

    def save(self, head, note, content):
        data = head.cleaned_data
        return services.checklist_create(actor=self.request.user, name=data["name"], areas=content,
                                         industry=data["industry"], risk_category=data["risk_category"],
                                         description=data["description"])


class ChecklistReviseView(ChecklistMixin, ChecklistContentView):
    """A new version, starting from the latest one's content."""

    page_title = gettext_lazy("New version of the checklist")
    success_message = gettext_lazy("New version saved; inspections planned from now on use it.")

    def initial_areas(self):
        latest = self.checklist.latest_version()
        return area_initial(selectors.version_areas(latest)) if latest else []

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "checklist": self.checklist}

    def save(self, head, note, content):
        return services.checklist_version_create(actor=self.request.user, template=self.checklist, areas=content,
                                                 note=note)


class ChecklistVersionEditView(ChecklistMixin, ChecklistContentView):
    """The content of a version no inspection has used; a used one is refused (make a new version)."""

    page_title = gettext_lazy("Edit checklist version")
    success_message = gettext_lazy("Checklist version saved.")

    @cached_property
    def shown(self):
        return selectors.version_get(template=self.checklist, number=self.kwargs["number"])

    def initial_areas(self):
        return area_initial(selectors.version_areas(self.shown))

    def note_initial(self):
        return {"note": self.shown.note, "version": self.checklist.version}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "checklist": self.checklist, "shown": self.shown,
                "used": self.shown.is_used}

    def save(self, head, note, content):
        return services.checklist_version_update(actor=self.request.user, version=self.shown, areas=content,
                                                 note=note, expected_version=self.posted_version)


# ---------------------------------------------------------------- the calendar
class InspectionCalendarView(PermissionRequiredMixin, TemplateView):
    """A month (?month=YYYY-MM, Asia/Shanghai days) of planned and done inspections, key dates (and the day their
    window opens) and campaign periods, optionally one ?park=; a grid on a tablet, a list of days on a phone."""

    required_perm = "inspection.compliance"
    template_name = "inspections/calendar.html"
    PER_DAY = 4

    def month(self, today):
        text = self.request.GET.get("month") or ""
        try:
            year, month = (int(part) for part in text.split("-"))
            if not (2000 <= year <= 2100 and 1 <= month <= 12):
                raise ValueError
            return date(year, month, 1)
        except ValueError:
            if text:
                messages.error(self.request, _("Choose a month as YYYY-MM."))
            return today.replace(day=1)

    def get_context_data(self, **kwargs):
        import calendar

        user, today = self.request.user, selectors.shanghai_day(timezone.now())
        first = self.month(today)
        weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
        start, end = weeks[0][0], weeks[-1][-1]
        parks = Park.objects.visible_to(user, roles=POLICE).only("id", "name", "station_id").order_by("name")
        park = None
        if self.request.GET.get("park"):
            park = next((p for p in parks if str(p.pk) == self.request.GET["park"]), None)
            if park is None:
                messages.error(self.request, _("Choose a park from the list."))
        inspections = selectors.inspection_list(user=user)
        key_dates = selectors.keydate_list(user=user)
        campaigns = selectors.campaign_list(user=user)
        if park is not None:
            inspections = inspections.filter(park=park)
            key_dates = key_dates.filter(Q(park=park) | Q(park__isnull=True, station_id=park.station_id))
            campaigns = campaigns.filter(enterprises__park=park).distinct()
        days = {day: {"planned": [], "done": [], "key_dates": [], "windows": [], "campaigns": []}
                for week in weeks for day in week}
        for i in inspections.filter(status=Inspection.Status.PLANNED, planned_on__gte=start, planned_on__lte=end):
            days[i.planned_on]["planned"].append(i)
        for i in inspections.filter(status=Inspection.Status.DONE, happened_at__gte=selectors.day_start(start),
                                    happened_at__lt=selectors.day_start(end + timedelta(days=1))):
            days[selectors.shanghai_day(i.happened_at)]["done"].append(i)
        for k in key_dates.filter(day__gte=start, day__lte=end + timedelta(days=90)):
            if start <= k.day <= end:
                days[k.day]["key_dates"].append(k)
            if start <= k.window_start <= end:
                days[k.window_start]["windows"].append(k)
        running = list(campaigns.filter(starts_on__lte=end, ends_on__gte=start).order_by("starts_on", "id"))
        for c in running:
            for day in (c.starts_on, c.ends_on):
                if start <= day <= end:
                    days[day]["campaigns"].append(c)
        previous = (first - timedelta(days=1)).replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        grid = [[{"day": day, **days[day], "busy": any(days[day].values())} for day in week] for week in weeks]
        month_busy = any(cell["busy"] for week in grid for cell in week if cell["day"].month == first.month)
        return {**super().get_context_data(**kwargs), "weeks": grid, "first": first, "today": today,
                "month_busy": month_busy,
                "parks": parks, "park": park, "campaigns": running, "per_day": self.PER_DAY,
                "previous": f"{previous:%Y-%m}", "following": f"{following:%Y-%m}",
                "weekdays": [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]}
