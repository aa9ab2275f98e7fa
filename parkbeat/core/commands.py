"""The shape of every `manage.py import_*` command: a file, `--as USERNAME`, a good-rows flag, the same checks
and audit trail as the import page, problems on stderr and a non-zero exit when nothing was imported."""
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from parkbeat.core.services import ConflictError


def acting_user(username):
    """The user a command acts as (with that user's permissions and on the audit trail under that name)."""
    User = get_user_model()
    try:
        return User.objects.get_by_natural_key(username)
    except User.DoesNotExist:
        raise CommandError(f"No user named {username!r}.") from None


def row_error_line(error):
    """One RowError as a line: "row 3 [column]: message" ("file: …" for the whole file)."""
    where = "file" if error.row is None else f"row {error.row}"
    column = f" [{error.column}]" if error.column else ""
    return f"{where}{column}: {error.message}"


class SpreadsheetImportCommand(BaseCommand):
    """A subclass declares `file_help`, `good_rows_option` and `notices` (a summary list of RowError notes
    for stdout, or None), and implements `run_import` and `summary_line`."""

    file_help = "the file, .xlsx in the template's columns"
    good_rows_option = "--good-rows"
    notices = None

    def run_import(self, *, user, fileobj, import_good_rows):
        raise NotImplementedError

    def summary_line(self, summary):
        raise NotImplementedError

    @property
    def good_rows_dest(self):
        return self.good_rows_option.lstrip("-").replace("-", "_")

    def add_arguments(self, parser):
        parser.add_argument("file", help=self.file_help)
        parser.add_argument("--as", dest="username", required=True, help="import with this user's permissions")
        parser.add_argument(self.good_rows_option, dest=self.good_rows_dest, action="store_true",
                            help="import the valid rows even if other rows have errors")

    def handle(self, *args, file, username, **options):
        user = acting_user(username)
        try:
            with open(file, "rb") as fileobj:
                summary = self.run_import(user=user, fileobj=fileobj, import_good_rows=options[self.good_rows_dest])
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from None
        except (PermissionDenied, ConflictError) as exc:
            raise CommandError(str(exc)) from None
        for error in summary["errors"]:
            self.stderr.write(row_error_line(error))
        for notice in summary[self.notices] if self.notices else ():
            self.stdout.write(row_error_line(notice))
        hidden = summary["error_count"] - len(summary["errors"])
        if hidden:
            self.stderr.write(f"... and {hidden} more problems")
        line = self.summary_line(summary)
        if not summary["imported"]:
            raise CommandError(f"Nothing was imported: {line}")
        self.stdout.write(self.style.SUCCESS(f"Imported: {line}"))
