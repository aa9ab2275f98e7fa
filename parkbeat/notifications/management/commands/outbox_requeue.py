"""`manage.py outbox_requeue [--channel NAME]`: send again what was given up while a channel was off."""
from django.core.management.base import BaseCommand, CommandError

from parkbeat.notifications.delivery import outbox_requeue


class Command(BaseCommand):
    help = ("Requeue the outbox messages given up on a channel (default: every enabled channel), once it is "
            "back; they are retried from now with a fresh count of attempts. See outbox_status first.")

    def add_arguments(self, parser):
        parser.add_argument("--channel", help="only this channel (email, sms, webhook)")

    def handle(self, *args, channel, **options):
        try:
            count = outbox_requeue(channel=channel)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"requeued {count} message(s)")
