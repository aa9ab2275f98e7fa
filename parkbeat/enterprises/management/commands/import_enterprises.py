"""manage.py import_enterprises FILE --as USERNAME [--good-rows]: the roster import, as that user."""
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from parkbeat.core.services import ConflictError
from parkbeat.enterprises import spreadsheets
from parkbeat.org.models import User


def acting_user(username):
    try:
        return User.objects.get_by_natural_key(username)
    except User.DoesNotExist:
        raise CommandError(f"No user named {username!r}.") from None


class Command(BaseCommand):
    help = "Import the enterprise roster from an .xlsx file (same checks and audit trail as the import page)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the roster, .xlsx in the template's columns")
        parser.add_argument("--as", dest="username", required=True, help="import with this user's permissions")
        parser.add_argument("--good-rows", action="store_true",
                            help="import the valid rows even if other rows have errors")

    def handle(self, *args, file, username, good_rows, **options):
        user = acting_user(username)
        try:
            with open(file, "rb") as fileobj:
                summary = spreadsheets.import_roster(user=user, fileobj=fileobj, import_good_rows=good_rows)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from None
        except (PermissionDenied, ConflictError) as exc:
            raise CommandError(str(exc)) from None
        for error in summary["errors"]:
            where = "file" if error.row is None else f"row {error.row}"
            column = f" [{error.column}]" if error.column else ""
            self.stderr.write(f"{where}{column}: {error.message}")
        hidden = summary["error_count"] - len(summary["errors"])
        if hidden:
            self.stderr.write(f"... and {hidden} more problems")
        line = (f"created={summary['created']} updated={summary['updated']} unchanged={summary['unchanged']} "
                f"errors={summary['error_count']}")
        if not summary["imported"]:
            raise CommandError(f"Nothing was imported: {line}")
        self.stdout.write(self.style.SUCCESS(f"Imported: {line}"))
