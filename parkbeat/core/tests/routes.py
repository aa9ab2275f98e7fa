"""The URL configuration as a flat list of routes, for the deny-by-default, CSRF and coverage harnesses.

Walking `get_resolver()` (not a hand-kept list) means a route added tomorrow is checked tomorrow.
"""
import importlib
import importlib.util
import pkgutil
import re
import uuid
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, PathConverter, SlugConverter, StringConverter, UUIDConverter

import parkbeat

# Routes outside the permission system: Django's language switch and static files.
IGNORED = {"set_language"}
IGNORED_PREFIXES = ("static/", "media/", "__debug__/")
UNSAFE = {"post", "put", "patch", "delete"}
SAMPLES = {IntConverter: 1, SlugConverter: "sample", StringConverter: "sample", PathConverter: "sample",
           UUIDConverter: uuid.UUID(int=1)}


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", or the pattern when the route has no name
    pattern: str
    callback: object
    converters: tuple  # (kwarg name, converter or None for a regex group)
    named: bool = True

    @property
    def is_api(self):
        return self.pattern.startswith("api/")

    @property
    def view_class(self):
        return getattr(self.callback, "cls", None) or getattr(self.callback, "view_class", None)

    @property
    def methods(self):
        """The HTTP methods the view answers (viewsets: the router's action map), lower case."""
        actions = getattr(self.callback, "actions", None)
        if actions:
            return frozenset(actions)
        cls = self.view_class
        if cls is None:  # a plain function view: GET unless it says otherwise
            allowed = getattr(self.callback, "http_method_names", None)
            return frozenset(allowed or ["get"]) - {"options", "head"}
        return frozenset(m for m in cls.http_method_names if m not in ("options", "head") and hasattr(cls, m))

    @property
    def unsafe_methods(self):
        return self.methods & UNSAFE

    def sample_kwargs(self, value=None):
        """Path arguments filled with sample values (1 for numbers, "sample" for text), or `value` for all."""
        kwargs = {}
        for name, converter in self.converters:
            if value is not None:
                kwargs[name] = value
            else:
                kwargs[name] = SAMPLES.get(type(converter), 1) if converter is not None else 1
        return kwargs

    def sample_path(self, value=None):
        kwargs = self.sample_kwargs(value)
        if self.named:
            return reverse(self.name, kwargs=kwargs)
        path = self.pattern.replace("^", "").replace("$", "")
        for name, _converter in self.converters:
            path = re.sub(r"<(?:\w+:)?%s>|\(\?P<%s>[^)]*\)" % (name, name), str(kwargs[name]), path)
        return "/" + path


def _converters(pattern):
    converters = getattr(pattern, "converters", None)
    if converters is not None:  # a RoutePattern
        names = re.findall(r"<(?:\w+:)?(\w+)>", str(pattern))
        return tuple((name, converters.get(name)) for name in names)
    return tuple((name, None) for name in pattern.regex.groupindex)


def _walk(resolver, prefix="", namespace=None, converters=()):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry, prefix + str(entry.pattern), ns, converters + _converters(entry.pattern))
        elif isinstance(entry, URLPattern):
            pattern = prefix + str(entry.pattern)
            name = (f"{namespace}:{entry.name}" if namespace else entry.name) if entry.name else pattern
            yield Route(name=name, pattern=pattern, callback=entry.callback,
                        converters=converters + _converters(entry.pattern), named=bool(entry.name))


def all_routes():
    """Every route of the project, minus the language switch and static files."""
    routes = []
    for route in _walk(get_resolver()):
        if route.name in IGNORED or route.pattern.startswith(IGNORED_PREFIXES):
            continue
        routes.append(route)
    return routes


def declared_coverage():
    """Route name -> the test modules that declare (in `COVERS`) a permission test for it.

    Every test module under parkbeat/ whose source says `COVERS = ...` is imported and its set is read,
    so the registry is whatever the tests themselves claim, and a claim must name a real route.
    """
    covered = {}
    for info in pkgutil.walk_packages(parkbeat.__path__, prefix="parkbeat."):
        leaf = info.name.rsplit(".", 1)[-1]
        if ".tests." not in f"{info.name}." or not leaf.startswith("test_"):
            continue
        spec = importlib.util.find_spec(info.name)
        with open(spec.origin, encoding="utf-8") as source:
            if "COVERS = " not in source.read():
                continue
        module = importlib.import_module(info.name)
        for name in getattr(module, "COVERS", ()):
            covered.setdefault(name, set()).add(info.name)
    return covered
