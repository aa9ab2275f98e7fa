"""Organisation pages: parks and the duty roster (scoped), accounts and role assignments (administrators).

Reads go through selectors, writes through services. The administrators' pages list accounts and role
assignments only, never case data (三员分立).
"""
from datetime import datetime, time, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from parkbeat.core import pdf
from parkbeat.core.exports import ExportRateLimited, download_response, export_filename
from parkbeat.core.permissions import can, has_role, require
from parkbeat.core.views import PermissionRequiredMixin, ScopedDetailView, ScopedListView, ServiceFormView
from parkbeat.org import selectors, services
from parkbeat.org.exports import WEEKDAYS, duty_export
from parkbeat.org.filters import DutyShiftFilterSet, ParkFilterSet, RoleAssignmentFilterSet, UserFilterSet
from parkbeat.org.forms import DutyShiftForm, ParkForm, RoleAssignForm, UserActiveForm, UserCreateForm, UserPasswordForm
from parkbeat.org.models import (ROLE_SCOPE, DutyShift, DutyShiftQuerySet, Park, ParkQuerySet, Role,
                                 RoleAssignment, User)
from parkbeat.org.tables import ParkTable, RoleAssignmentTable, UserTable


class RolesRequiredMixin(PermissionRequiredMixin):
    """`required_roles`: a page for the roles that reach its rows; anyone else gets 403, not an empty page."""

    required_roles = ()

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not has_role(request.user, *self.required_roles):
            raise PermissionDenied(_("You are not allowed to do this."))
        return super().dispatch(request, *args, **kwargs)


def _duty_list_url(*, week=None, park=None):
    query = {key: value for key, value in (("park", park), ("week", week)) if value}
    url = reverse("org:duty_list")
    return f"{url}?{urlencode(query)}" if query else url


# ------------------------------------------------------------------ parks
class ParkListView(RolesRequiredMixin, ScopedListView):
    model = Park
    required_roles = ParkQuerySet.scope_park_roles
    filterset_class = ParkFilterSet
    table_class = ParkTable
    template_name = "org/park_list.html"
    partial_template_name = "includes/list_results.html"

    def get_base_queryset(self):
        return selectors.park_list(user=self.request.user)


class ParkDetailView(RolesRequiredMixin, ScopedDetailView):
    model = Park
    required_roles = ParkQuerySet.scope_park_roles
    template_name = "org/park_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("station")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, park = self.request.user, self.object
        ctx["team"] = selectors.park_team(user=user, park=park)
        ctx["on_duty_officers"] = services.on_duty(park=park)
        ctx["on_duty_auxiliaries"] = services.on_duty(park=park, role=Role.AUXILIARY)
        ctx["stats"] = selectors.park_enterprise_stats(user=user, park=park)
        ctx["map_data"] = selectors.park_map_data(user=user, park=park)
        ctx["can_see_duty"] = has_role(user, *DutyShiftQuerySet.scope_park_roles)
        ctx["can_edit"] = can(user, "park.change", park)
        return ctx


class ParkEditView(ServiceFormView):
    """The station's leader changes a park's name, kind (industrial park or another prevention area), address and
    description."""

    required_perm = "park.change"
    form_class = ParkForm
    template_name = "org/park_form.html"
    page_title = gettext_lazy("Edit the park")
    success_message = gettext_lazy("Park saved.")

    @cached_property
    def park(self):
        park = get_object_or_404(Park.objects.visible_to(self.request.user).select_related("station"),
                                 pk=self.kwargs["pk"])
        require(self.request.user, "park.change", park)
        return park

    def get_initial(self):
        park = self.park
        return {"name": park.name, "kind": park.kind, "address": park.address, "description": park.description}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "park": self.park}

    def perform(self, form):
        return services.park_update(actor=self.request.user, park=self.park, data=dict(form.cleaned_data))


# ------------------------------------------------------------------ duty roster


