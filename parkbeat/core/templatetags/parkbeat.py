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


@register.filter
def duration(seconds):
    """A span for people: "45 s", "12 min", "3 h 20 min", "2 d 5 h" ("—" when not reached yet)."""
    if seconds is None or seconds == "":
        return "—"
    seconds = max(0, int(float(seconds)))
    minutes, hours = seconds // 60, seconds // 3600
    if seconds < 60:
        return _("%(s)s s") % {"s": seconds}
    if minutes < 60:
        return _("%(m)s min") % {"m": minutes}
    if hours < 24:
        return _("%(h)s h %(m)s min") % {"h": hours, "m": minutes % 60}
    return _("%(d)s d %(h)s h") % {"d": hours // 24, "h": hours % 24}


def format_yuan(value):
    """An amount as a station writes it: thousands separators, two decimals, 元 ("—" when absent).

    One function for pages, exports and PDFs, so an amount reads the same everywhere.
    """
    from decimal import Decimal, InvalidOperation

    if value is None or value == "":
        return "—"
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    return _("%(amount)s yuan") % {"amount": f"{amount:,.2f}"}


@register.filter
def yuan(value):
    """{{ agreement.total_amount|yuan }} → "12,000.00 元"."""
    return format_yuan(value)


@register.filter
def scrub(value):
    """Free text that may hold a mobile or resident ID (an audit note, an object's name): masked (SECURITY C5)."""
    from parkbeat.core.logging import scrub as scrub_text

    return scrub_text(value)
