"""Volunteer pages: declared on the core bases; reads through selectors, writes through services."""
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from parkbeat.core.permissions import VOLUNTEER, can, has_role, require
from parkbeat.core.views import (PermissionRequiredMixin, ScopedDetailView, ScopedListView, ServiceFormView,
                                 ServiceUpdateView)
from parkbeat.volunteers import hours, selectors, services
from parkbeat.volunteers.filters import VolunteerFilterSet, VolunteerTeamFilterSet
from parkbeat.volunteers.forms import (CaptainForm, NominationForm, StatusForm, SupportForm, TeamForm, TrainingForm,
                                       VetForm, VolunteerForm)
from parkbeat.volunteers.models import Volunteer, VolunteerTeam
from parkbeat.volunteers.tables import VolunteerTable, VolunteerTeamTable

Status = Volunteer.Status


def _sees_members(user, team):
    """Police of the team's park and its enterprise's liaison see the members in full; a volunteer the names."""
    return can(user, "volunteer.change", team) or can(user, "volunteer.record", team)


class VolunteerListView(ScopedListView):
    model = Volunteer
    required_perm = "volunteer.view"  # administrators, mediators, agencies: 403, not an empty list
    filterset_class = VolunteerFilterSet
    table_class = VolunteerTable
    template_name = "volunteers/volunteer_list.html"
    partial_template_name = "includes/list_results.html"
    strict = True  # another station's park or team shows its error and no rows

    def get_base_queryset(self):
        return selectors.volunteer_list(user=self.request.user)


class VolunteerDetailView(ScopedDetailView):
    model = Volunteer
    required_perm = "volunteer.view"
    template_name = "volunteers/volunteer_detail.html"

    def get_queryset(self):
        return selectors.volunteer_list(user=self.request.user).select_related("nominated_by")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, volunteer = self.request.user, self.object
        ctx.update(detail_context(user, volunteer))
        return ctx


def detail_context(user, volunteer):
    from parkbeat.files.models import Attachment

    allowed = Volunteer.TRANSITIONS[volunteer.status]
    may_vet = can(user, "volunteer.vet", volunteer)
    today, days = timezone.localdate(), settings.PARKBEAT_VOLUNTEER_SUPPORT_REMIND_DAYS
    support = list(selectors.support_of(user=user, volunteer=volunteer))
    for record in support:
        record.expired = record.expires_on < today
        record.soon = not record.expired and (record.expires_on - today).days <= days
    trainings = list(selectors.trainings_of(user=user, volunteer=volunteer))
    now = timezone.now()
    own = volunteer.user_id == user.pk
    return {
        "volunteer": volunteer,
        "service_year": hours.person_service(volunteer, hours.year_start(now), now),
        "service_url": reverse("volunteers:my_service") if own else reverse("volunteers:volunteer_service",
                                                                             args=[volunteer.pk]),
        "transitions": selectors.transitions_of(user=user, volunteer=volunteer),
        "trainings": trainings,
        "support": support,
        "attachments": Attachment.objects.for_object(volunteer),
        "training_hours": sum((t.hours for t in trainings), Decimal("0")),
        "can_vet": may_vet and volunteer.status == Status.NOMINATED,
        "can_change_status": may_vet and bool(allowed - {Status.REJECTED}) and volunteer.status != Status.NOMINATED,
        "can_edit": can(user, "volunteer.change", volunteer) and volunteer.status not in (Status.REJECTED, Status.LEFT),
        "can_record": can(user, "volunteer.record", volunteer) and volunteer.status not in (Status.REJECTED,
                                                                                           Status.LEFT),
        "vet_form": VetForm(initial={"version": volunteer.version}),
    }


class MyVolunteerView(PermissionRequiredMixin, TemplateView):
    """The volunteer's own record (我的义警档案): status, history, trainings, support and the team's roster."""

    required_perm = "volunteer.view"
    template_name = "volunteers/my_volunteer.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        records = list(selectors.my_volunteer_records(user=user))
        ctx["records"] = [{**detail_context(user, v), "roster": selectors.team_roster(team=v.team)} for v in records]
        return ctx


