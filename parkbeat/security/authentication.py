"""Bearer tokens with the password rules (A3): an expired password, or one the system administrator set and
the person has not yet replaced, gets 403 with the reason.

The second factor was checked when the token was issued (`org.auth.token_issue`), and a role change,
password change, logout or disable revokes the token (`services.sessions_revoke`).
"""
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions

from parkbeat.core import authentication
from parkbeat.security import services


class BearerTokenAuthentication(authentication.BearerTokenAuthentication):
    def authenticate(self, request):
        result = super().authenticate(request)
        owed = services.password_change_owed(result[0]) if result is not None else None
        if owed:
            raise exceptions.PermissionDenied(owed)
        return result


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = BearerTokenAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer"}
