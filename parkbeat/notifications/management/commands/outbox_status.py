"""How the outbox stands: messages per channel and status, how long the oldest one has waited, and what was
given up."""
from django.core.management.base import BaseCommand
from django.utils import timezone

from parkbeat.notifications.delivery import outbox_status


class Command(BaseCommand):
    help = ("Outbox messages per channel and status, the oldest waiting one, the next attempt, and the messages "
            "given up (per channel and last error).")

    def handle(self, *args, **options):
        status = outbox_status()
        if not status["counts"]:
            self.stdout.write("outbox empty")
        for channel, state, count in status["counts"]:
            self.stdout.write(f"{channel:<10} {state:<8} {count}")
        if status["oldest"] is not None:
            now = timezone.now()
            waited = int((now - status["oldest"]).total_seconds() // 60)
            self.stdout.write(f"oldest waiting: {timezone.localtime(status['oldest']):%Y-%m-%d %H:%M} "
                              f"({waited} min)")
            self.stdout.write(f"next attempt: {timezone.localtime(status['next_attempt']):%Y-%m-%d %H:%M}")
        else:
            self.stdout.write("nothing waiting")
        if status["dead"]:
            self.stdout.write(f"given up: {sum(n for _c, _e, n in status['dead'])} (kept, not retried)")
            for channel, error, count in status["dead"]:
                self.stdout.write(f"  {channel:<10} {count}  {error}")
        else:
            self.stdout.write("given up: none")
