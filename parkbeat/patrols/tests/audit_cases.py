"""Audit cases of the patrols services (collected by audit/tests/test_events.py).

(actor attribute on World, action(world), verb or verbs, object type, number of events); an action
returning (object, do) has its object made first and only do()'s events counted.
"""
from datetime import time, timedelta
from decimal import Decimal

from parkbeat.patrols import services as s
from parkbeat.patrols.tests import helpers as h


def _with(make, do):
    def action(w):
        obj = make(w)
        return obj, lambda: do(w, obj)
    return action


def _checkpoint(w):
    return h.checkpoints(w)[0]


def _run(w):
    return s.run_start(actor=w.officer, plan=h.all_week_plan(w))


PLAN = {"name": "夜巡", "mode": "foot", "weekdays": [0, 1, 2, 3, 4, 5, 6], "start_time": time(0, 0),
        "end_time": time(23, 59), "overnight": False}

CASES = {
    "patrols.services:checkpoint_create": ("officer", lambda w: s.checkpoint_create(
        actor=w.officer, park=w.park, name="北门", kind="gate", lon=Decimal("113.1"), lat=Decimal("27.8")),
        "create", "patrols.Checkpoint", 1),
    "patrols.services:checkpoint_update": ("officer", _with(_checkpoint, lambda w, c: s.checkpoint_update(
        actor=w.officer, checkpoint=c, data={"name": "东大门岗亭"}, expected_version=c.version)),
        "update", "patrols.Checkpoint", 1),
    "patrols.services:checkpoint_reissue": ("officer", _with(_checkpoint, lambda w, c: s.checkpoint_reissue(
        actor=w.officer, checkpoint=c, expected_version=c.version)), "update", "patrols.Checkpoint", 1),
    "patrols.services:checkpoint_retire": ("officer", _with(_checkpoint, lambda w, c: s.checkpoint_retire(
        actor=w.officer, checkpoint=c, expected_version=c.version)), "retire", "patrols.Checkpoint", 1),
    "patrols.services:route_create": ("officer", _with(h.checkpoints, lambda w, points: s.route_create(
        actor=w.officer, park=w.park, name="白班环线", checkpoints=points)), "create", "patrols.Route", 1),
    "patrols.services:route_update": ("officer", _with(h.route, lambda w, r: s.route_update(
        actor=w.officer, route=r, data={"name": "夜间大环线"}, expected_version=r.version)),
        "update", "patrols.Route", 1),
    "patrols.services:plan_create": ("officer", _with(h.route, lambda w, r: s.plan_create(
        actor=w.officer, route=r, **PLAN)), "create", "patrols.PatrolPlan", 1),
    "patrols.services:plan_update": ("officer", _with(h.all_week_plan, lambda w, p: s.plan_update(
        actor=w.officer, plan=p, data={"name": "全天巡防"}, expected_version=p.version)),
        "update", "patrols.PatrolPlan", 1),
    "patrols.services:run_start": ("officer", _with(h.all_week_plan, lambda w, p: s.run_start(
        actor=w.officer, plan=p)), "create", "patrols.PatrolRun", 1),
    "patrols.services:run_join": ("auxiliary", _with(_run, lambda w, r: s.run_join(actor=w.auxiliary, run=r)),
                                  "update", "patrols.PatrolRun", 1),
    "patrols.services:run_finish": ("officer", _with(_run, lambda w, r: s.run_finish(
        actor=w.officer, run=r, expected_version=r.version)), "transition", "patrols.PatrolRun", 1),
    "patrols.services:checkin_record": ("officer", _with(_run, lambda w, r: s.checkin_record(
        actor=w.officer, run=r, code=h.code(r.route.ordered_checkpoints()[0]))), "create", "patrols.CheckIn", 1),
    # the incident it becomes (reported and dispatched by the incidents service), then the finding
    "patrols.services:finding_report": ("officer", _with(_run, lambda w, r: s.finding_report(
        actor=w.officer, run=r, kind="fire_safety", description="消防通道堆放纸箱")),
        ["create", "create"], None, 2),
    # one event for the whole batch (positions far from every checkpoint: no check-in)
    "patrols.services:track_ingest": ("officer", _with(_run, lambda w, r: s.track_ingest(
        actor=w.officer, run=r, device="phone-1", points=[
            {"at": r.started_at + timedelta(seconds=10 * i), "lon": 113.2 + 0.0001 * i, "lat": 27.9}
            for i in range(1, 4)])), "import", "patrols.PatrolRun", 1),
}
