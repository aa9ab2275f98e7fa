"""The audit trail as people read it: objects and people by name, fields by their labels, values by meaning.

Part of the audit floor (core and audit only): the models behind an event are reached through the app
registry by the event's `object_type` ("incidents.Incident"), never imported. A model names its objects
on the trail by an `audit_label` property when it has one, else by `__str__`; `audit_label_related`
(select_related paths) says which relations that label reads, else every foreign key one level deep
and the non-null ones a little deeper. Names are fetched in bulk: one query per model on a page,
whatever the number of events (`Names.resolve`).

Personal data stays masked (SECURITY D2): values of register fields are masked again, and every text
shown passes `core.logging.scrub`, which masks anything that looks like a resident ID or a mobile.
"""
import json
from collections import defaultdict
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parkbeat.core.logging import scrub
from parkbeat.core.personal import mask_for_log
from parkbeat.core.templatetags.parkbeat import format_yuan

SECRET_FIELDS = frozenset({"password", "key_hash"})  # never shown, even to the auditor (SECURITY C5)
SECRET_SHOWN = "******"
EMPTY = "—"
BATCH = 500  # ids per query when names are fetched for an export
# What the trail records that is not a model.
OTHER_TYPES = {
    "demo": gettext_lazy("Demo data"),
    "core.Cleanup": gettext_lazy("Daily clean-up"),
    "core.FieldKeys": gettext_lazy("Field encryption keys"),
}


def model_for(object_type):
    """The model an event's object_type names, or None (a deleted model, "demo", a typo)."""
    if not object_type or object_type.count(".") != 1:
        return None
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def type_label(object_type):
    """"incidents.Incident" → 警情; what is not a model keeps its name."""
    if object_type in OTHER_TYPES:
        return str(OTHER_TYPES[object_type])
    model = model_for(object_type)
    return str(model._meta.verbose_name) if model is not None else object_type


def object_type_choices():
    """The labelled choices of the object type filter, grouped by app: every model of the project
    (no query, so the filter costs nothing on a long trail), then what is not a model."""
    groups = []
    for config in apps.get_app_configs():
        if not config.name.startswith("parkbeat."):
            continue
        entries = sorted(((m._meta.label, str(m._meta.verbose_name)) for m in config.get_models()
                          if not m._meta.auto_created), key=lambda pair: pair[1])
        if entries:
            groups.append((str(config.verbose_name), entries))
    groups.append((_("Other"), [(key, str(label)) for key, label in OTHER_TYPES.items()]))
    return groups


def _label_paths(model, depth=0, prefix="", seen=()):
    """select_related paths for a label: every foreign key one level deep, the non-null ones to depth 3."""
    declared = getattr(model, "audit_label_related", None)
    if declared is not None and depth == 0:
        return list(declared)
    paths = []
    for field in model._meta.concrete_fields:
        if not (field.many_to_one or field.one_to_one) or field.related_model in seen:
            continue
        if depth and field.null:
            continue
        path = f"{prefix}{field.name}"
        paths.append(path)
        if depth < 2:
            paths += _label_paths(field.related_model, depth + 1, f"{path}__", (*seen, model))
    return paths


def label_of(obj):
    label = getattr(obj, "audit_label", None)
    return scrub(str(label if label is not None else obj))


class Names:
    """Collects (model, id) pairs wanted, then fetches their labels with one query per model."""

    def __init__(self):
        self.wanted = defaultdict(set)
        self.found = {}

    def want(self, model, pk):
        if model is None or pk in (None, ""):
            return
        try:
            pk = model._meta.pk.to_python(pk)
        except (ValidationError, TypeError, ValueError):
            return
        if (model, pk) not in self.found:
            self.wanted[model].add(pk)

    def resolve(self):
        for model, ids in self.wanted.items():
            ids = sorted(ids, key=str)
            for start in range(0, len(ids), BATCH):
                rows = model._base_manager.filter(pk__in=ids[start:start + BATCH]).select_related(*_label_paths(model))
                for obj in rows:
                    self.found[(model, obj.pk)] = label_of(obj)
            for pk in ids:
                self.found.setdefault((model, pk), None)
        self.wanted.clear()

    def get(self, model, pk):
        if model is None:
            return None
        try:
            pk = model._meta.pk.to_python(pk)
        except (ValidationError, TypeError, ValueError):
            return None
        return self.found.get((model, pk))


def _field(model, name):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def field_label(model, name):
    """The field's verbose name (its Chinese label), else the recorded name."""
    field = _field(model, name)
    label = getattr(field, "verbose_name", None)
    return str(label) if label else name


def _pair(value):
    """An event's {field: [before, after]} entry, whatever shape an older event left."""
    if isinstance(value, list) and len(value) == 2:
        return value[0], value[1]
    return None, value


def _ids(value):
    return value if isinstance(value, list) else [value]


