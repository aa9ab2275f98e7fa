"""Special guarding pages: declared on the core bases; reads through selectors, writes through services."""
from datetime import timedelta

from django.conf import settings
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

from parkbeat.core.permissions import POLICE, can, has_role, require
from parkbeat.core.services import ConflictError
from parkbeat.core.views import (PermissionRequiredMixin, ScopedDetailView, ScopedListView, ServiceFormView,
                                 ServiceUpdateView)
from parkbeat.guarding import geo, selectors, services
from parkbeat.guarding.filters import AssetFilterSet, ShiftListFilterSet
from parkbeat.guarding.forms import PLANNERS, AssetForm, AssignForm, FixedPointForm, ShiftForm, SplitForm, VersionForm
from parkbeat.guarding.models import GuardedAsset, GuardShift
from parkbeat.guarding.tables import AssetTable, ShiftTable
from parkbeat.org.models import Park
from parkbeat.volunteers.models import VolunteerTeam

GRID_HOURS = 72


def _errors(exc):
    return " ".join(getattr(exc, "messages", None) or [str(exc)])


def _centre(park=None):
    """Where the drawing map opens: the park's outline centre (or none: the map's default view)."""
    if park is None or not park.boundary:
        return None
    from shapely.geometry import shape

    point = shape(park.boundary).representative_point()
    return (round(point.x, 6), round(point.y, 6))


class AssetListView(ScopedListView):
    model = GuardedAsset
    required_perm = "guarding.view"
    filterset_class = AssetFilterSet
    table_class = AssetTable
    template_name = "guarding/asset_list.html"
    partial_template_name = "includes/list_results.html"

    def get_base_queryset(self):
        return selectors.asset_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "can_add": can(self.request.user, "guarding.plan")}


class AssetDetailView(ScopedDetailView):
    """The line on a map with its segments coloured by team, fixed points, the segments × hours grid for a
    window (72 hours from now unless ?from= says otherwise), the gaps and who has not checked in."""

    model = GuardedAsset
    required_perm = "guarding.view"
    template_name = "guarding/asset_detail.html"
    context_object_name = "asset"

    def get_queryset(self):
        return selectors.asset_list(user=self.request.user).defer(None).select_related("park")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        asset, user, now = self.object, self.request.user, timezone.now()
        segments = list(selectors.segment_list(user=user).filter(asset=asset).order_by("order"))
        try:
            lo, _hi = selectors.parse_window(self.request.GET.get("from"), None, now=now,
                                             default=timedelta(hours=GRID_HOURS))
        except ValidationError as exc:
            messages.error(self.request, _errors(exc))
            lo = now.replace(minute=0, second=0, microsecond=0)
        grid = selectors.coverage_grid(asset, segments, lo, GRID_HOURS, now=now)
        colours = selectors.team_colours(segments)
        points = asset.geometry["coordinates"]
        ctx.update({
            "now": now,
            "segments": [{"segment": s, "colour": colours.get(s.team_id, selectors.UNASSIGNED)} for s in segments],
            "grid": grid, "window_from": lo, "window_to": lo + timedelta(hours=GRID_HOURS),
            "earlier": timezone.localtime(lo - timedelta(hours=24)).strftime("%Y-%m-%dT%H:%M"),
            "later": timezone.localtime(lo + timedelta(hours=24)).strftime("%Y-%m-%dT%H:%M"),
            "coverage": selectors.asset_coverage(asset, segments, now, now + timedelta(hours=1), now=now),
            "sees_fixed_points": has_role(user, *POLICE),
            "fixed_points": list(selectors.fixed_point_list(user=user).filter(asset=asset))
            if has_role(user, *POLICE) else [],
            "can_plan": can(user, "guarding.plan", asset),
            "map_data": {
                "line": points,
                "segments": [{"id": s.pk, "label": str(s), "colour": colours.get(s.team_id, selectors.UNASSIGNED),
                              "team": s.team.name if s.team else "", "points": geo.substring(points, s.from_m, s.to_m)}
                             for s in segments],
            },
            "MAP_TILE_URL": settings.MAP_TILE_URL,
        })
        legend, seen = [], set()
        for s in segments:
            if s.team_id and s.team_id not in seen:
                seen.add(s.team_id)
                legend.append((s.team, colours[s.team_id]))
        ctx["teams_legend"] = legend
        ctx["has_unassigned"] = any(s.team_id is None for s in segments)
        ctx["segments_hidden"] = len(segments) < asset.segments.count()  # a volunteer sees their team's only
        ctx["teams"] = VolunteerTeam.objects.filter(park_id=asset.park_id).order_by("name") if ctx["can_plan"] else []
        ctx["shifts"] = (selectors.shift_list(user=user).filter(segment__asset=asset, ends_at__gt=lo,
                                                                starts_at__lt=lo + timedelta(hours=GRID_HOURS))
                         .order_by("starts_at", "segment__order")[:300])
        ctx["no_shows"] = (selectors.no_shows(segments, now - timedelta(hours=GRID_HOURS), now=now)
                           if selectors.sees_attendance(user, segments) else None)
        ctx["map_data"]["points"] = [{"name": p.name, "lon": float(p.lon), "lat": float(p.lat)}
                                     for p in ctx["fixed_points"]]
        return ctx


