from django.apps import AppConfig
from django.core import checks


class SecurityConfig(AppConfig):
    """Login and sessions (SECURITY A1–A7): lockout, passwords, second factor, timeouts, headers."""

    name = "parkbeat.security"
    verbose_name = "Login and sessions"

    def ready(self):
        from parkbeat.security import signals  # noqa: F401  (login/logout/lockout receivers)

        checks.register(check_settings)


def check_settings(app_configs, **kwargs):
    """A misspelt role in PARKBEAT_2FA_ROLES would silently exempt that role from the second factor."""
    from django.conf import settings

    from parkbeat.org.models import Role

    unknown = sorted(set(settings.PARKBEAT_2FA_ROLES) - set(Role.values))
    if unknown:
        return [checks.Error(f"PARKBEAT_2FA_ROLES names unknown roles: {', '.join(unknown)}",
                             hint=f"Known roles: {', '.join(Role.values)}", id="parkbeat.security.E001")]
    return []
