"""Audit cases of the volunteers services (collected by audit/tests/test_events.py).

(actor attribute on World, action(world), verb or verbs, object type, number of events); an action
returning (object, do) has its object made first and only do()'s events counted.
"""
from datetime import timedelta

from django.utils import timezone

from parkbeat.volunteers import services as s


def _cast(do):
    def action(w):
        from parkbeat.volunteers.tests.factories import Cast
        cast = Cast(w)
        return cast.team, lambda: do(w, cast)
    return action


def _nominate(w):
    from parkbeat.volunteers.tests.factories import CANDIDATE_ID
    return s.volunteer_nominate(actor=w.liaison, team=w.team, name="候选赵", resident_id=CANDIDATE_ID,
                                duties=["patrol"], consent_confirmed=True, consent_date=timezone.localdate())


CASES = {
    # the candidate; the first status row is not audited on its own
    "volunteers.services:volunteer_nominate": ("liaison", _nominate, "create", "volunteers.Volunteer", 1),
    "volunteers.services:volunteer_update": ("officer", _cast(lambda w, c: s.volunteer_update(
        actor=w.officer, volunteer=c.member, data={"post": "班组长"}, expected_version=c.member.version)),
        "update", "volunteers.Volunteer", 1),
    "volunteers.services:volunteer_approve": ("officer", _cast(lambda w, c: s.volunteer_approve(
        actor=w.officer, volunteer=c.nominee, note="政审通过")), "transition", "volunteers.Volunteer", 1),
    "volunteers.services:volunteer_reject": ("officer", _cast(lambda w, c: s.volunteer_reject(
        actor=w.officer, volunteer=c.nominee, note="未满十八岁")), "transition", "volunteers.Volunteer", 1),
    "volunteers.services:volunteer_transition": ("officer", _cast(lambda w, c: s.volunteer_transition(
        actor=w.officer, volunteer=c.member, to="suspended", note="外派三个月")),
        "transition", "volunteers.Volunteer", 1),
    "volunteers.services:team_create": ("officer", lambda w: s.team_create(
        actor=w.officer, park=w.park, enterprise=w.enterprise2, name="电子义警队"), "create", "volunteers.VolunteerTeam", 1),
    "volunteers.services:team_update": ("officer", _cast(lambda w, c: s.team_update(
        actor=w.officer, team=c.team, data={"name": "护厂队"}, expected_version=c.team.version)),
        "update", "volunteers.VolunteerTeam", 1),
    # the former captain, the new one, the team
    "volunteers.services:team_set_captain": ("officer", _cast(lambda w, c: s.team_set_captain(
        actor=w.officer, team=c.team, volunteer=c.member, expected_version=c.team.version)), "update", None, 3),
    "volunteers.services:training_create": ("auxiliary", _cast(lambda w, c: s.training_create(
        actor=w.auxiliary, volunteer=c.member, trained_on=timezone.localdate(), topic="急救", hours="2",
        trainer="红十字会")),
        "create", "volunteers.Training", 1),
    "volunteers.services:support_create": ("officer", _cast(lambda w, c: s.support_create(
        actor=w.officer, volunteer=c.member, kind="insurance", provider="人保", starts_on=timezone.localdate(),
        expires_on=timezone.localdate() + timedelta(days=365))), "create", "volunteers.SupportRecord", 1),
}
