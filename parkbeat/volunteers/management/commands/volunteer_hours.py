"""Print the volunteers' ranking for a period: hours served, bonuses and points, by person or by team."""
from django.core.management.base import BaseCommand, CommandError

from parkbeat.volunteers import hours


class Command(BaseCommand):
    help = "Print the volunteers' ranking (hours served, points) for a period, by person or by team."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True, help="First day (YYYY-MM-DD) or ISO time.")
        parser.add_argument("--to", dest="end", required=True, help="Last day, included (YYYY-MM-DD), or ISO time.")
        parser.add_argument("--by", choices=["person", "team"], default="person")

    def handle(self, *args, **options):
        try:
            start, end = hours.period(options["start"], options["end"])
        except hours.PeriodError as exc:
            raise CommandError(f"--{exc.field}: {exc.message}") from None
        by = options["by"]
        rows = hours.ranking_rows(hours.ranking(user=None, start=start, end=end, by=by, everyone=True), by)
        bonus_names = [b.name for b in hours.BONUS_SOURCES]
        self.stdout.write(f"{start.isoformat()} – {end.isoformat()} ({by})")
        self.stdout.write("\t".join(["rank", "name", "team" if by == "person" else "enterprise", "hours",
                                     *bonus_names, "points"]))
        for row in rows:
            group = row["team"] if by == "person" else row["enterprise"]
            self.stdout.write("\t".join(str(v) for v in [row["rank"], row["name"], group, row["hours"],
                                                        *(row["bonuses"][n] for n in bonus_names), row["points"]]))
