"""Volunteers on the workbench: for the station leader and the park officer, a panel of the nominations
waiting for vetting and the insurance or allowances expiring soon; for a volunteer, their team and who is in
it (names only), their next patrol window and guard shift, and this month's hours and points."""
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkbeat.core.home import Panel
from parkbeat.core.permissions import LEADER, OFFICER, VOLUNTEER
from parkbeat.core.scoping import access_for
from parkbeat.volunteers import hours, selectors
from parkbeat.volunteers.models import Volunteer, VolunteerTeam

VOLUNTEERS = "volunteers:volunteer_list"
VETTING = frozenset({LEADER, OFFICER})
SHOWN = 6


def vetting(*, user, now):
    """Nominations waiting for the officer and support records expiring within the reminder window."""
    days = settings.PARKBEAT_VOLUNTEER_SUPPORT_REMIND_DAYS
    today = timezone.localdate(now)
    waiting = selectors.nominations_waiting(user=user)
    expiring = selectors.support_expiring_soon(user=user, today=today, days=days)
    rows = list(waiting[:SHOWN])
    support = list(expiring[:SHOWN])
    for record in support:
        record.days_left = (record.expires_on - today).days
    return {"id": "wb-volunteers", "title": _("Volunteers"), "nominations": rows, "nominations_total": waiting.count(),
            "support": support, "support_total": expiring.count(), "days": days,
            "more": reverse(VOLUNTEERS) + "?status=nominated"}


def team(*, user, now):
    teams = list(VolunteerTeam.objects.filter(pk__in=access_for(user).teams)
                 .select_related("park", "enterprise").order_by("name"))
    if not teams:
        return None
    members = {}
    for member in (Volunteer.objects.filter(team__in=teams)
                   .filter(status__in=[Volunteer.Status.ACTIVE, Volunteer.Status.SUSPENDED])
                   .only("id", "team_id", "name", "is_captain", "status", "user_id")):
        members.setdefault(member.team_id, []).append(member)
    for t in teams:
        t.active_members = members.get(t.pk, [])
    return {"id": "wb-team", "teams": teams, "title": _("My team"), "mine": reverse("volunteers:my_volunteer"),
            **duty(user=user, now=now, teams=teams)}


def duty(*, user, now, teams):
    """What the volunteer does next and has served this month, from the same selectors as 我的义警服务."""
    me = (Volunteer.objects.filter(user_id=user.pk, team__in=teams).select_related("team")
          .order_by("-status", "-id").first())
    if me is None:
        return {"me": None}
    windows = hours.upcoming_windows(team=me.team, now=now, limit=1)
    shifts = hours.upcoming_shifts(viewer=user, volunteer=me, limit=1)
    return {"me": me, "next_patrol": windows[0] if windows else None, "next_shift": shifts[0] if shifts else None,
            "month": hours.person_service(me, hours.month_start(now), now),
            "service": reverse("volunteers:my_service")}


PANELS = (
    Panel("team", "volunteers/partials/home_team.html", team, roles=frozenset({VOLUNTEER}), order=5),
    Panel("volunteer_vetting", "volunteers/partials/home_vetting.html", vetting, roles=VETTING, order=20),
)
