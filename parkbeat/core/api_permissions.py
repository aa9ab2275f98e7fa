"""DRF permission classes built on core.permissions."""
from rest_framework.permissions import BasePermission

from parkbeat.core.permissions import can


def require_perm(perm, actions=None):
    """A permission class that lets through users holding a role granting `perm`; with `actions`, the
    permission is asked only for those viewset actions (any other action needs a logged-in user only)."""

    class HasPerm(BasePermission):
        def has_permission(self, request, view):
            if not (request.user and request.user.is_authenticated):
                return False
            if actions is not None and getattr(view, "action", None) not in actions:
                return True
            return can(request.user, perm)

    HasPerm.__name__ = f"HasPerm_{perm.replace('.', '_')}"
    return HasPerm


# A case list in the API (enterprises, liaisons, visits, demands, incidents, disputes, sessions, agreements,
# instalments): administrators get 403 as on the pages, not an empty page. Records stay 404 out of scope.
CASE_LIST = require_perm("case.view", actions={"list"})
