"""Which roles may do what. Combined with scoping: a role grants an action only where that role reaches.

`can(user, "enterprise.change", enterprise)` is true when one of the user's roles that grants
"enterprise.change" has the enterprise in its scope. For creating, pass the container instead
(the park for a new enterprise, the enterprise for a new visit or demand).
"""
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from parkbeat.core.scoping import access_for, is_visible

LEADER, OFFICER, AUXILIARY = "station_leader", "park_officer", "auxiliary"
MEDIATOR, AGENCY, LIAISON, VOLUNTEER = "mediator", "agency_staff", "liaison", "volunteer"
SYSTEM_ADMIN, SECURITY_ADMIN, AUDITOR = "system_admin", "security_admin", "auditor"
POLICE = frozenset({LEADER, OFFICER, AUXILIARY})

CASE_ROLES = POLICE | {MEDIATOR, AGENCY, LIAISON, VOLUNTEER}  # everyone but the three administrators

PERMISSIONS = {
    # The case lists (enterprises, visits, demands, incidents, disputes and theirs) are for case roles: an
    # administrator gets 403 there, not an empty list that looks like a filter problem (三员分立).
    "case.view": CASE_ROLES,
    "park.change": {LEADER},
    "duty.change": {LEADER, OFFICER},
    "enterprise.add": POLICE,
    "enterprise.change": POLICE,
    "enterprise.import": {LEADER, OFFICER},
    "enterprise.designate": {LEADER, OFFICER},  # key enterprise status (重点企业), with its history
    "enterprise.export": POLICE,
    "liaison.add": POLICE | {LIAISON},
    "liaison.change": POLICE | {LIAISON},
    "visit.add": POLICE,
    "visit.change": POLICE,
    "demand.add": POLICE | {LIAISON},
    "demand.assign": {LEADER, OFFICER},
    "demand.answer": POLICE,  # and the assignee, checked in the service
    "demand.close": {LEADER, OFFICER},
    # incidents (警情): anyone in the field reports; the police of the park handle
    "incident.add": POLICE | {LIAISON, VOLUNTEER},
    "incident.handle": POLICE,  # accept, arrive, close, bring in agencies (the holder first of all)
    "incident.dispatch": {LEADER, OFFICER},  # hand over to someone else, cancel, reopen
    # disputes (矛盾纠纷): police and the mediators of the centre the case is routed to
    "dispute.add": POLICE | {MEDIATOR},
    "dispute.change": POLICE | {MEDIATOR},  # details, parties, routing, sessions, agreements, payments
    "dispute.decide": {LEADER, OFFICER, MEDIATOR},  # level changes, settle, withdraw, reopen
    "dispute.figures": {LEADER, OFFICER, AUXILIARY, MEDIATOR},
    "dispute.import": {LEADER, OFFICER},  # a station's past ledger, into the parks they police
    # volunteers (义警): the liaison nominates for their enterprise's teams, the park's officer vets and
    # changes status; a volunteer reads their own record and their team's roster (names only)
    "volunteer.view": POLICE | {LIAISON, VOLUNTEER},
    "volunteer.nominate": {LIAISON},
    "volunteer.change": {LEADER, OFFICER, LIAISON},  # name, mobile, post, duties of a member in reach
    "volunteer.vet": {LEADER, OFFICER},  # approve or reject a nomination; suspend, reinstate, left
    "volunteer.record": POLICE,  # trainings and support records
    "volunteer_team.manage": {LEADER, OFFICER},  # create and rename teams, set the captain
    # joint patrols (巡防): the police see checkpoints and routes; leader and officer plan; the police and the
    # volunteers run patrols (a volunteer only the plans of their team and the runs they take part in)
    "patrol.places": POLICE,
    "patrol.plan": {LEADER, OFFICER},
    "patrol.run": POLICE | {VOLUNTEER},
    # special guarding (专项守护): leader and officer lay out assets, segments, teams, fixed points and shifts;
    # the police, the liaisons of the enterprises beside a segment and the volunteers of its team see them;
    # whoever is on a shift checks in (the police may record it for them)
    "guarding.view": POLICE | {LIAISON, VOLUNTEER},
    "guarding.plan": {LEADER, OFFICER},
    "guarding.guard": POLICE | {VOLUNTEER},
    # safety inspections of key enterprises (常态化检查): leader and officer plan them and keep the checklists; the
    # police walk them and record the results; the partner agencies' staff see only the inspections they are named on
    "inspection.view": POLICE | {AGENCY},
    "inspection.plan": {LEADER, OFFICER},
    "inspection.conduct": POLICE,
    "inspection.compliance": POLICE,
    "checklist.manage": {LEADER, OFFICER},
    # hazards (隐患): the police register and follow them; the enterprise's liaison sees its own and uploads the
    # evidence of the fix; only a leader or officer strikes one off (销号) or refers it to a partner agency, whose
    # staff then see it (as do the staff named on the inspection that found it)
    "hazard.view": POLICE | {AGENCY, LIAISON},
    "hazard.add": POLICE,
    "hazard.follow_up": POLICE,
    "hazard.evidence": POLICE | {LIAISON},
    "hazard.review": {LEADER, OFFICER},
    "hazard.refer": {LEADER, OFFICER},
    # hiring background checks (入职背景审查): the liaison asks for their enterprise's candidates; only leader and
    # officer of the park see and answer them (answering also needs the second factor: checks.services)
    "check.view": {LEADER, OFFICER, LIAISON},
    "check.request": {LIAISON},
    "check.handle": {LEADER, OFFICER},
    "check.figures": {LEADER, OFFICER},
    # enterprise-related crime (涉企案件): the police record leads (the staff of the agency working one jointly see
    # it and add observations); only leader and officer close or convert them and handle cases (auxiliaries see
    # a case summary, the enterprise's liaison its cases' status and recovered value)
    "lead.view": POLICE | {AGENCY},
    "lead.add": POLICE,
    "lead.observe": POLICE | {AGENCY},
    "lead.decide": {LEADER, OFFICER},
    "crime.view": POLICE | {LIAISON},
    "crime.handle": {LEADER, OFFICER},
    "crime.export": POLICE,
    # publicity (宣传): the police of the park plan campaigns and lectures and record attendance and rules; the
    # enterprise's liaison sees its own lectures, coverage and adopted rules; a volunteer the lectures they speak at
    "outreach.view": POLICE | {LIAISON, VOLUNTEER},
    "outreach.manage": POLICE,
    "outreach.coverage": POLICE | {LIAISON},
    "outreach.export": POLICE | {LIAISON},
    "audit.view": {AUDITOR},
    "user.manage": {SYSTEM_ADMIN},
    "role.assign": {SECURITY_ADMIN},
}


def has_role(user, *roles):
    return bool(access_for(user).roles & set(roles))


def can(user, perm, obj=None):
    """True if a role of `user` grants `perm` and (when given) reaches `obj`."""
    roles = PERMISSIONS[perm]
    if obj is None:
        return has_role(user, *roles)
    return is_visible(user, obj, roles=roles)


def require(user, perm, obj=None):
    if not can(user, perm, obj):
        raise PermissionDenied(_("You are not allowed to do this here."))
