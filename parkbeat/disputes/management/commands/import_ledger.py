"""manage.py import_ledger --as USERNAME FILE [--import-good-rows]: a station's dispute ledger, as that user."""
from parkbeat.core.commands import SpreadsheetImportCommand
from parkbeat.disputes import ledger


class Command(SpreadsheetImportCommand):
    help = ("Import past incidents and disputes from a station's ledger (.xlsx, in the template's columns), with "
            "the same checks and audit trail as the import page.")
    file_help = "the ledger, .xlsx in the template's columns"
    good_rows_option = "--import-good-rows"
    notices = "notices"  # rows imported before, on stdout

    def run_import(self, *, user, fileobj, import_good_rows):
        return ledger.ledger_import(actor=user, fileobj=fileobj, import_good_rows=import_good_rows)

    def summary_line(self, summary):
        return (f"created={summary['created']} incidents={summary['incidents']} agreements={summary['agreements']} "
                f"already={summary['already']} errors={summary['error_count']}")
