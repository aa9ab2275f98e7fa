"""`manage.py seed_demo`: the demo station, or with --stations/--enterprises a city for benchmarks, and with
--incidents/--disputes three years of that city's cases written in bulk (parkbeat.org.city).

Each app's `demo.py` writes its own rows; `parkbeat.core.demo` runs them in order. The command stays in org
because what it checks is org's: whether the demo station is there, and how many stations fit the city.
"""
import os
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from parkbeat.audit.services import record
from parkbeat.core import demo
from parkbeat.org import city
from parkbeat.org import demo as org_demo
from parkbeat.incidents.models import Incident
from parkbeat.org.models import OrgUnit, Role

PER_PARK_MINIMUM = 20  # the demo station's parks need enough active enterprises for four volunteer teams each


class Command(BaseCommand):
    help = ("Seed the demo station 马家河派出所 (demo mode only). Safe to run again: existing data is kept. "
            "With --stations/--enterprises the city around it; with --incidents/--disputes three years of the "
            "whole city's cases in bulk, e.g. --stations 50 --enterprises 50000 --incidents 1000000 "
            "--disputes 200000 (with the patrols' last month: 10 GPS track points per incident unless "
            "--track-points says otherwise), plus the accounts cityleader (the whole city) and branchleader (天元分局).")

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
        parser.add_argument("--stations", type=int, default=1, help="police stations, three parks each (default 1)")
        parser.add_argument("--enterprises", type=int, default=900, help="enterprises over all parks (default 900)")
        parser.add_argument("--incidents", type=int, default=0,
                            help="city scale: incidents over three years in every park (default 0: the demo's only)")
        parser.add_argument("--disputes", type=int, default=0,
                            help="city scale: disputes, about two in five from those incidents (default 0)")
        parser.add_argument("--visits", type=int, default=None,
                            help="city scale: enterprise visits (default 3 per 10 incidents)")
        parser.add_argument("--demands", type=int, default=None,
                            help="city scale: enterprise demands (诉求) (default 6 per 100 incidents)")
        parser.add_argument("--track-points", type=int, default=None,
                            help="city scale: GPS track points of the patrols' last month of runs "
                                 f"(default {city.Sizes.TRACK_POINTS_PER_INCIDENT} per incident)")
        parser.add_argument("--no-accounts", dest="list_accounts", action="store_false",
                            help="leave out the list of demo accounts (make run prints it beside the address)")

    def handle(self, *args, seed, stations, enterprises, incidents=0, disputes=0, visits=None, demands=None,
               track_points=None, list_accounts=True, **options):
        if not settings.DEMO_MODE:
            raise CommandError("演示数据只能在演示模式下生成：请设置 PARKBEAT_DEMO=1。"
                               " / Demo data is only seeded in demo mode: set PARKBEAT_DEMO=1.")
        if not 1 <= stations <= org_demo.MAX_STATIONS:
            raise CommandError(f"--stations must be between 1 and {org_demo.MAX_STATIONS}.")
        if enterprises < PER_PARK_MINIMUM * 3 * stations:
            raise CommandError(f"--enterprises must be at least {PER_PARK_MINIMUM * 3 * stations} "
                               f"({PER_PARK_MINIMUM} per park).")
        if min(incidents, disputes, visits or 0, demands or 0, track_points or 0) < 0:
            raise CommandError("--incidents, --disputes, --visits, --demands and --track-points cannot be negative.")
        sizes = city.Sizes(incidents, disputes, visits, demands, track_points) if incidents or disputes else None
        now = timezone.now()
        started = time.monotonic()
        log = lambda message: self.stdout.write(f"[{time.monotonic() - started:6.1f}s] {message}")  # noqa: E731
        if org_demo.demo_station() is not None:
            if sizes is None:
                self.stdout.write(f"Demo data is already present ({org_demo.DEMO_STATION}); "
                                  "checking the demo accounts only.")
                demo.refresh(now=now)
            elif self._city_present(sizes, seed, stations):
                self.stdout.write(f"The city is already built with these sizes ({city.built_note()}); "
                                  "nothing added.")
            else:
                log("the demo station is there: adding the city's cases on top")
                demo.refresh(now=now)
                self._build_city(sizes, seed, stations, enterprises, now, log, started)
        else:
            counts = demo.seed(seed=seed, stations=stations, enterprises=enterprises, now=now, log=log)
            self.stdout.write(self.style.SUCCESS(f"Seeded in {time.monotonic() - started:.1f}s:"))
            for name, count in counts.items():
                self.stdout.write(f"  {count:>7} {name}")
            if sizes is not None:
                self._build_city(sizes, seed, stations, enterprises, now, log, started)
        if not list_accounts:
            return
        self.stdout.write("Demo accounts:")
        present = set(get_user_model().objects.filter(
            username__in=[row[0] for row in demo.CITY_ACCOUNTS]).values_list("username", flat=True))
        for username, _name, role, _place in [*demo.accounts(), *(r for r in demo.CITY_ACCOUNTS if r[0] in present)]:
            self.stdout.write(f"  {username:<14} {role:<15} {Role(role).label}")
        # Echo the password only when it is the documented default, never one set in the environment.
        hint = settings.DEMO_PASSWORD
        if "PARKBEAT_DEMO_PASSWORD" in os.environ:
            hint = "the value of PARKBEAT_DEMO_PASSWORD"
        self.stdout.write(f"Password of every demo account: {hint}")

    def _city_present(self, sizes, seed, stations):
        """True when this city is built already; refuses a different or half-finished one, and a database
        whose stations do not match (the stations are only laid out on an empty database)."""
        note = city.built_note()
        if note is not None:
            if note.startswith(sizes.note(seed)):
                return True
            raise CommandError(f"This database already holds a city built as \"{note}\". To build one of other "
                               "sizes, start from an empty database (a new PARKBEAT_VAR_DIR or DATABASE_URL).")
        station = org_demo.demo_station()
        if Incident.objects.exclude(park__station=station).exists():
            raise CommandError("A city build was interrupted in this database (cases outside the demo station, "
                               "but no record of a finished build). Start from an empty database.")
        have = OrgUnit.objects.filter(kind=OrgUnit.Kind.STATION).count()
        if have != stations:
            raise CommandError(f"This database has {have} station(s), not {stations}: stations and enterprises "
                               "are laid out only on an empty database. Start from an empty one, or pass "
                               f"--stations {have}.")
        return False

    def _build_city(self, sizes, seed, stations, enterprises, now, log, started):
        ctx = demo.DemoContext(now=now, seed=seed, stations=stations, enterprises=enterprises, log=log)
        counts = city.build(ctx, sizes, log=log)
        record(actor=None, verb="import", object_type="demo", object_repr="demo city",
               note=sizes.note(seed) + " · " + ", ".join(f"{v} {k}" for k, v in counts.items()))
        self.stdout.write(self.style.SUCCESS(f"City built in {time.monotonic() - started:.1f}s:"))
        for table, count in counts.items():
            self.stdout.write(f"  {count:>9} {table}")
