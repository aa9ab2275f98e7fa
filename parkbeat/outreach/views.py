"""Publicity pages: declared on the core bases; reads through selectors and figures, writes through services."""
from datetime import datetime, time, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from parkbeat.core.events import back_entry_window
from parkbeat.core.permissions import can, require
from parkbeat.core.views import PermissionRequiredMixin, ScopedListView, ServiceFormView
from parkbeat.enterprises.models import Enterprise
from parkbeat.outreach import selectors, services
from parkbeat.outreach.figures import coverage_rows, outreach_figures, shown_percent
from parkbeat.outreach.filters import AdoptionFilterSet, CoverageFilterSet, LectureFilterSet
from parkbeat.outreach.forms import (AdoptionEndForm, AdoptionForm, AttendanceForm, CampaignForm, LectureForm,
                                     LectureUpdateForm, RuleForm, TransitionForm)
from parkbeat.outreach.models import Lecture
from parkbeat.outreach.tables import AdoptionTable, CoverageTable, LectureTable
from parkbeat.outreach.timetable import SHANGHAI


def _local_minute(moment):
    return timezone.localtime(moment).replace(second=0, microsecond=0, tzinfo=None)


# ---------------------------------------------------------------- campaigns
class CampaignListView(PermissionRequiredMixin, TemplateView):
    required_perm = "outreach.manage"
    template_name = "outreach/campaign_list.html"

    def get_context_data(self, **kwargs):
        from django.db.models import Count, Q, Sum

        rows = list(selectors.campaign_list(user=self.request.user).annotate(
            n_held=Count("lectures", filter=Q(lectures__status=Lecture.Status.HELD)),
            n_planned=Count("lectures", filter=Q(lectures__status=Lecture.Status.PLANNED)),
            reached=Sum("lectures__attendance", filter=Q(lectures__status=Lecture.Status.HELD)))
            .order_by("-starts_on", "-id")[:200])
        return {**super().get_context_data(**kwargs), "campaigns": rows,
                "can_add": services.campaign_planner(self.request.user)}


class CampaignMixin:
    @cached_property
    def campaign(self):
        return selectors.campaign_get(user=self.request.user, pk=self.kwargs["pk"])


class CampaignDetailView(CampaignMixin, PermissionRequiredMixin, TemplateView):
    required_perm = "outreach.manage"
    template_name = "outreach/campaign_detail.html"

    def get_context_data(self, **kwargs):
        from parkbeat.files.models import Attachment

        campaign, user = self.campaign, self.request.user
        figures = outreach_figures(user=user, campaign=campaign)
        never = coverage_rows(user=user, campaign=campaign, band="never").order_by("name", "id")
        return {**super().get_context_data(**kwargs), "campaign": campaign, "figures": figures,
                "can_edit": services.campaign_changeable_by(user, campaign),
                "materials": list(Attachment.objects.for_object(campaign).order_by("id")),
                "parks": list(campaign.parks.order_by("name")), "enterprises": list(campaign.enterprises.order_by(
                    "name").only("id", "name")),
                "never": list(never[:50]), "never_count": never.count(),
                "lectures": list(selectors.lecture_list(user=user).filter(campaign=campaign).order_by(
                    "-starts_at", "-id")[:50])}


class CampaignCreateView(ServiceFormView):
    required_perm = "outreach.manage"
    form_class = CampaignForm
    template_name = "outreach/campaign_form.html"
    page_title = gettext_lazy("New publicity campaign")
    success_message = gettext_lazy("Campaign saved.")

    def dispatch(self, request, *args, **kwargs):
        """An auxiliary assists at lectures; a campaign is planned by a leader or officer (refused before the form
        is filled in)."""
        if request.user.is_authenticated and not services.campaign_planner(request.user) and can(
                request.user, "outreach.manage"):
            raise PermissionDenied(services.NOT_A_PLANNER)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        today = timezone.localdate()
        return {"starts_on": today, "ends_on": today + timedelta(days=30)}

    def perform(self, form):
        data = form.cleaned_data
        return services.campaign_create(actor=self.request.user, theme=data["theme"], title=data["title"],
                                        starts_on=data["starts_on"], ends_on=data["ends_on"], parks=data["parks"],
                                        enterprises=data["enterprises"], note=data["note"],
                                        materials=data["materials"])