class TeamChildMixin:
    """Pages under /volunteers/teams/<pk>/...: the team in scope (404 otherwise) and within reach (403)."""

    @cached_property
    def team(self):
        team = selectors.team_get(user=self.request.user, pk=self.kwargs["pk"])
        require(self.request.user, self.required_perm, team)
        return team

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "team": self.team}


class VolunteerChildMixin:
    """Pages under /volunteers/<pk>/...: the volunteer in scope (404) and within reach of the permission (403)."""

    @cached_property
    def volunteer(self):
        volunteer = selectors.volunteer_get(user=self.request.user, pk=self.kwargs["pk"])
        require(self.request.user, self.required_perm, volunteer)
        return volunteer

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "volunteer": self.volunteer}

    def get_success_url(self):
        return self.volunteer.get_absolute_url()


class NominateView(TeamChildMixin, ServiceFormView):
    required_perm = "volunteer.nominate"
    form_class = NominationForm
    template_name = "volunteers/form.html"
    page_title = gettext_lazy("Nominate a volunteer")
    success_message = gettext_lazy("Nomination recorded; the park officer will vet it.")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "multipart": True,
                "confirm": _("Submit this nomination for vetting?"), "back": self.team.get_absolute_url()}

    def perform(self, form):
        data = form.cleaned_data
        return services.volunteer_nominate(
            actor=self.request.user, team=self.team, name=data["name"], resident_id=data["resident_id"],
            mobile=data["mobile"], post=data["post"], duties=data["duties"],
            consent_confirmed=data["consent_confirmed"], consent_date=data["consent_date"],
            consent_file=data.get("consent_file"))


class VolunteerUpdateView(VolunteerChildMixin, ServiceUpdateView):
    required_perm = "volunteer.change"
    form_class = VolunteerForm
    template_name = "volunteers/form.html"
    page_title = gettext_lazy("Edit volunteer")
    success_message = gettext_lazy("Volunteer saved.")
    update_service = staticmethod(services.volunteer_update)
    object_kwarg = "volunteer"

    def load_object(self):
        """A fresh copy each call: the form mutates one, the service compares against the other."""
        volunteer = selectors.volunteer_get(user=self.request.user, pk=self.kwargs["pk"])
        require(self.request.user, self.required_perm, volunteer)
        return volunteer

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "back": self.volunteer.get_absolute_url()}


class VetView(VolunteerChildMixin, ServiceFormView):
    """Approve or reject a nomination (POST from the detail page's form, or this page)."""

    required_perm = "volunteer.vet"
    form_class = VetForm
    template_name = "volunteers/form.html"
    page_title = gettext_lazy("Vet the nomination")

    def get_initial(self):
        return {"version": self.volunteer.version}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "back": self.volunteer.get_absolute_url(),
                "confirm": _("Record this decision? The liaison who nominated is told.")}

    def perform(self, form):
        data = form.cleaned_data
        service = services.volunteer_approve if data["decision"] == "approve" else services.volunteer_reject
        volunteer = service(actor=self.request.user, volunteer=self.volunteer, note=data["note"], at=data["at"],
                            late_reason=data["late_reason"], expected_version=data["version"])
        messages.success(self.request, _("Approved: %(name)s is now active.") % {"name": volunteer.name}
                         if volunteer.status == Status.ACTIVE else _("Nomination rejected."))
        return volunteer


class StatusView(VolunteerChildMixin, ServiceFormView):
    """Suspend, reinstate or record that a member left, with when it happened."""

    required_perm = "volunteer.vet"
    form_class = StatusForm
    template_name = "volunteers/form.html"
    page_title = gettext_lazy("Change status")
    success_message = gettext_lazy("Status changed.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "volunteer": self.volunteer}

    def get_initial(self):
        return {"version": self.volunteer.version}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "back": self.volunteer.get_absolute_url(),
                "confirm": _("Change this volunteer's status?")}

    def perform(self, form):
        data = form.cleaned_data
        return services.volunteer_transition(actor=self.request.user, volunteer=self.volunteer, to=data["to"],
                                             note=data["note"], at=data["at"], late_reason=data["late_reason"],
                                             expected_version=data["version"])