class AssetCreateView(ServiceFormView):
    required_perm = "guarding.plan"
    form_class = AssetForm
    template_name = "guarding/form.html"
    page_title = gettext_lazy("New guarded asset")
    success_message = gettext_lazy("Guarded asset saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "multipart": True, "draw": True,
                "draw_centre": _centre(Park.objects.visible_to(self.request.user, roles=PLANNERS).first()),
                "MAP_TILE_URL": settings.MAP_TILE_URL, "cancel_url": reverse("guarding:asset_list")}

    def perform(self, form):
        data = form.field_data()
        data["geometry"] = form.cleaned_data["geometry"]
        return services.asset_create(actor=self.request.user, **data)


class AssetUpdateView(ServiceUpdateView):
    required_perm = "guarding.plan"
    form_class = AssetForm
    template_name = "guarding/form.html"
    page_title = gettext_lazy("Edit guarded asset")
    success_message = gettext_lazy("Guarded asset saved.")
    update_service = staticmethod(services.asset_update)
    object_kwarg = "asset"

    def load_object(self):
        asset = selectors.get_visible(GuardedAsset.objects.visible_to(self.request.user), self.kwargs["pk"])
        require(self.request.user, self.required_perm, asset)
        return asset

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "object": self.edited, "multipart": True, "draw": True,
                "draw_centre": _centre(self.edited.park), "MAP_TILE_URL": settings.MAP_TILE_URL,
                "cancel_url": self.edited.get_absolute_url()}


class AssetChildMixin:
    """The asset of the URL in the user's scope (404) that the user may plan (403)."""

    @cached_property
    def asset(self):
        asset = selectors.get_visible(GuardedAsset.objects.visible_to(self.request.user), self.kwargs["pk"])
        require(self.request.user, "guarding.plan", asset)
        return asset


class AssetSplitView(AssetChildMixin, ServiceFormView):
    required_perm = "guarding.plan"
    form_class = SplitForm
    template_name = "guarding/split.html"
    page_title = gettext_lazy("Split into segments")
    success_message = gettext_lazy("The line is split into segments.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "asset": self.asset}

    def get_initial(self):
        return {"version": self.asset.version}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "asset": self.asset, "object": self.asset,
                "has_segments": self.asset.segments.exists(), "cancel_url": self.asset.get_absolute_url()}

    def perform(self, form):
        data = form.cleaned_data
        services.asset_split(actor=self.request.user, asset=self.asset, every_m=data.get("every_m") or None,
                             pieces=data.get("rows"), expected_version=data["version"])
        return self.asset


class SegmentAssignView(PermissionRequiredMixin, TemplateView):
    """POST team, version: give the segment to a team. When people of another team are on its upcoming shifts,
    a page names them and asks to confirm (POST again with release_conflicting) before they are released."""

    required_perm = "guarding.plan"
    http_method_names = ["post"]

    def post(self, request, pk):
        segment = selectors.get_visible(selectors.segment_list(user=request.user), pk)
        require(request.user, self.required_perm, segment)
        form = AssignForm(request.POST, segment=segment)
        if not form.is_valid():
            messages.error(request, _("Choose a team of this park and try again."))
            return redirect(segment.asset)
        try:
            services.segment_assign(actor=request.user, segment=segment, team=form.cleaned_data["team"],
                                    expected_version=form.cleaned_data["version"],
                                    release_conflicting=form.cleaned_data["release_conflicting"])
        except services.ReleaseNeeded as exc:  # ask first: who would be taken off which shift
            return render(request, "guarding/assign_confirm.html", {
                "segment": segment, "asset": segment.asset, "object": segment.asset, "team": form.cleaned_data["team"],
                "version": form.cleaned_data["version"], "message": _errors(exc), "conflicts": exc.conflicts})
        except (ValidationError, ConflictError) as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("Team assigned."))
        return redirect(segment.asset)


