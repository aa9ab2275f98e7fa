"""Patrol pages: declared on the core bases; reads through selectors, writes through services."""
import io
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from parkbeat.core import pdf
from parkbeat.core.exports import ExportRateLimited
from parkbeat.core.permissions import POLICE, can, has_role, require
from parkbeat.core.services import ConflictError
from parkbeat.core.views import (PermissionRequiredMixin, ScopedDetailView, ScopedListView, ServiceFormView,
                                 ServiceUpdateView)
from parkbeat.org.models import Park
from parkbeat.patrols import selectors, services, tokens, track
from parkbeat.patrols.filters import CheckpointFilterSet, PlanFilterSet, RouteFilterSet, RunFilterSet
from parkbeat.patrols.forms import (CheckpointForm, FindingForm, PlanForm, RouteForm, RunStartForm, ScanForm,
                                    VersionForm)
from parkbeat.patrols.models import CheckIn, Checkpoint, PatrolPlan, PatrolRun, Route
from parkbeat.patrols.tables import CheckpointTable, PlanTable, RouteTable, RunTable, schedule_text


def qr_svg(checkpoint, scale=4):
    import segno

    return segno.make(tokens.checkpoint_token(checkpoint), error="m").svg_inline(scale=scale, omitsize=False)


# ---------------------------------------------------------------- checkpoints
class CheckpointListView(ScopedListView):
    model = Checkpoint
    required_perm = "patrol.places"
    filterset_class = CheckpointFilterSet
    table_class = CheckpointTable
    template_name = "patrols/checkpoint_list.html"
    partial_template_name = "includes/list_results.html"

    def get_base_queryset(self):
        return selectors.checkpoint_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_add"] = can(self.request.user, "patrol.plan")
        ctx["sheet_parks"] = Park.objects.visible_to(self.request.user, roles=POLICE).only("id", "name")
        return ctx


class CheckpointDetailView(ScopedDetailView):
    model = Checkpoint
    required_perm = "patrol.places"
    template_name = "patrols/checkpoint_detail.html"

    def get_queryset(self):
        return selectors.checkpoint_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        checkpoint = self.object
        ctx["can_change"] = checkpoint.is_active and can(self.request.user, "patrol.plan", checkpoint)
        if checkpoint.is_active:
            ctx["qr"] = qr_svg(checkpoint)
            ctx["short_code"] = tokens.short_code(checkpoint)
        ctx["routes"] = selectors.route_list(user=self.request.user).filter(stops__checkpoint=checkpoint)
        ctx["recent"] = (CheckIn.objects.filter(checkpoint=checkpoint, run__in=selectors.run_list(
            user=self.request.user).values("pk")).select_related("run", "recorded_by").order_by("-at")[:10])
        return ctx


class CheckpointCreateView(ServiceFormView):
    required_perm = "patrol.plan"
    form_class = CheckpointForm
    template_name = "patrols/form.html"
    page_title = gettext_lazy("New checkpoint")
    success_message = gettext_lazy("Checkpoint saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {"park": self.request.GET.get("park")}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "section": "checkpoints",
                "cancel_url": reverse("patrols:checkpoint_list")}

    def perform(self, form):
        return services.checkpoint_create(actor=self.request.user, **form.field_data())


class CheckpointUpdateView(ServiceUpdateView):
    required_perm = "patrol.plan"
    form_class = CheckpointForm
    template_name = "patrols/form.html"
    page_title = gettext_lazy("Edit checkpoint")
    success_message = gettext_lazy("Checkpoint saved.")
    update_service = staticmethod(services.checkpoint_update)
    object_kwarg = "checkpoint"

    def load_object(self):
        checkpoint = selectors.get_visible(selectors.checkpoint_list(user=self.request.user), self.kwargs["pk"])
        require(self.request.user, self.required_perm, checkpoint)
        return checkpoint

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "section": "checkpoints", "object": self.edited,
                "cancel_url": self.edited.get_absolute_url()}


