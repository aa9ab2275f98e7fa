from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuardingConfig(AppConfig):
    name = "parkbeat.guarding"
    verbose_name = _("Special guarding")
