"""Backups (SECURITY F5): a consistent database snapshot, the media files, and a manifest that proves both.

A backup is a directory:
  database.sqlite3 | database.pgdump   SQLite's online backup API / `pg_dump -Fc` from one snapshot
  media.tar                            MEDIA_ROOT under media/, PRIVATE_MEDIA_ROOT under private/
  manifest.json                        sha256 of each file, row counts per table (from the same snapshot),
                                       the audit chain head, created time, app version
  manifest.sig                         HMAC-SM3 of manifest.json's bytes, under a key kept apart from
                                       the backups (PARKBEAT_BACKUP_SIGNING_KEY, or var/backup_signing_key)

`restore` checks the signature and then every checksum before touching anything, refuses a non-empty
target without `force`, restores into a new database, then compares the row counts and verifies the
audit chain there. Without the signature anybody who can write the backup folder could swap a file and
rewrite its checksum; with it, they also need the key.
"""
import hashlib
import json
import os
import secrets
import shutil
import sqlite3
import subprocess  # nosec B404 - pg_dump/pg_restore with argument lists, never a shell
import sys
import tarfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import dj_database_url
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, hmac
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = 1
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
MEDIA_TAR = "media.tar"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


def signing_key():
    """The backup signing key: PARKBEAT_BACKUP_SIGNING_KEY (hex, 32+ bytes), else one generated once into
    var/ beside the field keys — never inside a backup. A restore elsewhere needs the same key."""
    if settings.BACKUP_SIGNING_KEY:
        try:
            key = bytes.fromhex(settings.BACKUP_SIGNING_KEY)
        except ValueError:
            key = b""
        if len(key) < 32:
            raise BackupError(_("PARKBEAT_BACKUP_SIGNING_KEY must be at least 64 hex characters."))
        return key
    path = settings.BACKUP_SIGNING_KEY_FILE
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        os.chmod(path, 0o600)
    return bytes.fromhex(path.read_text().strip())


def sign(data):
    mac = hmac.HMAC(signing_key(), hashes.SM3())
    mac.update(data)
    return mac.finalize().hex()


def check_signature(folder, data):
    """Refuse a manifest that is unsigned or signed under another key, before anything else is read."""
    try:
        given = bytes.fromhex((folder / SIGNATURE).read_text().strip())
    except FileNotFoundError:
        raise BackupError(_("The backup in %(folder)s is not signed (no manifest.sig): it cannot be trusted, "
                            "nothing was restored.") % {"folder": folder}) from None
    except ValueError:
        given = b""
    mac = hmac.HMAC(signing_key(), hashes.SM3())
    mac.update(data)
    try:
        mac.verify(given)
    except InvalidSignature:
        raise BackupError(_("The signature of the backup in %(folder)s does not match (altered, or signed with "
                            "another key): nothing was restored.") % {"folder": folder}) from None


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _app_version():
    try:
        return metadata.version("parkbeat")
    except metadata.PackageNotFoundError:
        return "unknown"


def _quote(name):
    return '"' + name.replace('"', '""') + '"'


# ---------------------------------------------------------------- SQLite
def _sqlite_tables(conn):
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                        "ORDER BY name").fetchall()
    return [name for (name,) in rows]


def _sqlite_counts(path):
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        # Table names come from the catalogue and are quoted; nothing from outside reaches this SQL.
        return {t: conn.execute(f"SELECT count(*) FROM {_quote(t)}").fetchone()[0]  # nosec B608
                for t in _sqlite_tables(conn)}
    finally:
        conn.close()


def _sqlite_chain_head(path):
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT last_hash FROM audit_auditchainhead WHERE id = 1").fetchone()
        return row[0] if row else ""
    except sqlite3.OperationalError:
        return ""
    finally:
        conn.close()


def _sqlite_snapshot(target):
    """Copy the live database with SQLite's online backup API: a consistent copy while others keep writing."""
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)
    finally:
        destination.close()
    return _sqlite_counts(target), _sqlite_chain_head(target)