class FixedPointCreateView(AssetChildMixin, ServiceFormView):
    required_perm = "guarding.plan"
    form_class = FixedPointForm
    template_name = "guarding/form.html"
    page_title = gettext_lazy("New fixed point")
    success_message = gettext_lazy("Fixed point saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "asset": self.asset}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "object": self.asset, "cancel_url": self.asset.get_absolute_url()}

    def perform(self, form):
        return services.fixed_point_create(actor=self.request.user, asset=self.asset, **form.field_data())


class FixedPointUpdateView(ServiceUpdateView):
    required_perm = "guarding.plan"
    form_class = FixedPointForm
    template_name = "guarding/form.html"
    page_title = gettext_lazy("Edit fixed point")
    success_message = gettext_lazy("Fixed point saved.")
    update_service = staticmethod(services.fixed_point_update)
    object_kwarg = "point"

    def load_object(self):
        point = selectors.get_visible(selectors.fixed_point_list(user=self.request.user), self.kwargs["pk"])
        require(self.request.user, self.required_perm, point)
        return point

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "asset": self.edited.asset}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "object": self.edited.asset, "point": self.edited,
                "cancel_url": self.edited.get_absolute_url()}


class FixedPointDeleteView(PermissionRequiredMixin, TemplateView):
    """POST version: remove the fixed point (the page asks to confirm first; the audit trail keeps it)."""

    required_perm = "guarding.plan"
    http_method_names = ["post"]

    def post(self, request, pk):
        point = selectors.get_visible(selectors.fixed_point_list(user=request.user), pk)
        require(request.user, self.required_perm, point)
        asset = point.asset
        form = VersionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Reload the page and try again."))
            return redirect(asset)
        try:
            services.fixed_point_delete(actor=request.user, point=point,
                                        expected_version=form.cleaned_data["version"])
        except ConflictError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("Fixed point removed."))
        return redirect(asset.get_absolute_url() + "#fixed-points")


# ---------------------------------------------------------------- shifts
class ShiftCreateView(ServiceFormView):
    """GET ?segment=<id>: a shift on that segment (starts at ?start= when the grid's cell was clicked)."""

    required_perm = "guarding.plan"
    form_class = ShiftForm
    template_name = "guarding/form.html"
    page_title = gettext_lazy("New guard shift")
    success_message = gettext_lazy("Shift saved.")

    @cached_property
    def segment(self):
        value = self.request.GET.get("segment") or self.request.POST.get("segment")
        segment = selectors.get_visible(selectors.segment_list(user=self.request.user), value)
        require(self.request.user, self.required_perm, segment)
        return segment

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "segment": self.segment}

    def get_initial(self):
        start = self.request.GET.get("start")
        return {"starts_at": start, "ends_at": None} if start else {}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "object": self.segment.asset, "segment": self.segment,
                "cancel_url": self.segment.asset.get_absolute_url()}

    def perform(self, form):
        data = form.field_data()
        return services.shift_create(actor=self.request.user, segment=self.segment,
                                     people=form.cleaned_data["people"], **data)


class ShiftListView(ScopedListView):
    """Every shift the user sees (the police: of their parks; a volunteer: their team's and their own), latest
    start first unless sorted otherwise."""

    model = GuardShift
    required_perm = "guarding.view"
    filterset_class = ShiftListFilterSet
    table_class = ShiftTable
    template_name = "guarding/shift_list.html"
    partial_template_name = "includes/list_results.html"

    def get_base_queryset(self):
        return selectors.shift_list(user=self.request.user).order_by("-starts_at", "id")


