"""Incident creation stays cheap (issue 12): a fixed number of queries, a write transaction that holds only
the writes and the audit chain's head, and the same records as before — incident, dispatch step, the
holder's notification, the audit event — all stored together or not at all."""
import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from parkbeat.audit.models import AuditEvent
from parkbeat.audit.services import verify_chain
from parkbeat.incidents import services
from parkbeat.incidents.models import Incident, IncidentTransition
from parkbeat.notifications.models import Notification, OutboxMessage

from .helpers import report
from .test_api import bearer_client, body

# POST /api/v1/incidents/ by a bearer token with an Idempotency-Key, after the token's first request: the
# token, the key, the user's roles, the park and enterprise fields, who is on duty (the roster, then the
# park's officers); then only writes: incident, dispatch step, notification, chain head read, audit event,
# chain head update, idempotency key, and two savepoints (four statements). Before issue 12: 41 (demo, no enterprise).
# Lower is welcome: change the number with the change that earns it.
CREATE_QUERIES = 18


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def _post(client, world, number):
    return client.post("/api/v1/incidents/", body(world, dispatch_number=number), format="json",
                       HTTP_IDEMPOTENCY_KEY=f"key-{number}")


def test_an_api_create_costs_a_fixed_number_of_queries(world, api_as):
    client = bearer_client(api_as, "t_officer")
    assert _post(client, world, "110-A-1").status_code == 201  # the token's first use stamps last_used_at

    with CaptureQueriesContext(connection) as ctx:
        response = _post(client, world, "110-A-2")

    assert response.status_code == 201, response.content
    sql = [q["sql"] for q in ctx.captured_queries]
    assert len(sql) == CREATE_QUERIES, "\n".join(sql)


def test_the_write_transaction_reads_nothing_but_the_chain_head(world, api_as):
    """Every check and read runs before the write transaction opens; inside it only INSERTs, the chain
    head (read and updated last but one) and the idempotency key."""
    client = bearer_client(api_as, "t_officer")
    _post(client, world, "110-B-1")
    base = len(connection.atomic_blocks)  # the test's own transaction
    inside = []

    def spy(execute, sql, params, many, context):
        if len(connection.atomic_blocks) > base:
            inside.append(sql.split()[0].upper() + (" chain head" if "audit_auditchainhead" in sql else ""))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        assert _post(client, world, "110-B-2").status_code == 201

    assert [s for s in inside if s not in ("SAVEPOINT", "RELEASE")] == [
        "INSERT", "INSERT", "INSERT",  # incident, dispatch step, the holder's notification
        "SELECT chain head", "INSERT", "UPDATE chain head",  # the audit event, last: the head is locked briefly
        "INSERT"]  # the idempotency key, in the same transaction as the record


def test_a_create_stores_the_dispatch_step_the_notification_and_a_verified_audit_event(world, api_as):
    client = bearer_client(api_as, "t_officer")

    response = _post(client, world, "110-C-1")

    assert response.status_code == 201, response.content
    incident = Incident.objects.get(pk=response.json()["id"])
    step = IncidentTransition.objects.get(incident=incident)
    assert (step.kind, step.to_status, step.holder) == ("dispatch", "reported", world.officer)
    note = Notification.objects.get(object_id=incident.pk)
    assert (note.recipient, note.kind, note.title) == (
        world.officer, "incident_dispatched", f"New incident {incident.number}: Labour dispute")
    event = AuditEvent.objects.get(object_type="incidents.Incident", object_id=str(incident.pk))
    assert (event.verb, event.actor, event.changes["dispatch_number"][1]) == ("create", world.officer, "110-C-1")
    assert verify_chain() == (AuditEvent.objects.count(), None)


def test_a_resent_key_answers_the_same_incident_and_a_reused_number_is_refused(world, api_as):
    client = bearer_client(api_as, "t_officer")
    first = _post(client, world, "110-D-1")

    again = _post(client, world, "110-D-1")  # the same key and body: the first answer
    other = client.post("/api/v1/incidents/", body(world, dispatch_number="110-D-1"), format="json",
                        HTTP_IDEMPOTENCY_KEY="another-key")  # the same number under another key: refused

    assert (first.status_code, again.status_code, again["Idempotent-Replayed"]) == (201, 201, "true")
    assert again.json()["id"] == first.json()["id"]
    assert other.status_code == 400
    assert other.json()["detail"] == (f"dispatch_number: 110 dispatch number 110-D-1 was already recorded as "
                                      f"incident {first.json()['number']}.")
    assert (Incident.objects.count(), Notification.objects.count()) == (1, 1)


def test_nothing_is_stored_when_the_callers_transaction_rolls_back(world):
    events = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        report(world)
        raise RuntimeError("the caller fails after the report")

    assert (Incident.objects.count(), IncidentTransition.objects.count(), Notification.objects.count(),
            OutboxMessage.objects.count(), AuditEvent.objects.count()) == (0, 0, 0, 0, events)
    assert verify_chain()[1] is None


def test_nothing_is_stored_when_the_audit_event_fails(world, monkeypatch):
    """The audit event is written last: when it fails, the incident, its step and its notification, written
    before it in the same transaction, roll back with it."""
    def broken(**kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(services, "record", broken)
    with pytest.raises(RuntimeError):
        report(world)

    assert (Incident.objects.count(), IncidentTransition.objects.count(), Notification.objects.count()) == (0, 0, 0)


def test_delivery_is_queued_only_when_the_report_commits(world, settings, django_capture_on_commit_callbacks):
    settings.PARKBEAT_NOTIFY_CHANNELS = ["webhook"]
    settings.PARKBEAT_WEBHOOK_URL = "http://127.0.0.1:9/hook"  # never called: the callbacks are not run
    world.officer.mobile = "13800000000"  # the webhook reaches people with a mobile
    world.officer.save(update_fields=["mobile"])
    with django_capture_on_commit_callbacks() as committed:
        report(world)
    with django_capture_on_commit_callbacks() as rolled_back:
        with pytest.raises(RuntimeError), transaction.atomic():
            report(world)
            raise RuntimeError

    assert (len(committed), len(rolled_back)) == (1, 0)
    assert OutboxMessage.objects.filter(channel="webhook").count() == 1