# ---------------------------------------------------------------- PostgreSQL
def _pg_env(settings_dict):
    """libpq environment for pg_dump: the password travels in the environment, never on the command line."""
    env = {**os.environ}
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD"),
                     ("NAME", "PGDATABASE")):
        if settings_dict.get(key):
            env[var] = str(settings_dict[key])
    return env


def _pg_tool(name):
    path = shutil.which(name)
    if path is None:
        raise BackupError(_("%(tool)s was not found: install the PostgreSQL client tools "
                            "(Debian: apt-get install postgresql-client).") % {"tool": name})
    return path


def _pg_counts(cursor):
    from psycopg import sql

    cursor.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
                   "AND table_type = 'BASE TABLE' ORDER BY table_name")
    counts = {}
    for (table,) in cursor.fetchall():
        cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
        counts[table] = cursor.fetchone()[0]
    return counts


def _pg_snapshot(target):
    """pg_dump -Fc from an exported snapshot, so the dump and the row counts describe the same moment."""
    import psycopg

    pg_dump = _pg_tool("pg_dump")
    env = _pg_env(connection.settings_dict)
    with psycopg.connect("", **_pg_kwargs(connection.settings_dict)) as conn:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        with conn.cursor() as cursor:
            counts = _pg_counts(cursor)
            cursor.execute("SELECT last_hash FROM audit_auditchainhead WHERE id = 1")
            row = cursor.fetchone()
        done = subprocess.run([pg_dump, "-Fc", f"--snapshot={snapshot}", "-f", str(target)],  # nosec B603
                              env=env, capture_output=True, text=True, check=False)
        conn.execute("COMMIT")
    if done.returncode != 0:
        raise BackupError(_("pg_dump failed: %(error)s") % {"error": done.stderr.strip()[-500:]})
    return counts, row[0] if row else ""


def _pg_kwargs(settings_dict):
    keys = {"NAME": "dbname", "USER": "user", "HOST": "host", "PORT": "port",
            "PASSWORD": "password"}  # nosec B105 - a parameter name, not a password
    return {arg: str(settings_dict[key]) for key, arg in keys.items() if settings_dict.get(key)}


# ---------------------------------------------------------------- media
def _media_roots(media_root=None, private_root=None):
    return {"media": Path(media_root or settings.MEDIA_ROOT), "private": Path(private_root or settings.PRIVATE_MEDIA_ROOT)}


def _write_media_tar(target):
    with tarfile.open(target, "w") as tar:
        for prefix, root in _media_roots().items():
            if root.exists():
                for path in sorted(root.rglob("*")):
                    if path.is_file() and not path.is_symlink():
                        tar.add(path, arcname=f"{prefix}/{path.relative_to(root).as_posix()}", recursive=False)
    return target


# ---------------------------------------------------------------- backup
def backup(output_dir=None):
    """Write a new backup directory under `output_dir` (default BACKUP_DIR) and return its path."""
    stamp = timezone.now()
    parent = Path(output_dir or settings.BACKUP_DIR)
    parent.mkdir(parents=True, exist_ok=True)
    folder = parent / f"parkbeat-{stamp:%Y%m%d-%H%M%S}-{os.getpid()}"
    folder.mkdir(mode=0o700)
    try:
        if connection.vendor == "sqlite":
            db_file = folder / SQLITE_FILE
            counts, head = _sqlite_snapshot(db_file)
        elif connection.vendor == "postgresql":
            db_file = folder / PG_FILE
            counts, head = _pg_snapshot(db_file)
        else:
            raise BackupError(_("Backups support SQLite and PostgreSQL, not %(vendor)s.") % {"vendor": connection.vendor})
        media = _write_media_tar(folder / MEDIA_TAR)
        manifest = {
            "format": FORMAT,
            "created_at": stamp.isoformat(),
            "app_version": _app_version(),
            "engine": connection.vendor,
            "database_file": db_file.name,
            "files": {p.name: sha256_file(p) for p in (db_file, media)},
            "row_counts": counts,
            "audit": {"events": counts.get("audit_auditevent", 0), "chain_head": head},
        }
        data = json.dumps(manifest, indent=2, sort_keys=True).encode()
        (folder / MANIFEST).write_bytes(data)
        (folder / SIGNATURE).write_text(sign(data) + "\n")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)  # never leave a half-written backup that looks complete
        raise
    return folder


