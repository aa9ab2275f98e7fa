from datetime import date

from django.core.management.base import BaseCommand, CommandError

from parkbeat.disputes.services import obligations_sweep


class Command(BaseCommand):
    help = "Mark unpaid instalments past due as missed and reopen their disputes (safe to run twice)."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="YYYY-MM-DD (default: today in the station's time zone)")

    def handle(self, *args, today=None, **options):
        try:
            day = date.fromisoformat(today) if today else None
        except ValueError:
            raise CommandError("--today must be YYYY-MM-DD") from None
        counts = obligations_sweep(today=day)
        self.stdout.write(" ".join(f"{k}={v}" for k, v in counts.items()))
