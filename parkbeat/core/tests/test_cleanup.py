"""The daily clean-up: each job removes only what has expired, is safe to run twice, and changes nothing else."""
import os
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from parkbeat.audit.models import AuditEvent
from parkbeat.core.cleanup import cleanup, jobs
from parkbeat.core.models import IdempotencyKey
from parkbeat.files.models import Attachment
from parkbeat.files.services import attachment_create
from parkbeat.files.tests.test_uploads import png_bytes
from parkbeat.notifications.models import OutboxMessage
from parkbeat.notifications.services import notify
from parkbeat.org.models import ApiToken

NOW = timezone.now()


def aged(path, hours):
    stamp = (NOW - timedelta(hours=hours)).timestamp()
    os.utime(path, (stamp, stamp))


def test_every_app_declares_its_jobs_and_they_run_in_app_order():
    assert [job.name for job in jobs()] == ["idempotency_keys", "expired_sessions", "ended_tokens", "orphan_files",
                                            "given_up_outbox"]


def test_a_rolled_back_upload_leaves_a_file_that_goes_once_it_is_an_hour_old(world, settings):
    kept = attachment_create(actor=world.officer, obj=world.enterprise, upload=SimpleUploadedFile("a.png", png_bytes()))
    with pytest.raises(RuntimeError), transaction.atomic():  # the record's transaction rolls back after the write
        attachment_create(actor=world.officer, obj=world.enterprise, upload=SimpleUploadedFile("b.png", png_bytes()))
        raise RuntimeError("the incident report failed afterwards")
    files = [p for p in settings.PRIVATE_MEDIA_ROOT.rglob("*") if p.is_file()]
    assert len(files) == 2 and Attachment.objects.count() == 1
    orphan = next(p for p in files if p != kept.path)

    assert cleanup(now=NOW, only=["orphan_files"]) == {"orphan_files": 0}  # still fresh: maybe in flight
    for path in files:
        aged(path, 2)
    assert cleanup(now=NOW, only=["orphan_files"], dry_run=True) == {"orphan_files": 1} and orphan.exists()
    assert cleanup(now=NOW, only=["orphan_files"]) == {"orphan_files": 1}
    assert cleanup(now=NOW, only=["orphan_files"]) == {"orphan_files": 0}

    assert not orphan.exists() and kept.path.exists()


def test_old_idempotency_keys_go_and_recent_ones_stay(world, settings):
    settings.IDEMPOTENCY_KEEP_DAYS = 7
    for key, days in (("old", 8), ("new", 6)):
        row = IdempotencyKey.objects.create(user=world.officer, scope="visits", key=key, request_hash="h",
                                            object_id="1", status_code=201)
        IdempotencyKey.objects.filter(pk=row.pk).update(created_at=NOW - timedelta(days=days))

    assert cleanup(now=NOW, only=["idempotency_keys"]) == {"idempotency_keys": 1}
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]


def test_given_up_outbox_rows_past_retention_go_and_the_rest_stay(world, settings):
    settings.OUTBOX_KEEP_DAYS = 90
    [note] = notify(recipients=[world.officer], kind="other", title="t", body="b")
    rows = [OutboxMessage.objects.create(notification=note, channel="email", status=status,
                                         next_attempt_at=NOW - timedelta(days=days))
            for status, days in (("dead", 91), ("dead", 89), ("failed", 200))]

    assert cleanup(now=NOW, only=["given_up_outbox"]) == {"given_up_outbox": 1}
    assert sorted(OutboxMessage.objects.values_list("pk", flat=True)) == sorted(r.pk for r in rows[1:])


def test_expired_sessions_and_long_ended_tokens_go(world, settings):
    settings.TOKEN_KEEP_DAYS = 30
    live, old = SessionStore(), SessionStore()
    live.create()
    old.create()
    Session.objects.filter(session_key=old.session_key).update(expire_date=NOW - timedelta(minutes=1))
    tokens = {name: ApiToken.objects.create(user=world.officer, key_hash=name * 64, expires_at=expires,
                                            revoked_at=revoked)
              for name, expires, revoked in (("a", NOW - timedelta(days=31), None),
                                             ("b", NOW + timedelta(days=1), NOW - timedelta(days=40)),
                                             ("c", NOW - timedelta(days=2), None),
                                             ("d", NOW + timedelta(hours=8), None))}

    assert cleanup(now=NOW, only=["expired_sessions", "ended_tokens"]) == {"expired_sessions": 1, "ended_tokens": 2}
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
    assert sorted(ApiToken.objects.values_list("key_hash", flat=True)) == sorted(
        tokens[name].key_hash for name in ("c", "d"))


def test_the_command_reports_each_job_and_a_run_that_removed_something_is_audited(world, settings):
    row = IdempotencyKey.objects.create(user=world.officer, scope="visits", key="k", request_hash="h",
                                        object_id="1", status_code=201)
    IdempotencyKey.objects.filter(pk=row.pk).update(created_at=NOW - timedelta(days=30))
    out = StringIO()

    call_command("cleanup", stdout=out)
    call_command("cleanup", stdout=StringIO())  # the second run removes nothing and is not audited

    assert "idempotency_keys   removed 1" in out.getvalue()
    [event] = AuditEvent.objects.filter(object_type="core.Cleanup")
    assert (event.verb, event.actor_id) == ("delete", None) and "idempotency_keys: 1" in event.note
    with pytest.raises(CommandError, match="Unknown clean-up job"):
        call_command("cleanup", "--only", "everything")
