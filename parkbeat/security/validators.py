"""Password rules (SECURITY A2) beside Django's length, common-password and numeric validators.

A password needs 3 of the 4 character classes unless it is a long passphrase, and never contains the
person's username, mobile number or e-mail name.
"""
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CLASSES = (re.compile(r"[A-Z]"), re.compile(r"[a-z]"), re.compile(r"[0-9]"), re.compile(r"[^A-Za-z0-9]"))


class CharacterClassValidator:
    """At least `min_classes` of: upper case, lower case, digits, other signs; passphrases are exempt."""

    def __init__(self, min_classes=3, passphrase_length=20):
        self.min_classes = min_classes
        self.passphrase_length = passphrase_length

    def validate(self, password, user=None):
        if len(password) >= self.passphrase_length:
            return
        if sum(1 for pattern in CLASSES if pattern.search(password)) < self.min_classes:
            raise ValidationError(self.message(), code="password_too_simple")

    def message(self):
        return _("The password needs at least %(n)d of: upper-case letters, lower-case letters, digits, "
                 "other signs — or use a passphrase of %(long)d characters or more.") % {
            "n": self.min_classes, "long": self.passphrase_length}

    def get_help_text(self):
        return self.message()


class PersonalInfoValidator:
    """The password must not contain the username, the mobile number or the e-mail name (case ignored)."""

    min_part = 3  # shorter values ("li") would forbid too many good passwords

    def validate(self, password, user=None):
        if user is None:
            return
        lowered = password.lower()
        parts = {
            _("your username"): getattr(user, "username", "") or "",
            _("your mobile number"): getattr(user, "mobile", "") or "",
            _("your e-mail name"): (getattr(user, "email", "") or "").partition("@")[0],
        }
        for label, value in parts.items():
            if len(value) >= self.min_part and value.lower() in lowered:
                raise ValidationError(_("The password must not contain %(what)s.") % {"what": label},
                                      code="password_contains_personal_info")

    def get_help_text(self):
        return _("The password must not contain your username, mobile number or e-mail name.")
