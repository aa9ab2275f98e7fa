from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "parkbeat.core"
    verbose_name = "Core"

    def ready(self):
        from parkbeat.core import checks  # noqa: F401 (registers the start-up checks)
