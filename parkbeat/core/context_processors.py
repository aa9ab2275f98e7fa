"""Navigation by role: each entry appears only to the roles that can use it, and the entries of one area sit
under one menu of the bar (a menu of a single entry is shown as that entry), so the police's two dozen entries
fit one row."""
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parkbeat.core.permissions import (AGENCY, AUDITOR, AUXILIARY, CASE_ROLES, LEADER, LIAISON, MEDIATOR, OFFICER,
                                       SECURITY_ADMIN, SYSTEM_ADMIN, VOLUNTEER)
from parkbeat.core.roles import Role
from parkbeat.core.scoping import access_for

NAV = [
    # (url name, icon, label, roles that see it)
    ("home", "speedometer2", _("Overview"), CASE_ROLES | {SYSTEM_ADMIN, SECURITY_ADMIN, AUDITOR}),  # 工作台
    ("org:park_list", "geo-alt", _("Parks"), {LEADER, OFFICER, AUXILIARY, MEDIATOR, AGENCY}),
    ("enterprises:enterprise_list", "building", _("Enterprises"), {LEADER, OFFICER, AUXILIARY, MEDIATOR, AGENCY, LIAISON}),
    ("enterprises:visit_list", "clipboard-check", _("Visits"), {LEADER, OFFICER, AUXILIARY}),
    ("enterprises:demand_list", "chat-square-text", _("Demands"), {LEADER, OFFICER, AUXILIARY, AGENCY, LIAISON}),
    ("outreach:lecture_list", "megaphone", _("Publicity"), {LEADER, OFFICER, AUXILIARY, LIAISON, VOLUNTEER}),
    ("outreach:coverage", "pie-chart", _("Publicity coverage"), {LEADER, OFFICER, AUXILIARY, LIAISON}),
    ("incidents:incident_list", "broadcast", _("Incidents"), {LEADER, OFFICER, AUXILIARY, AGENCY, LIAISON, VOLUNTEER}),
    ("incidents:quick_report", "megaphone", _("Quick report"), {LIAISON, VOLUNTEER}),
    ("disputes:dispute_list", "people-fill", _("Disputes"), {LEADER, OFFICER, AUXILIARY, MEDIATOR, AGENCY, LIAISON}),
    ("disputes:dispute_figures", "bar-chart", _("Dispute figures"), {LEADER, OFFICER, AUXILIARY, MEDIATOR}),
    ("crime:case_list", "folder2-open", _("Criminal cases"), {LEADER, OFFICER, AUXILIARY, LIAISON}),
    ("crime:lead_list", "search", _("Leads"), {LEADER, OFFICER, AUXILIARY, AGENCY}),
    ("volunteers:volunteer_list", "person-badge", _("Volunteers"), {LEADER, OFFICER, AUXILIARY, LIAISON}),
    ("volunteers:my_volunteer", "person-vcard", _("My volunteer record"), {VOLUNTEER}),
    ("volunteers:my_service", "award", _("My volunteer service"), {VOLUNTEER}),
    ("volunteers:ranking", "trophy", _("Volunteer ranking"), {LEADER, OFFICER, AUXILIARY, LIAISON}),
    ("patrols:field_home", "signpost-split", _("My patrols"), {LEADER, OFFICER, AUXILIARY, VOLUNTEER}),
    ("patrols:run_list", "shield-check", _("Patrol runs"), {LEADER, OFFICER, AUXILIARY, VOLUNTEER}),
    ("patrols:plan_list", "calendar2-range", _("Patrol plans"), {LEADER, OFFICER, AUXILIARY, VOLUNTEER}),
    ("patrols:checkpoint_list", "qr-code", _("Checkpoints"), {LEADER, OFFICER, AUXILIARY}),
    ("patrols:coverage", "clipboard-data", _("Patrol coverage"), {LEADER, OFFICER, AUXILIARY}),
    ("patrols:map", "map", _("Patrol map"), {LEADER, OFFICER, AUXILIARY}),
    ("guarding:asset_list", "bezier2", _("Special guarding"), {LEADER, OFFICER, AUXILIARY, LIAISON, VOLUNTEER}),
    ("guarding:my_shifts", "person-check", _("My guard shifts"), {VOLUNTEER}),
    ("guarding:shift_list", "calendar2-week", _("Guard shifts"), {LEADER, OFFICER, AUXILIARY}),
    ("inspections:inspection_list", "clipboard2-pulse", _("Safety inspections"), {LEADER, OFFICER, AUXILIARY, AGENCY}),
    ("inspections:compliance", "grid-3x3", _("Inspection compliance"), {LEADER, OFFICER, AUXILIARY}),
    ("inspections:calendar", "calendar3", _("Inspection calendar"), {LEADER, OFFICER, AUXILIARY}),
    ("inspections:keydate_list", "calendar-event", _("Key dates"), {LEADER, OFFICER, AUXILIARY}),
    ("inspections:campaign_list", "flag", _("Special campaigns"), {LEADER, OFFICER, AUXILIARY}),
    ("hazards:hazard_list", "exclamation-triangle", _("Hazards"), {LEADER, OFFICER, AUXILIARY, AGENCY}),
    ("hazards:my_hazards", "exclamation-triangle", _("My hazards"), {LIAISON}),
    ("checks:check_list", "person-check", _("Background checks"), {LEADER, OFFICER, LIAISON}),
    ("checks:check_figures", "bar-chart-line", _("Background check figures"), {LEADER, OFFICER}),
    ("org:duty_list", "calendar-week", _("Duty roster"), {LEADER, OFFICER, AUXILIARY}),
    ("org:user_list", "people", _("Accounts"), {SYSTEM_ADMIN}),
    ("org:role_list", "person-badge", _("Roles"), {SECURITY_ADMIN}),
    ("audit:event_list", "journal-text", _("Audit trail"), {AUDITOR}),
    ("checks:read_log", "eye", _("Background check reads"), {AUDITOR}),
]

