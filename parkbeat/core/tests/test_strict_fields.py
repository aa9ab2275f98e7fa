"""No field anywhere in the API is silently ignored: a key a request body does not accept is a 400 naming it."""
import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers

from parkbeat.core.serializers import StrictFieldsMixin


def _request_serializers():
    """Every serializer the schema documents as a request body (operation by operation)."""
    generator = SchemaGenerator()
    generator.parse(None, True)  # fills generator.endpoints
    found = {}
    for path, _path_regex, method, view in generator._get_paths_and_endpoints():
        if method.lower() not in ("post", "put", "patch"):
            continue
        schema = view.schema
        schema.path, schema.path_regex, schema.method, schema.view = path, _path_regex, method, view
        request = schema.get_request_serializer()
        for serializer in (request.values() if isinstance(request, dict) else [request]):
            if isinstance(serializer, serializers.BaseSerializer) or (
                    isinstance(serializer, type) and issubclass(serializer, serializers.BaseSerializer)):
                cls = serializer if isinstance(serializer, type) else type(serializer)
                if issubclass(cls, serializers.ListSerializer):
                    cls = type(serializer.child)
                found[f"{method} {path}"] = cls
    return found


def test_every_request_body_refuses_keys_it_does_not_accept():
    bodies = _request_serializers()

    lax = sorted(f"{operation}: {cls.__name__}" for operation, cls in bodies.items()
                 if not issubclass(cls, StrictFieldsMixin))

    assert len(bodies) > 30
    assert not lax, "request bodies that would silently drop unknown keys:\n" + "\n".join(lax)


@pytest.mark.parametrize("body, refused", [
    ({"version": 1, "closed_at": "2026-12-01T11:02:00+08:00"}, "closed_at"),
    ({"version": 1, "status": "closed"}, "status"),
])
def test_an_action_names_the_key_it_does_not_accept_and_changes_nothing(world, api_as, body, refused):
    from parkbeat.incidents.models import Incident
    from parkbeat.incidents.services import incident_report

    incident = incident_report(actor=world.officer, source=Incident.Source.PHONE, kind=Incident.Kind.THEFT,
                               park=world.park, description="仓库电缆被盗")

    response = api_as(world.officer).post(f"/api/v1/incidents/{incident.pk}/accept/", body, format="json")

    assert response.status_code == 400
    assert refused in response.json()
    incident.refresh_from_db()
    assert (incident.status, incident.accepted_at) == (Incident.Status.REPORTED, None)


def test_a_read_only_field_in_a_patch_is_refused_not_ignored(world, api_as):
    response = api_as(world.officer).patch(f"/api/v1/enterprises/{world.enterprise.pk}/",
                                           {"version": 1, "id": 999, "headcount": 120}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"detail", "id"}
    world.enterprise.refresh_from_db()
    assert world.enterprise.headcount != 120
