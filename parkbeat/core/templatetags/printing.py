"""{% may "incident.handle" incident as may_print %}: whether the page's user holds a permission where it
reaches `obj`, for showing the print and PDF buttons only to those the print views let in."""
from django import template

from parkbeat.core.permissions import can

register = template.Library()


@register.simple_tag(takes_context=True)
def may(context, perm, obj=None):
    request = context.get("request")
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated and can(user, perm, obj))
