"""`manage.py verify_audit`: walk the hash chain; exit 1 naming the first altered or missing event."""
from django.core.management.base import BaseCommand, CommandError

from parkbeat.audit.services import check_chain


class Command(BaseCommand):
    help = "Verify the audit trail's SM3 hash chain; fails naming the first altered or missing event."

    def handle(self, *args, **options):
        result = check_chain()
        if result.bad_id is not None:
            raise CommandError(f"audit chain broken after {result.checked} good events: {result.message}")
        self.stdout.write(f"audit chain intact: {result.checked} events checked")