# ---------------------------------------------------------------- restore
@dataclass
class RestoreReport:
    tables: int
    rows: int
    files: int
    audit_events_checked: int


def read_verified_manifest(folder):
    """The manifest, after its signature and then every file it lists checked; raises BackupError otherwise."""
    folder = Path(folder)
    try:
        data = (folder / MANIFEST).read_bytes()
    except FileNotFoundError:
        raise BackupError(_("%(folder)s has no manifest.json: it is not a ParkBeat backup.") % {"folder": folder}) from None
    check_signature(folder, data)
    try:
        manifest = json.loads(data)
        files, engine, db_name = manifest["files"], manifest["engine"], manifest["database_file"]
        if manifest["format"] != FORMAT or db_name not in files or MEDIA_TAR not in files:
            raise KeyError("format")
        manifest["row_counts"].items()
    except FileNotFoundError:
        raise BackupError(_("%(folder)s has no manifest.json: it is not a ParkBeat backup.") % {"folder": folder}) from None
    except (ValueError, KeyError, TypeError, AttributeError):
        raise BackupError(_("The manifest of %(folder)s is damaged or of an unknown format.") % {"folder": folder}) from None
    for name, expected in files.items():
        path = folder / name
        if Path(name).name != name or not path.is_file():
            raise BackupError(_("The backup is incomplete: %(name)s is missing.") % {"name": name})
        if sha256_file(path) != expected:
            raise BackupError(_("The backup is damaged or was altered: %(name)s does not match its checksum. "
                                "Nothing was restored.") % {"name": name})
    if engine not in ("sqlite", "postgresql"):
        raise BackupError(_("The manifest of %(folder)s is damaged or of an unknown format.") % {"folder": folder})
    return manifest


def _target(database_url):
    try:
        config = dj_database_url.parse(database_url)
    except ValueError as exc:
        raise BackupError(_("Not a database URL: %(error)s") % {"error": exc}) from None
    engine = config["ENGINE"].rsplit(".", 1)[-1]
    return {"sqlite3": "sqlite", "postgresql": "postgresql"}.get(engine, engine), config


def _check_media_targets(roots, force):
    for root in roots.values():
        if root.exists() and any(root.iterdir()) and not force:
            raise BackupError(_("%(dir)s is not empty; restore the files elsewhere or pass --force.") % {"dir": root})


def _extract_media(folder, roots):
    with tarfile.open(folder / MEDIA_TAR) as tar:
        members = tar.getmembers()
        for member in members:
            prefix = member.name.split("/", 1)[0]
            if prefix not in roots or not (member.isfile() or member.isdir()):
                raise BackupError(_("media.tar holds an unexpected entry: %(name)s") % {"name": member.name})
        for prefix, root in roots.items():
            root.mkdir(parents=True, exist_ok=True)
            chosen = [m for m in members if m.name.split("/", 1)[0] == prefix and "/" in m.name]
            for member in chosen:
                member.name = member.name.split("/", 1)[1]
            tar.extractall(root, members=chosen, filter="data")  # "data": no absolute paths, no ../, no links out
    return sum(1 for m in members if m.isfile())


