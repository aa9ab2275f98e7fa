"""Track ingest over HTTP against a raw insert of the same points into the same run, as a ratio:

    .venv/bin/python bench/track_ingest.py [--batches 10] [--points 500] [--database-url postgres://…/db]

A fresh database (SQLite in a temporary var dir, or the PostgreSQL database given, which must be empty or
already migrated: it is migrated, given a small world and left as it is) gets one park, a route and an
ad-hoc run started three hours ago. granian serves the app (bench settings, 1 worker); a device signs in
with a bearer token and sends `--batches` batches of `--points` positions (a walk, one a second) to
POST /api/v1/patrol-runs/{id}/track/, one after the other, each timed. Then the same points go into the same
run under another device key the fastest raw way the engine has, one transaction per batch: executemany of
one INSERT on SQLite, COPY … FROM STDIN (psycopg's copy) on PostgreSQL. Reported: the median milliseconds
per batch of each, points per second, and HTTP / raw (the price of the checks, the duplicate lookup, the
audit event, the check-in search and the request itself).
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.city import base_env, manage  # noqa: E402
from bench.load import request  # noqa: E402
from bench.servers import Server  # noqa: E402

PASSWORD = "Correct-Horse-9"  # parkbeat.testing.UserFactory's


def walk(start, batch, points):
    """Positions of batch `batch`: one a second, about 1 m apart, east along a park road."""
    first = batch * points
    return [{"at": (start + timedelta(seconds=1 + first + i)).isoformat(), "lon": round(113.2 + 0.00001 * (first + i), 6),
             "lat": 27.9, "accuracy": 5} for i in range(points)]


def set_up():
    """The world, a route and a run started three hours ago (in this process, through the services)."""
    import django

    django.setup()
    from django.utils import timezone

    from parkbeat.org.models import User
    from parkbeat.patrols import services
    from parkbeat.patrols.tests.helpers import route
    from parkbeat.testing import World

    if not User.objects.filter(username="t_officer").exists():
        World()
    officer = User.objects.get(username="t_officer")
    world = type("W", (), {"officer": officer, "park": officer.role_assignments.first().park})()
    the_route = route(world) if not services.Route.objects.exists() else services.Route.objects.first()
    run = services.run_start(actor=officer, route=the_route, at=timezone.now() - timedelta(hours=3))
    return officer, run


def raw_insert(run, rows, device):
    """One transaction: the batch in the engine's fastest way."""
    from django.db import connection, transaction
    from django.utils import timezone
    from django.utils.dateparse import parse_datetime

    now = timezone.now()
    values = [(run.pk, device, parse_datetime(p["at"]), now, f"{p['lon']:.6f}", f"{p['lat']:.6f}", p["accuracy"], True)
              for p in rows]
    columns = "run_id, device, at, recorded_at, lon, lat, accuracy_m, speed_ok"
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY patrols_trackpoint ({columns}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
        else:
            cursor.executemany(f"INSERT INTO patrols_trackpoint ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                               [(r[0], r[1], connection.ops.adapt_datetimefield_value(r[2]),
                                 connection.ops.adapt_datetimefield_value(r[3]), *r[4:7], 1) for r in values])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=10)
    parser.add_argument("--points", type=int, default=500)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args(argv)
    if args.batches * args.points > 3 * 3600 - 60:
        raise SystemExit("bench: at most about 10 000 points (one a second within the run's three hours)")

    var_dir = Path(tempfile.mkdtemp(prefix="pb-track-bench-"))
    url = args.database_url or f"sqlite:///{var_dir / 'track.sqlite3'}"
    env = base_env(var_dir, url)
    manage(env, "migrate", "--noinput", "-v", "0")
    os.environ.update({k: env[k] for k in ("PARKBEAT_VAR_DIR", "PARKBEAT_DEMO", "DJANGO_SETTINGS_MODULE",
                                           "DATABASE_URL", "ALLOWED_HOSTS")})
    officer, run = set_up()
    from django.db import connection

    engine = connection.vendor
    server = Server(env, workers=1, threads=4, log_path=var_dir / "granian.log")
    http_s, raw_s = [], []
    try:
        server.wait_ready()
        status, body = request(server.port, "POST", "/api/v1/auth/token/",
                               {"username": officer.username, "password": PASSWORD})
        if status not in (200, 201):
            raise SystemExit(f"bench: token refused ({status}): {body}")
        headers = {"Authorization": f"Bearer {body['token']}"}
        path = f"/api/v1/patrol-runs/{run.pk}/track/"
        for batch in range(args.batches):
            points = walk(run.started_at, batch, args.points)
            t0 = time.perf_counter()
            status, answer = request(server.port, "POST", path, {"device": "bench-phone", "points": points},
                                     headers=headers, timeout=60)
            http_s.append(time.perf_counter() - t0)
            if status != 200 or answer["accepted"] != args.points:
                raise SystemExit(f"bench: batch {batch} answered {status}: {str(answer)[:300]}")
    finally:
        server.stop()
    for batch in range(args.batches):
        points = walk(run.started_at, batch, args.points)
        t0 = time.perf_counter()
        raw_insert(run, points, "bench-raw")
        raw_s.append(time.perf_counter() - t0)

    from parkbeat.patrols.models import TrackPoint

    stored = TrackPoint.objects.filter(run=run).count()
    http_ms, raw_ms = statistics.median(http_s) * 1000, statistics.median(raw_s) * 1000
    print(f"engine {engine}, {args.batches} batches × {args.points} points, {stored} points stored in the run")
    print(f"HTTP  (POST …/track/)  median {http_ms:8.1f} ms/batch  {args.points / http_ms * 1000:9.0f} points/s")
    print(f"raw   ({'COPY' if engine == 'postgresql' else 'executemany'})  median {raw_ms:8.1f} ms/batch  "
          f"{args.points / raw_ms * 1000:9.0f} points/s")
    print(f"ratio HTTP / raw: {http_ms / raw_ms:.1f}")


if __name__ == "__main__":
    main()