class CampaignUpdateView(CampaignMixin, CampaignCreateView):
    page_title = gettext_lazy("Edit the campaign")

    def dispatch(self, request, *args, **kwargs):
        """Refused before the form is filled in, not after: the change would be refused on saving."""
        if request.user.is_authenticated and can(request.user, "outreach.manage") and \
                services.campaign_planner(request.user) and not services.campaign_changeable_by(request.user,
                                                                                              self.campaign):
            raise PermissionDenied(services.BEYOND_YOURS)
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        c = self.campaign
        return {"version": c.version, "title": c.title, "theme": c.theme, "starts_on": c.starts_on,
                "ends_on": c.ends_on, "note": c.note, "parks": list(c.parks.values_list("pk", flat=True)),
                "enterprises": list(c.enterprises.values_list("pk", flat=True))}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "campaign": self.campaign}

    def perform(self, form):
        data = form.cleaned_data
        if data.get("version") is None:
            from django.core.exceptions import ValidationError

            raise ValidationError(_("This form is missing the version you loaded. Reload the page and try again."))
        return services.campaign_update(
            actor=self.request.user, campaign=self.campaign, expected_version=data["version"],
            data={k: data[k] for k in ("title", "theme", "starts_on", "ends_on", "note")},
            parks=data["parks"], enterprises=data["enterprises"], materials=data["materials"])


class ExportRequiredMixin:
    """The list's export (xlsx / csv) needs outreach.export (a volunteer sees the lectures they speak at, but does
    not take a list of them away); without it the export buttons are not offered."""

    def export(self, fmt, valid):
        if not can(self.request.user, "outreach.export"):
            raise PermissionDenied(_("You are not allowed to export this list."))
        return super().export(fmt, valid)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if not can(self.request.user, "outreach.export"):
            ctx["export_formats"] = ()
        return ctx


# ---------------------------------------------------------------- lectures
class LectureListView(ExportRequiredMixin, ScopedListView):
    model = Lecture
    required_perm = "outreach.view"
    filterset_class = LectureFilterSet
    table_class = LectureTable
    template_name = "outreach/lecture_list.html"
    strict = True

    def get_base_queryset(self):
        return selectors.lecture_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        return {**ctx, "can_add": can(self.request.user, "outreach.manage"),
                "can_cover": can(self.request.user, "outreach.coverage")}


class LectureMixin:
    @cached_property
    def lecture(self):
        """In scope (else 404) and within reach of the view's permission (else 403)."""
        lecture = selectors.lecture_get(user=self.request.user, pk=self.kwargs["pk"])
        if self.required_perm != "outreach.view":
            require(self.request.user, self.required_perm, lecture)
        return lecture


class LectureDetailView(LectureMixin, PermissionRequiredMixin, TemplateView):
    required_perm = "outreach.view"
    template_name = "outreach/lecture_detail.html"

    def get_context_data(self, **kwargs):
        lecture, user = self.lecture, self.request.user
        manage = can(user, "outreach.manage", lecture)
        planned = lecture.status == Lecture.Status.PLANNED
        return {**super().get_context_data(**kwargs), "lecture": lecture, "manage": manage,
                "speakers": selectors.speaker_list(lecture=lecture),
                "events": selectors.event_list(user=user, lecture=lecture),
                "files": services.lecture_files(lecture),
                "can_hold": manage and planned and lecture.starts_at <= timezone.now(),
                "held_late": timezone.now() - lecture.starts_at > back_entry_window(),
                "can_edit": manage and planned,
                "can_cancel": manage and planned, "can_attend": manage and lecture.status == Lecture.Status.HELD,
                "transition_form": TransitionForm(initial={"version": lecture.version}, auto_id="transition_%s"),
                "attendance_form": AttendanceForm(initial={"version": lecture.version,
                                                           "attendance": lecture.attendance},
                                                  auto_id="attendance_%s")}


