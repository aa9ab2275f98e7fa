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


def _key_date(w):
    return s.keydate_create(actor=w.leader, station=w.station, name="春节", day=date(2027, 2, 6))


def _campaign(w):
    return s.campaign_create(actor=w.officer, theme="夏季消防专项", starts_on=date(2027, 6, 1),
                             ends_on=date(2027, 8, 31), enterprises=[w.enterprise])


CASES = {
    "inspections.services:keydate_create": ("leader", _key_date, "create", "inspections.KeyDate", 1),
    "inspections.services:keydate_update": ("leader", _with(_key_date, lambda w, k: s.keydate_update(
        actor=w.leader, key_date=k, data={"window_days": 20}, expected_version=k.version)),
        "update", "inspections.KeyDate", 1),
    "inspections.services:keydate_delete": ("leader", _with(_key_date, lambda w, k: s.keydate_delete(
        actor=w.leader, key_date=k, expected_version=k.version)), "delete", "inspections.KeyDate", 1),
    "inspections.services:campaign_create": ("officer", _campaign, "create", "inspections.Campaign", 1),
    "inspections.services:campaign_update": ("officer", _with(_campaign, lambda w, c: s.campaign_update(
        actor=w.officer, campaign=c, data={"note": "第二轮"}, enterprises=[w.enterprise, w.enterprise2],
        expected_version=c.version)), "update", "inspections.Campaign", 2),
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