def _restore_sqlite(folder, manifest, config, force):
    path = Path(config["NAME"])
    if path.exists() and path.stat().st_size > 0:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            non_empty = bool(_sqlite_tables(conn))
        finally:
            conn.close()
        if non_empty and not force:
            raise BackupError(_("The target database %(db)s is not empty; restore into a new database or pass "
                                "--force.") % {"db": path})
        for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            stale.unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{folder / manifest['database_file']}?mode=ro", uri=True)
    if source.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
        source.close()
        raise BackupError(_("The backed-up database fails SQLite's integrity check."))
    destination = sqlite3.connect(path)
    try:
        source.backup(destination)
    finally:
        source.close()
        destination.close()
    return _sqlite_counts(path)


def _restore_postgresql(folder, manifest, config, force):
    import psycopg

    pg_restore = _pg_tool("pg_restore")
    try:
        with psycopg.connect("", **_pg_kwargs(config)) as conn, conn.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()")
            non_empty = cursor.fetchone()[0] > 0
    except psycopg.Error as exc:
        raise BackupError(_("Cannot reach the target database: %(error)s") % {"error": str(exc).strip()}) from None
    if non_empty and not force:
        raise BackupError(_("The target database %(db)s is not empty; restore into a new database or pass "
                            "--force.") % {"db": config.get("NAME")})
    command = [pg_restore, "--no-owner", "--exit-on-error", "--single-transaction", "-d", config["NAME"]]
    if non_empty:
        command[1:1] = ["--clean", "--if-exists"]
    done = subprocess.run([*command, str(folder / manifest["database_file"])], env=_pg_env(config),  # nosec B603
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(_("pg_restore failed: %(error)s") % {"error": done.stderr.strip()[-500:]})
    with psycopg.connect("", **_pg_kwargs(config)) as conn, conn.cursor() as cursor:
        return _pg_counts(cursor)


VERIFY_SCRIPT = """
import json, django
django.setup()
from parkbeat.audit.services import verify_chain
checked, first_bad = verify_chain()[:2]
print(json.dumps({"checked": checked, "first_bad": first_bad}))
"""


def verify_restored_chain(database_url):
    """Run the audit chain verification in a fresh process configured on the restored database."""
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "parkbeat.settings"}
    done = subprocess.run([sys.executable, "-c", VERIFY_SCRIPT], env=env, capture_output=True,  # nosec B603
                          text=True, check=False, cwd=Path(settings.BASE_DIR).parent)
    if done.returncode != 0:
        raise BackupError(_("The audit chain of the restored database could not be checked: %(error)s")
                          % {"error": done.stderr.strip()[-500:]})
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if result["first_bad"] is not None:
        raise BackupError(_("The restored audit trail is broken at event %(id)s: do not use this database.")
                          % {"id": result["first_bad"]})
    return result["checked"]


def restore(folder, *, database_url, force=False, media_root=None, private_root=None):
    """Restore the backup in `folder` into the (new, empty) database at `database_url` and the media roots."""
    folder = Path(folder)
    manifest = read_verified_manifest(folder)
    engine, config = _target(database_url)
    if engine != manifest["engine"]:
        raise BackupError(_("This backup is of a %(backup)s database and can only be restored into one "
                            "(the target is %(target)s).") % {"backup": manifest["engine"], "target": engine})
    roots = _media_roots(media_root, private_root)
    _check_media_targets(roots, force)
    if engine == "sqlite":
        counts = _restore_sqlite(folder, manifest, config, force)
    else:
        counts = _restore_postgresql(folder, manifest, config, force)
    if counts != manifest["row_counts"]:
        differ = sorted(t for t in {*counts, *manifest["row_counts"]} if counts.get(t) != manifest["row_counts"].get(t))
        raise BackupError(_("The restored row counts differ from the manifest in: %(tables)s.")
                          % {"tables": ", ".join(differ[:10])})
    files = _extract_media(folder, roots)
    checked = verify_restored_chain(database_url)
    return RestoreReport(tables=len(counts), rows=sum(counts.values()), files=files, audit_events_checked=checked)
