from datetime import timedelta

from django.core.management.base import BaseCommand

from parkbeat.guarding.services import guarding_alerts, lead_time


class Command(BaseCommand):
    help = ("Tell each segment's team captain and the park's officers of every uncovered guarding interval that "
            "starts within the lead time (PARKBEAT_GUARDING_ALERT_LEAD_HOURS, default 2), once per gap. Safe to repeat.")

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=float, default=None, help="Lead time in hours (default: the setting).")

    def handle(self, *args, **options):
        lead = timedelta(hours=options["hours"]) if options["hours"] else lead_time()
        told = guarding_alerts(lead=lead)
        self.stdout.write(f"{told} gap(s) notified.")
