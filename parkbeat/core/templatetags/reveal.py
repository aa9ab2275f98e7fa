"""{% reveal_allowed obj "mobile" as allowed %}: whether the page may offer the reveal form."""
from django import template

from parkbeat.core.reveal import may_reveal

register = template.Library()


@register.simple_tag(takes_context=True)
def reveal_allowed(context, obj, field):
    request = context.get("request")
    return bool(request) and may_reveal(request.user, obj, field)


@register.filter
def model_label(obj):
    return obj._meta.label
