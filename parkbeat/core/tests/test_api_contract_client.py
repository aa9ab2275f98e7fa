"""Issue 17: a client generated from /api/schema/ with openapi-python-client works with no edits.

As the 110 dispatch system's vendor would: fetch the schema from a live server, generate a Python client
into a temporary folder, import it and drive the integration's story through it: a token, an incident
created with an idempotency key and a dispatch number (sent twice: stored once), read back, accepted,
arrived, closed, lists of incidents and disputes with filters and pages, the figures, and a 409 and a 400
answered as typed errors.
"""
import datetime
import importlib
import json
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import pytest
from django.utils import timezone

from parkbeat.testing import World

PASSWORD = "Correct-Horse-9"  # parkbeat.testing.UserFactory
TIMEOUT = httpx.Timeout(120)  # a loaded test machine, not a speed check


def generate_client(base_url, token, folder):
    """The schema as served, a client generated from it (no network beyond the live server, no hooks)."""
    schema = httpx.get(f"{base_url}/api/schema/?format=json", headers={"Authorization": f"Bearer {token}"},
                       timeout=TIMEOUT)
    assert schema.status_code == 200, schema.text[:300]
    (folder / "schema.json").write_text(json.dumps(schema.json()), encoding="utf-8")
    (folder / "config.yml").write_text("post_hooks: []\n", encoding="utf-8")  # no formatter run
    generator = Path(sys.executable).parent / "openapi-python-client"
    done = subprocess.run([str(generator), "generate", "--path", str(folder / "schema.json"), "--output-path",
                           str(folder / "parkbeat_client"), "--meta", "none", "--config", str(folder / "config.yml")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    sys.path.insert(0, str(folder))
    try:
        return importlib.import_module("parkbeat_client")
    finally:
        sys.path.remove(str(folder))


@pytest.fixture
def generated(tmp_path):
    yield tmp_path
    for name in [name for name in sys.modules if name == "parkbeat_client" or name.startswith("parkbeat_client.")]:
        del sys.modules[name]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_generated_client_drives_the_110_story(live_server, generated):
    from parkbeat.disputes import services as dispute_services
    from parkbeat.disputes.models import Dispute

    world = World()
    dispute_services.dispute_open(actor=world.officer, category=Dispute.Category.values[0], title="欠薪",
                                  summary="三名工人反映欠薪", park=world.park)  # unsettled: settled_level is null
    base = live_server.url
    plain = httpx.post(f"{base}/api/v1/auth/token/", json={"username": "t_officer", "password": PASSWORD},
                       timeout=TIMEOUT)
    assert plain.status_code == 200, plain.text
    generate_client(base, plain.json()["token"], generated)

    from parkbeat_client import AuthenticatedClient, Client
    from parkbeat_client.api.v1 import (v1_auth_token_create, v1_disputes_list, v1_incidents_accept_create,
                                        v1_incidents_arrive_create, v1_incidents_close_create,
                                        v1_incidents_create, v1_incidents_figures_retrieve, v1_incidents_list,
                                        v1_incidents_retrieve)
    from parkbeat_client.models import (Error, IncidentActionRequest, IncidentCloseRequest, IncidentDetail,
                                        IncidentKindEnum, IncidentRequest, IncidentResultEnum,
                                        IncidentSourceEnum, IncidentStatusEnum, TokenRequestRequest)

    token = v1_auth_token_create.sync(client=Client(base_url=base, timeout=TIMEOUT),
                                      body=TokenRequestRequest(username="t_officer", password=PASSWORD))
    assert token.token and token.expires_at.tzinfo is not None
    api = AuthenticatedClient(base_url=base, token=token.token, raise_on_unexpected_status=True,
                              timeout=TIMEOUT)

    key = str(uuid.uuid4())
    report = IncidentRequest(source=IncidentSourceEnum.DISPATCH_110, dispatch_number="JJ20261202-0042",
                             kind=IncidentKindEnum.LABOUR_DISPUTE, park=world.park.pk, location="新马工业园 3 号门",
                             description="110 转警：工人聚集讨薪")
    created = v1_incidents_create.sync_detailed(client=api, body=report, idempotency_key=key)
    assert created.status_code == 201, created.content
    again = v1_incidents_create.sync_detailed(client=api, body=report, idempotency_key=key)  # a resend
    assert again.status_code in (200, 201) and again.parsed.id == created.parsed.id

    incident = v1_incidents_retrieve.sync(client=api, id=created.parsed.id)
    assert isinstance(incident, IncidentDetail)
    assert (incident.dispatch_number, incident.source, incident.status) == (
        "JJ20261202-0042", IncidentSourceEnum.DISPATCH_110, IncidentStatusEnum.REPORTED)
    assert incident.result is None

    accepted = v1_incidents_accept_create.sync(client=api, id=incident.id,
                                               body=IncidentActionRequest(version=incident.version))
    assert accepted.status == IncidentStatusEnum.ACCEPTED
    stale = v1_incidents_accept_create.sync_detailed(client=api, id=incident.id,
                                                     body=IncidentActionRequest(version=incident.version))
    assert stale.status_code == 409 and isinstance(stale.parsed, Error) and stale.parsed.detail
    arrived = v1_incidents_arrive_create.sync(client=api, id=incident.id,
                                              body=IncidentActionRequest(version=accepted.version))
    assert arrived.status == IncidentStatusEnum.ON_SCENE
    closed = v1_incidents_close_create.sync(client=api, id=incident.id, body=IncidentCloseRequest(
        version=arrived.version, result=IncidentResultEnum.RESOLVED, result_note="已协调企业当场支付"))
    assert (closed.status, closed.result) == (IncidentStatusEnum.CLOSED, IncidentResultEnum.RESOLVED)
    assert [t.to_status for t in closed.transitions][-1] == IncidentStatusEnum.CLOSED

    listed = v1_incidents_list.sync(client=api, source=IncidentSourceEnum.DISPATCH_110,
                                    status=IncidentStatusEnum.CLOSED, page=1)
    assert [row.id for row in listed.results] == [incident.id] and listed.count == 1
    past_the_end = v1_incidents_list.sync_detailed(client=api, page=2)
    assert past_the_end.status_code == 404 and isinstance(past_the_end.parsed, Error)
    disputes = v1_disputes_list.sync(client=api, open_=True, page=1)
    assert disputes.count == 1 and disputes.results[0].settled_level is None

    today = timezone.localdate()
    figures = v1_incidents_figures_retrieve.sync_detailed(client=api, start=today - datetime.timedelta(days=7),
                                                          end=today + datetime.timedelta(days=1))
    assert figures.status_code == 200 and figures.parsed is not None
    backwards = v1_incidents_figures_retrieve.sync_detailed(client=api, start=today, end=today - datetime.timedelta(days=1))
    assert backwards.status_code == 400 and isinstance(backwards.parsed, Error) and backwards.parsed.detail