class CheckpointCodeView(PermissionRequiredMixin, TemplateView):
    """POST action=reissue|retire: a new code (old codes refused) or the checkpoint retired."""

    required_perm = "patrol.plan"
    http_method_names = ["post"]

    def post(self, request, pk):
        checkpoint = selectors.get_visible(selectors.checkpoint_list(user=request.user), pk)
        require(request.user, self.required_perm, checkpoint)
        form = VersionForm(request.POST)
        action = request.POST.get("action")
        if not form.is_valid() or action not in ("reissue", "retire"):
            messages.error(request, _("Reload the page and try again."))
            return redirect(checkpoint)
        service = services.checkpoint_retire if action == "retire" else services.checkpoint_reissue
        try:
            service(actor=request.user, checkpoint=checkpoint, expected_version=form.cleaned_data["version"])
        except (ValidationError, ConflictError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            return redirect(checkpoint)
        messages.success(request, _("Checkpoint retired: its codes no longer count.") if action == "retire"
                         else _("New code issued: print the sheet again, the old code no longer counts."))
        return redirect(checkpoint)


def sheet_pdf(park, checkpoints, *, printed_by):
    """One labelled QR code per checkpoint, three to a row, with the code to type beneath each."""
    import segno
    from reportlab.lib.units import mm
    from reportlab.platypus import Image, Table, TableStyle

    width = pdf.page_width()
    cell_w = width / 3
    cells = []
    for checkpoint in checkpoints:
        buffer = io.BytesIO()
        segno.make(tokens.checkpoint_token(checkpoint), error="m").save(buffer, kind="png", scale=6, border=2)
        buffer.seek(0)
        cells.append([Image(buffer, width=42 * mm, height=42 * mm), pdf.para(checkpoint.name, "cell_head"),
                      pdf.para(f"{checkpoint.get_kind_display()} · {tokens.short_code(checkpoint)}", "cell_head")])
    rows = [cells[i:i + 3] + [""] * (3 - len(cells[i:i + 3])) for i in range(0, len(cells), 3)]
    story = [pdf.para(_("Checkpoint QR codes"), "title"), pdf.para(park.name, "subtitle")]
    if rows:
        grid = Table(rows, colWidths=[cell_w] * 3)
        grid.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, pdf.GRID), ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                                  ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("TOPPADDING", (0, 0), (-1, -1), 4 * mm),
                                  ("BOTTOMPADDING", (0, 0), (-1, -1), 4 * mm)]))
        story.append(grid)
    else:
        story.append(pdf.para(_("This park has no active checkpoint yet.")))
    story.append(pdf.para(_("Scan with ParkBeat during a patrol; where the camera cannot read the code, type the "
                            "8 characters under it. A code reissued or retired no longer counts."), "small"))
    return pdf.render(story, title=_("Checkpoint QR codes") + " " + park.name, header=park.station.name,
                      printed_by=printed_by)


class CheckpointSheetView(PermissionRequiredMixin, TemplateView):
    """GET ?park=<id>: the printable PDF of the park's active checkpoints (police of the park)."""

    required_perm = "patrol.places"

    def get(self, request):
        try:
            park = Park.objects.visible_to(request.user, roles=POLICE).select_related("station").get(
                pk=int(request.GET.get("park", "")))
        except (Park.DoesNotExist, ValueError):
            raise Http404 from None
        checkpoints = list(Checkpoint.objects.filter(park=park, is_active=True).order_by("name"))
        try:
            return pdf.download(user=request.user,
                                build=lambda: sheet_pdf(park, checkpoints, printed_by=request.user.display_name),
                                stem_zh=f"巡防点二维码_{park.name}", stem_en=f"checkpoints_{park.code or park.pk}",
                                obj=park)
        except ExportRateLimited as exc:
            messages.error(request, str(exc))
            return redirect("patrols:checkpoint_list")


