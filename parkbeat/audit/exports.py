"""The auditor's export of the trail: raw values as CSV, through the shared mechanism (core.exports)."""
import json

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkbeat.audit.services import NEVER_LOGGED
from parkbeat.core.exports import Export

COLUMNS = ("id", "at", "actor_username", "actor_roles", "ip", "request_id", "verb", "outcome",
           "object_type", "object_id", "object_repr", "changes", "note", "hash")


def _cells(row):
    values = dict(zip(COLUMNS, row))
    changes = {k: ("******" if k in NEVER_LOGGED else v) for k, v in (values["changes"] or {}).items()}
    values["at"] = timezone.localtime(values["at"]).isoformat()
    values["changes"] = json.dumps(changes, ensure_ascii=False) if changes else ""
    return [values[name] for name in COLUMNS]


AUDIT_EXPORT = Export(
    object_type="audit.AuditEvent", sheet="audit", format="csv", rate_limited=False,
    columns=tuple((name, name) for name in COLUMNS), convert=_cells, order_by=("id",),
    noun=_("%(count)s audit events"),
    too_many=_("%(count)s events match; at most %(max)s can be exported at once. Narrow the filters."))


def audit_export(*, actor, queryset, filters):
    """A CSV (UTF-8 with BOM, for Excel) of exactly `queryset`, formula-like cells escaped, logged as an
    export; refused (core.exports.ExportTooLarge), with nothing written or logged, above EXPORT_MAX_ROWS."""
    with transaction.atomic():
        return AUDIT_EXPORT.render(queryset, user=actor, filters=filters)
