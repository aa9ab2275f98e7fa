from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from parkbeat.guarding.services import remind_guard_shifts


class Command(BaseCommand):
    help = ("Tell each person on a guard shift that starts within the lead time (default 2 hours) of it, once per "
            "person and shift. Safe to repeat.")

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=float, default=2.0, help="Lead time in hours (default 2).")

    def handle(self, *args, **options):
        if not 0 < options["hours"] <= 72:
            raise CommandError("--hours must be more than 0 and at most 72")
        told = remind_guard_shifts(lead=timedelta(hours=options["hours"]))
        self.stdout.write(f"{told} reminder(s) sent.")
