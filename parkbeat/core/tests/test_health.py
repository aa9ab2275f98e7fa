"""`GET /health/`: the database, the job consumer's heartbeat and the outbox backlog, for a balancer."""
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from parkbeat.core import health
from parkbeat.notifications.models import Notification, OutboxMessage

pytestmark = pytest.mark.django_db
COVERS = {"health_report"}


@pytest.fixture
def queued(settings, monkeypatch):
    """A consumer that is not in immediate mode, as in production."""
    monkeypatch.setattr(HUEY, "immediate", False)
    yield
    HUEY.delete(health.HEARTBEAT_KEY)


def test_health_answers_anonymous_callers_with_every_check(client):
    response = client.get("/health/")

    assert response.status_code == 200
    body = response.json()
    assert set(body["checks"]) >= {"database", "queue", "outbox"}
    assert body["checks"]["database"]["ok"] is True
    assert response["Cache-Control"] == "no-store"


def test_a_recent_heartbeat_is_ok_and_an_old_one_degrades(client, queued):
    health.beat(now=time.time() - 30)
    assert client.get("/health/").json()["checks"]["queue"] == {"ok": True, "heartbeat_age_s": 30}

    health.beat(now=time.time() - health.HEARTBEAT_STALE - 60)
    body = client.get("/health/").json()

    assert body["status"] == "degraded"
    assert body["checks"]["queue"]["ok"] is False


def test_no_heartbeat_at_all_is_reported(client, queued):
    HUEY.delete(health.HEARTBEAT_KEY)

    body = client.get("/health/").json()

    assert body["checks"]["queue"] == {"ok": False, "heartbeat_age_s": None}
    assert body["status"] == "degraded"


def test_the_heartbeat_task_writes_the_beat(queued):
    from parkbeat.core.tasks import heartbeat_task

    heartbeat_task.call_local()

    assert time.time() - HUEY.get(health.HEARTBEAT_KEY, peek=True) < 5


def test_an_old_outbox_backlog_degrades(client, world):
    note = Notification.objects.create(recipient=world.officer, kind="incident_dispatched", title="x", body="x")
    message = OutboxMessage.objects.create(notification=note, channel="sms")
    OutboxMessage.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(hours=1))

    outbox = client.get("/health/").json()["checks"]["outbox"]

    assert outbox["ok"] is False and outbox["waiting"] == 1 and outbox["oldest_age_s"] >= 3600


def test_a_database_that_does_not_answer_is_503(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionError("refused")

    monkeypatch.setattr(connection, "cursor", refuse)

    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json()["status"] == "down"
    assert response.json()["checks"]["database"] == {"ok": False, "error": "ConnectionError"}
