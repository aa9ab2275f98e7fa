"""Audit cases of the hazard services (collected by audit/tests/test_events.py).

(actor attribute on World, action(world), verb or verbs, object type, number of events); an action
returning (object, do) has its object made first and only do()'s events counted.
"""
from parkbeat.hazards import services as s
from parkbeat.hazards.tests import helpers as h


def _with(make, do):
    def action(w):
        obj = make(w)
        return obj, lambda: do(w, obj)
    return action


CASES = {
    "hazards.services:hazard_create": ("officer", lambda w: h.deadline_hazard(w), "create", "hazards.Hazard", 1),
    "hazards.services:hazard_follow_up": ("officer", _with(h.deadline_hazard, lambda w, z: s.hazard_follow_up(
        actor=w.officer, hazard=z, note="已督促企业整改")), "create", "hazards.HazardEvent", 1),
    # the evidence's file (files.Attachment) and the hazard's move to awaiting review
    "hazards.services:hazard_evidence_add": ("liaison", _with(h.deadline_hazard, lambda w, z: s.hazard_evidence_add(
        actor=w.liaison, hazard=z, uploads=[h.png()], expected_version=z.version)), ["create", "transition"], "", 2),
    "hazards.services:hazard_review": ("officer", _with(h.submitted, lambda w, z: s.hazard_review(
        actor=w.officer, hazard=z, accept=True, expected_version=z.version)), "transition", "hazards.Hazard", 1),
    "hazards.services:hazard_refer": ("officer", _with(h.deadline_hazard, lambda w, z: s.hazard_refer(
        actor=w.officer, hazard=z, agency=w.agency, note="消防执法", expected_version=z.version)),
        "update", "hazards.Hazard", 1),
}
