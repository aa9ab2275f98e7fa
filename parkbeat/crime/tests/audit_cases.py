"""Audit cases of the crime services (collected by audit/tests/test_events.py).

(actor attribute on World, action(world), verb or verbs, object type, number of events); an action
returning (object, do) has its object made first and only do()'s events counted.
"""
from datetime import timedelta

from django.utils import timezone

from parkbeat.crime import services as s
from parkbeat.crime.tests import helpers as h


def _with(make, do):
    def action(w):
        obj = make(w)
        return obj, lambda: do(w, obj)
    return action


CASES = {
    "crime.services:lead_create": ("officer", lambda w: h.lead(w), "create", "crime.Lead", 1),
    "crime.services:lead_observe": ("officer", _with(h.lead, lambda w, x: s.lead_observe(
        actor=w.officer, lead=x, note="放学时段蹲守，见学生购买")), "create", "crime.LeadObservation", 1),
    "crime.services:lead_set_agency": ("officer", _with(h.lead, lambda w, x: s.lead_set_agency(
        actor=w.officer, lead=x, agency=w.agency, expected_version=x.version)), "update", "crime.Lead", 1),
    "crime.services:lead_close": ("officer", _with(h.lead, lambda w, x: s.lead_close(
        actor=w.officer, lead=x, reason="经查为正规渠道卷烟", expected_version=x.version)),
        "transition", "crime.Lead", 1),
    "crime.services:case_create": ("officer", lambda w: h.case(w), "create", "crime.Case", 1),
    "crime.services:case_update": ("officer", _with(h.case, lambda w, c: s.case_update(
        actor=w.officer, case=c, data={"loss_yuan": "90000"}, expected_version=c.version)),
        "update", "crime.Case", 1),
    "crime.services:suspect_add": ("officer", _with(h.case, lambda w, c: s.suspect_add(
        actor=w.officer, case=c, name="李四")), "create", "crime.Suspect", 1),
    "crime.services:case_key_time": ("officer", _with(h.case, lambda w, c: s.case_key_time(
        actor=w.officer, case=c, kind="identified", at=timezone.now() - timedelta(hours=1),
        expected_version=c.version)), "update", "crime.Case", 1),
    "crime.services:case_note": ("officer", _with(h.case, lambda w, c: s.case_note(
        actor=w.officer, case=c, note="调取监控")), "create", "crime.CaseEvent", 1),
    "crime.services:case_transition": ("officer", _with(h.case, lambda w, c: s.case_transition(
        actor=w.officer, case=c, status="solved", expected_version=c.version)), "transition", "crime.Case", 1),
}
