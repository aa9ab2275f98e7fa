"""manage.py export_enterprises OUT.xlsx --as USERNAME [--park CODE]: what that user may see, as .xlsx."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from parkbeat.core.exports import ExportRateLimited
from parkbeat.enterprises import selectors, spreadsheets
from parkbeat.enterprises.management.commands.import_enterprises import acting_user
from parkbeat.org.models import Park


class Command(BaseCommand):
    help = "Export the enterprise roster the user may see to an .xlsx file (logged on the audit trail)."

    def add_arguments(self, parser):
        parser.add_argument("out", help="the .xlsx file to write")
        parser.add_argument("--as", dest="username", required=True, help="export with this user's scope")
        parser.add_argument("--park", help="only this park (its code)")

    def handle(self, *args, out, username, park, **options):
        user = acting_user(username)
        queryset = selectors.enterprise_list(user=user)
        filters = {}
        if park:
            if not Park.objects.visible_to(user).filter(code=park).exists():
                raise CommandError(f"No park with code {park!r} that {username} may see.")
            queryset = queryset.filter(park__code=park)
            filters["park"] = park
        try:
            content = spreadsheets.export_roster(queryset, user=user, filters=filters)
        except (PermissionDenied, ValidationError, ExportRateLimited) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]))) from None
        try:
            with open(out, "wb") as fileobj:
                fileobj.write(content)
        except OSError as exc:
            raise CommandError(f"Cannot write {out}: {exc.strerror}") from None
        self.stdout.write(self.style.SUCCESS(f"Wrote {out}"))
