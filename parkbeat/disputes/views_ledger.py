"""The ledger import pages: thin wrappers around disputes.ledger."""
from django import forms
from django.conf import settings
from django.contrib import messages
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from parkbeat.core.exports import XLSX_CONTENT_TYPE, download_response
from parkbeat.core.services import ConflictError
from parkbeat.core.views import PermissionRequiredMixin
from parkbeat.disputes import ledger

MAX_SHOWN = 500
TEMPLATE_NAME = ("矛盾纠纷台账导入模板.xlsx", "dispute_ledger_template.xlsx")


def template_response(user):
    return download_response(ledger.ledger_template(user=user), *TEMPLATE_NAME, XLSX_CONTENT_TYPE)


class LedgerImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Ledger file (.xlsx)"),
                           widget=forms.FileInput(attrs={"accept": ".xlsx", "class": "form-control"}))
    import_good_rows = forms.BooleanField(
        label=gettext_lazy("Import the good rows even if other rows have errors"), required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))


class LedgerImportView(PermissionRequiredMixin, View):
    """GET: the upload form. POST: import, then show the summary, the rows with errors and those already imported."""

    required_perm = "dispute.import"
    template_name = "disputes/ledger/import.html"

    def get(self, request):
        return self.show(LedgerImportForm())

    def post(self, request):
        form = LedgerImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.show(form)
        try:
            summary = ledger.ledger_import(actor=request.user, fileobj=form.cleaned_data["file"],
                                           import_good_rows=form.cleaned_data["import_good_rows"])
        except ConflictError as exc:
            messages.error(request, str(exc))
            return self.show(form)
        if summary["imported"]:
            messages.success(request, _("Imported: %(created)s disputes (%(incidents)s with their incident), "
                                        "%(already)s rows already imported before.") % summary)
        else:
            messages.error(request, _("Nothing was imported: %(count)s problems were found. Correct the file and "
                                      "upload it again, or import only the good rows.")
                           % {"count": summary["error_count"]})
        return self.show(LedgerImportForm(), summary=summary)

    def show(self, form, summary=None):
        errors = summary["errors"][:MAX_SHOWN] if summary else []
        return render(self.request, self.template_name, {
            "form": form, "summary": summary, "errors": errors,
            "hidden_errors": summary["error_count"] - len(errors) if summary else 0,
            "notices": summary["notices"][:MAX_SHOWN] if summary else [],
            "max_rows": min(settings.IMPORT_MAX_ROWS, ledger.MAX_ROWS),
            "max_mb": settings.IMPORT_MAX_BYTES // (1024 * 1024),
            "parks": ledger.importable_parks(self.request.user),
        })


class LedgerTemplateView(PermissionRequiredMixin, View):
    """The .xlsx template, listing the parks the user may import into."""

    required_perm = "dispute.import"

    def get(self, request):
        return template_response(request.user)
