"""manage.py patrol_coverage --as USERNAME --from YYYY-MM-DD --to YYYY-MM-DD [--park CODE] [--xlsx OUT]: the
coverage figures that user sees (patrols.coverage, as the page and the API), printed as JSON or the
per-checkpoint table written as .xlsx (logged on the audit trail as an export)."""
import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from parkbeat.core.commands import acting_user
from parkbeat.core.exports import export_logged, write_xlsx
from parkbeat.core.permissions import can
from parkbeat.core.tables import local_time
from parkbeat.patrols import coverage
from parkbeat.patrols.coverage_tables import hours

HEADERS = ("checkpoint", "park", "visits", "night_visits", "night_share_pct", "last_visit", "missed",
           "longest_gap_h", "coverage")


class Command(BaseCommand):
    help = ("Print the patrol coverage a user sees for the days from --from to --to (both included) as JSON, "
            "or write the per-checkpoint table as .xlsx.")

    def add_arguments(self, parser):
        parser.add_argument("--as", dest="username", required=True, help="with this user's scope")
        parser.add_argument("--from", dest="start", required=True, help="YYYY-MM-DD (included)")
        parser.add_argument("--to", dest="end", required=True, help="YYYY-MM-DD (included)")
        parser.add_argument("--park", help="only this park (its code or id)")
        parser.add_argument("--xlsx", dest="out", help="write the per-checkpoint table to this .xlsx file")

    def handle(self, *args, username, start, end, park=None, out=None, **options):
        user = acting_user(username)
        if not can(user, "patrol.places"):
            raise CommandError(f"{username} does not cover any park as police.")
        try:
            first, last = date.fromisoformat(start), date.fromisoformat(end)
        except ValueError:
            raise CommandError("--from and --to must be YYYY-MM-DD") from None
        if first > last:
            raise CommandError("--from is after --to")
        period = coverage.period_of_days(first, last)
        if period.end - period.start > coverage.MAX_PERIOD:
            raise CommandError(f"At most {coverage.MAX_PERIOD.days} days.")
        park_obj = None
        if park:
            parks = coverage.scope_parks(user)
            park_obj = parks.filter(code=park).first() or (parks.filter(pk=park).first() if park.isdigit() else None)
            if park_obj is None:
                raise CommandError(f"{username} sees no park {park!r}.")
        figures = coverage.coverage(user=user, period=period, park=park_obj)
        if out:
            self.write_xlsx(out, figures, user=user, filters={"from": start, "to": end, "park": park})
            return
        figures["period"] = {"start": period.start.isoformat(), "end": period.end.isoformat()}
        self.stdout.write(json.dumps(figures, ensure_ascii=False, indent=2, sort_keys=True, default=str))

    def write_xlsx(self, out, figures, *, user, filters):
        rows = [(c["name"], c["park_name"], c["visits"], c["night_visits"], c["night_share"],
                 local_time(c["last_visit"]), c["missed"], hours(c["longest_gap_seconds"]), c["level"])
                for c in figures["checkpoints"]]
        content = write_xlsx(sheet="巡防覆盖", headers=HEADERS, rows=rows)
        try:
            with open(out, "wb") as fileobj:
                fileobj.write(content)
        except OSError as exc:
            raise CommandError(f"Cannot write {out}: {exc.strerror}") from None
        export_logged(actor=user, object_type="patrols.Checkpoint", object_repr=f"{len(rows)} checkpoints",
                      filters=filters)
        self.stdout.write(self.style.SUCCESS(f"Wrote {out} ({len(rows)} checkpoints)"))
