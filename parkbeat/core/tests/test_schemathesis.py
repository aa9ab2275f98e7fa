"""SECURITY E2: schemathesis against the app's own OpenAPI schema, for each role's bearer token.

Generated requests for every operation, per role (leader, officer, liaison, volunteer, auditor and
anonymous), sent through the WSGI application: no 5xx, and every answer conforms to the schema (a
documented status code, the documented content type, a body matching the documented schema). The
shared error answers (400/401/403/404/409/429 with `detail`) are documented by core.schema's hook.

Bounded (MAX_EXAMPLES per operation, derandomized so a run is repeatable) and marked slow: about a
minute per role on SQLite. Each role prints its figure: cases run and server errors.
"""
import json
import secrets
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone

from parkbeat.core.authentication import hash_token
from parkbeat.core.tests.services import must_have
from parkbeat.org.models import ApiToken

pytestmark = pytest.mark.slow

ROLES = ["leader", "officer", "liaison", "volunteer", "auditor", "anonymous"]
MAX_EXAMPLES = 20
REVOKE = ("DELETE", "/api/v1/auth/token/revoke/")


def _schema():
    """The schema exactly as /api/schema/ serves it (rendered to JSON, so lazy texts are plain strings)."""
    import schemathesis
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    raw = SchemaGenerator().get_schema(request=None, public=True)
    return schemathesis.openapi.from_dict(json.loads(OpenApiJsonRenderer().render(raw)))


@pytest.fixture
def wsgi_app():
    """The WSGI application inside the test's transaction: Django's test client does the same, since
    closing "old" connections at each request would end the transaction the test runs in."""
    from parkbeat.wsgi import application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield application
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _bearer(user):
    key = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, key_hash=hash_token(key), expires_at=timezone.now() + timedelta(hours=1))
    return {"Authorization": f"Bearer {key}"}


@pytest.mark.parametrize("role", ROLES)
def test_generated_requests_get_no_server_error_and_conform_to_the_schema(world, wsgi_app, role, capsys):
    try:
        import schemathesis  # noqa: F401
    except ImportError:
        schemathesis = None
    must_have(schemathesis is not None, "schemathesis is not installed: pip install -e '.[dev]'")
    from hypothesis import HealthCheck, Phase, given
    from hypothesis import settings as hypothesis_settings
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                                   status_code_conformance)

    cache.clear()  # export quotas
    user = None if role == "anonymous" else world.role_users()[role]
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    cases, server_errors, violations = 0, [], []

    for result in _schema().get_all_operations():
        operation = result.ok()
        revoke = (operation.method.upper(), operation.path) == REVOKE

        @hypothesis_settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
                             phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def run(case):
            nonlocal cases
            cases += 1
            # The revoke operation gets a token of its own each time, so the role's token stays valid.
            headers = _bearer(user) if user is not None and (revoke or not run.headers) else run.headers
            if not revoke and user is not None:
                run.headers = headers
            where = f"{case.method} {case.formatted_path} {case.query or ''}"
            try:
                response = case.call(app=wsgi_app, headers=headers)
            except Exception as exc:  # noqa: BLE001 - an exception escaping the app is a server error
                server_errors.append(f"{where}: {type(exc).__name__}: {exc}")
                return
            if response.status_code >= 500:
                server_errors.append(f"{where}: {response.status_code} body={str(case.body)[:300]}")
                return
            try:
                case.validate_response(response, checks=checks)
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - schemathesis' FailureGroup
                violations.append(f"{where}: {response.status_code}: " + " | ".join(str(exc).splitlines()[:8]))

        run.headers = None if user is None else _bearer(user)
        run()

    with capsys.disabled():
        print(f"\n[figure] schemathesis {role}: {cases} cases, {len(server_errors)} server errors, "
              f"{len(violations)} schema violations")
    assert not server_errors, "\n".join(server_errors[:20])
    assert not violations, "\n".join(violations[:40])
    assert cases >= MAX_EXAMPLES  # the run did generate requests