class DutyWeekMixin(RolesRequiredMixin):
    """The week and park a roster page shows, from ?week= (any day of it, ISO) and ?park=.

    Bad input (not a date, a week outside 2000–2099, a park the user does not see) is shown as an error on
    the page and the roster falls back to this week, all parks: never a 500."""

    required_roles = DutyShiftQuerySet.scope_park_roles

    @cached_property
    def week_form(self):
        form = DutyShiftFilterSet(self.request.GET or None, queryset=DutyShift.objects.none(),
                                  request=self.request).form
        form.fields["week"].widget.input_type = "date"
        form.fields["week"].widget.format = "%Y-%m-%d"  # ISO, as <input type=date> needs
        form.fields["week"].widget.attrs.update(min=selectors.ROSTER_FIRST_DAY.isoformat(),
                                                max=selectors.ROSTER_LAST_DAY.isoformat())
        if form.is_bound:
            form.is_valid()  # cleaned_data holds the fields that are valid; the others show their errors
        return form

    @cached_property
    def week_errors(self):
        form, errors = self.week_form, []
        if form.is_bound and not form.is_valid():
            errors = [f"{form.fields[name].label}：{' '.join(messages_)}" for name, messages_ in form.errors.items()]
        day = form.cleaned_data.get("week") if form.is_bound else None
        if day:
            try:
                selectors.week_bounds(day)
            except ValidationError as exc:
                errors.append(f"{form.fields['week'].label}：{' '.join(exc.messages)}")
        return errors

    @cached_property
    def week(self):
        form = self.week_form
        day = form.cleaned_data.get("week") if form.is_bound else None
        if day is None or not selectors.ROSTER_FIRST_DAY <= day <= selectors.ROSTER_LAST_DAY:
            day = timezone.localdate()
        park = form.cleaned_data.get("park") if form.is_bound else None
        return selectors.duty_week(user=self.request.user, day=day, park=park)

    @property
    def park_id(self):
        park = self.week_form.cleaned_data.get("park") if self.week_form.is_bound else None
        return park.pk if park else None

    def week_query(self):
        query = {"week": self.week.monday.isoformat()}
        if self.park_id:
            query["park"] = self.park_id
        return urlencode(query)

    def station_name(self):
        stations = sorted({park.station.name for park, _cells in self.week.rows})
        return "、".join(stations)


class DutyListView(DutyWeekMixin, TemplateView):
    """The roster as a week × park grid: who is on duty, with role and shift time; add per cell, removal
    behind a confirmation page."""

    template_name = "org/duty_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, week, park_id = self.request.user, self.week, self.park_id
        start, today = week.monday, timezone.localdate()
        this_monday = today - timedelta(days=today.weekday())
        prev_week, next_week = start - timedelta(days=7), start + timedelta(days=7)
        self.week_form.initial.setdefault("week", start)  # the picker shows the week on view
        ctx.update({
            "week_data": week, "filter_form": self.week_form, "week_errors": self.week_errors,
            "week_start": start, "week_end": week.sunday, "today": today,
            "prev_week_url": (_duty_list_url(week=prev_week.isoformat(), park=park_id)
                              if prev_week >= selectors.ROSTER_FIRST_DAY else ""),
            "next_week_url": (_duty_list_url(week=next_week.isoformat(), park=park_id)
                              if next_week <= selectors.ROSTER_LAST_DAY else ""),
            "this_week_url": _duty_list_url(park=park_id),
            "is_this_week": start == this_monday,
            "can_add": can(user, "duty.change"),
            "create_url": reverse("org:duty_create") + (f"?{urlencode({'park': park_id})}" if park_id else ""),
            "query": self.week_query(),
        })
        return ctx


class DutyPrintView(DutyWeekMixin, TemplateView):
    """The week's roster as a clean landscape page (print.css), with its PDF beside it."""

    template_name = "org/print/duty_roster.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "week_data": self.week, "wide": True,
                "station_name": self.station_name(), "printed_at": timezone.now(),
                "back_url": f"{reverse('org:duty_list')}?{self.week_query()}",
                "pdf_url": f"{reverse('org:duty_pdf')}?{self.week_query()}"}


def duty_roster_pdf(week, *, station, printed_by):
    """The week's grid on one landscape A4 page (more parks run on to further pages, the header repeated)."""
    width = pdf.page_width(wide=True)
    head = [_("Park")] + [f"{day:%m-%d} {WEEKDAYS[day.weekday()]}" for day in week.days]
    rows = [head]
    for park, cells in week.rows:
        rows.append([park.name] + ["\n".join(f"{s.user.display_name}（{s.get_role_display()}）"
                                             f"{s.starts_at.astimezone(timezone.get_current_timezone()):%H:%M}–"
                                             f"{s.ends_at.astimezone(timezone.get_current_timezone()):%H:%M}"
                                             for s in cell) or "—" for _day, cell in cells])
    story = [pdf.para(_("Duty roster"), "title"),
             pdf.para(_("%(start)s to %(end)s") % {"start": week.monday.isoformat(), "end": week.sunday.isoformat()},
                      "subtitle"),
             pdf.table(rows, [width * 0.13] + [width * 0.87 / 7] * 7)]
    return pdf.render(story, title=_("Duty roster"), header=station, printed_by=printed_by, wide=True)