# ---------------------------------------------------------------- routes
class RouteListView(ScopedListView):
    model = Route
    required_perm = "patrol.places"
    filterset_class = RouteFilterSet
    table_class = RouteTable
    template_name = "patrols/route_list.html"
    partial_template_name = "includes/list_results.html"

    def get_base_queryset(self):
        return selectors.route_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_add"] = can(self.request.user, "patrol.plan")
        ctx["plan_parks"] = Park.objects.visible_to(self.request.user, roles=("station_leader", "park_officer"))
        return ctx


class RouteDetailView(ScopedDetailView):
    model = Route
    required_perm = "patrol.places"
    template_name = "patrols/route_detail.html"

    def get_queryset(self):
        return selectors.route_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["stops"] = self.object.ordered_checkpoints()
        ctx["plans"] = selectors.plan_list(user=self.request.user).filter(route=self.object)
        ctx["can_change"] = can(self.request.user, "patrol.plan", self.object)
        return ctx


class RouteCreateView(ServiceFormView):
    """GET ?park=<id> (else a park chooser): the stops are that park's checkpoints."""

    required_perm = "patrol.plan"
    form_class = RouteForm
    template_name = "patrols/form.html"
    page_title = gettext_lazy("New route")
    success_message = gettext_lazy("Route saved.")

    @cached_property
    def park(self):
        value = self.request.GET.get("park") or self.request.POST.get("park")
        try:
            park = Park.objects.visible_to(self.request.user, roles=("station_leader", "park_officer")).get(
                pk=int(value))
        except (Park.DoesNotExist, ValueError, TypeError):
            return None
        return park

    def get(self, request, *args, **kwargs):
        if self.park is None:
            parks = Park.objects.visible_to(request.user, roles=("station_leader", "park_officer")).only("id", "name")
            return render(request, "patrols/choose_park.html", {"parks": parks, "page_title": self.page_title})
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.park is None:
            raise Http404
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "park": self.park}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "section": "routes", "park": self.park,
                "cancel_url": reverse("patrols:route_list")}

    def perform(self, form):
        data = form.field_data()
        return services.route_create(actor=self.request.user, park=self.park, checkpoints=form.checkpoints(), **data)


class RouteUpdateView(ServiceUpdateView):
    required_perm = "patrol.plan"
    form_class = RouteForm
    template_name = "patrols/form.html"
    page_title = gettext_lazy("Edit route")
    success_message = gettext_lazy("Route saved.")
    object_kwarg = "route"

    def load_object(self):
        route = selectors.get_visible(selectors.route_list(user=self.request.user), self.kwargs["pk"])
        require(self.request.user, self.required_perm, route)
        return route

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "park": self.edited.park}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "section": "routes", "object": self.edited,
                "park": self.edited.park, "cancel_url": self.edited.get_absolute_url()}

    def perform(self, form):
        return services.route_update(actor=self.request.user, route=self.load_object(), data=form.field_data(),
                                     checkpoints=form.checkpoints(), expected_version=form.cleaned_data["version"])


# ---------------------------------------------------------------- plans
class PlanListView(ScopedListView):
    model = PatrolPlan
    required_perm = "patrol.run"
    filterset_class = PlanFilterSet
    table_class = PlanTable
    template_name = "patrols/plan_list.html"
    partial_template_name = "includes/list_results.html"

    def get_base_queryset(self):
        return selectors.plan_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "can_add": can(self.request.user, "patrol.plan")}


class PlanDetailView(ScopedDetailView):
    model = PatrolPlan
    required_perm = "patrol.run"
    template_name = "patrols/plan_detail.html"
    context_object_name = "plan"

    def get_queryset(self):
        return selectors.plan_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        plan, user = self.object, self.request.user
        ctx["schedule"] = schedule_text(plan)
        ctx["teams"] = plan.teams.select_related("team")
        ctx["stops"] = plan.route.ordered_checkpoints()
        ctx["runs"] = selectors.run_list(user=user).filter(plan=plan)[:10]
        ctx["missed"] = plan.missed_checks.select_related("checkpoint").order_by("-window_start")[:20] \
            if has_role(user, *POLICE) else []
        ctx["can_change"] = can(user, "patrol.plan", plan)
        ctx["can_start"] = plan.is_active and services.can_run_plan(user, plan)
        return ctx


