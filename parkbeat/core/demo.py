"""Demo data: the runner of the apps' `demo.py` modules, and the few helpers they share.

Each app seeds its own demo rows in `<app>/demo.py`, which declares
- `REQUIRES`: the labels of the apps whose demo rows it builds on; it runs after them;
- `seed(ctx) -> dict[str, int]`: writes its rows and returns their counts, for the summary and the audit note;
- optionally `refresh(ctx)`: repairs its demo accounts when the demo is there already (a second run adds nothing);
- optionally `ACCOUNTS`: (username, full name or None, role, place key) of its demo accounts, for the listing.
Core finds the modules through the app registry and names no domain app, so a new area only adds a module.

Each topic ("stations", "enterprises", "liaisons", ...) draws from its own `random.Random(f"{seed}:{topic}")`,
so the same seed always gives the same data and changing one topic leaves the others as they were.
Only demo and benchmark databases get this data: the command refuses to run outside demo mode.
"""
import math
import random
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from importlib import import_module
from types import ModuleType
from typing import Callable

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.module_loading import module_has_submodule
from stdnum.cn import ric

from parkbeat.audit.services import record
from parkbeat.core.roles import Role


# ------------------------------------------------------------------ the run
@dataclass
class DemoContext:
    """One run's settings, its random generators and what each module hands to those after it.

    `shared`, filled in module order (a module reads only what the apps in its REQUIRES put there):
      "station"         org: the demo station (an OrgUnit)
      "park_plans"      org: the ParkPlan of every park of the city, demo station first
      "parks"           org: the Park rows, in the same order
      "demo_parks"      org: the demo station's three parks
      "agencies"        org: the demo station's agencies by kind
      "accounts"        org, enterprises, volunteers: username -> User, each adding its own demo accounts
      "password"        org (ensure_accounts): the demo password's one hash, shared by every account
      "active"          enterprises: for each demo park, its active enterprises (saved rows, in id order)
      "teams"           volunteers: the demo station's volunteer teams
      "incident_plans"  incidents: the IncidentPlan of every demo incident (the incident and its steps)
    """

    now: datetime
    seed: int = 2026
    stations: int = 1
    enterprises: int = 900
    log: Callable[[str], None] = lambda message: None
    shared: dict = field(default_factory=dict)
    _rngs: dict = field(default_factory=dict, init=False, repr=False)

    def rng(self, topic):
        """The topic's one generator for the run: a second module drawing from it continues its sequence."""
        if topic not in self._rngs:
            self._rngs[topic] = random.Random(f"{self.seed}:{topic}")
        return self._rngs[topic]


@dataclass(frozen=True)
class DemoModule:
    app: str  # app label
    module: ModuleType
    requires: tuple


def run_order(modules):
    """`modules` ({app label: module}, in INSTALLED_APPS order) ordered so that each runs after its REQUIRES.

    Of the modules ready to run, the first in INSTALLED_APPS order goes first, so the order is stable.
    A label that names no demo module, or modules requiring each other in a circle, are refused.
    """
    requires = {label: tuple(getattr(module, "REQUIRES", ())) for label, module in modules.items()}
    for label, needs in requires.items():
        unknown = [need for need in needs if need not in modules]
        if unknown:
            raise ImproperlyConfigured(f"{label}.demo requires {', '.join(unknown)}: no installed app has such "
                                       "a demo module.")
    order = []
    while len(order) < len(modules):
        ready = next((label for label in modules if label not in order and set(requires[label]) <= set(order)),
                     None)
        if ready is None:
            stuck = [label for label in modules if label not in order]
            raise ImproperlyConfigured(f"the demo modules of {', '.join(stuck)} require each other in a circle.")
        order.append(ready)
    return [DemoModule(label, modules[label], requires[label]) for label in order]


def demo_modules():
    """Every installed app's `demo.py` but core's own (this module), in the order they run."""
    found = {}
    for config in apps.get_app_configs():
        if config.name != __package__ and module_has_submodule(config.module, "demo"):
            found[config.label] = import_module(f"{config.name}.demo")
    return run_order(found)


