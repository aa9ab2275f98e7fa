"""Organisation pages: parks and the duty roster (scoped), accounts and role assignments (administrators).

Reads go through selectors, writes through services. The administrators' pages list accounts and role
assignments only, never case data (三员分立).
"""
from datetime import timedelta

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

from parkbeat.core.permissions import can, has_role
from parkbeat.core.views import PermissionRequiredMixin, ScopedDetailView, ScopedListView, ServiceFormView
from parkbeat.org import selectors, services
from parkbeat.org.filters import DutyShiftFilterSet, ParkFilterSet, RoleAssignmentFilterSet, UserFilterSet
from parkbeat.org.forms import DutyShiftForm, RoleAssignForm, UserActiveForm, UserCreateForm, UserPasswordForm
from parkbeat.org.models import (ADMIN_ROLES, ROLE_SCOPE, DutyShift, DutyShiftQuerySet, Park, ParkQuerySet, Role,
                                 RoleAssignment, User)


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
    template_name = "org/park_list.html"

    def get_base_queryset(self):
        return selectors.park_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        parks = list(ctx["object_list"])
        for park in parks:
            park.officer_names = [a.user.display_name for a in park.team_assignments if a.role == Role.PARK_OFFICER]
            park.auxiliary_names = [a.user.display_name for a in park.team_assignments if a.role == Role.AUXILIARY]
        ctx["parks"] = parks
        return ctx


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
        return ctx


# ------------------------------------------------------------------ duty roster
class DutyListView(RolesRequiredMixin, ScopedListView):
    """One week of shifts (Monday to Sunday, default this week) in the user's parks."""

    model = DutyShift
    required_roles = DutyShiftQuerySet.scope_park_roles
    filterset_class = DutyShiftFilterSet
    template_name = "org/duty_list.html"
    paginate_by = 100

    def get_base_queryset(self):
        return selectors.duty_list(user=self.request.user)

    @cached_property
    def week_start(self):
        day = None
        try:
            day = parse_date(self.request.GET.get("week", ""))
        except ValueError:
            pass
        day = day or timezone.localdate()
        return day - timedelta(days=day.weekday())

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        data = self.request.GET.copy()
        data["week"] = self.week_start.isoformat()
        kwargs["data"] = data
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        park = self.filterset.form.cleaned_data.get("park") if self.filterset.is_valid() else None
        park_id = park.pk if park else None
        start = self.week_start
        shifts, now = list(ctx["object_list"]), timezone.now()
        for shift in shifts:
            shift.is_now = shift.starts_at <= now < shift.ends_at
        ctx.update({
            "shifts": shifts,
            "week_start": start,
            "week_end": start + timedelta(days=6),
            "prev_week_url": _duty_list_url(week=(start - timedelta(days=7)).isoformat(), park=park_id),
            "next_week_url": _duty_list_url(week=(start + timedelta(days=7)).isoformat(), park=park_id),
            "this_week_url": _duty_list_url(park=park_id),
            "is_this_week": start == timezone.localdate() - timedelta(days=timezone.localdate().weekday()),
            "can_add": can(user, "duty.change"),
            "create_url": reverse("org:duty_create") + (f"?{urlencode({'park': park_id})}" if park_id else ""),
            "editable_park_ids": selectors.duty_editable_park_ids(user=user),
        })
        return ctx


class DutyCreateView(ServiceFormView):
    required_perm = "duty.change"
    form_class = DutyShiftForm
    template_name = "org/duty_form.html"
    success_message = gettext_lazy("Shift added.")

    def get_form_kwargs(self):
        parks = selectors.duty_parks(user=self.request.user)
        return {**super().get_form_kwargs(), "parks": parks, "candidates": selectors.duty_candidates(parks=parks)}

    def get_initial(self):
        park = self.request.GET.get("park")
        if not park:  # an officer with a single park need not pick it
            ids = list(selectors.duty_parks(user=self.request.user).values_list("id", flat=True)[:2])
            park = ids[0] if len(ids) == 1 else None
        return {"park": park, "role": Role.PARK_OFFICER}

    def perform(self, form):
        data = form.cleaned_data
        return services.duty_shift_create(actor=self.request.user, park=data["park"], user=data["user"],
                                          role=data["role"], starts_at=data["starts_at"], ends_at=data["ends_at"],
                                          note=data["note"])

    def get_success_url(self):
        shift = self.object
        return _duty_list_url(week=timezone.localdate(shift.starts_at).isoformat(), park=shift.park_id)


class DutyDeleteView(PermissionRequiredMixin, View):
    """POST only; the shift is loaded in scope (404 otherwise) and the service checks "duty.change" there."""

    required_perm = "duty.change"
    http_method_names = ["post"]

    def post(self, request, pk):
        shift = selectors.duty_get(user=request.user, pk=pk)
        url = _duty_list_url(week=timezone.localdate(shift.starts_at).isoformat(), park=request.POST.get("park"))
        services.duty_shift_delete(actor=request.user, shift=shift)
        messages.success(request, _("Shift removed."))
        return redirect(url)


# ------------------------------------------------------------------ accounts (system administrator)
class UserListView(ScopedListView):
    """Account fields only: the system administrator manages accounts and sees no case data."""

    model = User
    required_perm = "user.manage"
    filterset_class = UserFilterSet
    template_name = "org/user_list.html"

    def get_base_queryset(self):
        return selectors.account_list()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["accounts"] = list(ctx["object_list"])
        return ctx


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
    template_name = "org/role_list.html"

    def get_base_queryset(self):
        return selectors.role_assignment_list()

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "admin_roles": sorted(ADMIN_ROLES)}


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
