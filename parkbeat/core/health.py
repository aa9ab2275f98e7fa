"""`GET /health/`: what a load balancer or a supervisor needs to know, with no login and no data.

- database: one `SELECT 1` on the default connection; when it fails the answer is 503, so the balancer
  takes this app server out until the database is back.
- queue: the job consumer's heartbeat (a periodic task writes the time into Huey's own storage every
  minute, so every app server reads the same value); older than HEARTBEAT_STALE it is reported stale.
- whatever an app declares in `<app>/health.py` as `CHECKS = (Check("name", function),)`: the function
  returns a dict with at least `ok` (bool); the notifications app reports its outbox backlog this way.

A stale consumer or a backlog makes the status "degraded" (HTTP 200: this server still answers); only a
database that does not answer makes it 503.
"""
import time
from dataclasses import dataclass
from importlib import import_module
from typing import Callable

from django.apps import apps
from django.db import connection
from django.http import JsonResponse
from django.utils.module_loading import module_has_submodule
from huey.contrib.djhuey import HUEY

HEARTBEAT_KEY = "parkbeat:consumer-heartbeat"
HEARTBEAT_STALE = 180  # seconds: three missed beats


@dataclass(frozen=True)
class Check:
    name: str
    run: Callable[[], dict]


def beat(now=None):
    """Called by the consumer's periodic task: the time it last ran a task."""
    HUEY.put(HEARTBEAT_KEY, now if now is not None else time.time())


def database():
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "not answering"; the kind is enough for an operator
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1)}


def queue(now=None):
    if HUEY.immediate:
        return {"ok": True, "mode": "immediate"}
    try:
        last = HUEY.get(HEARTBEAT_KEY, peek=True)
    except Exception as exc:  # the broker (Redis, the SQLite file) is unreachable
        return {"ok": False, "error": exc.__class__.__name__}
    if last is None:
        return {"ok": False, "heartbeat_age_s": None}
    age = max(0.0, (now if now is not None else time.time()) - float(last))
    return {"ok": age <= HEARTBEAT_STALE, "heartbeat_age_s": round(age)}


def app_checks():
    found = []
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "health"):
            found += list(getattr(import_module(f"{config.name}.health"), "CHECKS", ()))
    return found


def report():
    """(HTTP status, body) of the health answer."""
    checks = {"database": database()}
    checks["queue"] = queue()
    if checks["database"]["ok"]:  # app checks read the database
        for check in app_checks():
            try:
                checks[check.name] = check.run()
            except Exception as exc:
                checks[check.name] = {"ok": False, "error": exc.__class__.__name__}
    if not checks["database"]["ok"]:
        return 503, {"status": "down", "checks": checks}
    status = "ok" if all(check["ok"] for check in checks.values()) else "degraded"
    return 200, {"status": status, "checks": checks}


def health_view(request):
    """The page of `/health/`: no auth, no cache, no data beyond counts."""
    status, body = report()
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    return response
