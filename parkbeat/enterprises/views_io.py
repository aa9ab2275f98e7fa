"""Roster import and export pages: thin wrappers around enterprises.spreadsheets."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from parkbeat.core.exports import (XLSX_CONTENT_TYPE, ExportRateLimited, download_response,
                                   export_filename)
from parkbeat.core.forms import SpreadsheetImportForm
from parkbeat.core.views import PermissionRequiredMixin, SpreadsheetImportView
from parkbeat.enterprises import selectors, spreadsheets
from parkbeat.enterprises.filters import EnterpriseFilterSet

MAX_SHOWN_ERRORS = 500


def xlsx_response(content, filename, ascii_fallback):
    return download_response(content, filename, ascii_fallback, XLSX_CONTENT_TYPE)


def roster_filename():
    return export_filename("企业名册", "enterprises")


def filtered_enterprises(request, params):
    """The user's visible enterprises narrowed by the list's filters, for the page and the API.

    Returns (queryset, the filters used, for the audit note) or (None, the form errors).
    """
    filterset = EnterpriseFilterSet(params, queryset=selectors.enterprise_list(user=request.user), request=request)
    if not filterset.is_valid():
        return None, filterset.errors
    used = {k: v for k, v in filterset.form.cleaned_data.items() if v not in (None, "")}
    return filterset.qs, {k: getattr(v, "code", v) for k, v in used.items()}


class RosterImportForm(SpreadsheetImportForm):
    file_label = gettext_lazy("Roster file (.xlsx)")


class EnterpriseImportView(SpreadsheetImportView):
    """The upload page; after an import, the summary or the table of row errors."""

    required_perm = "enterprise.import"
    template_name = "enterprises/enterprise_import.html"
    form_class = RosterImportForm
    max_shown = MAX_SHOWN_ERRORS

    def run_import(self, *, user, fileobj, import_good_rows):
        return spreadsheets.import_roster(user=user, fileobj=fileobj, import_good_rows=import_good_rows)

    def imported_message(self, summary):
        return _("Imported: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.") % summary

    def refused_message(self, summary):
        return _("Nothing was imported: %(count)s problems were found. Correct the file and "
                 "upload it again.") % {"count": summary["error_count"]}


class EnterpriseImportTemplateView(PermissionRequiredMixin, View):
    required_perm = "enterprise.import"

    def get(self, request):
        return xlsx_response(spreadsheets.import_template(user=request.user), "企业名册导入模板.xlsx",
                             "enterprise_import_template.xlsx")


class EnterpriseExportView(PermissionRequiredMixin, View):
    """The enterprise list as .xlsx, with the list's filters (q, park, industry, is_key, status)."""

    required_perm = "enterprise.export"

    def get(self, request):
        queryset, filters = filtered_enterprises(request, request.GET)
        if queryset is None:
            return HttpResponseBadRequest(_("The filters are not valid: %(errors)s") % {
                "errors": "; ".join(f"{k}: {' '.join(v)}" for k, v in filters.items())})
        try:
            content = spreadsheets.export_roster(queryset, user=request.user, filters=filters)
        except (ValidationError, ExportRateLimited) as exc:
            messages.error(request, " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
            query = request.GET.urlencode()
            return redirect(f"{_list_url()}?{query}" if query else _list_url())
        return xlsx_response(content, *roster_filename())


def _list_url():
    return reverse("enterprises:enterprise_list")


enterprise_import = EnterpriseImportView.as_view()
enterprise_import_template = EnterpriseImportTemplateView.as_view()
enterprise_export = EnterpriseExportView.as_view()
