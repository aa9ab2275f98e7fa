"""F5: the restore drill — write rows, back up, restore into a new database, find the same counts,
checksums and a verifying audit chain; and a damaged or tampered backup is refused with nothing written.
"""
import json
import sqlite3
import uuid
from pathlib import Path

import pytest
from django.utils import translation
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from parkbeat.audit.models import AuditEvent
from parkbeat.core.backup import sha256_file, sign
from parkbeat.testing import LiaisonFactory
from parkbeat.enterprises import services
from parkbeat.enterprises.models import Enterprise, Liaison, Visit
from parkbeat.files.models import Attachment
from parkbeat.files.services import attachment_create
from parkbeat.files.tests.test_uploads import png_bytes
from parkbeat.org.models import User


@pytest.fixture(autouse=True)
def _english_messages():
    """The assertions quote the English messages; the default interface language is Chinese."""
    with translation.override("en"):
        yield

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite drill (the suite runs on PostgreSQL)")


def write_rows(world, settings):
    """The World plus audited updates, an attachment in private media and a file in public media."""
    for n in range(5):
        enterprise = Enterprise.objects.get(pk=world.enterprise.pk)
        services.enterprise_update(actor=world.officer, enterprise=enterprise, data={"headcount": 200 + n},
                                   expected_version=enterprise.version)
    visit = services.visit_create(actor=world.officer, enterprise=world.enterprise, findings="消防通道畅通",
                                  demands=[{"category": "traffic", "content": "路口缺少减速带"}])
    LiaisonFactory(enterprise=world.enterprise2)
    attachment = attachment_create(actor=world.officer, obj=visit, upload=SimpleUploadedFile("现场.png", png_bytes()))
    Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
    (Path(settings.MEDIA_ROOT) / "logo.txt").write_text("公开文件")
    return attachment


def backup_to(tmp_path):
    out = tmp_path / "backups"
    call_command("backup", "--output", str(out), stdout=open("/dev/null", "w"))
    (folder,) = list(out.iterdir())
    return folder


def restore(folder, url, media, *extra):
    from io import StringIO
    stdout = StringIO()
    call_command("restore", str(folder), "--database-url", url, "--media-root", str(media / "media"),
                 "--private-media-root", str(media / "private"), *extra, stdout=stdout)
    return stdout.getvalue()


