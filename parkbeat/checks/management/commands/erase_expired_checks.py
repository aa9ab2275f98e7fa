"""`manage.py erase_expired_checks`: erase the personal data of background checks past retention (the daily task
runs the same service)."""
from django.conf import settings
from django.core.management.base import BaseCommand

from parkbeat.checks.services import erase_expired, expired


class Command(BaseCommand):
    help = ("Erase the candidate's personal data and consent file of background checks answered more than "
            "PARKBEAT_CHECK_RETENTION_DAYS ago, leaving a deletion event and the anonymous figures.")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only count what would be erased.")

    def handle(self, *args, dry_run=False, **options):
        if dry_run:
            self.stdout.write(f"{expired().count()} background checks past retention "
                              f"({settings.CHECK_RETENTION_DAYS} days after the answer)")
            return
        erased = erase_expired()
        self.stdout.write(f"{erased} background checks erased (retention {settings.CHECK_RETENTION_DAYS} days "
                          f"after the answer)")
