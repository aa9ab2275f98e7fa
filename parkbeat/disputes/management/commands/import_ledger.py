"""manage.py import_ledger --as USERNAME FILE [--import-good-rows]: a station's dispute ledger, as that user."""
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from parkbeat.core.services import ConflictError
from parkbeat.disputes import ledger
from parkbeat.enterprises.management.commands.import_enterprises import acting_user


class Command(BaseCommand):
    help = ("Import past incidents and disputes from a station's ledger (.xlsx, in the template's columns), with "
            "the same checks and audit trail as the import page.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="the ledger, .xlsx in the template's columns")
        parser.add_argument("--as", dest="username", required=True, help="import with this user's permissions")
        parser.add_argument("--import-good-rows", action="store_true",
                            help="import the valid rows even if other rows have errors")

    def handle(self, *args, file, username, import_good_rows, **options):
        user = acting_user(username)
        try:
            with open(file, "rb") as fileobj:
                summary = ledger.ledger_import(actor=user, fileobj=fileobj, import_good_rows=import_good_rows)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from None
        except (PermissionDenied, ConflictError) as exc:
            raise CommandError(str(exc)) from None
        for error in summary["errors"]:
            self.stderr.write(_line(error))
        for notice in summary["notices"]:
            self.stdout.write(_line(notice))
        hidden = summary["error_count"] - len(summary["errors"])
        if hidden:
            self.stderr.write(f"... and {hidden} more problems")
        line = (f"created={summary['created']} incidents={summary['incidents']} agreements={summary['agreements']} "
                f"already={summary['already']} errors={summary['error_count']}")
        if not summary["imported"]:
            raise CommandError(f"Nothing was imported: {line}")
        self.stdout.write(self.style.SUCCESS(f"Imported: {line}"))


def _line(error):
    where = "file" if error.row is None else f"row {error.row}"
    column = f" [{error.column}]" if error.column else ""
    return f"{where}{column}: {error.message}"
