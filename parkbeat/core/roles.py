"""The roles a person can hold. Scoping and permissions are decided by role, so the names live on the ground
floor; the organisation app stores who holds which role where (org.models.RoleAssignment)."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STATION_LEADER = "station_leader", _("Station leader")
    PARK_OFFICER = "park_officer", _("Park officer")
    AUXILIARY = "auxiliary", _("Auxiliary officer")
    MEDIATOR = "mediator", _("Mediator")
    AGENCY_STAFF = "agency_staff", _("Partner agency staff")
    LIAISON = "liaison", _("Enterprise liaison")
    VOLUNTEER = "volunteer", _("Volunteer")
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    SECURITY_ADMIN = "security_admin", _("Security administrator")
    AUDITOR = "auditor", _("Audit administrator")
