"""Navigation by role: each entry appears only to the roles that can use it."""
from django.conf import settings

from parkbeat.core.scoping import access_for


def navigation(request):
    access = access_for(getattr(request, "user", None))
    return {"access": access, "user_roles": access.roles, "DEMO_MODE": settings.DEMO_MODE,
            "MAP_TILE_URL": settings.MAP_TILE_URL}
