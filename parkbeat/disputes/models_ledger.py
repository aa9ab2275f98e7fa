"""A station's dispute ledger (矛盾纠纷台账) brought into ParkBeat: each row, once per station, and what it became."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkbeat.disputes.models import Dispute, DisputeQuerySet

# Seen by exactly who sees the dispute the row became.
LedgerEntryQuerySet = DisputeQuerySet.through("dispute__")


class LedgerEntry(models.Model):
    """One imported ledger row: its number in the station's ledger, the dispute (and incident) it became,
    and a fingerprint of its content, so that a re-import adds nothing and a changed row is noticed."""

    station = models.ForeignKey("org.OrgUnit", models.PROTECT, related_name="+", verbose_name=_("police station"))
    number = models.CharField(_("ledger number"), max_length=50)
    dispute = models.OneToOneField(Dispute, models.CASCADE, related_name="ledger_entry", verbose_name=_("dispute"))
    incident = models.ForeignKey("incidents.Incident", models.SET_NULL, null=True, blank=True, related_name="+",
                                 verbose_name=_("incident"))
    fingerprint = models.CharField(_("content fingerprint"), max_length=64)  # SHA-256 of the checked row
    file_name = models.CharField(_("file"), max_length=100, blank=True)
    row = models.PositiveIntegerField(_("row"))
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                    verbose_name=_("imported by"))
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)

    objects = LedgerEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["station_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["station", "number"], name="ledger_number_once_per_station",
                                    violation_error_message=_("This ledger number was already imported for "
                                                              "this station.")),
        ]

    def __str__(self):
        return f"{self.number} → {self.dispute.number}"
