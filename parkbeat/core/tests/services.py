"""Fixtures for tests that need a real PostgreSQL or Redis server: skip on a laptop, fail in CI.

A developer's `make test` must pass on a machine with neither server, so a test that needs one is
skipped with a message saying what to start. In CI (env `CI` true, or `PARKBEAT_REQUIRE_ALL=1`) the
same absence is a failure: `.ci/run` starts both servers, so a skip there would hide a broken set-up.

Use them by importing the fixtures into a test module or an app's conftest.py::

    from parkbeat.core.tests.services import *  # noqa: F401,F403  (fixtures + helpers)

    @pytest.mark.redis
    def test_sessions_survive_a_second_app_server(redis_cache):
        ...

    @pytest.mark.postgres
    def test_track_points_are_copied(postgres_db):
        ...   # runs only when the suite itself runs on PostgreSQL

Fixtures:

- `postgres_server` -> conninfo URL of a reachable PostgreSQL server (for tests that open their own
  psycopg connection). Skips/fails when none answers.
- `postgres_db` -> for tests that need Django's own database to be PostgreSQL (COPY ingest, `FOR
  UPDATE SKIP LOCKED`, ...). When the suite runs on SQLite it is always skipped, also in CI: `.ci/run`
  runs the whole suite a second time with `DATABASE_URL` on PostgreSQL, where these tests run.
- `redis_url` -> URL of a reachable Redis database (db 15 by default, flushed before and after).
- `redis_cache` -> switches Django's cache (and so cache-backed sessions) to that Redis for the test.

Addresses: `PARKBEAT_TEST_POSTGRES_URL` (default: `DATABASE_URL` when it is PostgreSQL, else
postgres://postgres@127.0.0.1:5432/postgres) and `PARKBEAT_TEST_REDIS_URL` (default
redis://127.0.0.1:6379/15). Both are loopback by default.
"""
import os
from functools import cache

import pytest

__all__ = [
    "must_have",
    "require_all",
    "postgres_url",
    "postgres_available",
    "redis_test_url",
    "redis_available",
    "postgres_server",
    "postgres_db",
    "redis_url",
    "redis_cache",
]

_FALSE = {"", "0", "false", "no", "off"}


def require_all() -> bool:
    """True in CI (env CI or PARKBEAT_REQUIRE_ALL set to a true value): a missing service is a failure."""
    return any(os.environ.get(name, "").strip().lower() not in _FALSE for name in ("CI", "PARKBEAT_REQUIRE_ALL"))


def must_have(ok: bool, reason: str) -> None:
    """Skip the test with `reason` when `ok` is false, or fail it when every part is required (CI)."""
    if ok:
        return
    if require_all():
        pytest.fail(f"{reason} (required because CI/PARKBEAT_REQUIRE_ALL is set)", pytrace=False)
    pytest.skip(reason)


# ---------------------------------------------------------------- PostgreSQL
def postgres_url() -> str:
    """The PostgreSQL server tests may connect to."""
    if os.environ.get("PARKBEAT_TEST_POSTGRES_URL"):
        return os.environ["PARKBEAT_TEST_POSTGRES_URL"]
    database_url = os.environ.get("DATABASE_URL", "")
    if database_url.startswith(("postgres://", "postgresql://")):
        return database_url
    return "postgres://postgres@127.0.0.1:5432/postgres"


@cache
def _postgres_answers(url: str) -> bool:
    try:
        import psycopg
    except ImportError:
        return False
    try:
        with psycopg.connect(url, connect_timeout=2) as conn:
            conn.execute("SELECT 1")
        return True
    except psycopg.Error:
        return False


def postgres_available() -> bool:
    """True when a PostgreSQL server answers at `postgres_url()` (checked once per process)."""
    return _postgres_answers(postgres_url())


@pytest.fixture(scope="session")
def postgres_server():
    """Conninfo URL of a reachable PostgreSQL server."""
    url = postgres_url()
    must_have(postgres_available(), f"PostgreSQL not reachable at {url}: start it or set PARKBEAT_TEST_POSTGRES_URL")
    return url


@pytest.fixture
def postgres_db(db):
    """Django's database, which must be PostgreSQL; skipped (also in CI) on the SQLite run of the suite."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL=postgres://... (runs in the PostgreSQL phase of .ci/run / make test-postgres)")
    return connection


# ---------------------------------------------------------------- Redis
def redis_test_url() -> str:
    """The Redis database tests may use (and flush)."""
    return os.environ.get("PARKBEAT_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@cache
def _redis_answers(url: str) -> bool:
    try:
        import redis
    except ImportError:
        return False
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except redis.RedisError:
        return False


def redis_available() -> bool:
    """True when Redis answers at `redis_test_url()` (checked once per process)."""
    return _redis_answers(redis_test_url())


@pytest.fixture
def redis_url():
    """URL of an empty Redis database, flushed again after the test."""
    import redis

    url = redis_test_url()
    must_have(redis_available(), f"Redis not reachable at {url}: start redis-server or set PARKBEAT_TEST_REDIS_URL")
    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=5)
    client.flushdb()
    yield url
    client.flushdb()
    client.close()


@pytest.fixture
def redis_cache(settings, redis_url):
    """Django's cache and cache-backed sessions on Redis for this test, as with REDIS_URL in production."""
    from django.core.cache import caches

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}}
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"  # setting_changed resets `caches`
    yield caches["default"]
    caches["default"].close()