class LectureCreateView(ServiceFormView):
    """Schedule a lecture (?enterprise= preselects one): a time inside production hours comes back with the
    refusal and the free slots as buttons that fill the form."""

    required_perm = "outreach.manage"
    form_class = LectureForm
    template_name = "outreach/lecture_form.html"
    page_title = gettext_lazy("Schedule a lecture")
    success_message = gettext_lazy("Lecture scheduled.")
    slots = None  # after a refusal inside production hours: the free slots offered

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        start = _local_minute(timezone.now()).replace(minute=0) + timedelta(days=1)
        initial = {"starts_at": start.replace(hour=18), "ends_at": start.replace(hour=19)}
        enterprise = self.request.GET.get("enterprise")
        if enterprise:
            initial["enterprise"] = enterprise
        campaign = self.request.GET.get("campaign")
        if campaign:
            initial["campaign"] = campaign
        return initial

    def perform(self, form):
        data = form.cleaned_data
        try:
            return services.lecture_schedule(
                actor=self.request.user, enterprise=data["enterprise"], topic=data["topic"],
                starts_at=data["starts_at"], ends_at=data["ends_at"], campaign=data["campaign"],
                theme=data["theme"] or None, speakers=data["speakers"], notes=data["notes"],
                agreement=data["agreement"])
        except services.ProductionHoursConflict as exc:
            self.slots = _slot_buttons(exc)
            raise

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form = ctx["form"]
        enterprise = None
        if form.is_bound:
            enterprise = getattr(form, "cleaned_data", {}).get("enterprise")
        elif str(form.initial.get("enterprise") or "").isdigit():
            enterprise = form.fields["enterprise"].queryset.filter(pk=int(form.initial["enterprise"])).first()
        return {**ctx, "slots": self.slots, "enterprise": enterprise,
                "hours": _timetable_lines(enterprise.production_hours) if enterprise else None}


def _slot_buttons(exc):
    """The free slots of a refusal as the form's buttons (each fills the start and end)."""
    return [{"starts_at": _local_minute(a).strftime("%Y-%m-%dT%H:%M"),
             "ends_at": _local_minute(b).strftime("%Y-%m-%dT%H:%M"), "day": timezone.localtime(a),
             "until": timezone.localtime(b)} for a, b in exc.free_slots]