class PlanCreateView(ServiceFormView):
    required_perm = "patrol.plan"
    form_class = PlanForm
    template_name = "patrols/form.html"
    page_title = gettext_lazy("New patrol plan")
    success_message = gettext_lazy("Plan saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {"route": self.request.GET.get("route"), "weekdays": [0, 1, 2, 3, 4]}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "section": "plans", "cancel_url": reverse("patrols:plan_list")}

    def perform(self, form):
        return services.plan_create(actor=self.request.user, teams=form.teams(), **form.field_data())


class PlanUpdateView(ServiceUpdateView):
    required_perm = "patrol.plan"
    form_class = PlanForm
    template_name = "patrols/form.html"
    page_title = gettext_lazy("Edit patrol plan")
    success_message = gettext_lazy("Plan saved.")
    object_kwarg = "plan"

    def load_object(self):
        plan = selectors.get_visible(selectors.plan_list(user=self.request.user), self.kwargs["pk"])
        require(self.request.user, self.required_perm, plan)
        return plan

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "section": "plans", "object": self.edited,
                "cancel_url": self.edited.get_absolute_url()}

    def perform(self, form):
        return services.plan_update(actor=self.request.user, plan=self.load_object(), data=form.field_data(),
                                    teams=form.teams(), expected_version=form.cleaned_data["version"])


# ---------------------------------------------------------------- runs
class RunListView(ScopedListView):
    model = PatrolRun
    required_perm = "patrol.run"
    filterset_class = RunFilterSet
    table_class = RunTable
    template_name = "patrols/run_list.html"
    partial_template_name = "includes/list_results.html"
    strict = True

    def get_base_queryset(self):
        return selectors.run_list(user=self.request.user)


class RunDetailView(ScopedDetailView):
    model = PatrolRun
    required_perm = "patrol.run"
    template_name = "patrols/run_detail.html"
    context_object_name = "run"

    def get_queryset(self):
        return selectors.run_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        run = self.object
        ctx.update(selectors.run_progress(run))
        ctx["participants"] = run.participants.order_by("full_name", "username")
        ctx["is_participant"] = run.participants.filter(pk=self.request.user.pk).exists()
        ctx["may_act"] = run.is_open and (ctx["is_participant"] or can(self.request.user, "patrol.run", run))
        ctx["track_map"] = track.run_map_data(run, ctx)
        return ctx


