from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "parkbeat.core"
    verbose_name = "Core"
