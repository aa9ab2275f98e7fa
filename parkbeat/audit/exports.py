"""The auditor's export of the trail as CSV, through the shared mechanism (core.exports): the raw values
(ids, recorded field names, ISO times) and beside them the same event as people read it (audit.readable)."""
import json
from datetime import timezone as dt_timezone
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from parkbeat.audit.models import AuditEvent
from parkbeat.audit.readable import Reader, changes_text, type_label
from parkbeat.audit.services import NEVER_LOGGED
from parkbeat.core.exports import CHUNK, Export

COLUMNS = ("id", "at", "actor_username", "actor_roles", "ip", "request_id", "verb", "outcome",
           "object_type", "object_id", "object_repr", "changes", "note", "hash")
# The file's raw columns: the recorded ones, with the time also in UTC right after the local one.
RAW = COLUMNS[:2] + ("at_utc",) + COLUMNS[2:]
# Read, not exported: what the readable columns are made of.
READ = ("actor_id",)
READABLE = (("time", _("Time")), ("user", _("User")), ("action", _("Type")), ("type", _("Object type")),
            ("object", _("Object")), ("changes_read", _("Changes")))


def _verb_label(verb):
    try:
        return str(AuditEvent.Verb(verb).label)
    except ValueError:
        return verb


def converter(reader):
    """One row of the file from one values_list row, with the names `reader` has fetched."""
    def cells(row):
        values = dict(zip(COLUMNS + READ, row))
        raw = values["changes"] or {}
        changes = {k: ("******" if k in NEVER_LOGGED else v) for k, v in raw.items()}
        at = timezone.localtime(values["at"])
        values["at_utc"] = values["at"].astimezone(dt_timezone.utc).isoformat().replace("+00:00", "Z")
        values["at"] = at.isoformat()
        values["changes"] = json.dumps(changes, ensure_ascii=False) if changes else ""
        readable = [
            date_format(at, "Y-m-d H:i:s"),
            reader.actor_name(values["actor_id"], values["actor_username"]),
            _verb_label(values["verb"]),
            type_label(values["object_type"]),
            reader.object_label(values["object_type"], values["object_id"], values["object_repr"]),
            changes_text(reader.changes(values["object_type"], raw)),
        ]
        return [values[name] for name in RAW] + readable
    return cells


@dataclass(frozen=True)
class AuditExport(Export):
    """The header row: the raw columns by their recorded names, then the readable ones by their labels."""

    def headers(self, model):
        return list(RAW) + [str(title) for _key, title in READABLE]


def audit_export_of(reader):
    return AuditExport(
        object_type="audit.AuditEvent", sheet="audit", format="csv", rate_limited=False,
        columns=tuple((name, name) for name in COLUMNS) + tuple((name, name) for name in READ),
        convert=converter(reader), order_by=("id",),
        noun=_("%(count)s audit events"),
        too_many=_("%(count)s events match; at most %(max)s can be exported at once. Narrow the filters."))


def audit_export(*, actor, queryset, filters):
    """A CSV (UTF-8 with BOM, for Excel) of exactly `queryset`, formula-like cells escaped, logged as an
    export; refused (core.exports.ExportTooLarge), with nothing written or logged, above EXPORT_MAX_ROWS.

    The names are fetched first, in batches (one query per model and 500 ids), not once per row."""
    reader = Reader()
    export = audit_export_of(reader)
    with transaction.atomic():
        if queryset.count() <= settings.EXPORT_MAX_ROWS:
            refs = queryset.values_list("object_type", "object_id", "actor_id", "changes").iterator(chunk_size=CHUNK)
            reader.prepare_rows(refs)
        return export.render(queryset, user=actor, filters=filters)
