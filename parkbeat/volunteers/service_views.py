"""Hours served, points and rankings: a volunteer's own page (我的义警), the same page for the police and the
team's captain, the ranking with its print page, PDF and spreadsheet. Reads through volunteers.hours."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from parkbeat.core import pdf
from parkbeat.core.exports import (ExportRateLimited, download_response, export_filename, export_logged,
                                   take_export_slot, write_xlsx)
from parkbeat.core.permissions import VOLUNTEER, has_role
from parkbeat.core.views import PermissionRequiredMixin
from parkbeat.volunteers import hours, selectors
from parkbeat.volunteers.models import Volunteer

BY_CHOICES = ("person", "team")


def service_volunteer_get(*, user, pk):
    """(volunteer, full) for the service page: a volunteer in the user's scope (full), or a member of a team
    the user captains (not full: hours, points and patrol history, not the trainings and support records).
    404 otherwise."""
    try:
        return selectors.volunteer_get(user=user, pk=pk), True
    except Http404:
        pass
    if has_role(user, VOLUNTEER) and str(pk).isdigit():
        volunteer = Volunteer.objects.select_related("team", "team__park", "team__enterprise").filter(pk=pk).first()
        if volunteer is not None and Volunteer.objects.filter(team_id=volunteer.team_id, user_id=user.pk,
                                                              is_captain=True,
                                                              status=Volunteer.Status.ACTIVE).exists():
            return volunteer, False
    raise Http404


def service_context(viewer, volunteer, *, full):
    now = timezone.now()
    month, year = hours.month_start(now), hours.year_start(now)
    history = hours.run_history(viewer=viewer, volunteer=volunteer)
    for run in history:
        run.credited_hours = hours.hours(run.credited)
    shifts = hours.shift_history(viewer=viewer, volunteer=volunteer)
    for place in shifts:
        place.credited_hours = hours.hours(place.credited) if place.checked_in_at else 0
    return {
        "volunteer": volunteer,
        "full": full,
        "own": volunteer.user_id == viewer.pk,
        "month": hours.person_service(volunteer, month, now),
        "year": hours.person_service(volunteer, year, now),
        "month_start": month, "year_start": year,
        "history": history,
        "upcoming": hours.upcoming_windows(team=volunteer.team, now=now),
        "shifts": shifts,
        "upcoming_shifts": hours.upcoming_shifts(viewer=viewer, volunteer=volunteer),
        "trainings": selectors.trainings_of(user=viewer, volunteer=volunteer) if full else None,
        "support": selectors.support_of(user=viewer, volunteer=volunteer) if full else None,
        "reliability": hours.reliability(volunteer, year, now),
        "rules": hours.points_rules(),
        "credited": volunteer.status in hours.CREDITED,
    }


class VolunteerServiceView(PermissionRequiredMixin, TemplateView):
    """One volunteer's hours, points, patrol history, the team's next patrol windows, trainings and support."""

    required_perm = "volunteer.view"
    template_name = "volunteers/service.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        volunteer, full = service_volunteer_get(user=self.request.user, pk=self.kwargs["pk"])
        ctx.update(service_context(self.request.user, volunteer, full=full))
        return ctx


class MyServiceView(PermissionRequiredMixin, TemplateView):
    """我的义警: the page of the user's own volunteer record (the vetted one first); the others as links."""

    required_perm = "volunteer.view"
    template_name = "volunteers/service.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        records = sorted(selectors.my_volunteer_records(user=user),
                         key=lambda v: (v.status not in hours.CREDITED, v.team.name, v.pk))
        ctx["mine"] = True
        ctx["other_records"] = records[1:]
        if records:
            ctx.update(service_context(user, records[0], full=True))
        return ctx


# ---------------------------------------------------------------- rankings
class RankingMixin(PermissionRequiredMixin):
    """The ranking's period (?from=&to=, days or ISO times, this month by default), ?by=person|team and an
    optional ?team= (in scope, else 404) for the person ranking."""

    required_perm = "volunteer.view"

    def setup_ranking(self):
        params = self.request.GET
        self.errors = {}
        self.by = params.get("by") or "person"
        if self.by not in BY_CHOICES:
            self.errors["by"] = _("Choose person or team.")
            self.by = "person"
        try:
            self.start, self.end = hours.period(params.get("from"), params.get("to"))
        except hours.PeriodError as exc:
            self.errors[exc.field] = exc.message
            self.start, self.end = hours.default_period()
        self.team = None
        if params.get("team"):
            self.team = selectors.team_get(user=self.request.user, pk=params["team"])

    def rows(self):
        queryset = hours.ranking(user=self.request.user, start=self.start, end=self.end, by=self.by)
        if self.team is not None and self.by == "person":
            queryset = queryset.filter(team=self.team)
        return hours.ranking_rows(queryset, self.by)

    def query(self):
        from urllib.parse import urlencode

        # the period exactly as asked (a time of day stays one), else the days shown
        last = timezone.localtime(self.end - timezone.timedelta(microseconds=1)).date()
        given = self.request.GET
        query = {"from": given.get("from") or timezone.localtime(self.start).date().isoformat(),
                 "to": given.get("to") or last.isoformat(), "by": self.by}
        if self.team is not None:
            query["team"] = self.team.pk
        return urlencode(query)

    def period_label(self):
        last = timezone.localtime(self.end - timezone.timedelta(microseconds=1))
        return _("%(start)s to %(end)s") % {"start": f"{timezone.localtime(self.start):%Y-%m-%d}",
                                            "end": f"{last:%Y-%m-%d}"}

    def ranking_context(self):
        return {"rows": self.rows(), "by": self.by, "team": self.team, "period_label": self.period_label(),
                "query": self.query(), "rules": hours.points_rules(), "bonuses": hours.BONUS_SOURCES,
                "start_day": timezone.localtime(self.start).date(),
                "end_day": timezone.localtime(self.end - timezone.timedelta(microseconds=1)).date()}


