"""Publicity on the workbench: the lectures planned in the next seven days, counted by the lecture list's own
`upcoming` filter (so the card opens exactly those)."""
from django.utils.translation import gettext_lazy as _

from parkbeat.core.home import Card
from parkbeat.core.permissions import LIAISON, POLICE
from parkbeat.outreach.filters import LectureFilterSet
from parkbeat.outreach.models import Lecture

CARDS = (
    Card("lectures_upcoming", _("Lectures in the next 7 days"), "outreach:lecture_list", "?upcoming=true",
         row="home-counts", roles=POLICE | {LIAISON}, icon="megaphone"),
)


def counts(*, user, now):
    upcoming = LectureFilterSet().filter_upcoming(Lecture.objects.visible_to(user), "upcoming", True)
    return {"lectures_upcoming": upcoming.count()}