class LectureUpdateView(LectureMixin, LectureCreateView):
    """Change a planned lecture (the police of its park): the same checks as scheduling it — a time inside
    production hours is refused with the free slots as buttons, unless a fresh written agreement is attached; a
    stale version is a form error."""

    form_class = LectureUpdateForm
    page_title = gettext_lazy("Edit the lecture")
    success_message = gettext_lazy("Lecture changed.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and can(request.user, "outreach.manage"):
            if self.lecture.status != Lecture.Status.PLANNED:
                messages.error(request, _("Only a planned lecture is changed."))
                return redirect(self.lecture.get_absolute_url())
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        lecture = self.lecture
        return {"version": lecture.version, "campaign": lecture.campaign_id, "theme": lecture.theme,
                "topic": lecture.topic, "starts_at": _local_minute(lecture.starts_at),
                "ends_at": _local_minute(lecture.ends_at), "notes": lecture.notes,
                "speakers": list(lecture.speakers.values_list("user_id", flat=True))}

    def perform(self, form):
        data = form.cleaned_data
        if data.get("version") is None:
            from django.core.exceptions import ValidationError

            raise ValidationError(_("This form is missing the version you loaded. Reload the page and try again."))
        try:
            return services.lecture_update(
                actor=self.request.user, lecture=self.lecture, expected_version=data["version"],
                data={k: data[k] for k in ("campaign", "theme", "topic", "starts_at", "ends_at", "notes")},
                speakers=data["speakers"], agreement=data["agreement"])
        except services.ProductionHoursConflict as exc:
            self.slots = _slot_buttons(exc)
            raise

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        enterprise = self.lecture.enterprise
        return {**ctx, "lecture": self.lecture, "enterprise": enterprise,
                "hours": _timetable_lines(enterprise.production_hours)}


WEEKDAY_LABELS = {"mon": gettext_lazy("Mon"), "tue": gettext_lazy("Tue"), "wed": gettext_lazy("Wed"),
                  "thu": gettext_lazy("Thu"), "fri": gettext_lazy("Fri"), "sat": gettext_lazy("Sat"),
                  "sun": gettext_lazy("Sun")}


def _timetable_lines(hours):
    """[(weekday label, "08:00–12:00, 22:00–06:00 (next day)")] of a timetable, Monday first."""
    from parkbeat.outreach.timetable import WEEKDAYS

    lines = []
    hours = hours if isinstance(hours, dict) else {}
    for day in WEEKDAYS:
        periods = hours.get(day) or []
        periods = periods if isinstance(periods, (list, tuple)) else [periods]
        text = ", ".join(f"{p[0]}–{p[1]}" + (_(" (next day)") if str(p[1]) < str(p[0]) else "")
                         if isinstance(p, (list, tuple)) and len(p) == 2 else str(p) for p in periods)
        lines.append((WEEKDAY_LABELS[day], text or _("no production")))
    return lines


class LectureActionView(LectureMixin, ServiceFormView):
    """A POST from the lecture's page: errors come back as messages on it."""

    http_method_names = ["post"]
    required_perm = "outreach.manage"
    done_message = None

    def form_invalid(self, form):
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields and field != "__all__" else ""
            for error in errors:
                messages.error(self.request, f"{label}: {error}" if label and field != "version" else error)
        return redirect(self.lecture.get_absolute_url())

    def get_success_url(self):
        messages.success(self.request, self.done_message)
        return self.lecture.get_absolute_url()


class LectureTransitionView(LectureActionView):
    form_class = TransitionForm

    def perform(self, form):
        data = form.cleaned_data
        self.done_message = _("Lecture marked held.") if data["to"] == "held" else _("Lecture cancelled.")
        return services.lecture_transition(actor=self.request.user, lecture=self.lecture, to=data["to"],
                                           note=data["note"], late_reason=data["late_reason"],
                                           expected_version=data["version"])


class LectureAttendanceView(LectureActionView):
    form_class = AttendanceForm
    done_message = gettext_lazy("Attendance recorded.")

    def perform(self, form):
        data = form.cleaned_data
        return services.lecture_record_attendance(actor=self.request.user, lecture=self.lecture,
                                                  attendance=data["attendance"], at=data["at"],
                                                  late_reason=data["late_reason"], note=data["note"],
                                                  expected_version=data["version"])


# ---------------------------------------------------------------- coverage
def _period(filterset):
    data = filterset.form.cleaned_data if filterset.is_bound and filterset.is_valid() else {}
    start = datetime.combine(data["start"], time(), SHANGHAI) if data.get("start") else None
    end = datetime.combine(data["end"] + timedelta(days=1), time(), SHANGHAI) if data.get("end") else None
    return start, end, data.get("campaign")


class CoverageListView(ExportRequiredMixin, ScopedListView):
    """Coverage per enterprise in scope: people reached / headcount, for a period or a campaign's targets."""

    model = Enterprise
    required_perm = "outreach.coverage"
    filterset_class = CoverageFilterSet
    table_class = CoverageTable
    template_name = "outreach/coverage_list.html"
    strict = True

    def get_base_queryset(self):
        form = CoverageFilterSet(self.request.GET, request=self.request)
        start, end, campaign = _period(form)
        self.period = (start, end, campaign)
        return coverage_rows(user=self.request.user, start=start, end=end, campaign=campaign).order_by("name", "id")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        start, end, campaign = self.period
        rows = self.filterset.qs if (not self.filterset.is_bound or self.filterset.is_valid()) else None
        bands = {"never": 0, "under_half": 0, "half_and_over": 0}
        if rows is not None:
            from django.db.models import Count

            bands.update(dict(rows.order_by().values_list("band").annotate(n=Count("pk"))))
        figures = outreach_figures(user=self.request.user, start=start, end=end, campaign=campaign)
        return {**ctx, "bands": bands, "figures": figures, "campaign": campaign,
                "map_query": self.request.GET.urlencode()}


class CoverageMapView(PermissionRequiredMixin, TemplateView):
    """The park map: enterprises coloured by coverage (never reached / under 50 % / 50 % and over)."""

    required_perm = "outreach.coverage"
    template_name = "outreach/coverage_map.html"

    def get_context_data(self, **kwargs):
        from parkbeat.org.models import Park

        filterset = CoverageFilterSet(self.request.GET, request=self.request)
        if filterset.is_bound and not filterset.is_valid():
            rows = Enterprise.objects.none()
        else:
            start, end, campaign = _period(filterset)
            rows = filterset.filter_queryset(coverage_rows(user=self.request.user, start=start, end=end,
                                                           campaign=campaign))
        points = [{"id": r.pk, "name": r.name, "lon": float(r.lon), "lat": float(r.lat), "band": r.band,
                   "reached": r.reached, "headcount": r.headcount, "percent": shown_percent(r.coverage),
                   "url": r.get_absolute_url()}
                  for r in rows.filter(lon__isnull=False, lat__isnull=False).order_by("id")[:5000]]
        parks = Park.objects.visible_to(self.request.user).filter(
            pk__in=Enterprise.objects.visible_to(self.request.user).values("park_id"))
        outlines = [{"name": p.name, "boundary": p.boundary} for p in parks.only("name", "boundary") if p.boundary]
        return {**super().get_context_data(**kwargs), "filter": filterset, "count": len(points),
                "map_data": {"points": points, "parks": outlines}}


# ---------------------------------------------------------------- rules
class AdoptionListView(ExportRequiredMixin, ScopedListView):
    required_perm = "outreach.coverage"
    filterset_class = AdoptionFilterSet
    table_class = AdoptionTable
    template_name = "outreach/adoption_list.html"
    strict = True

    def get_base_queryset(self):
        return selectors.adoption_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        manage = can(user, "outreach.manage")
        return {**ctx, "can_add": manage, "rules": list(selectors.rule_list(user=user)) if manage else [],
                "rule_form": RuleForm(auto_id="rule_%s") if manage else None}


class RuleCreateView(ServiceFormView):
    required_perm = "outreach.manage"
    form_class = RuleForm
    template_name = "outreach/rule_form.html"
    page_title = gettext_lazy("New rule")
    success_message = gettext_lazy("Rule saved.")

    def perform(self, form):
        return services.rule_create(actor=self.request.user, text=form.cleaned_data["text"],
                                    theme=form.cleaned_data["theme"])


class AdoptionEndView(ServiceFormView):
    """End an adoption in force (the police of the enterprise's park), after a confirmation."""

    required_perm = "outreach.manage"
    form_class = AdoptionEndForm
    template_name = "outreach/adoption_end.html"
    page_title = gettext_lazy("End the adoption")
    success_message = gettext_lazy("Adoption ended.")

    @cached_property
    def adoption(self):
        adoption = selectors.adoption_get(user=self.request.user, pk=self.kwargs["pk"])
        require(self.request.user, "outreach.manage", adoption)
        return adoption

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and can(request.user, "outreach.manage"):
            if self.adoption.ended_on is not None:
                messages.error(request, _("This adoption has ended already."))
                return redirect(self.adoption.get_absolute_url())
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"version": self.adoption.version, "ended_on": timezone.localdate()}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "adoption": self.adoption}

    def perform(self, form):
        data = form.cleaned_data
        return services.adoption_end(actor=self.request.user, adoption=self.adoption, ended_on=data["ended_on"],
                                     note=data["note"], expected_version=data["version"])


class AdoptionCreateView(ServiceFormView):
    required_perm = "outreach.manage"
    form_class = AdoptionForm
    template_name = "outreach/rule_form.html"
    page_title = gettext_lazy("Record an adopted rule")
    success_message = gettext_lazy("Adoption recorded.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {"since": timezone.localdate(), "enterprise": self.request.GET.get("enterprise"),
                "rule": self.request.GET.get("rule")}

    def perform(self, form):
        data = form.cleaned_data
        return services.adoption_record(actor=self.request.user, rule=data["rule"], enterprise=data["enterprise"],
                                        since=data["since"], note=data["note"])
