from django.core.management.base import BaseCommand

from parkbeat.inspections.reminders import inspection_reminders


class Command(BaseCommand):
    help = ("Remind the park's officers of key enterprises not yet inspected in the quarter's last 30 days, before "
            "a key date (its window open) and before a campaign ends; each reminder once. Safe to repeat.")

    def handle(self, *args, **options):
        told = inspection_reminders()
        self.stdout.write(f"{told} reminder(s) sent.")
