from datetime import date, datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from parkbeat.disputes.services import obligations_sweep


class Command(BaseCommand):
    help = ("Mark unpaid instalments past due as missed and reopen their disputes, each dated by the rule (00:00 "
            "the day after the due date), however late it runs (safe to run twice).")

    def add_arguments(self, parser):
        when = parser.add_mutually_exclusive_group()
        when.add_argument("--today", help="YYYY-MM-DD (default: today in the station's time zone)")
        when.add_argument("--at", help="ISO 8601 time (with offset, else Asia/Shanghai): what is missed by then")

    def handle(self, *args, today=None, at=None, **options):
        try:
            day = date.fromisoformat(today) if today else None
        except ValueError:
            raise CommandError("--today must be YYYY-MM-DD") from None
        if at:
            try:
                moment = datetime.fromisoformat(at)
            except ValueError:
                raise CommandError("--at must be an ISO 8601 time, e.g. 2026-09-20T00:05:00+08:00") from None
            moment = moment if timezone.is_aware(moment) else timezone.make_aware(moment)
            if moment > timezone.now():
                raise CommandError("--at lies in the future")
            day = timezone.localdate(moment)  # missed at 00:00 after the due date: due before this day
        if day is not None and day > timezone.localdate():
            raise CommandError("--today lies in the future")
        counts = obligations_sweep(today=day)
        self.stdout.write(" ".join(f"{k}={v}" for k, v in counts.items()))
