"""The workbench (工作台) is composed of what each app declares in its own `home.py`; core knows none of them.

An app's `home.py` may declare
- `CARDS`: a sequence of `Card` (one figure each, linking to the list filtered to exactly that figure), with
- `counts(*, user, now)`: the figures of those cards, within the user's scope, in a fixed handful of queries;
- `PANELS`: a sequence of `Panel` (a template fragment with the user's own work, e.g. "incidents waiting for
  you" or "my cases", and its context), each for the roles whose work it is.
Apps are read in INSTALLED_APPS order; panels are then sorted by their `order`, so a role's own work comes
first whichever app declares it.
"""
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import import_module
from typing import Callable

from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext as _

from parkbeat.core.context_processors import reaches
from parkbeat.core.scoping import access_for


ROW_ORDER = {"home-admin": 0, "home-cases": 1, "home-counts": 2}  # the cases before the registry's figures


@dataclass(frozen=True)
class Card:
    """One figure: `key` in its app's counts, a label, the list it opens (URL name + query) and the row it sits in.

    The list at `url` + `query` must hold exactly the figure's rows (core/tests/test_home_links.py follows
    every card). `query` may be a callable `(now) -> str` for a period such as "this month".
    `roles`: the roles whose work the figure is (None: every role); `shown_to` names the page whose
    navigation roles must also reach it (None: no such check); by default that is the list the card opens.
    """

    key: str
    label: str
    url: str | None = None
    query: str | Callable[[datetime], str] = ""
    warn: bool = False  # red when not zero
    row: str = "home-counts"
    shown_to: str | None = ""  # "" means: the card's own `url`
    roles: frozenset | None = None
    icon: str = ""

    @property
    def audience(self):
        return self.url if self.shown_to == "" else self.shown_to

    def href(self, now):
        if not self.url:
            return ""
        query = self.query(now) if callable(self.query) else self.query
        return reverse(self.url) + query


@dataclass(frozen=True)
class Panel:
    """A block of the workbench: `template` rendered with `context(user=, now=)` as `panel`.

    Shown to the holders of `roles` (None: every role) whom the navigation gives `shown_to` (None: no such
    check). A context of None hides the panel (nothing of that kind for this user). `order`: lower first
    (0 for a quick action, 10 for what waits for the user, 50 for the rest); `width`: "full" or "half";
    `css`: the static stylesheets it needs, linked once in the page head.
    """

    key: str
    template: str
    context: Callable[..., dict | None]
    roles: frozenset | None = None
    shown_to: str | None = None
    order: int = 50
    width: str = "half"
    css: tuple = ()  # static stylesheets the fragment needs (its app's badges)


@dataclass(frozen=True)
class HomeModule:
    app: str
    cards: tuple
    counts: Callable[..., dict] | None
    panels: tuple


@cache
def home_modules():
    """Every installed app's `home.py`, in INSTALLED_APPS order (read once per process)."""
    found = []
    for config in apps.get_app_configs():
        if not module_has_submodule(config.module, "home") or config.name == __package__:
            continue
        module = import_module(f"{config.name}.home")
        found.append(HomeModule(config.label, tuple(getattr(module, "CARDS", ())),
                                getattr(module, "counts", None), tuple(getattr(module, "PANELS", ()))))
    return tuple(found)


def _shown(user, roles, url_name):
    if roles is not None and not access_for(user).roles & set(roles):
        return False
    return url_name is None or reaches(user, url_name)


def home_page(*, user, now=None):
    """What the workbench shows `user`: rows of (card, value, link), the panels in order, the counts computed.

    An app's counts run only when one of its cards is shown, so a role pays for the figures it sees; a
    panel's context runs only for the roles it is for.
    """
    now = now or timezone.now()
    rows, panels, counts, css = {}, [], {}, []
    for module in home_modules():
        cards = [card for card in module.cards if _shown(user, card.roles, card.audience)]
        if cards and module.counts:
            counts.update(module.counts(user=user, now=now))
        for card in cards:
            rows.setdefault(card.row, []).append((card, counts[card.key], card.href(now)))
        for panel in module.panels:
            if not _shown(user, panel.roles, panel.shown_to):
                continue
            context = panel.context(user=user, now=now)
            if context is not None:
                panels.append({"key": panel.key, "template": panel.template, "context": context,
                               "order": panel.order, "width": panel.width})
                css += [sheet for sheet in panel.css if sheet not in css]
    panels.sort(key=lambda p: p["order"])  # stable: apps' order within one rank
    rows = dict(sorted(rows.items(), key=lambda item: ROW_ORDER.get(item[0], len(ROW_ORDER))))
    return {"rows": rows, "panels": panels, "counts": counts, "css": css}


def home_counts(*, user, now=None, app=None):
    """Every declared figure for `user` whether or not the page shows it (or only `app`'s): for tests and reports."""
    now = now or timezone.now()
    counts = {}
    for module in home_modules():
        if module.counts and app in (None, module.app):
            counts.update(module.counts(user=user, now=now))
    return counts


def home_cards():
    """Every declared card, for tests that follow each card's link."""
    return [card for module in home_modules() for card in module.cards]


# ------------------------------------------------------------------ helpers for the apps' panels
def span_text(seconds):
    """A length of time as the workbench writes it: days and hours, hours and minutes, or minutes and seconds.

    static/core/workbench.js writes it the same way from the same messages (core/partials/countdown.html).
    """
    left = abs(int(seconds))
    days, rest = divmod(left, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return _("%(d)s d %(h)s h") % {"d": days, "h": hours}
    if hours:
        return _("%(h)s h %(m)s min") % {"h": hours, "m": minutes}
    return _("%(m)s min %(s)s s") % {"m": minutes, "s": f"{secs:02d}"}


def remaining(deadline, now):
    """A deadline as the workbench shows it: seconds left (negative when past), the text and a tone
    ("overdue", "soon" within the hour, "ok"). The page shows the text; static/core/workbench.js ticks it."""
    if deadline is None:
        return None
    seconds = int((deadline - now).total_seconds())
    if seconds < 0:
        return {"seconds": seconds, "text": _("%(span)s overdue") % {"span": span_text(seconds)}, "tone": "overdue"}
    return {"seconds": seconds, "text": _("%(span)s left") % {"span": span_text(seconds)},
            "tone": "soon" if seconds < 3600 else "ok"}