# (label, icon, entries): an area's menu, placed where its first entry the user sees would stand
GROUPS = [
    (_("Parks and enterprises"), "buildings", ("org:park_list", "enterprises:enterprise_list",
                                               "enterprises:visit_list", "enterprises:demand_list",
                                               "outreach:lecture_list", "outreach:coverage")),
    (_("Incidents and disputes"), "broadcast", ("incidents:incident_list", "incidents:quick_report",
                                                "disputes:dispute_list", "disputes:dispute_figures",
                                                "crime:case_list", "crime:lead_list")),
    (_("Volunteer police"), "person-badge", ("volunteers:volunteer_list", "volunteers:my_volunteer",
                                             "volunteers:my_service", "volunteers:ranking")),
    (_("Patrols and guarding"), "shield-check", ("patrols:field_home", "patrols:run_list", "patrols:plan_list",
                                                 "patrols:checkpoint_list", "patrols:coverage", "patrols:map",
                                                 "guarding:asset_list", "guarding:my_shifts",
                                                 "guarding:shift_list")),
    (_("Inspections"), "clipboard2-pulse", ("inspections:inspection_list", "inspections:compliance",
                                            "inspections:calendar", "inspections:keydate_list",
                                            "inspections:campaign_list", "hazards:hazard_list",
                                            "hazards:my_hazards")),
    (_("Background checks"), "person-check", ("checks:check_list", "checks:check_figures")),
]
GROUP_OF = {name: index for index, (_label, _icon, names) in enumerate(GROUPS) for name in names}


def reaches(user, url_name):
    """Whether the navigation offers `url_name` to `user` (the page cards follow the same roles)."""
    roles = next((roles for name, _icon, _label, roles in NAV if name == url_name), set())
    return bool(access_for(user).roles & roles)


def current_section(path, urls):
    """The one entry the page belongs to: the longest entry URL that starts the path ("/" only for itself),
    so /enterprises/visits/ lights 走访 and not 企业 as well; None for a page of no entry (inbox, security)."""
    matches = [url for url in urls if (path == url if url == "/" else path.startswith(url))]
    return max(matches, key=len, default=None)


def menu(items):
    """The bar: entries outside any area as they are, an area's entries as one menu ({"label", "icon", "children",
    "active"}) where its first entry stands, or as that entry alone when the user sees only one of them."""
    members = {}
    for item in items:
        if item["name"] in GROUP_OF:
            members.setdefault(GROUP_OF[item["name"]], []).append(item)
    bar, placed = [], set()
    for item in items:
        index = GROUP_OF.get(item["name"])
        if index is None or len(members[index]) == 1:
            bar.append(item)
        elif index not in placed:
            placed.add(index)
            label, icon, _names = GROUPS[index]
            bar.append({"label": label, "icon": icon, "children": members[index],
                        "active": any(member["active"] for member in members[index])})
    return bar


def navigation(request):
    user = getattr(request, "user", None)
    access = access_for(user)
    items = [{"name": name, "url": reverse(name), "icon": icon, "label": label, "active": False}
             for name, icon, label, roles in NAV if access.roles & roles]
    active = current_section(request.path, [item["url"] for item in items])
    for item in items:
        item["active"] = item["url"] == active
    return {
        "access": access,
        "nav_items": items,
        "nav_menu": menu(items),
        "role_labels": [Role(r).label for r in sorted(access.roles)],
        "DEMO_MODE": settings.DEMO_MODE,
        "MAP_TILE_URL": settings.MAP_TILE_URL,
    }