def table_counts_sqlite(path):
    conn = sqlite3.connect(path)
    try:
        names = [n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                            "AND name NOT LIKE 'sqlite_%'")]
        return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}  # nosec B608
    finally:
        conn.close()


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_restore_drill_on_sqlite(world, settings, tmp_path):
    # given: rows, audited changes and files
    attachment = write_rows(world, settings)
    expected = {"enterprises_enterprise": Enterprise.objects.count(), "enterprises_visit": Visit.objects.count(),
                "enterprises_liaison": Liaison.objects.count(), "org_user": User.objects.count(),
                "audit_auditevent": AuditEvent.objects.count(), "files_attachment": Attachment.objects.count()}
    # when
    folder = backup_to(tmp_path)
    target = tmp_path / "restored.sqlite3"
    output = restore(folder, f"sqlite:///{target}", tmp_path / "restored")
    # then: the manifest describes what was backed up
    manifest = json.loads((folder / "manifest.json").read_text())
    assert sorted(manifest["files"]) == ["database.sqlite3", "media.tar"]
    assert {name: sha256_file(folder / name) for name in manifest["files"]} == manifest["files"]
    assert manifest["engine"] == "sqlite" and manifest["created_at"] and manifest["app_version"]
    assert manifest["audit"]["events"] == expected["audit_auditevent"]
    assert manifest["audit"]["chain_head"] == AuditEvent.objects.order_by("-id").first().hash
    # the restored database has the same rows, table by table
    restored = table_counts_sqlite(target)
    assert restored == manifest["row_counts"]
    assert {t: restored[t] for t in expected} == expected
    assert restored == table_counts_sqlite(connection.settings_dict["NAME"])
    # the files came back byte for byte, and the chain verified in the restored database
    restored_file = tmp_path / "restored" / "private" / attachment.stored_name
    assert sha256_file(restored_file) == attachment.sha256
    assert (tmp_path / "restored" / "media" / "logo.txt").read_text() == "公开文件"
    assert output.strip() == (f"restored {len(restored)} tables, {sum(restored.values())} rows, 2 files; "
                              f"audit chain verified ({expected['audit_auditevent']} events)")


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_a_corrupted_backup_is_refused_and_nothing_is_written(world, settings, tmp_path):
    write_rows(world, settings)
    folder = backup_to(tmp_path)
    db_file = folder / "database.sqlite3"
    data = bytearray(db_file.read_bytes())
    data[len(data) // 2] ^= 0x01  # flip one bit
    db_file.write_bytes(bytes(data))
    target = tmp_path / "restored.sqlite3"

    with pytest.raises(CommandError) as info:
        restore(folder, f"sqlite:///{target}", tmp_path / "restored")

    assert str(info.value) == ("The backup is damaged or was altered: database.sqlite3 does not match its checksum. "
                               "Nothing was restored.")
    assert not target.exists()
    assert not (tmp_path / "restored").exists()


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_a_damaged_media_archive_is_refused_and_nothing_is_written(world, settings, tmp_path):
    write_rows(world, settings)
    folder = backup_to(tmp_path)
    with open(folder / "media.tar", "r+b") as fh:
        fh.seek(600)
        fh.write(b"X")
    target = tmp_path / "restored.sqlite3"

    with pytest.raises(CommandError, match="media.tar does not match its checksum"):
        restore(folder, f"sqlite:///{target}", tmp_path / "restored")

    assert not target.exists() and not (tmp_path / "restored").exists()


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_an_altered_audit_trail_with_a_rewritten_and_re_signed_manifest_is_caught_by_the_chain(
        world, settings, tmp_path):
    # given: someone holding the signing key edits an audit event and rewrites and re-signs the manifest
    write_rows(world, settings)
    folder = backup_to(tmp_path)
    db_file = folder / "database.sqlite3"
    conn = sqlite3.connect(db_file)
    victim = conn.execute("SELECT id FROM audit_auditevent ORDER BY id LIMIT 1 OFFSET 3").fetchone()[0]
    conn.execute("UPDATE audit_auditevent SET note = 'nothing happened' WHERE id = ?", [victim])
    conn.commit()
    conn.close()
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["files"]["database.sqlite3"] = sha256_file(db_file)
    signed_manifest(folder, json.dumps(manifest))
    # when / then
    with pytest.raises(CommandError) as info:
        restore(folder, f"sqlite:///{tmp_path / 'restored.sqlite3'}", tmp_path / "restored")
    assert str(info.value) == f"The restored audit trail is broken at event {victim}: do not use this database."


@sqlite_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("tamper", ["rewritten manifest", "unsigned", "signed with another key"])
def test_a_manifest_that_is_unsigned_or_wrongly_signed_is_refused_before_anything_is_touched(
        world, settings, tmp_path, tamper):
    write_rows(world, settings)
    folder = backup_to(tmp_path)
    manifest = json.loads((folder / "manifest.json").read_text())
    if tamper == "rewritten manifest":  # a swapped database file and its checksum, without the key
        manifest["row_counts"]["org_user"] += 1
        (folder / "manifest.json").write_text(json.dumps(manifest))
    elif tamper == "unsigned":
        (folder / "manifest.sig").unlink()
    else:
        settings.BACKUP_SIGNING_KEY = "ab" * 32
    target = tmp_path / "restored.sqlite3"

    with pytest.raises(CommandError) as info:
        restore(folder, f"sqlite:///{target}", tmp_path / "restored")

    assert ("is not signed" if tamper == "unsigned" else "does not match") in str(info.value)
    assert "nothing was restored" in str(info.value)
    assert not target.exists() and not (tmp_path / "restored").exists()


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_the_signing_key_is_never_inside_the_backup_and_a_short_one_is_refused(world, settings, tmp_path):
    from parkbeat.core.backup import BackupError, signing_key

    folder = backup_to(tmp_path)
    key = signing_key().hex()

    assert all(key not in path.read_bytes().decode("latin-1") for path in folder.iterdir() if path.stat().st_size < 10**7)
    settings.BACKUP_SIGNING_KEY = "ab" * 8
    with pytest.raises(BackupError, match="at least 64 hex characters"):
        signing_key()


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_a_non_empty_target_is_refused_without_force(world, settings, tmp_path):
    write_rows(world, settings)
    folder = backup_to(tmp_path)
    target = tmp_path / "in-use.sqlite3"
    conn = sqlite3.connect(target)
    conn.execute("CREATE TABLE precious (x)")
    conn.execute("INSERT INTO precious VALUES (42)")
    conn.commit()
    conn.close()
    before = target.read_bytes()

    with pytest.raises(CommandError, match="is not empty; restore into a new database or pass --force"):
        restore(folder, f"sqlite:///{target}", tmp_path / "restored")
    assert target.read_bytes() == before and not (tmp_path / "restored").exists()

    output = restore(folder, f"sqlite:///{target}", tmp_path / "restored", "--force")
    assert "audit chain verified" in output
    assert "precious" not in table_counts_sqlite(target)


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_non_empty_media_targets_are_refused_without_force(world, settings, tmp_path):
    write_rows(world, settings)
    folder = backup_to(tmp_path)
    (tmp_path / "restored" / "private").mkdir(parents=True)
    (tmp_path / "restored" / "private" / "keep.bin").write_bytes(b"keep")
    target = tmp_path / "restored.sqlite3"

    with pytest.raises(CommandError, match="is not empty"):
        restore(folder, f"sqlite:///{target}", tmp_path / "restored")
    assert not target.exists()


def signed_manifest(folder, text):
    """A manifest as someone holding the signing key would write it."""
    (folder / "manifest.json").write_text(text)
    (folder / "manifest.sig").write_text(sign(text.encode()))


@pytest.mark.parametrize(("setup", "message"), [
    (lambda f: None, "has no manifest.json"),
    (lambda f: signed_manifest(f, "{not json"), "is damaged or of an unknown format"),
    (lambda f: signed_manifest(f, json.dumps({
        "format": 1, "engine": "sqlite", "database_file": "database.sqlite3", "row_counts": {},
        "files": {"database.sqlite3": "0" * 64, "media.tar": "0" * 64}})), "database.sqlite3 is missing"),
    (lambda f: signed_manifest(f, json.dumps({
        "format": 1, "engine": "sqlite", "database_file": "../x", "row_counts": {},
        "files": {"../x": "0" * 64, "media.tar": "0" * 64}})), "../x is missing"),
])
def test_a_folder_that_is_not_a_sound_backup_is_refused(tmp_path, setup, message):
    folder = tmp_path / "not-a-backup"
    folder.mkdir()
    setup(folder)

    with pytest.raises(CommandError, match=message.replace(".", r"\.")):
        restore(folder, f"sqlite:///{tmp_path / 'x.sqlite3'}", tmp_path / "restored")
    assert not (tmp_path / "x.sqlite3").exists()


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_a_sqlite_backup_cannot_be_restored_into_postgresql(world, settings, tmp_path):
    write_rows(world, settings)
    folder = backup_to(tmp_path)

    with pytest.raises(CommandError, match="can only be restored into one"):
        restore(folder, "postgres://nobody@127.0.0.1:1/none", tmp_path / "restored")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_restore_drill_on_postgresql(world, settings, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump/pg_restore drill: runs in the PostgreSQL phase (DATABASE_URL=postgres://...)")
    import psycopg
    from psycopg import sql

    attachment = write_rows(world, settings)
    events = AuditEvent.objects.count()
    folder = backup_to(tmp_path)
    params = connection.settings_dict
    name = f"parkbeat_restore_{uuid.uuid4().hex[:10]}"
    admin = {"dbname": "postgres", "user": params.get("USER") or None, "password": params.get("PASSWORD") or None,
             "host": params.get("HOST") or None, "port": params.get("PORT") or None}
    admin = {k: str(v) for k, v in admin.items() if v}
    with psycopg.connect(autocommit=True, **admin) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        auth = f"{params['USER']}:{params['PASSWORD']}@" if params.get("PASSWORD") else f"{params['USER']}@"
        url = f"postgres://{auth}{params.get('HOST') or '127.0.0.1'}:{params.get('PORT') or 5432}/{name}"
        output = restore(folder, url, tmp_path / "restored")

        manifest = json.loads((folder / "manifest.json").read_text())
        assert sorted(manifest["files"]) == ["database.pgdump", "media.tar"]
        with psycopg.connect(url) as conn:
            restored = {t: conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(t))).fetchone()[0]
                        for t in manifest["row_counts"]}
        assert restored == manifest["row_counts"]
        assert (restored["audit_auditevent"], restored["enterprises_enterprise"]) == (events, Enterprise.objects.count())
        assert f"audit chain verified ({events} events)" in output
        assert sha256_file(tmp_path / "restored" / "private" / attachment.stored_name) == attachment.sha256
    finally:
        with psycopg.connect(autocommit=True, **admin) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
