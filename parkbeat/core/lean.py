"""Lean list reads: the rows of a list page as plain dicts from `values_list()`, shaped exactly as the list
serializer's `to_representation` shapes them, without a model instance or a DRF field lookup per cell.

The plan of a serializer class (which columns to read, one small converter per field) is derived once from
the serializer's own fields and cached, so the serializer stays the one definition of the representation:
a field converts through its own `to_representation` unless it is one of DRF's plain classes (then a
shortcut with the same result). Relations read one extra query per page (many-to-many ids, nested lists).
What cannot be derived (a SerializerMethodField, a property) is declared with `declare()`; a serializer
with an undeclared one raises `LeanUnsupported` and the caller falls back to DRF
(`lean_or_none`). parkbeat/core/tests/test_lean.py compares the two outputs row by row.
"""
import datetime
import inspect
import threading
import types
from functools import lru_cache

import orjson
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from rest_framework import fields as drf_fields
from rest_framework import relations, serializers
from rest_framework.fields import empty
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from parkbeat.core.pagination import keyed_page

_SKIP = object()  # a key DRF leaves out (SkipField)
_page = threading.local()  # the current time zone, read once per page (Plan.shape), not once per cell


class LeanUnsupported(Exception):
    """The serializer has a field the lean path cannot read from columns (and no declaration)."""


class Computed:
    """A field computed from columns: `build(values)` gets a dict of `columns` (lookups, e.g. "park__name")."""

    def __init__(self, columns, build):
        self.columns, self.build = tuple(columns), build


class _Attributes:
    """Columns as attributes, the model class behind them: a property or method of the model runs on it
    unchanged (its own code, not a copy)."""

    def __init__(self, model, values):
        self.__dict__.update(values)
        self._model = model

    def __getattr__(self, name):
        static = inspect.getattr_static(self._model, name)
        if isinstance(static, property):
            return static.fget(self)
        if isinstance(static, types.FunctionType):
            return types.MethodType(static, self)
        return getattr(self._model, name)


def from_model(model, columns, compute):
    """A Computed that runs `compute(obj)` on the columns seen as attributes of a `model` instance, e.g.
    from_model(Dispute, (...), lambda d: Dispute.seconds_at(d, "park"))."""
    return Computed(columns, lambda values: compute(_Attributes(model, values)))


def from_property(model, attribute, columns):
    """The model's property `attribute`, computed from `columns` by the property's own code."""
    getter = getattr(model, attribute).fget
    return from_model(model, columns, getter)


class Method:
    """A SerializerMethodField computed by the serializer's own method, given `columns` as the attributes of
    the object (the method must read only those, and no request)."""

    def __init__(self, columns):
        self.columns = tuple(columns)


def method(*columns):
    return Method(columns)


def _display(model_field):
    """Computed for get_<field>_display: the choice label, as Model._get_FIELD_display gives it."""
    from django.utils.encoding import force_str

    choices = dict(model_field.flatchoices)
    return Computed((model_field.name,), lambda v: force_str(choices.get(v[model_field.name],
                                                                         v[model_field.name]),
                                                             strings_only=True))


# (model label, attribute) -> Computed, for properties a source names (e.g. holder.display_name); the lookup
# prefix of the relation is added when the plan is built. Apps add theirs with declare_property().
PROPERTIES = {}

_DECLARED = {}  # serializer class -> {field name: Computed}


def declare(serializer_class, **computed):
    """Lean equivalents of fields the plan cannot derive (a SerializerMethodField): name=Computed(...)."""
    _DECLARED.setdefault(serializer_class, {}).update(computed)
    plan_for.cache_clear()


def declare_property(model, attribute, columns):
    """A property of `model` a serializer names in a source (e.g. Incident.number): the columns it reads."""
    computed = columns if isinstance(columns, Computed) else from_property(model, attribute, columns)
    PROPERTIES[(model._meta.label, attribute)] = computed
    plan_for.cache_clear()


# ---------------------------------------------------------------- converters (value is never None here)
def _same_method(field, cls, name="to_representation"):
    return getattr(type(field), name) is getattr(cls, name)


def _str(value):
    return value if value.__class__ is str else str(value)


def _int(value):
    return value if value.__class__ is int else int(value)


