"""`manage.py purge_audit`: delete audit events past retention (the daily task runs the same service)."""
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from parkbeat.audit.services import ChainBroken, purge_expired


class Command(BaseCommand):
    help = ("Delete audit events older than PARKBEAT_AUDIT_RETENTION_DAYS (reveals of personal data: "
            "PARKBEAT_AUDIT_SENSITIVE_RETENTION_DAYS); the rest of the chain stays verifiable.")

    def handle(self, *args, **options):
        try:
            deleted = purge_expired()
        except ChainBroken as exc:
            raise CommandError(f"purge refused, the audit chain does not verify: {exc}") from None
        self.stdout.write(f"{deleted} audit events deleted (retention {settings.AUDIT_RETENTION_DAYS} days, "
                          f"sensitive {settings.AUDIT_SENSITIVE_RETENTION_DAYS} days)")
