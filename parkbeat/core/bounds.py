"""What a person may enter, bounded in the model so pages, API, imports and commands agree (SECURITY.md F).

- `plausible`: a date or time a person enters lies between PARKBEAT_EARLIEST_DATE (2000-01-01) and
  PARKBEAT_YEARS_AHEAD (10) years from today; 0001-01-01 and 9999-12-31 are typing errors, not data.
- `happened`: the same, and not in the future (a visit, a payment, a session that took place), with a few
  minutes of grace for a phone's clock.
- `BoundedTextField`: a TextField whose `max_length` is enforced on every path (Django's own TextField only
  passes it to the form widget) — by validation, and again when the row is saved, so a 1 MB body cannot be
  stored as a visit's findings or a transition's note.

`core/tests/test_bounds.py` walks every model: each TextField is bounded and each date a person enters
carries one of these validators.
"""
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

CLOCK_GRACE = timedelta(minutes=5)  # a phone whose clock runs a little ahead


def earliest():
    return date.fromisoformat(settings.PARKBEAT_EARLIEST_DATE)


def latest():
    today = timezone.localdate()
    try:
        return today.replace(year=today.year + settings.PARKBEAT_YEARS_AHEAD)
    except ValueError:  # 29 February
        return today.replace(year=today.year + settings.PARKBEAT_YEARS_AHEAD, day=28)


def as_local_date(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


@deconstructible
class Plausible:
    """Between the earliest date and some years ahead; with `past_only`, not after now either."""

    def __init__(self, past_only=False):
        self.past_only = past_only

    def __call__(self, value):
        if value is None:
            return
        day = as_local_date(value)
        first, last = earliest(), latest()
        if day < first:
            raise ValidationError(_("Choose a date from %(earliest)s on.") % {"earliest": first.isoformat()},
                                  code="too_early")
        if self.past_only:
            now = timezone.now()
            future = (value > now + CLOCK_GRACE if isinstance(value, datetime) and timezone.is_aware(value)
                      else day > timezone.localdate())
            if future:
                raise ValidationError(_("This has already happened: it cannot lie in the future."),
                                      code="in_future")
        elif day > last:
            raise ValidationError(_("Enter a date no later than %(last)s.") % {"last": last.isoformat()},
                                  code="too_late")

    def __eq__(self, other):
        return isinstance(other, Plausible) and other.past_only == self.past_only


plausible = Plausible()
happened = Plausible(past_only=True)


class BoundedTextField(models.TextField):
    """A TextField with `max_length` enforced by validation on every path (default 4,000 characters)."""

    def __init__(self, *args, max_length=4000, **kwargs):
        super().__init__(*args, max_length=max_length, **kwargs)
        self.validators.append(MaxLengthValidator(max_length))

    def pre_save(self, model_instance, add):
        """Rows written without full_clean (transitions, bulk paths) are held to the length too."""
        value = super().pre_save(model_instance, add)
        if value and len(value) > self.max_length:
            raise ValidationError({self.name: [MaxLengthValidator(self.max_length).message % {
                "limit_value": self.max_length, "show_value": len(value)}]}, code="max_length")
        return value