class ShiftDetailView(ScopedDetailView):
    model = GuardShift
    required_perm = "guarding.view"
    template_name = "guarding/shift_detail.html"
    context_object_name = "shift"

    def get_queryset(self):
        return selectors.shift_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        shift, user = self.object, self.request.user
        ctx["roster"] = list(shift.roster.select_related("user", "checked_in_by").order_by("id"))
        ctx["can_plan"] = can(user, "guarding.plan", shift)
        ctx["can_record"] = can(user, "guarding.guard", shift) and has_role(user, *POLICE)
        ctx["mine"] = next((row for row in ctx["roster"] if row.user_id == user.pk), None)
        ctx["now"] = timezone.now()
        ctx["ended"] = shift.ends_at <= ctx["now"]
        ctx["opens_at"] = shift.starts_at - services.EARLY_CHECKIN
        ctx["checkin_open"] = ctx["opens_at"] <= ctx["now"] < shift.ends_at
        ctx["sees_attendance"] = selectors.sees_attendance(user, [shift.segment])
        return ctx


class ShiftUpdateView(ServiceUpdateView):
    required_perm = "guarding.plan"
    form_class = ShiftForm
    template_name = "guarding/form.html"
    page_title = gettext_lazy("Edit guard shift")
    success_message = gettext_lazy("Shift saved.")
    object_kwarg = "shift"

    def load_object(self):
        shift = selectors.get_visible(selectors.shift_list(user=self.request.user), self.kwargs["pk"])
        require(self.request.user, self.required_perm, shift)
        return shift

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "segment": self.edited.segment}

    def get_context_data(self, **kwargs):
        segment = self.edited.segment
        return {**super().get_context_data(**kwargs), "object": segment.asset, "segment": segment,
                "cancel_url": self.edited.get_absolute_url()}

    def perform(self, form):
        return services.shift_update(actor=self.request.user, shift=self.load_object(), data=form.field_data(),
                                     people=list(form.cleaned_data["people"]),
                                     expected_version=form.cleaned_data["version"])


class ShiftCancelView(PermissionRequiredMixin, TemplateView):
    """POST version: remove the shift (the page asks to confirm first)."""

    required_perm = "guarding.plan"
    http_method_names = ["post"]

    def post(self, request, pk):
        shift = selectors.get_visible(selectors.shift_list(user=request.user), pk)
        require(request.user, self.required_perm, shift)
        form = VersionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Reload the page and try again."))
            return redirect(shift)
        asset = shift.segment.asset
        try:
            services.shift_cancel(actor=request.user, shift=shift, expected_version=form.cleaned_data["version"])
        except (ValidationError, ConflictError) as exc:
            messages.error(request, _errors(exc))
            return redirect(shift)
        messages.success(request, _("Shift cancelled."))
        return redirect(asset)


class ShiftCheckInView(PermissionRequiredMixin, TemplateView):
    """POST (person=<user id> for the police recording someone's arrival): check in now."""

    required_perm = "guarding.guard"
    http_method_names = ["post"]

    def post(self, request, pk):
        shift = selectors.get_visible(selectors.shift_list(user=request.user), pk)
        person = None
        if request.POST.get("person"):
            if not request.POST["person"].isdigit():
                raise Http404
            row = shift.roster.filter(user_id=request.POST["person"]).select_related("user").first()
            if row is None:
                raise Http404
            person = row.user
        try:
            _row, created = services.shift_checkin(actor=request.user, shift=shift, person=person)
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        except PermissionDenied:
            raise
        else:
            messages.success(request, _("Checked in.") if created else _("Already checked in."))
        back = request.POST.get("next")
        return redirect("guarding:my_shifts" if back == "mine" else shift.get_absolute_url())


class ShiftDeclineView(PermissionRequiredMixin, TemplateView):
    """POST reason: decline my place on the shift before it starts (the page asks to confirm first)."""

    required_perm = "guarding.guard"
    http_method_names = ["post"]

    def post(self, request, pk):
        shift = selectors.get_visible(selectors.shift_list(user=request.user), pk)
        try:
            _row, created = services.shift_decline(actor=request.user, shift=shift,
                                                   reason=request.POST.get("reason", ""))
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("You have declined the shift; the captain and the officers are told.")
                             if created else _("Already declined."))
        back = request.POST.get("next")
        return redirect("guarding:my_shifts" if back == "mine" else shift.get_absolute_url())


class MyShiftsView(PermissionRequiredMixin, TemplateView):
    """"My guard shifts" on the phone: the shifts I am on that have not ended, with a check-in button."""

    required_perm = "guarding.guard"
    template_name = "guarding/my_shifts.html"

    def get_context_data(self, **kwargs):
        now = timezone.now()
        return {**super().get_context_data(**kwargs), "items": selectors.my_shifts(self.request.user, now=now),
                "now": now}
