from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "parkbeat.org"
    verbose_name = _("Org")

    def ready(self):
        from parkbeat.org import signals  # noqa: F401
