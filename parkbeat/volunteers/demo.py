"""The volunteers' demo: four volunteer-police teams per demo park with their members, and the volunteer
demo account (the captain of park 1's first team)."""
from parkbeat.core.demo import mobile, person_name, resident_id
from parkbeat.core.personal import blind_index
from parkbeat.enterprises.demo import short_name
from parkbeat.org.demo import ensure_accounts
from parkbeat.org.models import Role
from parkbeat.volunteers.models import Volunteer, VolunteerTeam

REQUIRES = ("org", "enterprises")
ACCOUNTS = (("volunteer1", None, Role.VOLUNTEER, "volunteer1"),)


def _team_name(enterprise):
    return short_name(enterprise) + "义警队"


def seed_volunteers(rng, parks, enterprises):
    """Four teams per park, each nominated by an active enterprise of 80+ staff; park k's first team
    belongs to the enterprise whose security head becomes liaison<k> (see enterprises.demo.refresh)."""
    teams, members, ids = [], [], set()
    for park, candidates in zip(parks, enterprises):
        showcase = min(candidates, key=lambda e: (not e.is_key, -e.headcount, e.pk))
        by_name = {}  # team names must differ within the park
        for e in candidates:
            by_name.setdefault(_team_name(e), e)
        others = [e for name, e in by_name.items() if e.headcount >= 80 and name != _team_name(showcase)]
        for owner in [showcase, *rng.sample(others, 3)]:
            teams.append(VolunteerTeam(park=park, enterprise=owner, name=_team_name(owner)))
    VolunteerTeam.objects.bulk_create(teams)
    for team in teams:
        for n in range(rng.randint(6, 11)):
            rid = resident_id(rng)
            while rid in ids:
                rid = resident_id(rng)
            ids.add(rid)
            status = Volunteer.Status.NOMINATED if n and rng.random() < 0.1 else Volunteer.Status.ACTIVE
            # bulk_create skips Volunteer.save(), which is what fills the blind index
            members.append(Volunteer(team=team, name=person_name(rng), resident_id=rid,
                                     resident_id_index=blind_index(rid), mobile=mobile(rng), is_captain=n == 0,
                                     status=status))
    Volunteer.objects.bulk_create(members)
    return teams, members


def seed(ctx):
    teams, members = seed_volunteers(ctx.rng("volunteers"), ctx.shared["demo_parks"], ctx.shared["active"])
    ctx.shared["teams"] = teams
    refresh(ctx)
    return {"volunteer teams": len(teams), "volunteers": len(members), "demo accounts": len(ACCOUNTS)}


def refresh(ctx):
    """Create or repair volunteer1 on the member already linked to it, else on the captain of park 1's
    first team (read back, so a re-run finds the same)."""
    row = (Volunteer.objects.filter(user__username="volunteer1").select_related("team").first()
           or Volunteer.objects.filter(team__park=ctx.shared["demo_parks"][0], is_captain=True)
           .select_related("team").order_by("team_id").first())
    return ensure_accounts(ctx, ACCOUNTS, {"volunteer1": row.team}, {"volunteer1": row})