class DutyPdfView(DutyWeekMixin, View):
    def get(self, request):
        if self.week_errors:  # like the list exports: bad filters are refused, not replaced by this week
            messages.error(request, " ".join(self.week_errors))
            return redirect(f"{reverse('org:duty_list')}?{self.week_query()}")
        week, user = self.week, request.user
        try:
            return pdf.download(user=user, build=lambda: duty_roster_pdf(week, station=self.station_name(),
                                                                          printed_by=user.display_name),
                                stem_zh=f"值班表_{week.monday:%Y%m%d}", stem_en=f"duty_roster_{week.monday:%Y%m%d}",
                                object_type="org.DutyShift",
                                object_repr=_("Duty roster %(start)s to %(end)s") % {
                                    "start": week.monday.isoformat(), "end": week.sunday.isoformat()})
        except ExportRateLimited as exc:
            messages.error(request, str(exc))
            return redirect(f"{reverse('org:duty_print')}?{self.week_query()}")


class DutyExportView(DutyWeekMixin, View):
    """The shifts of the week (and park) shown, as .xlsx through the shared export (scoped, quota, audit)."""

    def get(self, request):
        if self.week_errors:
            messages.error(request, " ".join(self.week_errors))
            return redirect(f"{reverse('org:duty_list')}?{self.week_query()}")
        week = self.week
        queryset = DutyShift.objects.filter(pk__in=[s.pk for s in week.shifts])
        filters = {"week": week.monday.isoformat(), **({"park": self.park_id} if self.park_id else {})}
        try:
            content = duty_export(queryset, user=request.user, filters=filters)
        except (ValidationError, ExportRateLimited) as exc:
            messages.error(request, " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
            return redirect(f"{reverse('org:duty_list')}?{self.week_query()}")
        return download_response(content, *export_filename(f"值班表_{week.monday:%Y%m%d}",
                                                           f"duty_roster_{week.monday:%Y%m%d}"))


class DutyCreateView(ServiceFormView):
    required_perm = "duty.change"
    form_class = DutyShiftForm
    template_name = "org/duty_form.html"
    success_message = gettext_lazy("Shift added.")

    def get_form_kwargs(self):
        parks = selectors.duty_parks(user=self.request.user)
        return {**super().get_form_kwargs(), "parks": parks, "candidates": selectors.duty_candidates(parks=parks)}

    def get_initial(self):
        """Prefilled from the grid cell: ?park= and ?date= (ISO) give a day shift 08:30–17:30 there."""
        park = self.request.GET.get("park")
        if not park:  # an officer with a single park need not pick it
            ids = list(selectors.duty_parks(user=self.request.user).values_list("id", flat=True)[:2])
            park = ids[0] if len(ids) == 1 else None
        initial = {"park": park, "role": Role.PARK_OFFICER}
        try:
            day = parse_date(self.request.GET.get("date", ""))
        except ValueError:
            day = None
        if day and selectors.ROSTER_FIRST_DAY <= day <= selectors.ROSTER_LAST_DAY:
            initial["starts_at"] = timezone.make_aware(datetime.combine(day, time(8, 30)))
            initial["ends_at"] = timezone.make_aware(datetime.combine(day, time(17, 30)))
        return initial

    def perform(self, form):
        data = form.cleaned_data
        return services.duty_shift_create(actor=self.request.user, park=data["park"], user=data["user"],
                                          role=data["role"], starts_at=data["starts_at"], ends_at=data["ends_at"],
                                          note=data["note"])

    def get_success_url(self):
        shift = self.object
        return _duty_list_url(week=timezone.localdate(shift.starts_at).isoformat(), park=shift.park_id)


class DutyDeleteView(PermissionRequiredMixin, TemplateView):
    """GET asks for confirmation (the shift named, its week to return to); POST removes it. The shift is
    loaded in scope (404 otherwise) and the service checks "duty.change" there (403)."""

    required_perm = "duty.change"
    template_name = "org/duty_confirm_delete.html"

    @cached_property
    def shift(self):
        shift = selectors.duty_get(user=self.request.user, pk=self.kwargs["pk"])
        if not can(self.request.user, "duty.change", shift.park):
            raise PermissionDenied(_("You are not allowed to do this here."))
        return shift

    def back_url(self, park=None):
        return _duty_list_url(week=timezone.localdate(self.shift.starts_at).isoformat(), park=park)

    def get_context_data(self, **kwargs):
        park = self.request.GET.get("park")
        return {**super().get_context_data(**kwargs), "shift": self.shift,
                "park_filter": park if (park or "").isdigit() else "",
                "back_url": self.back_url(park if (park or "").isdigit() else None)}

    def post(self, request, pk):
        shift = self.shift
        park = request.POST.get("park")
        url = self.back_url(park if (park or "").isdigit() else None)
        services.duty_shift_delete(actor=request.user, shift=shift)
        messages.success(request, _("Shift removed."))
        return redirect(url)


# ------------------------------------------------------------------ accounts (system administrator)
class UserListView(ScopedListView):
    """Account fields only: the system administrator manages accounts and sees no case data."""

    model = User
    required_perm = "user.manage"
    filterset_class = UserFilterSet
    table_class = UserTable
    template_name = "org/user_list.html"
    partial_template_name = "includes/list_results.html"

    def get_base_queryset(self):
        return selectors.account_list()

    def get_table(self, queryset):
        table = super().get_table(queryset)
        table.request = self.request  # the action forms' CSRF token
        return table


class UserCreateView(ServiceFormView):
    required_perm = "user.manage"
    form_class = UserCreateForm
    template_name = "org/user_form.html"
    success_message = gettext_lazy("Account created.")

    def perform(self, form):
        return services.user_create(actor=self.request.user, **form.service_data())

    def get_success_url(self):
        return f"{reverse('org:user_list')}?{urlencode({'q': self.object.username})}"


class AccountMixin:
    @cached_property
    def account(self):
        return selectors.account_get(pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "account": self.account}

    def get_success_url(self):
        return f"{reverse('org:user_list')}?{urlencode({'q': self.account.username})}"


class UserToggleView(AccountMixin, ServiceFormView):
    """POST only: enable or disable an account (disabling also revokes its API tokens)."""

    required_perm = "user.manage"
    http_method_names = ["post"]
    form_class = UserActiveForm

    def form_invalid(self, form):
        for error in form.non_field_errors():
            messages.error(self.request, error)
        return redirect(self.get_success_url())

    def perform(self, form):
        active = form.cleaned_data["active"]
        services.user_set_active(actor=self.request.user, user=self.account, active=active)
        messages.success(self.request, _("Account enabled.") if active else _("Account disabled."))
        return self.account


class UserPasswordView(AccountMixin, ServiceFormView):
    required_perm = "user.manage"
    form_class = UserPasswordForm
    template_name = "org/user_password.html"
    success_message = gettext_lazy("Password reset. The account's API tokens were revoked.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "account": self.account}

    def perform(self, form):
        return services.user_set_password(actor=self.request.user, user=self.account,
                                          password=form.cleaned_data["password1"])


# ------------------------------------------------------------------ role assignments (security administrator)
class RoleListView(ScopedListView):
    """All role assignments: the security administrator's page (no case data)."""

    model = RoleAssignment
    required_perm = "role.assign"
    filterset_class = RoleAssignmentFilterSet
    table_class = RoleAssignmentTable
    template_name = "org/role_list.html"
    partial_template_name = "includes/list_results.html"

    def get_base_queryset(self):
        return selectors.role_assignment_list()

    def get_table(self, queryset):
        table = super().get_table(queryset)
        table.request = self.request  # the action forms' CSRF token
        return table


def role_scope_rows():
    """(role label, place label) for the page's help: which place each role takes."""
    rows = []
    for role, column in ROLE_SCOPE.items():
        place = RoleAssignment._meta.get_field(column).verbose_name if column else _("none")
        rows.append((Role(role).label, place))
    return rows


class RoleCreateView(ServiceFormView):
    required_perm = "role.assign"
    form_class = RoleAssignForm
    template_name = "org/role_form.html"
    success_message = gettext_lazy("Role assigned.")

    def get_initial(self):
        return {"username": self.request.GET.get("user", "")}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "role_scope": role_scope_rows()}

    def perform(self, form):
        return services.role_assign(actor=self.request.user, **form.service_data())

    def get_success_url(self):
        return f"{reverse('org:role_list')}?{urlencode({'q': self.object.user.username})}"


class RoleDeleteView(PermissionRequiredMixin, View):
    required_perm = "role.assign"
    http_method_names = ["post"]

    def post(self, request, pk):
        assignment = get_object_or_404(selectors.role_assignment_list(), pk=pk)
        url = f"{reverse('org:role_list')}?{urlencode({'q': assignment.user.username})}"
        try:
            services.role_revoke(actor=request.user, assignment=assignment)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Role removed."))
        return redirect(url)
