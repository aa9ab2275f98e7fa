import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from parkbeat.disputes.selectors import dispute_figures, figures_json
from parkbeat.org.models import Park, User


class Command(BaseCommand):
    help = "Print the dispute figures a user would see for a period (and a park) as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--as", dest="username", required=True)
        parser.add_argument("--from", dest="start", required=True, help="YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="YYYY-MM-DD")
        parser.add_argument("--park", help="park code or id")

    def handle(self, *args, username, start, end, park=None, **options):
        user = User.objects.filter(username__iexact=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {username!r}.")
        try:
            start, end = date.fromisoformat(start), date.fromisoformat(end)
        except ValueError:
            raise CommandError("--from and --to must be YYYY-MM-DD") from None
        if start > end:
            raise CommandError("--from is after --to")
        park_obj = None
        if park:
            parks = Park.objects.visible_to(user)
            park_obj = parks.filter(code=park).first() or (parks.filter(pk=park).first() if park.isdigit() else None)
            if park_obj is None:
                raise CommandError(f"{username} sees no park {park!r}.")
        figures = dispute_figures(user=user, start=start, end=end, park=park_obj)
        self.stdout.write(json.dumps(figures_json(figures), ensure_ascii=False, indent=2, sort_keys=True))
