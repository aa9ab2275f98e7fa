from django.core.management.base import BaseCommand

from parkbeat.hazards.services import hazard_reminders


class Command(BaseCommand):
    help = ("Remind the park's officers and the enterprise's liaisons of each hazard being rectified 3 days before "
            "its deadline, on the day and 1 day overdue; escalate to the station leaders 3 days overdue. Each tier "
            "once per hazard: safe to repeat.")

    def handle(self, *args, **options):
        told = hazard_reminders()
        self.stdout.write(f"{told} reminder(s) sent.")
