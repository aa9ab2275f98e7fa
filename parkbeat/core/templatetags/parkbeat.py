"""Template filters: personal data is shown masked through these, never sliced by hand."""
from django import template

from parkbeat.core import personal

register = template.Library()


@register.filter
def mask_mobile(value):
    return personal.mask_mobile(value)


@register.filter
def mask_resident_id(value):
    return personal.mask_resident_id(value)
