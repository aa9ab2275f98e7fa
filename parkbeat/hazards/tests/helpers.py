"""Shared test helpers: a key enterprise inspected with one hazard result, hazards in each disposition, uploads."""
import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from parkbeat.hazards import services
from parkbeat.hazards.services import today_in_shanghai
from parkbeat.inspections.models import InspectionResult
from parkbeat.inspections.tests import helpers as ih


def png(name="整改后.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf(name="整改报告.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf")


def inspected(w, enterprise=None, **kw):
    """A recorded inspection of a key enterprise whose first item was found a hazard; returns that result."""
    ih.make_key(w, enterprise=enterprise)
    inspection = ih.plan(w, enterprise=enterprise, **kw)
    results = ih.all_results(inspection)
    results[0] = {**results[0], "outcome": "hazard", "note": "安全出口堆放货物"}
    ih.record(w, inspection, timezone.now() - timedelta(hours=2), results=results)
    return InspectionResult.objects.get(inspection=inspection, item_id=results[0]["item"])


def deadline_hazard(w, actor=None, days=7, **kw):
    kw.setdefault("enterprise", w.enterprise)
    return services.hazard_create(actor=actor or w.officer, description=kw.pop("description", "灭火器过期未更换"),
                                  disposition="deadline", deadline=today_in_shanghai() + timedelta(days=days),
                                  responsible_name="王安全", responsible_mobile="13900001111", **kw)


def on_spot_hazard(w, actor=None, **kw):
    kw.setdefault("enterprise", w.enterprise)
    return services.hazard_create(actor=actor or w.officer, description=kw.pop("description", "配电箱未上锁"),
                                  disposition="on_spot", evidence=[png()], evidence_note="已当场上锁", **kw)


def submitted(w, **kw):
    """A deadline hazard whose liaison uploaded evidence: awaiting review."""
    hazard = deadline_hazard(w, **kw)
    services.hazard_evidence_add(actor=w.liaison, hazard=hazard, uploads=[png()], note="已更换灭火器",
                                 expected_version=hazard.version)
    hazard.refresh_from_db()
    return hazard
