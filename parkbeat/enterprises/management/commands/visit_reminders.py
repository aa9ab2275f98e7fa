"""Tell each park officer of the enterprises of their parks due a visit and not visited (what
remind_due_visits_task does every morning); running it twice a day sends nothing new."""
from django.core.management.base import BaseCommand

from parkbeat.enterprises.visit_plan import remind_due_visits


class Command(BaseCommand):
    help = "Remind the park officers of the enterprises due a visit and not visited (once per officer and day)."

    def handle(self, *args, **options):
        told = remind_due_visits()
        self.stdout.write(f"told {told} officers")
