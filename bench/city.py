"""The city the benchmark serves: built once per engine with the project's own commands, cached, copied per run.

SQLite: var/bench/cache/sqlite-<key>/ holds the database file and the var dir's generated keys; a run copies
it. PostgreSQL: var/bench/cache/postgres-<key>/ holds the keys, and a template database
`pbbench_tpl_<hash>` on the server holds the data; a run gets `CREATE DATABASE pbbench_run_<pid> TEMPLATE
...`, dropped at the end. The key covers the sizes, the seed, BENCH_DATA_VERSION and the source of every
migration and of the demo generator, so a schema or generator change rebuilds and anything else reuses.
"""
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parents[1]
BENCH_DATA_VERSION = "2"  # bump to rebuild every cached city
CACHE_ROOT = REPO / "var" / "bench" / "cache"
BUILD_TIMEOUT_S = 60 * 60
PG_PREFIX = "pbbench_"


def say(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def base_env(var_dir, database_url=None):
    """Environment for manage.py and granian: bench settings, demo mode, nothing from the caller's deployment."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "DJANGO_SETTINGS_MODULE", "HUEY_IMMEDIATE"}}
    env.update({
        "PARKBEAT_VAR_DIR": str(var_dir),
        "PARKBEAT_DEMO": "1",
        "DJANGO_SETTINGS_MODULE": "bench.bench_settings",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")])),
        "LOG_LEVEL": "WARNING",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    })
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def manage(env, *args, timeout=600, capture=False):
    cmd = [sys.executable, str(REPO / "manage.py"), *args]
    result = subprocess.run(cmd, cwd=REPO, env=env, timeout=timeout, text=True,
                            stdout=subprocess.PIPE if capture else None, stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        raise SystemExit(f"bench: `manage.py {' '.join(args)}` failed with exit code {result.returncode}")
    return result.stdout


def seed_options(args):
    """The seed_demo options for the sizes asked, leaving out those this seed_demo does not have yet."""
    env = base_env(Path(tempfile.gettempdir()))
    helptext = manage(env, "seed_demo", "--help", capture=True, timeout=120)
    options = ["--stations", str(args.stations), "--enterprises", str(args.enterprises), "--seed", str(args.seed)]
    missing = []
    for name in ("incidents", "disputes"):
        value = getattr(args, name)
        if value is None:
            continue
        if f"--{name}" in helptext:
            options += [f"--{name}", str(value)]
        else:
            missing.append(f"--{name}")
    return options, missing


def data_key(engine, options):
    digest = hashlib.sha256(f"{BENCH_DATA_VERSION}|{engine}|{' '.join(options)}".encode())
    sources = sorted(REPO.glob("parkbeat/*/migrations/*.py"))
    sources += sorted(REPO.glob("parkbeat/*/management/commands/seed_demo.py"))
    sources += sorted(REPO.glob("parkbeat/*/demo.py"))  # each app's demo module, core's runner and helpers too
    sources += sorted(REPO.glob("parkbeat/*/demo/*.py"))
    sources += sorted(REPO.glob("parkbeat/*/city.py"))  # the city-scale generator and each area's share of it
    for path in sources:
        digest.update(str(path.relative_to(REPO)).encode())
        digest.update(path.read_bytes())
    sizes = "-".join(options[i + 1] for i in range(0, len(options), 2) if options[i] != "--seed")
    return f"{engine}-v{BENCH_DATA_VERSION}-{sizes}-{digest.hexdigest()[:12]}"


def _sizes_prefix(key):
    return key.rsplit("-", 1)[0] + "-"


def _stale(engine, key):
    """Cached cities of these sizes built from other sources, and build dirs of bench processes that are gone."""
    CACHE_ROOT.mkdir(parents=True, exist_ok=True)
    for old in CACHE_ROOT.iterdir():
        if old.name != key and old.name.startswith(_sizes_prefix(key)):
            yield old
        elif old.name.startswith(f"build-{engine}-"):
            pid = old.name.split("-")[2]
            if not (pid.isdigit() and _alive(int(pid))):
                yield old


def _find_cached(engine, key, keep_city):
    """The cache dir for `key`; with --keep-city, the newest city of the same sizes whatever its sources."""
    cached = CACHE_ROOT / key
    if cached.is_dir() or not keep_city:
        return cached
    same = sorted((p for p in CACHE_ROOT.glob(_sizes_prefix(key) + "*") if p.is_dir()),
                  key=lambda p: p.stat().st_mtime, reverse=True)
    if same:
        say(f"--keep-city: reusing {same[0].name}, built from other sources (migrated forward on the copy)")
        return same[0]
    return cached


def _new_build_dir(engine):
    CACHE_ROOT.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"build-{engine}-{os.getpid()}-", dir=CACHE_ROOT))


def _built_note(build, log):
    (build / "BUILT").write_text(f"{time.strftime('%Y-%m-%d %H:%M:%S')} seed {log.get('seed_s')}s\n")


def _clean_var(build):
    for leftover in ("huey.sqlite3", "huey.sqlite3-wal", "huey.sqlite3-shm", "static", "media"):
        path = build / leftover
        shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)


def _checkpoint_sqlite(path):
    """Fold the WAL into the main file so the cached copy is one self-contained file."""
    import sqlite3

    if path.exists():
        conn = sqlite3.connect(path)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()


def _migrate_copy(env, log):
    """Apply any migration the cached city predates (none unless --keep-city reused an older build)."""
    started = time.monotonic()
    manage(env, "migrate", "--noinput", "-v0", timeout=BUILD_TIMEOUT_S)
    log["migrate_s"] = round(time.monotonic() - started, 1)


def _seed(env, options, log):
    started = time.monotonic()
    manage(env, "migrate", "--noinput", "-v0", timeout=BUILD_TIMEOUT_S)
    say("  migrated; seeding " + " ".join(options))
    manage(env, "seed_demo", *options, timeout=BUILD_TIMEOUT_S)
    log["seed_s"] = round(time.monotonic() - started, 1)


# ---------------------------------------------------------------- SQLite
def sqlite_city(args, options, run_dir, log):
    """A fresh var dir for this run holding a copy of the cached city; returns (env, key)."""
    key = data_key("sqlite", options)
    cached = _find_cached("sqlite", key, args.keep_city)
    if not cached.is_dir() or args.rebuild:
        cached = CACHE_ROOT / key
        for old in _stale("sqlite", key):
            shutil.rmtree(old, ignore_errors=True)
        build = _new_build_dir("sqlite")
        say(f"building the SQLite city {key} (cached afterwards)")
        try:
            _seed(base_env(build), options, log)
            _checkpoint_sqlite(build / "parkbeat.sqlite3")
        except BaseException:
            shutil.rmtree(build, ignore_errors=True)
            raise
        _clean_var(build)
        _built_note(build, log)
        shutil.rmtree(cached, ignore_errors=True)
        build.rename(cached)
        say(f"  built in {log['seed_s']:.0f}s")
        log["built"] = True
    else:
        say(f"using the cached SQLite city {cached.name}")
    var_dir = run_dir / "var-sqlite"
    started = time.monotonic()
    shutil.copytree(cached, var_dir)  # runs write (tokens, sessions, creations): never into the cache
    log["copy_s"] = round(time.monotonic() - started, 1)
    (var_dir / "static").mkdir(exist_ok=True)
    env = base_env(var_dir)
    if cached.name != key:
        _migrate_copy(env, log)
    return env, cached.name


# ---------------------------------------------------------------- PostgreSQL
def with_database(url, name):
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


class PgAdmin:
    """Autocommit statements on the maintenance database (create, copy, drop the bench's databases)."""

    def __init__(self, server_url):
        import psycopg

        self.server_url = server_url
        self.conn = psycopg.connect(with_database(server_url, "postgres"), autocommit=True, connect_timeout=10)

    def close(self):
        self.conn.close()

    def databases(self, prefix):
        rows = self.conn.execute("SELECT datname FROM pg_database WHERE datname LIKE %s",
                                 [prefix.replace("_", r"\_") + "%"]).fetchall()
        return [r[0] for r in rows]

    def execute(self, sql):
        self.conn.execute(sql)

    def drop(self, name):
        if name in self.databases(name):
            self.conn.execute(f'ALTER DATABASE "{name}" WITH IS_TEMPLATE false')
        self.conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def drop_leftovers(self):
        """Run and build databases of bench processes that are gone (killed before they could drop them)."""
        for name in self.databases(f"{PG_PREFIX}run_") + self.databases(f"{PG_PREFIX}build_"):
            pid = name.rsplit("_", 1)[-1]
            if pid.isdigit() and not _alive(int(pid)):
                say(f"dropping the leftover database {name}")
                self.drop(name)


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def postgres_city(args, options, run_dir, log, admin):
    """A run database copied from the cached template (built first when missing); returns (env, key, name)."""
    key = data_key("postgres", options)
    admin.drop_leftovers()
    cached = _find_cached("postgres", key, args.keep_city)
    template = (cached / "TEMPLATE").read_text().strip() if (cached / "TEMPLATE").is_file() else None
    if not template or template not in admin.databases(template) or args.rebuild:
        cached = CACHE_ROOT / key
        template = f"{PG_PREFIX}tpl_{key.rsplit('-', 1)[-1]}"
        for old in _stale("postgres", key):
            if (old / "TEMPLATE").is_file():
                admin.drop((old / "TEMPLATE").read_text().strip())
            shutil.rmtree(old, ignore_errors=True)
        admin.drop(template)
        build = _new_build_dir("postgres")
        building = f"{PG_PREFIX}build_{os.getpid()}"
        admin.drop(building)
        admin.execute(f'CREATE DATABASE "{building}"')
        say(f"building the PostgreSQL city {key} in {building} (a template database afterwards)")
        try:
            _seed(base_env(build, with_database(admin.server_url, building)), options, log)
            import psycopg

            with psycopg.connect(with_database(admin.server_url, building), autocommit=True) as conn:
                conn.execute("VACUUM ANALYZE")  # as autovacuum would after the load: the planner has statistics
        except BaseException:
            admin.drop(building)
            shutil.rmtree(build, ignore_errors=True)
            raise
        admin.execute(f'ALTER DATABASE "{building}" RENAME TO "{template}"')
        admin.execute(f'ALTER DATABASE "{template}" WITH IS_TEMPLATE true')
        _clean_var(build)
        _built_note(build, log)
        (build / "TEMPLATE").write_text(template + "\n")
        shutil.rmtree(cached, ignore_errors=True)
        build.rename(cached)
        say(f"  built in {log['seed_s']:.0f}s")
        log["built"] = True
    else:
        say(f"using the cached PostgreSQL city {cached.name} ({template})")
    name = f"{PG_PREFIX}run_{os.getpid()}"
    admin.drop(name)
    started = time.monotonic()
    admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    log["copy_s"] = round(time.monotonic() - started, 1)
    var_dir = run_dir / "var-postgres"
    shutil.copytree(cached, var_dir)
    (var_dir / "static").mkdir(exist_ok=True)
    env = base_env(var_dir, with_database(admin.server_url, name))
    if cached.name != key:
        _migrate_copy(env, log)
    return env, cached.name, name


def given_database(args, options, run_dir, log):
    """--database-url: that database as it is, migrated and seeded when empty (seed_demo keeps existing data)."""
    var_dir = run_dir / "var-postgres"
    var_dir.mkdir()
    (var_dir / "static").mkdir()
    env = base_env(var_dir, args.database_url)
    say("migrating and seeding the given PostgreSQL database (seed_demo keeps existing data)")
    _seed(env, options, log)
    return env, "postgresql (given, not cached)"
