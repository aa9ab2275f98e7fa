"""Audit cases of the publicity services (collected by audit/tests/test_events.py).

(actor attribute on World, action(world), verb or verbs, object type, number of events); an action
returning (object, do) has its object made first and only do()'s events counted.
"""
from datetime import timedelta

from django.utils import timezone

from parkbeat.outreach import services as s
from parkbeat.outreach.tests import helpers as h


def _with(make, do):
    def action(w):
        obj = make(w)
        return obj, lambda: do(w, obj)
    return action


def _campaign(w):
    today = timezone.localdate()
    return s.campaign_create(actor=w.officer, theme="fire", title="消防宣传月", starts_on=today,
                             ends_on=today + timedelta(days=30), parks=[w.park])


def _rule(w):
    return s.rule_create(actor=w.officer, text="未戴头盔不得入厂", theme="helmet")


def _adoption(w):
    return s.adoption_record(actor=w.officer, rule=_rule(w), enterprise=w.enterprise,
                             since=timezone.localdate() - timedelta(days=3))


CASES = {
    "outreach.services:campaign_create": ("officer", _campaign, "create", "outreach.Campaign", 1),
    "outreach.services:campaign_update": ("officer", _with(_campaign, lambda w, c: s.campaign_update(
        actor=w.officer, campaign=c, data={"title": "冬季消防宣传"}, expected_version=c.version)),
        "update", "outreach.Campaign", 1),
    "outreach.services:lecture_schedule": ("officer", lambda w: h.planned(w), "create", "outreach.Lecture", 1),
    "outreach.services:lecture_update": ("officer", _with(h.planned, lambda w, z: s.lecture_update(
        actor=w.officer, lecture=z, data={"topic": "识破刷单诈骗"}, expected_version=z.version)),
        "update", "outreach.Lecture", 1),
    "outreach.services:lecture_transition": ("officer", _with(h.past, lambda w, z: s.lecture_transition(
        actor=w.officer, lecture=z, to="held", expected_version=z.version)), "transition", "outreach.Lecture", 1),
    "outreach.services:lecture_record_attendance": ("officer", _with(h.held, lambda w, z: s.lecture_record_attendance(
        actor=w.officer, lecture=z, attendance=35, expected_version=z.version)), "update", "outreach.Lecture", 1),
    "outreach.services:rule_create": ("officer", _rule, "create", "outreach.Rule", 1),
    "outreach.services:adoption_record": ("officer", _with(_rule, lambda w, r: s.adoption_record(
        actor=w.officer, rule=r, enterprise=w.enterprise, since=timezone.localdate())),
        "create", "outreach.RuleAdoption", 1),
    "outreach.services:adoption_end": ("officer", _with(_adoption, lambda w, a: s.adoption_end(
        actor=w.officer, adoption=a, ended_on=timezone.localdate(), expected_version=a.version)),
        "update", "outreach.RuleAdoption", 1),
}
