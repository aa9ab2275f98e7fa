"""The organisation on the workbench: the parks for the police, and the administrators' own work — accounts
for the system administrator, role assignments for the security administrator (no case data for either)."""
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parkbeat.core.home import Card, Panel
from parkbeat.core.permissions import AUXILIARY, LEADER, OFFICER, SECURITY_ADMIN, SYSTEM_ADMIN
from parkbeat.org.models import Park, Role, RoleAssignment, User

POLICE = frozenset({LEADER, OFFICER, AUXILIARY})
USERS, ROLES = "org:user_list", "org:role_list"
SHOWN = 6

CARDS = (
    Card("parks", _("Parks"), "org:park_list", roles=POLICE, icon="geo-alt"),
    Card("accounts_active", _("Active accounts"), USERS, "?is_active=true", row="home-admin",
         roles=frozenset({SYSTEM_ADMIN}), icon="person-check"),
    Card("accounts_disabled", _("Disabled accounts"), USERS, "?is_active=false", row="home-admin",
         roles=frozenset({SYSTEM_ADMIN}), icon="person-slash"),
    Card("role_assignments", _("Role assignments"), ROLES, row="home-admin", roles=frozenset({SECURITY_ADMIN}),
         icon="person-badge"),
)


def counts(*, user, now):
    """Parks in the user's jurisdiction; accounts and role assignments for the administrators' cards."""
    accounts = User.objects.aggregate(active=Count("id", filter=Q(is_active=True)),
                                      disabled=Count("id", filter=Q(is_active=False)))
    return {"parks": Park.objects.visible_to(user).count(), "accounts_active": accounts["active"],
            "accounts_disabled": accounts["disabled"], "role_assignments": RoleAssignment.objects.count()}


def accounts(*, user, now):
    """The system administrator's work: accounts to look after and the newest ones."""
    figures = User.objects.aggregate(
        must_change=Count("id", filter=Q(is_active=True, must_change_password=True)),
        never=Count("id", filter=Q(is_active=True, last_login__isnull=True)))
    recent = list(User.objects.order_by("-date_joined", "-id")
                  .only("id", "username", "full_name", "is_active", "last_login", "date_joined")[:SHOWN])
    return {"id": "wb-accounts", "recent": recent, "figures": [
        (_("Must change their password"), figures["must_change"]),
        (_("Never logged in"), figures["never"])],
        "list": reverse(USERS), "create": reverse("org:user_create")}


def roles(*, user, now):
    """The security administrator's work: who holds which role, and the latest assignments."""
    by_role = dict(RoleAssignment.objects.values_list("role").annotate(n=Count("id")))
    rows = [(label, by_role.get(value, 0), f"{reverse(ROLES)}?role={value}") for value, label in Role.choices]
    recent = list(RoleAssignment.objects.select_related("user", "unit", "park", "agency", "enterprise", "team")
                  .order_by("-created_at", "-id")[:SHOWN])
    return {"id": "wb-roles", "by_role": rows, "recent": recent, "list": reverse(ROLES),
            "create": reverse("org:role_create")}


PANELS = (
    Panel("accounts", "org/partials/home_accounts.html", accounts, roles=frozenset({SYSTEM_ADMIN}), order=10,
          width="full"),
    Panel("roles", "org/partials/home_roles.html", roles, roles=frozenset({SECURITY_ADMIN}), order=10,
          width="full"),
)
