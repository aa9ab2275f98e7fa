"""The volunteers' test data on top of the shared World: members in station A's team and in station B's."""
from datetime import timedelta

from django.utils import timezone

from parkbeat.testing import VolunteerFactory, VolunteerTeamFactory
from parkbeat.volunteers.models import SupportRecord, Training, Volunteer

# More valid IDs for candidates typed in a test (GB 11643 check digits).
CANDIDATE_ID = "110101199003070038"
CANDIDATE_ID_2 = "110101199003071153"


def valid_ids():
    from stdnum.cn import ric

    n = 0
    while True:
        body = f"11010119900101{n:03d}"
        yield body + ric.calc_check_digit(body + "0")
        n += 1


_ids = valid_ids()


def member(team, *, status=Volunteer.Status.ACTIVE, **kwargs):
    kwargs.setdefault("resident_id", next(_ids))
    return VolunteerFactory(team=team, status=status, **kwargs)


class Cast:
    """Station A: the world's team with its captain (the world's volunteer account), an active member, a
    nomination by the liaison, trainings and support; station B: a team with one member."""

    def __init__(self, world):
        self.team = world.team
        self.captain = member(self.team, name="队长张", is_captain=True, user=world.volunteer, post="保卫科")
        self.member = member(self.team, name="队员李", post="仓库")
        self.nominee = member(self.team, name="候选王", status=Volunteer.Status.NOMINATED,
                              nominated_by=world.liaison, consent_confirmed=True, consent_date=timezone.localdate())
        self.other_team = VolunteerTeamFactory(park=world.other_park, enterprise=world.other_enterprise,
                                               name="群丰食品义警队")
        self.other_member = member(self.other_team, name="外所义警", status=Volunteer.Status.NOMINATED)
        today = timezone.localdate()
        self.training = Training.objects.create(volunteer=self.member, trained_on=today - timedelta(days=3),
                                                topic="消防器材使用", hours="2.5", trainer="消防大队",
                                                recorded_by=world.officer)
        self.support = SupportRecord.objects.create(volunteer=self.member, kind="insurance", provider="人保意外险",
                                                    starts_on=today - timedelta(days=300),
                                                    expires_on=today + timedelta(days=10), recorded_by=world.officer)
        self.other_support = SupportRecord.objects.create(
            volunteer=self.other_member, kind="allowance", provider="外所补贴", starts_on=today - timedelta(days=10),
            expires_on=today + timedelta(days=5), recorded_by=world.other_officer)
