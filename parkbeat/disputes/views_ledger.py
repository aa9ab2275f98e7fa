"""The ledger import pages: thin wrappers around disputes.ledger."""
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from parkbeat.core.exports import XLSX_CONTENT_TYPE, download_response
from parkbeat.core.forms import SpreadsheetImportForm
from parkbeat.core.views import PermissionRequiredMixin, SpreadsheetImportView
from parkbeat.disputes import ledger
TEMPLATE_NAME = ("矛盾纠纷台账导入模板.xlsx", "dispute_ledger_template.xlsx")


def template_response(user):
    return download_response(ledger.ledger_template(user=user), *TEMPLATE_NAME, XLSX_CONTENT_TYPE)


class LedgerImportForm(SpreadsheetImportForm):
    file_label = gettext_lazy("Ledger file (.xlsx)")


class LedgerImportView(SpreadsheetImportView):
    """The upload page; after an import, the summary, the rows with errors and those already imported."""

    required_perm = "dispute.import"
    template_name = "disputes/ledger/import.html"
    form_class = LedgerImportForm

    def run_import(self, *, user, fileobj, import_good_rows):
        return ledger.ledger_import(actor=user, fileobj=fileobj, import_good_rows=import_good_rows)

    def imported_message(self, summary):
        return _("Imported: %(created)s disputes (%(incidents)s with their incident), "
                 "%(already)s rows already imported before.") % summary

    def refused_message(self, summary):
        return _("Nothing was imported: %(count)s problems were found. Correct the file and "
                 "upload it again, or import only the good rows.") % {"count": summary["error_count"]}

    def max_rows(self):
        return min(settings.IMPORT_MAX_ROWS, ledger.MAX_ROWS)

    def page_context(self, summary):
        return {"notices": summary["notices"][:self.max_shown] if summary else [],
                "parks": ledger.importable_parks(self.request.user)}


class LedgerTemplateView(PermissionRequiredMixin, View):
    """The .xlsx template, listing the parks the user may import into."""

    required_perm = "dispute.import"

    def get(self, request):
        return template_response(request.user)
