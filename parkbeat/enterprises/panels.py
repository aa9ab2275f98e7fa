"""The enterprise's one file (一企一档): what the apps after enterprises show on its page, by declaration.

Enterprises may not import the apps that build on it (incidents, disputes, the areas to come), so each of
them declares its panel in `<app>/enterprise_file.py`:

    PANELS = (FilePanel(key="incidents", title=_("Incidents"), template="incidents/partials/enterprise_file.html",
                        context=panel_context, shown_to="incidents:incident_list"),)

`context(*, user, enterprise)` returns the panel's context, its rows already scoped to `user` by the app's
own selectors (so a liaison sees their enterprise's, an agency what it joined), with at least `total`;
None shows nothing. The panel appears only to the roles whose navigation reaches `shown_to`. The modules
are found through the app registry, in INSTALLED_APPS order, as core.home finds `home.py`; the page renders
them with `{% enterprise_file enterprise as panels %}` (enterprises/templatetags/enterprise_file.py).
"""
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from typing import Callable

from django.apps import apps
from django.template.loader import render_to_string
from django.utils.module_loading import module_has_submodule

from parkbeat.core.context_processors import reaches

MODULE = "enterprise_file"


@dataclass(frozen=True)
class FilePanel:
    """One block of the enterprise page: a heading figure, recent rows and a link to the filtered list."""

    key: str
    title: str
    template: str
    context: Callable[..., dict | None]
    shown_to: str | None = None  # a list's URL name: the panel shows to the roles its navigation reaches
    icon: str = "folder2"


@cache
def file_panels():
    """Every installed app's declared panels, in INSTALLED_APPS order (read once per process)."""
    found = []
    for config in apps.get_app_configs():
        if config.name.startswith("parkbeat.") and module_has_submodule(config.module, MODULE):
            found += getattr(import_module(f"{config.name}.{MODULE}"), "PANELS", ())
    return tuple(found)


@dataclass(frozen=True)
class ShownPanel:
    panel: FilePanel
    context: dict
    html: str


def panels_for(*, user, enterprise, request=None):
    """The panels `user` sees on `enterprise`'s page, each with its context and its rendered block."""
    shown = []
    for panel in file_panels():
        if panel.shown_to and not reaches(user, panel.shown_to):
            continue
        context = panel.context(user=user, enterprise=enterprise)
        if context is None:
            continue
        context = {"panel": panel, "enterprise": enterprise, **context}
        shown.append(ShownPanel(panel, context, render_to_string(panel.template, context, request=request)))
    return shown