class RankingView(RankingMixin, TemplateView):
    template_name = "volunteers/ranking.html"

    def get_context_data(self, **kwargs):
        self.setup_ranking()
        return {**super().get_context_data(**kwargs), **self.ranking_context(), "errors": self.errors}


class RankingPrintView(RankingMixin, TemplateView):
    template_name = "volunteers/print/ranking.html"

    def get(self, request, *args, **kwargs):
        self.setup_ranking()
        if self.errors:
            messages.error(request, " ".join(str(e) for e in self.errors.values()))
            return redirect(reverse("volunteers:ranking"))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **self.ranking_context(), "printed_at": timezone.now(),
                "station_name": station_name(self.request.user), "wide": False,
                "back_url": f"{reverse('volunteers:ranking')}?{self.query()}",
                "pdf_url": f"{reverse('volunteers:ranking_pdf')}?{self.query()}"}


def station_name(user):
    """The stations of the teams the user sees, as the print header names them."""
    from parkbeat.volunteers.models import VolunteerTeam

    names = (VolunteerTeam.objects.visible_to(user).order_by().values_list("park__station__name", flat=True)
             .distinct())
    return "、".join(sorted(n for n in names if n))


def _headers(by):
    return ([_("Rank"), _("Name"), _("Team") if by == "person" else _("Enterprise"), _("Hours served")]
            + [str(b.label) for b in hours.BONUS_SOURCES] + [_("Points")])


def _cells(row, by):
    return ([row["rank"], row["name"], row["team"] if by == "person" else (row["enterprise"] or "—"), row["hours"]]
            + [row["bonuses"][b.name] for b in hours.BONUS_SOURCES] + [row["points"]])


def ranking_pdf(rows, by, *, title, period_label, station, printed_by):
    width = pdf.page_width()
    table = [_headers(by)] + [[str(c) for c in _cells(r, by)] for r in rows]
    n = len(table[0])
    widths = [width * 0.08, width * 0.2, width * 0.3] + [width * 0.42 / (n - 3)] * (n - 3)
    story = [pdf.para(title, "title"), pdf.para(period_label, "subtitle"),
             pdf.table(table, widths, right=tuple(range(3, n)))]
    return pdf.render(story, title=title, header=station, printed_by=printed_by)


def ranking_title(by):
    return _("Volunteer ranking by team") if by == "team" else _("Volunteer ranking by person")


class RankingPdfView(RankingMixin, View):
    def get(self, request):
        self.setup_ranking()
        if self.errors:
            messages.error(request, " ".join(str(e) for e in self.errors.values()))
            return redirect(reverse("volunteers:ranking"))
        rows, user, by = self.rows(), request.user, self.by
        title, label = ranking_title(by), self.period_label()
        stamp = f"{self.start:%Y%m%d}"
        try:
            return pdf.download(user=user, build=lambda: ranking_pdf(rows, by, title=title, period_label=label,
                                                                    station=station_name(user),
                                                                    printed_by=user.display_name),
                                stem_zh=f"义警排行_{stamp}", stem_en=f"volunteer_ranking_{stamp}",
                                object_type="volunteers.Volunteer", object_repr=f"{title} {label}")
        except ExportRateLimited as exc:
            messages.error(request, str(exc))
            return redirect(f"{reverse('volunteers:ranking')}?{self.query()}")


def ranking_export(rows, by, *, user, filters):
    """The ranking as .xlsx: counted against the export quota and put on the audit trail."""
    take_export_slot(user)
    content = write_xlsx(sheet=str(ranking_title(by)), headers=_headers(by), rows=[_cells(r, by) for r in rows],
                         widths=(6, 16, 28, 10, 12, 10))
    export_logged(actor=user, object_type="volunteers.Volunteer",
                  object_repr=_("%(count)s ranking rows") % {"count": len(rows)}, filters=filters)
    return content


class RankingExportView(RankingMixin, View):
    def get(self, request):
        self.setup_ranking()
        if self.errors:
            messages.error(request, " ".join(str(e) for e in self.errors.values()))
            return redirect(reverse("volunteers:ranking"))
        try:
            content = ranking_export(self.rows(), self.by, user=request.user, filters=self.query())
        except (ValidationError, ExportRateLimited) as exc:
            messages.error(request, str(exc))
            return redirect(f"{reverse('volunteers:ranking')}?{self.query()}")
        stamp = f"{self.start:%Y%m%d}"
        return download_response(content, *export_filename(f"义警排行_{stamp}", f"volunteer_ranking_{stamp}"))
