"""Bearer tokens with the password-expiry rule (A3): an expired password gets 403 with the reason.

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
        if result is not None and services.password_expired(result[0]):
            raise exceptions.PermissionDenied(services.password_expired_message())
        return result


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = BearerTokenAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer"}
