"""Our own hostile-input suite (SECURITY.md part F), on top of schemathesis: every write endpoint of the
schema, every field of its body, each class of input that broke something once or could, for each role.

The property: no 5xx, and every answer under /api/ is JSON (never the HTML error page). The classes:
lone surrogates, NUL bytes, huge strings, extreme numbers, impossible dates, wrong types, unknown fields
and deep nesting; multipart endpoints get the ones a form can carry. Paths get a real record of each kind,
so the bodies reach the serializers and services rather than stopping at a 404.

Marked slow (a few thousand requests per role on SQLite); the figure printed is requests sent per role.
"""
import json
import pytest
from django.core.cache import cache

from parkbeat.disputes.tests.factories import open_dispute, three_instalments
from parkbeat.incidents.tests.helpers import report
from parkbeat.notifications.models import Notification
from parkbeat.testing import DemandFactory, LiaisonFactory, VisitFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

ROLES = ["officer", "leader", "liaison", "volunteer"]
SURROGATE = "\ud800"
# (name, JSON text of the value): written as text so a lone surrogate can be sent as its escape.
HOSTILE = [
    ("surrogate", json.dumps("a" + SURROGATE)),
    ("nul", json.dumps("a\x00b")),
    ("huge", json.dumps("长" * 200_000)),
    ("float_max", "1e308"),
    ("int_huge", str(2 ** 70)),
    ("int_negative", str(-(2 ** 63) - 1)),
    ("date_first", json.dumps("0001-01-01")),
    ("date_last", json.dumps("9999-12-31T23:59:59+08:00")),
    ("date_impossible", json.dumps("2026-02-30")),
    ("list", "[1, 2]"),
    ("object", '{"a": {"b": 1}}'),
    ("bool", "true"),
    ("null", "null"),
    ("deep", "[" * 40 + "]" * 40),
]
FORM_HOSTILE = [("nul", "a\x00b"), ("huge", "长" * 200_000), ("date_last", "9999-12-31"),
                ("int_huge", str(2 ** 70)), ("empty", "")]


def schema():
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    raw = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(raw))


def resolve(spec, node):
    while "$ref" in node:
        node = spec["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def write_operations(spec):
    """(method, path template, content types, property names) of every write operation."""
    for path, operations in sorted(spec["paths"].items()):
        for method, operation in operations.items():
            if method not in ("post", "put", "patch"):
                continue
            content = operation.get("requestBody", {}).get("content", {})
            body = next(iter(content.values()), {}).get("schema", {})
            properties = sorted(resolve(spec, body).get("properties", {})) if body else []
            yield method, path, list(content), properties


@pytest.fixture
def records(world):
    """A record of each kind a write path names, in park A (the officer's)."""
    incident = report(world)
    dispute = open_dispute(world)
    agreement = three_instalments(world, dispute)
    note = Notification.objects.create(recipient=world.officer, kind="incident_dispatched", title="x", body="x")
    return {"incidents": incident.pk, "disputes": dispute.pk, "obligations": agreement.obligations.first().pk,
            "enterprises": world.enterprise.pk, "liaisons": LiaisonFactory(enterprise=world.enterprise).pk,
            "visits": VisitFactory(enterprise=world.enterprise, visitor=world.officer).pk,
            "demands": DemandFactory(enterprise=world.enterprise, raised_by=world.officer).pk,
            "notifications": note.pk}


def concrete(path, records):
    resource = path.split("/")[3]
    return path.replace("{id}", str(records.get(resource, 1)))


def is_json(response):
    return response.status_code == 204 or response.get("Content-Type", "").startswith("application/json")


@pytest.mark.parametrize("role", ROLES)
def test_no_hostile_body_gets_a_server_error_or_an_html_answer(world, records, api_as, role, capsys):
    spec = schema()
    user = world.role_users()[role]
    client = api_as(user)
    client.raise_request_exception = False
    sent, failures = 0, []

    def check(method, path, label, response):
        nonlocal sent
        sent += 1
        if response.status_code >= 500 or (path.startswith("/api/") and not is_json(response)):
            failures.append(f"{method.upper()} {path} [{label}] → {response.status_code} "
                            f"{response.content[:120]!r}")

    for method, template, content_types, properties in write_operations(spec):
        path = concrete(template, records)
        call = getattr(client, method)
        if "application/json" in content_types:
            for field in [*properties, "zzz_unknown"]:
                for label, value in HOSTILE:
                    cache.clear()  # rate limits (reveal, export) would hide what the service does
                    body = f'{{"{field}": {value}}}'.encode("utf-8", "surrogatepass")
                    check(method, path, f"{field}={label}",
                          client.generic(method.upper(), path, body, content_type="application/json"))
            check(method, path, "deep body", client.generic(
                method.upper(), path, ("[" * 5000 + "]" * 5000).encode(), content_type="application/json"))
        elif "multipart/form-data" in content_types:
            for field in [*properties, "zzz_unknown"]:
                for label, value in FORM_HOSTILE:
                    cache.clear()
                    check(method, path, f"{field}={label}", call(path, {field: value}, format="multipart"))
        else:  # no body at all (mark as read)
            check(method, path, "no body", call(path))
            check(method, path, "unexpected body", client.generic(
                method.upper(), path, b'{"x": "\\ud800"}', content_type="application/json"))

    with capsys.disabled():
        print(f"\n[figure] hostile bodies as {role}: {sent} requests, {len(failures)} server errors or HTML answers")
    assert not failures, "\n".join(failures[:40])


def test_the_walk_reaches_every_write_operation_of_the_schema(world):
    operations = list(write_operations(schema()))

    assert len(operations) >= 40
    assert any(path == "/api/v1/auth/token/" for _m, path, _c, _p in operations)
    assert all(properties for method, path, types, properties in operations if types), \
        "an operation with a body whose fields the walk cannot see"
