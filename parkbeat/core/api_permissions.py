"""DRF permission classes built on core.permissions."""
from rest_framework.permissions import BasePermission

from parkbeat.core.permissions import can


def require_perm(perm):
    """A permission class that lets through users holding a role granting `perm`."""

    class HasPerm(BasePermission):
        def has_permission(self, request, view):
            return bool(request.user and request.user.is_authenticated and can(request.user, perm))

    HasPerm.__name__ = f"HasPerm_{perm.replace('.', '_')}"
    return HasPerm
