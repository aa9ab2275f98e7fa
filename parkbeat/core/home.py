"""The home page is composed of what each app declares in its own `home.py`; core knows none of them.

An app's `home.py` may declare
- `CARDS`: a sequence of `Card` (one figure each, linking to the list it counts), with
- `counts(*, user, now)`: the figures of those cards, within the user's scope, in a fixed handful of queries;
- `PANELS`: a sequence of `Panel` (a template fragment, e.g. "my open demands", and its context).
Apps are read in INSTALLED_APPS order, so the order of the cards follows the order of the apps.
"""
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from typing import Callable

from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import module_has_submodule

from parkbeat.core.context_processors import reaches


@dataclass(frozen=True)
class Card:
    """One figure: `key` in its app's counts, a label, the list it opens (URL name + query) and the row it sits in.

    `shown_to` names the page whose navigation roles decide who sees the card (None: everyone who sees the
    home page); by default that is the list the card opens.
    """

    key: str
    label: str
    url: str | None = None
    query: str = ""
    warn: bool = False  # red when not zero
    row: str = "home-counts"
    shown_to: str | None = ""  # "" means: the card's own `url`

    @property
    def audience(self):
        return self.url if self.shown_to == "" else self.shown_to


@dataclass(frozen=True)
class Panel:
    """A block under the cards: `template` rendered with `context(user=...)`, for those `shown_to` reaches."""

    template: str
    context: Callable[..., dict]
    shown_to: str | None = None


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


def _reaches(user, url_name):
    return url_name is None or reaches(user, url_name)


def home_page(*, user, now=None):
    """What the home page shows `user`: rows of (card, value, link), the panels with their context, the counts.

    An app's counts run only when one of its cards is shown, so a role pays for the figures it sees.
    """
    now = now or timezone.now()
    rows, panels, counts = {}, [], {}
    for module in home_modules():
        cards = [card for card in module.cards if _reaches(user, card.audience)]
        if cards and module.counts:
            counts.update(module.counts(user=user, now=now))
        for card in cards:
            href = reverse(card.url) + card.query if card.url else ""
            rows.setdefault(card.row, []).append((card, counts[card.key], href))
        panels += [(panel.template, panel.context(user=user)) for panel in module.panels
                   if _reaches(user, panel.shown_to)]
    return {"rows": rows, "panels": panels, "counts": counts}


def home_counts(*, user, now=None, app=None):
    """Every declared figure for `user` whether or not the page shows it (or only `app`'s): for tests and reports."""
    now = now or timezone.now()
    counts = {}
    for module in home_modules():
        if module.counts and app in (None, module.app):
            counts.update(module.counts(user=user, now=now))
    return counts