class RunStartView(ServiceFormView):
    required_perm = "patrol.run"
    form_class = RunStartForm
    template_name = "patrols/run_start.html"
    page_title = gettext_lazy("Start a patrol")
    success_message = gettext_lazy("Patrol started.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "plans": selectors.startable_plans(self.request.user)}

    def get_initial(self):
        return {"plan": self.request.GET.get("plan")}

    def perform(self, form):
        data = form.cleaned_data
        return services.run_start(actor=self.request.user, plan=data.get("plan"), route=data.get("route"),
                                  mode=data.get("mode") or None, participants=data.get("participants") or (),
                                  at=data.get("started_at"), late_reason=data.get("late_reason", ""))

    def get_success_url(self):
        return reverse("patrols:run_field", args=[self.object.pk])


class RunChildMixin(PermissionRequiredMixin):
    """A run in the user's scope (else 404) on which the user may act (police of the park or participant)."""

    required_perm = "patrol.run"

    @cached_property
    def run(self):
        run = selectors.get_visible(selectors.run_list(user=self.request.user), self.kwargs["pk"])
        if not (can(self.request.user, "patrol.run", run) or run.participants.filter(pk=self.request.user.pk).exists()):
            raise PermissionDenied(_("You are not allowed to do this here."))
        return run


class RunFieldView(RunChildMixin, TemplateView):
    """The phone page of a running patrol: progress, scan (camera or typed code), report, finish."""

    template_name = "patrols/run_field.html"

    def get_context_data(self, **kwargs):
        run = self.run
        return {**super().get_context_data(**kwargs), "run": run, **selectors.run_progress(run),
                "scan_form": kwargs.get("scan_form") or ScanForm(),
                "finding_form": kwargs.get("finding_form") or FindingForm(run=run),
                "finish_form": VersionForm(initial={"version": run.version}),
                "scan_api": reverse("patrol-run-scans", args=[run.pk])}


class RunScanView(RunFieldView):
    """POST a typed (or scanned) code without JavaScript; with it, the page posts to the API instead."""

    http_method_names = ["post"]

    def post(self, request, pk):
        form = ScanForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                checkin, created = services.checkin_record(
                    actor=request.user, run=self.run, code=data["code"], at=data.get("at"), lon=data.get("lon"),
                    lat=data.get("lat"), client_key=data.get("client_key") or "", method=CheckIn.Method.CODE)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                if checkin.counted:
                    messages.success(request, _("Checked in at %(name)s.") % {"name": checkin.checkpoint.name})
                else:
                    messages.warning(request, _("Recorded at %(name)s, but flagged: %(flags)s.") % {
                        "name": checkin.checkpoint.name, "flags": "、".join(checkin.flag_labels())})
                return redirect("patrols:run_field", pk)
        return self.render_to_response(self.get_context_data(scan_form=form), status=400)


class RunFindingView(RunFieldView):
    http_method_names = ["post"]

    def post(self, request, pk):
        form = FindingForm(request.POST, request.FILES, run=self.run)
        if form.is_valid():
            data = form.cleaned_data
            try:
                finding = services.finding_report(actor=request.user, run=self.run, kind=data["kind"],
                                                  description=data["description"], checkpoint=data.get("checkpoint"),
                                                  photos=data.get("photos") or ())
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Reported as incident %(number)s.") % {"number": finding.incident.number})
                return redirect("patrols:run_field", pk)
        return self.render_to_response(self.get_context_data(finding_form=form), status=400)


class RunJoinView(PermissionRequiredMixin, TemplateView):
    """POST: join a running patrol of a plan that calls for me (or of my park, for the police)."""

    required_perm = "patrol.run"
    http_method_names = ["post"]

    def post(self, request, pk):
        run = selectors.get_visible(selectors.joinable_runs(request.user), pk)
        try:
            services.run_join(actor=request.user, run=run)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("patrols:field_home")
        messages.success(request, _("You joined the patrol."))
        return redirect("patrols:run_field", pk)


class RunFinishView(RunChildMixin, TemplateView):
    http_method_names = ["post"]

    def post(self, request, pk):
        form = VersionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Reload the page and try again."))
            return redirect("patrols:run_field", pk)
        try:
            services.run_finish(actor=request.user, run=self.run, expected_version=form.cleaned_data["version"])
        except (ValidationError, ConflictError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            return redirect("patrols:run_field", pk)
        messages.success(request, _("Patrol finished."))
        return redirect(self.run)


class FieldHomeView(PermissionRequiredMixin, TemplateView):
    """"My patrols" on the phone: the runs I am on now, and today's plans I may start."""

    required_perm = "patrol.run"
    template_name = "patrols/field_home.html"

    def get_context_data(self, **kwargs):
        user, now = self.request.user, timezone.now()
        running = (PatrolRun.objects.filter(status=PatrolRun.Status.RUNNING, participants=user)
                   .select_related("route", "park").order_by("-started_at"))
        today = []
        for plan in selectors.startable_plans(user)[:50]:
            windows = services.plan_windows(plan, now - services.EARLY_START, now + timedelta(hours=24))
            upcoming = [w for w in windows if w[1] > now]
            if upcoming:
                opens, closes = upcoming[0]
                today.append({"plan": plan, "opens": opens, "closes": closes,
                              "open_now": opens - services.EARLY_START <= now < closes})
        today.sort(key=lambda item: item["opens"])
        joinable = selectors.joinable_runs(user).exclude(participants=user)[:20]
        return {**super().get_context_data(**kwargs), "running": running, "today": today, "joinable": joinable}