def _datetime_converter(field):
    fmt = getattr(field, "format", drf_fields.api_settings.DATETIME_FORMAT)
    if fmt is None or fmt.lower() != drf_fields.ISO_8601 or hasattr(field, "timezone"):
        return field.to_representation

    def convert(value):
        if value.__class__ is not datetime.datetime or value.tzinfo is None:
            return field.to_representation(value)
        text = value.astimezone(_page.tz).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    return convert


def _choice_converter(field):
    lookup = field.choice_strings_to_values

    def convert(value):
        if value == "":
            return value
        return lookup.get(str(value), value)
    return convert


def converter(field):
    """The field's own to_representation, or a shortcut when it is DRF's plain one (same output)."""
    if isinstance(field, drf_fields.ChoiceField) and _same_method(field, drf_fields.ChoiceField):
        return _choice_converter(field)
    if isinstance(field, drf_fields.CharField) and _same_method(field, drf_fields.CharField):
        return _str
    if isinstance(field, drf_fields.IntegerField) and _same_method(field, drf_fields.IntegerField):
        return _int
    if isinstance(field, drf_fields.DateTimeField) and _same_method(field, drf_fields.DateTimeField):
        return _datetime_converter(field)
    if isinstance(field, drf_fields.JSONField) and _same_method(field, drf_fields.JSONField) and not field.binary:
        return lambda value: value
    return field.to_representation


# ---------------------------------------------------------------- the plan
class _Columns:
    """The values_list() columns of a plan, each read once."""

    def __init__(self):
        self.names = []

    def index(self, lookup):
        if lookup not in self.names:
            self.names.append(lookup)
        return self.names.index(lookup)


def _missing(field):
    """What DRF gives when an object on the source's path is None (Field.get_attribute)."""
    if field.default is not empty:
        default = field.get_default()
        return None if default is None else field.to_representation(default)
    if field.allow_null:
        return None
    if not field.required:
        return _SKIP
    raise LeanUnsupported(f"{field.field_name}: a required field behind a null relation")


def _walk(model, attrs):
    """(lookup, nullable hop lookups, last model field or None, model of the last attribute)."""
    path, hops = [], []
    for position, attr in enumerate(attrs):
        last = position == len(attrs) - 1
        try:
            f = model._meta.get_field(attr)
        except FieldDoesNotExist:
            if last:
                return "__".join(path), hops, None, model, attr
            raise LeanUnsupported(f"{attr}: not a field of {model._meta.label}") from None
        path.append(f.name)
        if last:
            return "__".join(path), hops, f, model, attr
        if not (f.is_relation and (f.many_to_one or f.one_to_one) and f.concrete):
            raise LeanUnsupported(f"{attr}: only forward relations on a source path")
        if f.null:
            hops.append("__".join(path))
        model = f.related_model
    raise LeanUnsupported("an empty source")


class _Relation:
    """Rows of a to-many relation for one page: one query, grouped by the parent's primary key."""

    def __init__(self, parent_model, model_field, child_plan=None):
        self.child_plan = child_plan
        if isinstance(model_field, models.ManyToManyField):  # forward many-to-many
            self.model = model_field.related_model
            self.link = model_field.related_query_name()
        elif model_field.one_to_many or model_field.many_to_many:  # reverse FK / reverse m2m
            self.model = model_field.related_model
            self.link = model_field.field.name
        else:
            raise LeanUnsupported(f"{model_field.name}: not a to-many relation")

    def fetch(self, parent_ids):
        groups = {pk: [] for pk in parent_ids}
        if not parent_ids:
            return groups
        qs = self.model._default_manager.filter(**{f"{self.link}__in": parent_ids})
        if self.child_plan is None:
            for parent, pk in qs.values_list(self.link, "pk"):
                groups[parent].append(pk)
        else:
            plan = self.child_plan
            found = list(qs.values_list(self.link, *plan.columns))
            shaped = plan.shape([values[1:] for values in found])  # one page of children: its relations once
            for values, item in zip(found, shaped):
                groups[values[0]].append(item)
        return groups


