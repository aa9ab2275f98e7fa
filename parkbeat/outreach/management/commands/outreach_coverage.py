"""Publicity coverage for a period (or a campaign's targets), every enterprise not closed: a table on stdout or an
Excel file. The operator's command (no user scope): what the list page shows a city leader."""
import csv
from datetime import datetime, time, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_date

from parkbeat.core.exports import escape_cell
from parkbeat.enterprises.models import Enterprise
from parkbeat.outreach.figures import BANDS, coverage_rows, shown_percent
from parkbeat.outreach.models import Campaign
from parkbeat.outreach.timetable import SHANGHAI

HEADERS = ("enterprise_id", "enterprise", "park", "headcount", "lectures_held", "reached", "percent", "band")


class Command(BaseCommand):
    help = ("Print (or write to an .xlsx file) each enterprise's publicity coverage: people reached by the lectures "
            "held in the period (or of a campaign) over its headcount, and its band (never / under_half / "
            "half_and_over).")

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", help="first day, YYYY-MM-DD (Asia/Shanghai)")
        parser.add_argument("--to", dest="end", help="last day, YYYY-MM-DD, included")
        parser.add_argument("--campaign", type=int, help="a campaign's id: its targets and its lectures only")
        parser.add_argument("--band", choices=BANDS)
        parser.add_argument("--output", help="an .xlsx file to write instead of printing CSV")

    def handle(self, *args, **options):
        start = self._day(options["start"], "--from")
        end = self._day(options["end"], "--to", next_day=True)
        if start and end and end <= start:
            raise CommandError("--to lies before --from.")
        campaign = None
        if options["campaign"]:
            campaign = Campaign.objects.filter(pk=options["campaign"]).first()
            if campaign is None:
                raise CommandError(f"No campaign {options['campaign']}.")
        rows = coverage_rows(user=None, enterprises=Enterprise.objects.all(), start=start, end=end,
                             campaign=campaign, band=options["band"]).order_by("park__name", "name", "id")
        table = [(r.pk, r.name, r.park.name, r.headcount, r.lectures_held, r.reached,
                  "" if shown_percent(r.coverage) is None else shown_percent(r.coverage), r.band)
                 for r in rows.iterator(chunk_size=2000)]
        if options["output"]:
            from openpyxl import Workbook

            book = Workbook(write_only=True)
            sheet = book.create_sheet("宣传覆盖")
            sheet.append(HEADERS)
            for row in table:
                sheet.append([escape_cell(v) for v in row])
            book.save(options["output"])
            self.stdout.write(f"{len(table)} enterprise(s) written to {options['output']}.")
            return
        writer = csv.writer(self.stdout)
        writer.writerow(HEADERS)
        writer.writerows([escape_cell(v) for v in row] for row in table)  # a name read as a formula: escaped

    def _day(self, raw, name, next_day=False):
        if not raw:
            return None
        try:
            day = parse_date(raw)
        except ValueError:
            day = None
        if day is None:
            raise CommandError(f"{name}: give a date as YYYY-MM-DD.")
        return datetime.combine(day + timedelta(days=1) if next_day else day, time(), SHANGHAI)
