"""The volunteer's team on the workbench: the team, its park and enterprise, and who is in it (names only)."""
from django.utils.translation import gettext_lazy as _

from parkbeat.core.home import Panel
from parkbeat.core.permissions import VOLUNTEER
from parkbeat.core.scoping import access_for
from parkbeat.volunteers.models import Volunteer, VolunteerTeam


def team(*, user, now):
    teams = list(VolunteerTeam.objects.filter(pk__in=access_for(user).teams)
                 .select_related("park", "enterprise").order_by("name"))
    if not teams:
        return None
    members = {}
    for member in (Volunteer.objects.filter(team__in=teams).exclude(status=Volunteer.Status.LEFT)
                   .only("id", "team_id", "name", "is_captain", "status", "user_id")):
        members.setdefault(member.team_id, []).append(member)
    for t in teams:
        t.active_members = members.get(t.pk, [])
    return {"id": "wb-team", "teams": teams, "title": _("My team"),
            "note": _("Duty shifts for volunteers come with the patrols.")}


PANELS = (Panel("team", "volunteers/partials/home_team.html", team, roles=frozenset({VOLUNTEER}), order=5),)
