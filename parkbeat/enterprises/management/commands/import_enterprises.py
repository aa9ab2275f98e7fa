"""manage.py import_enterprises FILE --as USERNAME [--good-rows]: the roster import, as that user."""
from parkbeat.core.commands import SpreadsheetImportCommand, acting_user
from parkbeat.enterprises import spreadsheets

__all__ = ["Command", "acting_user"]  # acting_user: also used by export_enterprises


class Command(SpreadsheetImportCommand):
    help = "Import the enterprise roster from an .xlsx file (same checks and audit trail as the import page)."
    file_help = "the roster, .xlsx in the template's columns"
    good_rows_option = "--good-rows"

    def run_import(self, *, user, fileobj, import_good_rows):
        return spreadsheets.import_roster(user=user, fileobj=fileobj, import_good_rows=import_good_rows)

    def summary_line(self, summary):
        return (f"created={summary['created']} updated={summary['updated']} unchanged={summary['unchanged']} "
                f"errors={summary['error_count']}")
