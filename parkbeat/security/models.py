"""Which sessions belong to whom, so that all of a person's sessions can be ended at once."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from parkbeat.core.models import ChoiceLabels


class UserSession(ChoiceLabels):
    """One row per logged-in session (db or cache engine alike): `sessions_revoke` deletes them by user."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("user"))
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("user session")
        verbose_name_plural = _("user sessions")

    def __str__(self):
        return f"{self.user_id} · {self.created_at:%Y-%m-%d %H:%M}"