def seed(*, seed=2026, stations=1, enterprises=900, now=None, log=lambda message: None):
    """Run every module's `seed` in order, in one transaction, and record the import in the audit trail.

    The caller checks demo mode and that the demo is not there yet. Returns the counts in module order;
    a name counted by several modules (demo accounts, notifications) adds up and comes last.
    """
    ctx = DemoContext(now=now or timezone.now(), seed=seed, stations=stations, enterprises=enterprises, log=log)
    found = {}
    with transaction.atomic():
        for module in demo_modules():
            counted = module.module.seed(ctx)
            log(f"{module.app}: " + (", ".join(f"{count} {name}" for name, count in counted.items()) or "done"))
            for name, count in counted.items():
                found.setdefault(name, []).append(count)
        counts = {name: sum(found[name]) for name in sorted(found, key=lambda name: len(found[name]) > 1)}
        record(actor=None, verb="import", object_type="demo", object_repr="demo station",
               note=f"seed_demo --seed {seed}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    return counts


def refresh(*, now=None, log=lambda message: None):
    """The second run: each module's `refresh` repairs its demo accounts, in order; nothing is added."""
    ctx = DemoContext(now=now or timezone.now(), log=log)
    with transaction.atomic():
        for module in demo_modules():
            if hasattr(module.module, "refresh"):
                module.module.refresh(ctx)
    return ctx.shared.get("accounts", {})


# The city build's own accounts (parkbeat.org.city): username, full name, role, where (city: the city unit,
# so every station is in scope; branch: the demo station's branch bureau). Listed only where they exist.
CITY_ACCOUNTS = (
    ("cityleader", "周建华", Role.STATION_LEADER, "city"),
    ("branchleader", "段志远", Role.STATION_LEADER, "branch"),
)


def accounts():
    """(username, full name or None, role, place key) of every demo account, in module order."""
    return [row for module in demo_modules() for row in getattr(module.module, "ACCOUNTS", ())]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    name: str
    role: str  # the role's label
    place: str  # where the role is held ("" for the administrators)


def account_listing():
    """Every demo account as the login page and `make run` list it: username, name, role and place as they
    are in the database (a liaison's enterprise, a volunteer's team), in module order; accounts not seeded
    yet are left out (the city build's leaders exist only in a city). Callers check demo mode."""
    rows = accounts() + list(CITY_ACCOUNTS)
    users = {u.username: u for u in get_user_model().objects.filter(username__in=[r[0] for r in rows])}
    assignment = apps.get_model("org", "RoleAssignment")
    held = {(a.user_id, a.role): a for a in assignment.objects.filter(user__in=users.values()).select_related(
        "unit", "park", "agency", "enterprise", "team")}
    listing = []
    for username, _name, role, _key in rows:
        user = users.get(username)
        if user is None:
            continue
        place = getattr(held.get((user.pk, role)), "place", None)
        listing.append(DemoAccount(username, user.full_name or username, Role(role).label, str(place or "")))
    return listing


# ------------------------------------------------------------------ people
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢谭廖贺龙易颜文"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰文辉力斌宇浩凯鹏俊峰晨欣怡婷雪琳颖波海亮春燕新民"
MOBILE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153",
                   "155", "156", "157", "158", "159", "173", "177", "180", "181", "182", "183", "185", "186",
                   "187", "188", "189", "199")


def person_name(rng):
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
    return rng.choice(SURNAMES) + given


def mobile(rng):
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10 ** 8):08d}"


def resident_id(rng):
    """A checksum-valid ID from 天元区 (code 430211 exists since 1983, hence births from 1983)."""
    birth = datetime(1983, 1, 1) + timedelta(days=rng.randrange(21 * 365))
    body = f"430211{birth:%Y%m%d}{rng.randrange(1000):03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum ignores the last character


# ------------------------------------------------------------------ clocks and rows
def at(day, hour, minute=0):
    """`day` at `hour`:`minute` in the current time zone (the station's)."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def lognormal(rng, median, sigma, low, high):
    """A duration-like draw around `median`, clamped to [low, high]."""
    return min(high, max(low, rng.lognormvariate(math.log(median), sigma)))


@contextmanager
def times_as_given(*models):
    """Insert rows with the created/updated times set on them, where auto_now(_add) would stamp the insert
    time: a year of history is inserted in one go instead of inserted and then back-dated row by row."""
    fields = [f for model in models for f in model._meta.concrete_fields
              if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def link(obj):
    """The record's page for an inbox row, or "" where the app's pages are not wired in this build."""
    try:
        return obj.get_absolute_url()
    except NoReverseMatch:
        return ""