class Plan:
    """How to read and shape the rows of one serializer class (built once, see `plan_for`)."""

    def __init__(self, serializer_class):
        self.serializer_class = serializer_class
        if serializer_class.to_representation is not serializers.Serializer.to_representation:
            raise LeanUnsupported(f"{serializer_class.__name__} overrides to_representation")
        probe = serializer_class(instance=[], context={})  # the list's child sees a list as its instance
        model = probe.Meta.model
        self.model = model
        declared = {}
        for cls in reversed(serializer_class.__mro__):
            declared.update(_DECLARED.get(cls, {}))
        cols = _Columns()
        self.pk_index = cols.index("pk")
        self.builders = []  # (key, build(row, related) -> value or _SKIP)
        self.relations = []  # (key, _Relation)
        for field in probe._readable_fields:
            name = field.field_name
            spec = declared.get(name)
            if isinstance(spec, Method):
                bound = getattr(probe, field.method_name)
                spec = from_model(model, spec.columns, bound)
            if spec is not None:
                self.builders.append((name, self._computed(spec, "", cols)))
            else:
                self.builders.append((name, self._field(field, model, cols)))
        self.columns = tuple(cols.names)

    def _computed(self, computed, prefix, cols, missing=None, hops=()):
        indices = {column: cols.index(prefix + column) for column in computed.columns}
        hop_indices = [cols.index(h) for h in hops]
        build = computed.build

        def read(row, related):
            if any(row[i] is None for i in hop_indices):
                return missing
            return build({column: row[i] for column, i in indices.items()})
        return read

    def _field(self, field, model, cols):
        name = field.field_name
        if isinstance(field, serializers.SerializerMethodField) or field.source == "*":
            raise LeanUnsupported(f"{self.serializer_class.__name__}.{name}: declare a lean equivalent")
        if isinstance(field, relations.ManyRelatedField):
            child = field.child_relation
            if not (isinstance(child, relations.PrimaryKeyRelatedField) and child.pk_field is None
                    and _same_method(child, relations.PrimaryKeyRelatedField)):
                raise LeanUnsupported(f"{name}: only primary keys of a to-many relation")
            return self._to_many(field, model, None)
        if isinstance(field, serializers.ListSerializer):
            return self._to_many(field, model, plan_for(type(field.child)))
        if isinstance(field, serializers.BaseSerializer):
            raise LeanUnsupported(f"{name}: a nested object")
        if type(field).get_attribute not in (drf_fields.Field.get_attribute, relations.RelatedField.get_attribute):
            raise LeanUnsupported(f"{name}: its own get_attribute")
        lookup, hops, model_field, owner, attr = _walk(model, field.source_attrs)
        if model_field is None:  # a property (declared in PROPERTIES) or get_<field>_display
            computed = PROPERTIES.get((owner._meta.label, attr))
            if computed is None and attr.startswith("get_") and attr.endswith("_display"):
                try:
                    shown = owner._meta.get_field(attr[4:-8])
                except FieldDoesNotExist:
                    shown = None
                if shown is not None and shown.flatchoices and getattr(owner, attr, None) is not None:
                    computed = _display(shown)
            if computed is None:
                raise LeanUnsupported(f"{name}: {owner._meta.label}.{attr} is not a column")
            missing = _missing(field) if hops else None
            convert = converter(field)
            read = self._computed(computed, f"{lookup}__" if lookup else "", cols, missing, hops)

            def read_property(row, related):
                value = read(row, related)
                return value if value is None or value is _SKIP else convert(value)
            return read_property
        if isinstance(field, relations.RelatedField):
            if not (isinstance(field, relations.PrimaryKeyRelatedField) and field.pk_field is None
                    and _same_method(field, relations.PrimaryKeyRelatedField)
                    and model_field.is_relation and model_field.many_to_one):
                raise LeanUnsupported(f"{name}: only a primary key of a foreign key")
            index = cols.index(lookup)  # values_list gives the foreign key's id; a null one is None
            hop_indices = [cols.index(h) for h in hops]
            missing = _missing(field) if hops else None

            def read_pk(row, related):
                for i in hop_indices:
                    if row[i] is None:
                        return missing
                return row[index]
            return read_pk
        if model_field.is_relation and (not model_field.concrete or attr != model_field.attname):
            raise LeanUnsupported(f"{name}: a relation as a plain value")  # DRF would give str(object)
        index = cols.index(lookup)
        convert = converter(field)
        if not hops:
            def read_column(row, related):
                value = row[index]
                return None if value is None else convert(value)
            return read_column
        hop_indices = [cols.index(h) for h in hops]
        missing = _missing(field)

        def read_joined(row, related):
            for i in hop_indices:
                if row[i] is None:
                    return missing
            value = row[index]
            return None if value is None else convert(value)
        return read_joined

    def _to_many(self, field, model, child_plan):
        if len(field.source_attrs) != 1:
            raise LeanUnsupported(f"{field.field_name}: a to-many relation on a path")
        try:
            model_field = model._meta.get_field(field.source_attrs[0])
        except FieldDoesNotExist:
            raise LeanUnsupported(f"{field.field_name}: not a relation of {model._meta.label}") from None
        if child_plan is not None and child_plan.model is not model_field.related_model:
            raise LeanUnsupported(f"{field.field_name}: the nested serializer's model differs")
        key = len(self.relations)
        self.relations.append(_Relation(model, model_field, child_plan))
        pk_index = self.pk_index

        def read_many(row, related):
            return related[key][row[pk_index]]
        return read_many

    def shape(self, rows):
        """Serializer-shaped dicts of `rows` (tuples of `self.columns`)."""
        if not rows:
            return []
        _page.tz = timezone.get_current_timezone()
        related = [relation.fetch([row[self.pk_index] for row in rows]) for relation in self.relations]
        builders = self.builders
        out = []
        for row in rows:
            item = {}
            for key, build in builders:
                value = build(row, related)
                if value is not _SKIP:
                    item[key] = value
            out.append(item)
        return out


