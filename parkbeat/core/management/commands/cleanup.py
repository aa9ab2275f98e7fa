"""`manage.py cleanup [--dry-run] [--only NAME ...]`: the daily clean-up now (the job consumer runs it at 03:40)."""
from django.core.management.base import BaseCommand, CommandError

from parkbeat.core.cleanup import cleanup, jobs


class Command(BaseCommand):
    help = ("Remove what has expired: orphan files of rolled-back uploads, old idempotency keys, given-up "
            "outbox messages past retention, expired sessions and ended API tokens. Safe to run twice.")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count, remove nothing")
        parser.add_argument("--only", nargs="+", metavar="NAME", help="only these jobs")

    def handle(self, *args, dry_run, only, **options):
        names = [job.name for job in jobs()]
        unknown = sorted(set(only or ()) - set(names))
        if unknown:
            raise CommandError(f"Unknown clean-up job(s): {', '.join(unknown)}. Jobs: {', '.join(names)}.")
        counts = cleanup(dry_run=dry_run, only=only)
        verb = "would remove" if dry_run else "removed"
        for name, count in counts.items():
            self.stdout.write(f"{name:<18} {verb} {count}")
