"""Audit cases of the inspection services (collected by audit/tests/test_events.py).

(actor attribute on World, action(world), verb or verbs, object type, number of events); an action
returning (object, do) has its object made first and only do()'s events counted.
"""
import io
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from parkbeat.inspections import services as s
from parkbeat.inspections.models import InspectionResult
from parkbeat.inspections.tests import helpers as h

AREAS = [{"kind": "fire", "name": "消防通道", "required": True, "items": ["安全出口畅通"]}]


def _with(make, do):
    def action(w):
        obj = make(w)
        return obj, lambda: do(w, obj)
    return action


def _checklist(w):
    return s.checklist_create(actor=w.officer, name="夏季消防专项检查表", areas=AREAS)


def _recorded(w):
    return h.record(w, h.plan(w), timezone.now() - timedelta(hours=1))


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return SimpleUploadedFile("隐患.png", buffer.getvalue(), content_type="image/png")


CASES = {
    "inspections.services:checklist_create": ("officer", _checklist, "create", "inspections.ChecklistTemplate", 1),
    "inspections.services:checklist_update": ("officer", _with(_checklist, lambda w, t: s.checklist_update(
        actor=w.officer, template=t, data={"description": "夏季"}, expected_version=t.version)),
        "update", "inspections.ChecklistTemplate", 1),
    "inspections.services:checklist_version_create": ("officer", _with(_checklist, lambda w, t: (
        s.checklist_version_create(actor=w.officer, template=t, areas=AREAS, note="第二版"))),
        "create", "inspections.ChecklistVersion", 1),
    "inspections.services:checklist_version_update": ("officer", _with(_checklist, lambda w, t: (
        s.checklist_version_update(actor=w.officer, version=t.latest_version(), areas=AREAS * 2))),
        "update", "inspections.ChecklistVersion", 1),
    "inspections.services:inspection_plan": ("officer", lambda w: h.plan(w), "create", "inspections.Inspection", 1),
    "inspections.services:inspection_update": ("officer", _with(h.plan, lambda w, i: s.inspection_update(
        actor=w.officer, inspection=i, data={"planned_on": date(2026, 4, 3)}, expected_version=i.version)),
        "update", "inspections.Inspection", 1),
    "inspections.services:inspection_cancel": ("officer", _with(h.plan, lambda w, i: s.inspection_cancel(
        actor=w.officer, inspection=i, reason="企业停产", expected_version=i.version)),
        "transition", "inspections.Inspection", 1),
    "inspections.services:inspection_record": ("officer", _with(h.plan, lambda w, i: h.record(
        w, i, timezone.now() - timedelta(hours=1))), "transition", "inspections.Inspection", 1),
    "inspections.services:inspection_photo_add": ("officer", _with(_recorded, lambda w, i: s.inspection_photo_add(
        actor=w.officer, result=InspectionResult.objects.filter(inspection=i).first(), upload=_png())),
        "create", "files.Attachment", 1),
}
