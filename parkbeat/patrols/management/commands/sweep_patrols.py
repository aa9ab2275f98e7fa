from datetime import timedelta

from django.core.management.base import BaseCommand

from parkbeat.patrols.services import patrols_sweep


class Command(BaseCommand):
    help = ("Close patrol runs left open past the end of their window and record (and notify) the checkpoints "
            "each plan window missed. Safe to repeat.")

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=2, help="How far back to look for ended windows (days).")

    def handle(self, *args, **options):
        result = patrols_sweep(lookback=timedelta(days=max(1, options["days"])))
        self.stdout.write(f"{result['closed']} run(s) closed, {result['missed']} missed checkpoint(s) recorded.")
