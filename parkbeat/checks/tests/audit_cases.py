"""Audit cases of the background check services (collected by audit/tests/test_events.py).

(actor attribute on World, action(world), verb or verbs, object type, number of events); an action
returning (object, do) has its object made first and only do()'s events counted.
"""
from datetime import timedelta

from django.utils import timezone

from parkbeat.checks import services as s
from parkbeat.checks.models import BackgroundCheck
from parkbeat.checks.tests import helpers as h


def _with(make, do):
    def action(w):
        obj = make(w)
        return obj, lambda: do(w, obj)
    return action


def _answered(w):
    return h.answer(w, h.request(w))


def _expired(w):
    check = _answered(w)
    BackgroundCheck.objects.filter(pk=check.pk).update(answered_at=timezone.now() - timedelta(days=400))
    return check


CASES = {
    # the request and its consent document: two "create" events (the check, the attachment)
    "checks.services:check_request": ("liaison", lambda w: h.request(w), "create", None, 2),
    "checks.services:check_answer": ("officer", _with(lambda w: h.request(w), lambda w, c: h.answer(w, c)),
                                     "transition", "checks.BackgroundCheck", 1),
    "checks.services:checks_read": ("officer", _with(lambda w: h.request(w), lambda w, c: s.checks_read(
        actor=w.officer, checks=[c], via="page")), "view", "checks.BackgroundCheck", 1),
    # the erasure: the consent attachment's "delete", then the check's
    "checks.services:check_erase": ("leader", _with(_answered, lambda w, c: s.check_erase(check=c, actor=w.leader)),
                                    "delete", None, 2),
    "checks.services:erase_expired": ("leader", _with(_expired, lambda w, c: s.erase_expired(actor=w.leader)),
                                      "delete", None, 2),
}
