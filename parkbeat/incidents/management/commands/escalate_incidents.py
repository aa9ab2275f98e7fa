from django.core.management.base import BaseCommand

from parkbeat.incidents.services import incidents_escalate_overdue


class Command(BaseCommand):
    help = "Move every incident not accepted in time to the next person in its dispatch chain."

    def handle(self, *args, **options):
        moved = incidents_escalate_overdue()
        self.stdout.write(f"{moved} incident(s) escalated.")
