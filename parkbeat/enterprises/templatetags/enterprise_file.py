"""{% enterprise_file enterprise as panels %}: the panels later apps declare for the enterprise page
(enterprises.panels), for the requesting user, like NetBox's plugin template extensions."""
from django import template

from parkbeat.enterprises.panels import panels_for

register = template.Library()


@register.simple_tag(takes_context=True)
def enterprise_file(context, enterprise):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or enterprise is None:
        return []
    return panels_for(user=user, enterprise=enterprise, request=request)