def is_money(field):
    """The amount fields (disputes' MONEY: 14 digits, 2 decimals) read as yuan."""
    return isinstance(field, models.DecimalField) and (field.max_digits, field.decimal_places) == (14, 2)


@dataclass(frozen=True)
class ChangeRow:
    """One changed field: its recorded name and label, the values as recorded and as read."""

    name: str
    label: str
    before_raw: object
    after_raw: object
    before: str
    after: str


class Reader:
    """Reads a batch of events: `prepare(events)` once (the bulk queries), then `read(event)` per event."""

    def __init__(self):
        self.names = Names()
        self.User = apps.get_model(settings.AUTH_USER_MODEL)

    # ------------------------------------------------------------ what to fetch
    def want(self, *, object_type, object_id, actor_id, changes):
        model = model_for(object_type)
        self.names.want(model, object_id)
        self.names.want(self.User, actor_id)
        for name, pair in (changes or {}).items():
            field = _field(model, name)
            if field is None or not field.is_relation or field.related_model is None:
                continue
            for value in _pair(pair):
                for pk in _ids(value):
                    self.names.want(field.related_model, pk)

    def prepare(self, events):
        for event in events:
            self.want(object_type=event.object_type, object_id=event.object_id, actor_id=event.actor_id,
                      changes=event.changes)
        self.names.resolve()
        return self

    def prepare_rows(self, rows):
        """The same from (object_type, object_id, actor_id, changes) tuples, e.g. a queryset's values_list."""
        for object_type, object_id, actor_id, changes in rows:
            self.want(object_type=object_type, object_id=object_id, actor_id=actor_id, changes=changes)
        self.names.resolve()
        return self

    # ------------------------------------------------------------ reading
    def actor_name(self, actor_id, actor_username):
        """The display name; the username of a deleted account; 系统 for what no person did."""
        name = self.names.get(self.User, actor_id) if actor_id else None
        return name or actor_username or _("System")

    def object_label(self, object_type, object_id, object_repr):
        """The object as it is called now (case number, enterprise name, person's name), else as recorded."""
        name = self.names.get(model_for(object_type), object_id) if object_id else None
        return name or scrub(object_repr) or (f"#{object_id}" if object_id else "")

    def value(self, model, name, value):
        """One recorded value as people read it."""
        if name in SECRET_FIELDS:
            return SECRET_SHOWN if value else EMPTY
        if value is None or value == "" or value == []:
            return EMPTY
        field = _field(model, name)
        if model is not None and isinstance(value, str):
            value = mask_for_log(model._meta.label, name, value)
        if field is not None and field.is_relation and field.related_model is not None:
            labels = [self.names.get(field.related_model, pk) or f"#{pk}" for pk in _ids(value)]
            return "、".join(labels)
        if field is not None and field.choices:
            choices = {str(k): v for k, v in field.flatchoices}
            return "、".join(str(choices.get(str(v), v)) for v in _ids(value))
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if isinstance(field, models.DateTimeField) and isinstance(value, str):
            moment = parse_datetime(value)
            if moment is not None:
                if timezone.is_naive(moment):
                    moment = timezone.make_aware(moment, timezone.get_default_timezone())
                return date_format(timezone.localtime(moment), "Y-m-d H:i:s")
        if isinstance(field, models.DateField) and isinstance(value, str) and parse_date(value[:10]):
            return value[:10]
        if is_money(field):
            return format_yuan(value)
        if isinstance(value, (dict, list)):
            return scrub(json.dumps(value, ensure_ascii=False))
        return scrub(str(value))

    def changes(self, object_type, changes):
        model = model_for(object_type)
        rows = []
        for name, pair in (changes or {}).items():
            before, after = _pair(pair)
            if name in SECRET_FIELDS:
                before, after = (before and SECRET_SHOWN), (after and SECRET_SHOWN)
            rows.append(ChangeRow(name, field_label(model, name), before, after,
                                  self.value(model, name, before), self.value(model, name, after)))
        return rows

    def read(self, event):
        """Sets on `event`: type_label, object_label, actor_name, change_rows, note_text, at_local."""
        event.type_label = type_label(event.object_type)
        event.object_label = self.object_label(event.object_type, event.object_id, event.object_repr)
        event.recorded_repr = scrub(event.object_repr)
        event.actor_name = self.actor_name(event.actor_id, event.actor_username)
        event.change_rows = self.changes(event.object_type, event.changes)
        event.note_text = scrub(event.note)
        return event


def read_events(events):
    """The events (a page of them), each readable, with a fixed number of queries."""
    events = list(events)
    reader = Reader().prepare(events)
    return [reader.read(event) for event in events]


def changes_text(rows):
    """"字段：前 → 后；…", one line for an export cell."""
    return "；".join(f"{row.label}：{row.before} → {row.after}" for row in rows)