class TrainingCreateView(VolunteerChildMixin, ServiceFormView):
    required_perm = "volunteer.record"
    form_class = TrainingForm
    template_name = "volunteers/form.html"
    page_title = gettext_lazy("Record a training")
    success_message = gettext_lazy("Training recorded.")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "back": self.volunteer.get_absolute_url()}

    def perform(self, form):
        return services.training_create(actor=self.request.user, volunteer=self.volunteer, **form.field_data())


class SupportCreateView(TrainingCreateView):
    form_class = SupportForm
    page_title = gettext_lazy("Record insurance or allowance")
    success_message = gettext_lazy("Support record saved.")

    def perform(self, form):
        return services.support_create(actor=self.request.user, volunteer=self.volunteer, **form.field_data())


# ---------------------------------------------------------------- teams
class TeamListView(ScopedListView):
    model = VolunteerTeam
    required_perm = "volunteer.view"
    filterset_class = VolunteerTeamFilterSet
    table_class = VolunteerTeamTable
    template_name = "volunteers/team_list.html"
    partial_template_name = "includes/list_results.html"
    strict = True

    def get_base_queryset(self):
        return selectors.team_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "can_add": can(self.request.user, "volunteer_team.manage")}


class TeamDetailView(ScopedDetailView):
    model = VolunteerTeam
    required_perm = "volunteer.view"
    template_name = "volunteers/team_detail.html"
    context_object_name = "team"

    def get_queryset(self):
        return selectors.team_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, team = self.request.user, self.object
        full = _sees_members(user, team)
        ctx["full"] = full
        ctx["members"] = selectors.team_members(user=user, team=team) if full else None
        ctx["roster"] = None if full else selectors.team_roster(team=team)
        ctx["captain"] = selectors.team_captain(team=team)
        ctx["can_nominate"] = can(user, "volunteer.nominate", team)
        ctx["can_manage"] = can(user, "volunteer_team.manage", team)
        if ctx["can_manage"]:
            ctx["captain_form"] = CaptainForm(team=team, initial={"version": team.version,
                                                                  "volunteer": getattr(ctx["captain"], "pk", None)})
        ctx["is_volunteer"] = has_role(user, VOLUNTEER) and not full
        return ctx


class TeamCreateView(ServiceFormView):
    required_perm = "volunteer_team.manage"
    form_class = TeamForm
    template_name = "volunteers/form.html"
    page_title = gettext_lazy("New volunteer team")
    success_message = gettext_lazy("Team saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "back": reverse("volunteers:team_list")}

    def perform(self, form):
        return services.team_create(actor=self.request.user, **form.field_data())


class TeamUpdateView(TeamChildMixin, ServiceUpdateView):
    required_perm = "volunteer_team.manage"
    form_class = TeamForm
    template_name = "volunteers/form.html"
    page_title = gettext_lazy("Rename team")
    success_message = gettext_lazy("Team saved.")
    update_service = staticmethod(services.team_update)
    object_kwarg = "team"

    def load_object(self):
        """A fresh copy each call: the form mutates one, the service compares against the other."""
        team = selectors.team_get(user=self.request.user, pk=self.kwargs["pk"])
        require(self.request.user, self.required_perm, team)
        return team

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "back": self.team.get_absolute_url()}


class CaptainView(TeamChildMixin, ServiceFormView):
    """POST-only: set the captain from the team page."""

    http_method_names = ["post"]
    required_perm = "volunteer_team.manage"
    form_class = CaptainForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "team": self.team}

    def form_invalid(self, form):
        for errors in form.errors.values():
            for error in errors:
                messages.error(self.request, error)
        return redirect(self.team.get_absolute_url())

    def perform(self, form):
        return services.team_set_captain(actor=self.request.user, team=self.team,
                                         volunteer=form.cleaned_data["volunteer"],
                                         expected_version=form.cleaned_data["version"])

    def get_success_url(self):
        messages.success(self.request, _("Captain set."))
        return self.team.get_absolute_url()
