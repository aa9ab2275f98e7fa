from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChecksConfig(AppConfig):
    name = "parkbeat.checks"
    verbose_name = _("Background checks")
