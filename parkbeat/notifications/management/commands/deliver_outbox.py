"""Deliver the due outbox messages now (what retry_outbox_task does every minute)."""
from django.core.management.base import BaseCommand

from parkbeat.notifications.delivery import deliver_due


class Command(BaseCommand):
    help = ("Send the outbox messages that are due through their channels; failures are retried later, "
            "permanent ones and those past PARKBEAT_NOTIFY_MAX_ATTEMPTS are given up.")

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500, help="at most this many messages (default 500)")

    def handle(self, *args, limit, **options):
        counts = deliver_due(limit=max(1, limit))
        self.stdout.write(f"sent {counts['sent']}, failed {counts['failed']}, given up {counts['dead']}")
