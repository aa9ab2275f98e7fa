"""Lean list rows for the hottest endpoint: values() plus a few conversions instead of a DRF serializer
per row (≈10× cheaper). A test keeps the output identical to EnterpriseSerializer's."""
from decimal import Decimal

from django.db.models import F
from django.utils import timezone

ENTERPRISE_COLUMNS = ("id", "name", "credit_code", "park", "address", "lon", "lat", "industry", "headcount",
                      "production_hours", "is_key", "key_reason", "risk_category", "status", "version",
                      "created_at", "updated_at")
SIX_PLACES = Decimal("0.000001")


def _decimal(value):
    return None if value is None else format(Decimal(value).quantize(SIX_PLACES), "f")


def _datetime(value):
    return timezone.localtime(value).isoformat()


class EnterpriseRows:
    """A sliceable view of a queryset that yields serializer-shaped dicts (the paginator slices it)."""

    def __init__(self, queryset):
        self.filtered = queryset
        self.queryset = queryset.values(*ENTERPRISE_COLUMNS, park_name=F("park__name"))

    def count(self):
        # The filtered queryset counts without the park join that the park_name column needs.
        return self.filtered.count()

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        return [_shape(row) for row in self.queryset[index]]


def _shape(row):
    return {
        "id": row["id"], "name": row["name"], "credit_code": row["credit_code"], "park": row["park"],
        "park_name": row["park_name"], "address": row["address"], "lon": _decimal(row["lon"]),
        "lat": _decimal(row["lat"]), "industry": row["industry"], "headcount": row["headcount"],
        "production_hours": row["production_hours"], "is_key": row["is_key"], "key_reason": row["key_reason"],
        "risk_category": row["risk_category"], "status": row["status"], "version": row["version"],
        "created_at": _datetime(row["created_at"]), "updated_at": _datetime(row["updated_at"]),
    }


def enterprise_rows(queryset):
    return EnterpriseRows(queryset)
