"""manage.py remind_volunteer_support [--days N]: the daily reminder of expiring insurance and allowances, by hand."""
from django.core.management.base import BaseCommand, CommandError

from parkbeat.volunteers.services import remind_volunteer_support


class Command(BaseCommand):
    help = ("Tell the park officers and captains about volunteers' insurance or allowances expiring soon "
            "(once per record; safe to repeat).")

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None,
                            help="Days ahead (default: PARKBEAT_VOLUNTEER_SUPPORT_REMIND_DAYS).")

    def handle(self, *args, days=None, **options):
        if days is not None and days < 1:
            raise CommandError("--days must be at least 1")
        count = remind_volunteer_support(days=days)
        self.stdout.write(f"{count} support record(s) reminded")
