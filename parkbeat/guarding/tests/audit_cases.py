"""Audit cases of the guarding services (collected by audit/tests/test_events.py).

(actor attribute on World, action(world), verb or verbs, object type, number of events); an action
returning (object, do) has its object made first and only do()'s events counted.
"""
from datetime import time
from decimal import Decimal

from parkbeat.guarding import services as s
from parkbeat.guarding.tests import helpers as h


def _with(make, do):
    def action(w):
        obj = make(w)
        return obj, lambda: do(w, obj)
    return action


def _segments(w):
    return h.split(w, h.asset(w))


def _shift(w):
    return h.shift(w, _segments(w)[0], h.hour(0), h.hour(4))


def _new_point(w, line):
    return s.fixed_point_create(actor=w.officer, asset=line, name="东段岗亭", lon=Decimal("113.11"),
                                lat=Decimal("27.8"), night_start=time(22, 0), night_end=time(6, 0), officer=w.officer)


def _point(w):
    return _new_point(w, h.asset(w))


CASES = {
    "guarding.services:asset_create": ("officer", lambda w: h.asset(w), "create", "guarding.GuardedAsset", 1),
    "guarding.services:asset_update": ("officer", _with(h.asset, lambda w, a: s.asset_update(
        actor=w.officer, asset=a, data={"name": "光缆敷设"}, expected_version=a.version)),
        "update", "guarding.GuardedAsset", 1),
    "guarding.services:asset_split": ("officer", _with(h.asset, lambda w, a: s.asset_split(
        actor=w.officer, asset=a, every_m=1000, expected_version=a.version)), "update", "guarding.GuardedAsset", 1),
    "guarding.services:segment_assign": ("officer", _with(lambda w: _segments(w)[1], lambda w, seg: s.segment_assign(
        actor=w.officer, segment=seg, team=w.team, expected_version=seg.version)), "update", "guarding.Segment", 1),
    # a volunteer of the first team on an upcoming shift, released when the segment goes to the second team
    "guarding.services:segment_assign+release": ("officer", _with(
        lambda w: (lambda segs: (segs, h.shift(w, segs[0], h.hour(2), h.hour(5))))(_segments(w)),
        lambda w, made: s.segment_assign(actor=w.officer, segment=made[0][0], team=made[0][1].team,
                                         release_conflicting=True)), ["update", "update"], None, 2),
    "guarding.services:fixed_point_create": ("officer", _with(h.asset, _new_point), "create", "guarding.FixedPoint", 1),
    "guarding.services:fixed_point_update": ("officer", _with(_point, lambda w, p: s.fixed_point_update(
        actor=w.officer, point=p, data={"name": "西段岗亭"}, expected_version=p.version)),
        "update", "guarding.FixedPoint", 1),
    "guarding.services:fixed_point_delete": ("officer", _with(_point, lambda w, p: s.fixed_point_delete(
        actor=w.officer, point=p, expected_version=p.version)), "delete", "guarding.FixedPoint", 1),
    "guarding.services:shift_create": ("officer", _with(lambda w: _segments(w)[0], lambda w, seg: h.shift(
        w, seg, h.hour(1), h.hour(5))), "create", "guarding.GuardShift", 1),
    "guarding.services:shift_update": ("officer", _with(_shift, lambda w, sh: s.shift_update(
        actor=w.officer, shift=sh, data={"note": "换班"}, expected_version=sh.version)),
        "update", "guarding.GuardShift", 1),
    "guarding.services:shift_cancel": ("officer", _with(_shift, lambda w, sh: s.shift_cancel(
        actor=w.officer, shift=sh, expected_version=sh.version)), "delete", "guarding.GuardShift", 1),
    "guarding.services:shift_checkin": ("volunteer", _with(_shift, lambda w, sh: s.shift_checkin(
        actor=w.volunteer, shift=sh)), "update", "guarding.GuardShift", 1),
    "guarding.services:shift_decline": ("volunteer", _with(lambda w: h.shift(w, _segments(w)[0], h.hour(5), h.hour(8)),
                                                           lambda w, sh: s.shift_decline(
        actor=w.volunteer, shift=sh, reason="家里有事")), "update", "guarding.GuardShift", 1),
}
