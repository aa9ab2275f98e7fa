"""Response contract (issue 17): every API answer a test receives matches the published schema.

Registered from the root conftest as a pytest plugin, wired like the personal-data scanner: an autouse
fixture wraps the test client's handler (Django's Client and DRF's APIClient both go through
`ClientHandler.__call__`), and every response to an /api/v1/ request is validated with openapi-core against
the schema drf-spectacular generates (built once per process). A mismatch raises `ContractViolation` at the
request that produced it, naming the operation, the status and the field.

Not validated: a path or method the schema does not document (a test probing a wrong URL), streaming
responses (reading would consume them), and tests marked `@pytest.mark.contract_allow("why")`. A body that
is not JSON is checked only for its status and content type, as the schema declares them.
"""
import json
from functools import lru_cache

import pytest
from django.test.client import ClientHandler

API_PREFIX = "/api/v1/"


class ContractViolation(AssertionError):
    """An API response did not match the published schema."""


@lru_cache(maxsize=1)
def schema_dict():
    """The schema as /api/schema/ serves it (JSON-ready: lazy strings rendered)."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(schema, renderer_context={}))


@lru_cache(maxsize=1)
def openapi():
    from openapi_core import OpenAPI

    return OpenAPI.from_dict(schema_dict())


class _Request:
    """The request as openapi-core reads it: only what finds the operation (the body is not validated)."""

    def __init__(self, environ, django_request):
        from openapi_core.datatypes import RequestParameters
        from werkzeug.datastructures import Headers, ImmutableMultiDict

        self.host_url = "http://testserver"
        self.path = environ.get("PATH_INFO", "")
        self.method = environ.get("REQUEST_METHOD", "GET").lower()
        self.body = None
        self.content_type = "application/json"
        query = django_request.GET if django_request is not None else {}
        self.parameters = RequestParameters(query=ImmutableMultiDict(list(query.lists()) if query else []),
                                            header=Headers(), cookie=ImmutableMultiDict(), path={})


def _describe(error):
    """The innermost readable reason, with the JSON path of the field it is about."""
    from openapi_core.validation.schemas.exceptions import InvalidSchemaValue

    parts = [type(error).__name__]
    cause = error
    while cause is not None:
        if isinstance(cause, InvalidSchemaValue):
            for schema_error in list(cause.schema_errors)[:8]:
                where = "/".join(str(p) for p in schema_error.absolute_path) or "(body)"
                parts.append(f"at {where}: {schema_error.message[:300]}")
            break
        cause = cause.__cause__ or cause.__context__
    else:
        parts.append(str(error)[:500])
    return "; ".join(parts)


def violation(environ, response):
    """None, or the readable reason `response` does not match the schema."""
    from openapi_core.contrib.django import DjangoOpenAPIResponse
    from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound

    spec = openapi()
    request = _Request(environ, getattr(response, "wsgi_request", None))
    try:
        spec.validate_response(request, DjangoOpenAPIResponse(response))
    except (PathNotFound, OperationNotFound):
        return None  # not a documented operation: nothing to hold it to
    except Exception as error:  # noqa: BLE001 - every validation error is reported the same way
        return _describe(error)
    return None


def operation_name(environ):
    """The operationId the request reached (for the message)."""
    from openapi_core.templating.paths.exceptions import PathError

    try:
        found = _finder().find(environ.get("REQUEST_METHOD", "GET").lower(),
                               "http://testserver" + environ.get("PATH_INFO", ""))
        return found.operation["operationId"]
    except (PathError, KeyError):
        return "?"


@lru_cache(maxsize=1)
def _finder():
    from openapi_core.templating.paths.finders import APICallPathFinder

    return APICallPathFinder(openapi().spec)


def pytest_configure(config):
    config.addinivalue_line("markers", "contract_allow(reason): API responses in this test are not held to the schema")


@pytest.fixture(autouse=True)
def _response_contract(request, monkeypatch):
    if request.node.get_closest_marker("contract_allow"):
        yield
        return
    original = ClientHandler.__call__

    def validating(self, environ, *args, **kwargs):
        response = original(self, environ, *args, **kwargs)
        if environ.get("PATH_INFO", "").startswith(API_PREFIX) and not getattr(response, "streaming", False):
            reason = violation(environ, response)
            if reason:
                raise ContractViolation(
                    f"{environ.get('REQUEST_METHOD')} {environ.get('PATH_INFO')} ({operation_name(environ)}) "
                    f"answered {response.status_code} against the schema: {reason}")
        return response

    monkeypatch.setattr(ClientHandler, "__call__", validating)
    yield
