"""Background check pages: declared on the core bases; reads through selectors (every opened check and every
exported row leaves a "view" event), writes through services. Answering needs the second factor: a session that
has not passed it is sent to the one-time code page first (and the service refuses it anyway)."""
from datetime import datetime, time, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from django_otp import user_has_device

from parkbeat.audit.models import AuditEvent
from parkbeat.checks import selectors, services
from parkbeat.checks.filters import BackgroundCheckFilterSet, CheckReadFilterSet
from parkbeat.checks.forms import CheckAnswerForm, CheckRequestForm
from parkbeat.checks.models import BackgroundCheck, PostKind
from parkbeat.checks.tables import BackgroundCheckTable, CheckReadTable
from parkbeat.core.permissions import can, require
from parkbeat.core.views import PermissionRequiredMixin, ScopedListView, ServiceFormView
from parkbeat.org.models import Park


class CheckListView(ScopedListView):
    """The liaison's requests (their enterprise's) and the officer's queue (their parks'): masked names and IDs."""

    model = BackgroundCheck
    required_perm = "check.view"
    filterset_class = BackgroundCheckFilterSet
    table_class = BackgroundCheckTable
    template_name = "checks/check_list.html"
    partial_template_name = "includes/list_results.html"
    strict = True  # an invalid filter (another station's enterprise) shows its error and no rows

    def get_base_queryset(self):
        return selectors.check_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        user = self.request.user
        return {**super().get_context_data(**kwargs), "can_request": can(user, "check.request"),
                "can_figures": can(user, "check.figures")}

    def export(self, fmt, valid):
        """The generic export, and one "view" event per exported check, in one transaction: an export whose reads
        cannot be put on the trail is not delivered."""
        with transaction.atomic():
            response = super().export(fmt, valid)
            if response.has_header("Content-Disposition"):
                reads = self.object_list.order_by().select_related(None).only("pk")
                services.checks_read(actor=self.request.user, checks=reads, via="export")
        return response


class CheckRequestView(ServiceFormView):
    required_perm = "check.request"
    form_class = CheckRequestForm
    template_name = "checks/form.html"
    page_title = gettext_lazy("Request a background check")
    success_message = gettext_lazy("Background check requested; the police will answer it here.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        data = form.cleaned_data
        return services.check_request(actor=self.request.user, enterprise=data["enterprise"],
                                      candidate_name=data["candidate_name"], resident_id=data["resident_id"],
                                      post=data["post"], post_kind=data["post_kind"], consent=data["consent"])


def second_factor_url(request, next_url):
    """Where a user who has not passed the second factor goes first: the code page, or setting one up."""
    target = "security:otp_verify" if user_has_device(request.user, confirmed=True) else "security:totp_setup"
    return f"{reverse(target)}?{urlencode({'next': next_url})}"


def second_factor_owed(request):
    return settings.PARKBEAT_REQUIRE_2FA and not services.second_factor_passed(request)


class CheckMixin:
    @cached_property
    def check(self):
        """In scope (else 404) and within reach of the view's permission (else 403)."""
        check = selectors.check_get(user=self.request.user, pk=self.kwargs["pk"])
        if self.required_perm != "check.view":
            require(self.request.user, self.required_perm, check)
        return check


class CheckDetailView(CheckMixin, PermissionRequiredMixin, TemplateView):
    """The request and its answer. The police see what was asked (the name in full, the ID masked, the consent);
    the enterprise sees its request and the outcome with the advice, never who answered or anything else."""

    required_perm = "check.view"
    template_name = "checks/check_detail.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **_detail_context(self.request, self.check)}


def _detail_context(request, check, answer_form=None):
    """What the check page shows; `answer_form` a refused answer (its errors on its fields, the choice kept)."""
    user = request.user
    services.checks_read(actor=user, checks=[check], via="page")
    handler = can(user, "check.handle", check)
    open_ = check.status == BackgroundCheck.Status.REQUESTED and not check.is_erased
    ctx = {"check": check, "handler": handler, "consent": list(services.consent_of(check)),
           "can_answer": handler and open_,
           "answer_form": answer_form or CheckAnswerForm(initial={"version": check.version})}
    if ctx["can_answer"] and second_factor_owed(request):
        ctx["second_factor_url"] = second_factor_url(request, check.get_absolute_url())
    return ctx


class CheckAnswerView(CheckMixin, ServiceFormView):
    http_method_names = ["get", "post"]
    required_perm = "check.handle"
    form_class = CheckAnswerForm
    template_name = "checks/check_detail.html"  # a refused answer: the check page with the form's errors
    page_title = gettext_lazy("Answer the background check")
    success_message = gettext_lazy("Answer saved; the enterprise sees the outcome and the advice.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and can(request.user, self.required_perm):
            self.check  # 404 / 403 before anything else
            if second_factor_owed(request):
                messages.info(request, _("Answering a background check needs your one-time code."))
                return redirect(second_factor_url(request, self.check.get_absolute_url()))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return redirect(self.check.get_absolute_url())

    def form_invalid(self, form):
        """The check page again, the errors on their fields and the chosen outcome and advice kept."""
        self.check.refresh_from_db()  # a conflict: show what is stored now
        if self.check.status != BackgroundCheck.Status.REQUESTED or self.check.is_erased:  # answered meanwhile
            for errors in form.errors.values():
                for error in errors:
                    messages.error(self.request, error)
            return redirect(self.check.get_absolute_url())
        ctx = {**_detail_context(self.request, self.check, answer_form=form), "view": self}
        return self.response_class(request=self.request, template=[self.template_name], context=ctx,
                                   using=self.template_engine)

    def perform(self, form):
        data = form.cleaned_data
        return services.check_answer(actor=self.request.user, check=self.check, outcome=data["outcome"],
                                     advice=data["advice"], second_factor=services.second_factor_passed(self.request),
                                     expected_version=data["version"])


def _day(value):
    try:
        return parse_date(value or "")
    except ValueError:  # a well-formed but impossible date (2026-02-30)
        return None


class CheckFiguresView(PermissionRequiredMixin, TemplateView):
    """Requests, median answer time and outcomes by post type, for a period (Asia/Shanghai days) and a park."""

    required_perm = "check.figures"
    template_name = "checks/figures.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        start = _day(self.request.GET.get("start")) or today.replace(month=1, day=1)
        end = _day(self.request.GET.get("end")) or today
        if end < start:
            messages.error(self.request, _("The end of the period comes before its start."))
            start, end = end, start
        parks = Park.objects.visible_to(self.request.user).only("id", "name").order_by("name")
        park = next((p for p in parks if str(p.pk) == self.request.GET.get("park", "")), None)
        zone = timezone.get_current_timezone()
        figures = selectors.check_figures(
            user=self.request.user, park=park, start=datetime.combine(start, time.min, zone),
            end=datetime.combine(end + timedelta(days=1), time.min, zone))
        rows = [{"kind": label, "value": kind, **figures["outcomes"][kind],
                 "total": sum(figures["outcomes"][kind].values())} for kind, label in PostKind.choices]
        return {**super().get_context_data(**kwargs), "figures": figures, "rows": rows, "parks": parks,
                "park": park, "start": start, "end": end, "outcomes": BackgroundCheck.Outcome.choices}


class CheckReadLogView(ScopedListView):
    """For the auditor: who read which background check, when, and how (page, API, export)."""

    model = AuditEvent
    required_perm = "audit.view"
    filterset_class = CheckReadFilterSet
    table_class = CheckReadTable
    template_name = "checks/read_log.html"
    partial_template_name = "includes/list_results.html"
    export_formats = ()

    def get_base_queryset(self):
        return services.check_read_log()
