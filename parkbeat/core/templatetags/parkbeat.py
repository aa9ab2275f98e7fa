"""Template filters: personal data is shown masked through these, never sliced by hand."""
from django import template
from django.utils.translation import gettext_lazy as _

from parkbeat.core import personal

register = template.Library()


@register.filter
def mask_mobile(value):
    return personal.mask_mobile(value)


@register.filter
def mask_resident_id(value):
    return personal.mask_resident_id(value)


WEEKDAY_LABELS = {"mon": _("Mon"), "tue": _("Tue"), "wed": _("Wed"), "thu": _("Thu"), "fri": _("Fri"),
                  "sat": _("Sat"), "sun": _("Sun")}


@register.filter
def weekday_label(value):
    return WEEKDAY_LABELS.get(value, value)