def default_properties():
    from django.contrib.auth import get_user_model

    user = get_user_model()
    if hasattr(user, "display_name"):
        PROPERTIES.setdefault((user._meta.label, "display_name"),
                              from_property(user, "display_name", ("full_name", "username")))


@lru_cache(maxsize=None)
def plan_for(serializer_class):
    default_properties()
    return Plan(serializer_class)


def lean_or_none(serializer_class):
    """The plan, or None when the serializer cannot be read lean (the caller serializes with DRF)."""
    try:
        return plan_for(serializer_class)
    except LeanUnsupported:
        return None


# ---------------------------------------------------------------- rows for a paginator
class LeanRows:
    """A sliceable view of a queryset whose slices are serializer-shaped dicts (what a paginator needs).

    `count()` counts the filtered queryset itself (without the joins the shown columns need);
    `count_queryset` is what core.pagination's bounded count counts.
    """

    ordered = True

    def __init__(self, queryset, serializer_class, plan=None):
        self.plan = plan or plan_for(serializer_class)
        self.count_queryset = queryset
        self.queryset = queryset.prefetch_related(None).values_list(*self.plan.columns)
        self.ordered = queryset.ordered

    def count(self):
        return self.count_queryset.count()

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        if isinstance(index, slice):
            page = keyed_page(self.queryset, index.start or 0, index.stop, keys_from=self.count_queryset)
            return self.plan.shape(list(page))
        return self.plan.shape([self.queryset[index]])[0]

    def __iter__(self):
        return iter(self.plan.shape(list(self.queryset)))


def lean_rows(queryset, serializer_class):
    return LeanRows(queryset, serializer_class)


def rows(queryset, serializer_class):
    """Every row of `queryset` shaped as `serializer_class` shapes it (for a bounded queryset)."""
    plan = plan_for(serializer_class)
    return plan.shape(list(queryset.prefetch_related(None).values_list(*plan.columns)))


# ---------------------------------------------------------------- rendering
def _default(value):
    from decimal import Decimal

    if isinstance(value, Decimal):
        return str(value)
    return str(value)  # lazy translations and the like, as DRF's encoder does


class LeanResponse(Response):
    """A Response whose JSON is written by orjson (the browsable renderer still works as before)."""

    @property
    def rendered_content(self):
        renderer = getattr(self, "accepted_renderer", None)
        if type(renderer) is JSONRenderer and self.data is not None:
            self["Content-Type"] = self.content_type or "application/json"
            return orjson.dumps(self.data, default=_default)
        return super().rendered_content


class LeanListMixin:
    """list() through the lean path when the list serializer allows it, else DRF as before.

    The page rows are the same dicts `serializer_class(...).data` would give; the response is written
    by orjson. Put it before the DRF viewset in the bases."""

    lean_enabled = True  # False: the DRF path (the test of identical output compares the two)

    def lean_serializer_class(self):
        return self.get_serializer_class()

    def list(self, request, *args, **kwargs):
        plan = lean_or_none(self.lean_serializer_class()) if self.lean_enabled else None
        if plan is None:
            return super().list(request, *args, **kwargs)
        queryset = self.filter_queryset(self.get_queryset())
        lean = LeanRows(queryset, None, plan=plan)
        page = self.paginate_queryset(lean)
        if page is None:
            return LeanResponse(list(lean))
        response = self.get_paginated_response(page)
        return LeanResponse(response.data, status=response.status_code, headers=dict(response.items()))
