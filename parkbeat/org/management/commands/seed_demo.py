"""`manage.py seed_demo`: the demo station, or with --stations/--enterprises a city for benchmarks.

Each app's `demo.py` writes its own rows; `parkbeat.core.demo` runs them in order. The command stays in org
because what it checks is org's: whether the demo station is there, and how many stations fit the city.
"""
import os
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from parkbeat.core import demo
from parkbeat.org import demo as org_demo
from parkbeat.org.models import Role

PER_PARK_MINIMUM = 20  # the demo station's parks need enough active enterprises for four volunteer teams each


class Command(BaseCommand):
    help = "Seed the demo station 马家河派出所 (demo mode only). Safe to run again: existing data is kept."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
        parser.add_argument("--stations", type=int, default=1, help="police stations, three parks each (default 1)")
        parser.add_argument("--enterprises", type=int, default=900, help="enterprises over all parks (default 900)")
        parser.add_argument("--no-accounts", dest="list_accounts", action="store_false",
                            help="leave out the list of demo accounts (make run prints it beside the address)")

    def handle(self, *args, seed, stations, enterprises, list_accounts=True, **options):
        if not settings.DEMO_MODE:
            raise CommandError("演示数据只能在演示模式下生成：请设置 PARKBEAT_DEMO=1。"
                               " / Demo data is only seeded in demo mode: set PARKBEAT_DEMO=1.")
        if not 1 <= stations <= org_demo.MAX_STATIONS:
            raise CommandError(f"--stations must be between 1 and {org_demo.MAX_STATIONS}.")
        if enterprises < PER_PARK_MINIMUM * 3 * stations:
            raise CommandError(f"--enterprises must be at least {PER_PARK_MINIMUM * 3 * stations} "
                               f"({PER_PARK_MINIMUM} per park).")
        now = timezone.now()
        if org_demo.demo_station() is not None:
            self.stdout.write(f"Demo data is already present ({org_demo.DEMO_STATION}); "
                              "checking the demo accounts only.")
            demo.refresh(now=now)
        else:
            started = time.monotonic()
            counts = demo.seed(seed=seed, stations=stations, enterprises=enterprises, now=now,
                               log=lambda message: self.stdout.write(f"[{time.monotonic() - started:6.1f}s] {message}"))
            self.stdout.write(self.style.SUCCESS(f"Seeded in {time.monotonic() - started:.1f}s:"))
            for name, count in counts.items():
                self.stdout.write(f"  {count:>7} {name}")
        if not list_accounts:
            return
        self.stdout.write("Demo accounts:")
        for username, _name, role, _place in demo.accounts():
            self.stdout.write(f"  {username:<14} {role:<15} {Role(role).label}")
        # Echo the password only when it is the documented default, never one set in the environment.
        hint = settings.DEMO_PASSWORD
        if "PARKBEAT_DEMO_PASSWORD" in os.environ:
            hint = "the value of PARKBEAT_DEMO_PASSWORD"
        self.stdout.write(f"Password of every demo account: {hint}")
