"""ParkBeat benchmark: a city-scale database served by granian, under a bounded concurrent load.

    .venv/bin/python bench/run.py [--stations 50] [--enterprises 50000] [--clients 8] [--requests 1000] ...

1. Builds the city (`migrate` + `seed_demo --stations --enterprises`) in a throw-away PARKBEAT_VAR_DIR,
   cached under var/bench/cache/<key>/, where the key covers the sizes, BENCH_DATA_VERSION and the
   source of every migration and of the demo generator: a changed schema or generator rebuilds it.
2. Copies the cached data into a fresh var dir and serves it with granian (WSGI, 2 workers) on a free
   loopback port, with bench.bench_settings (the real settings plus a bare JSON view).
3. Measures each scenario with N client threads, each on one keep-alive socket, sending a fixed
   number of requests and stopping early at a time cap: (a) the bare view, (b) the enterprise list API
   as `leader` with a bearer token. Prints a table and writes bench/results/latest.json.

Only loopback traffic; every loop is bounded in count and time; the server is stopped at the end.
"""
import argparse
import hashlib
import http.client
import json
import math
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BENCH_DATA_VERSION = "1"  # bump to rebuild every cached city
CACHE_ROOT = REPO / "var" / "bench" / "cache"
RESULTS = REPO / "bench" / "results" / "latest.json"
HOST = "127.0.0.1"
BUILD_TIMEOUT_S = 30 * 60
SERVER_START_TIMEOUT_S = 60


# ---------------------------------------------------------------- helpers
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


def data_key(args):
    """Cache key: sizes, seed, data version, and the source that decides the schema and the generated rows."""
    digest = hashlib.sha256(f"{BENCH_DATA_VERSION}|{args.stations}|{args.enterprises}|{args.seed}".encode())
    sources = sorted(REPO.glob("parkbeat/*/migrations/*.py"))
    sources += sorted(REPO.glob("parkbeat/*/management/commands/seed_demo.py"))
    sources += sorted(REPO.glob("parkbeat/*/demo.py"))  # each app's demo module, core's runner and helpers too
    for path in sources:
        digest.update(str(path.relative_to(REPO)).encode())
        digest.update(path.read_bytes())
    return f"v{BENCH_DATA_VERSION}-s{args.stations}-e{args.enterprises}-{digest.hexdigest()[:12]}"


def build_city(args):
    """Return the cached var dir holding the city, building it first when missing."""
    key = data_key(args)
    cached = CACHE_ROOT / key
    if cached.is_dir() and not args.rebuild:
        say(f"using cached city {key}")
        return cached, key
    CACHE_ROOT.mkdir(parents=True, exist_ok=True)
    for old in CACHE_ROOT.iterdir():  # one city is enough: drop stale builds and leftovers
        shutil.rmtree(old, ignore_errors=True)
    build = Path(tempfile.mkdtemp(prefix="build-", dir=CACHE_ROOT))
    env = base_env(build)
    started = time.monotonic()
    say(f"building city {key}: {args.stations} stations, {args.enterprises} enterprises (cached afterwards)")
    manage(env, "migrate", "--noinput", "-v0", timeout=BUILD_TIMEOUT_S)
    manage(env, "seed_demo", "--stations", str(args.stations), "--enterprises", str(args.enterprises),
           "--seed", str(args.seed), timeout=BUILD_TIMEOUT_S)
    _checkpoint_sqlite(build / "parkbeat.sqlite3")
    for leftover in ("huey.sqlite3", "huey.sqlite3-wal", "huey.sqlite3-shm", "static", "media"):
        path = build / leftover
        shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
    build.rename(cached)
    say(f"built in {time.monotonic() - started:.0f}s")
    return cached, key


def _checkpoint_sqlite(path):
    """Fold the WAL into the main file so the cached copy is one self-contained file."""
    import sqlite3

    if path.exists():
        with sqlite3.connect(path) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Server:
    """granian serving the WSGI app on a loopback port; always stopped on exit."""

    def __init__(self, env, workers, threads, log_path):
        self.port = free_port()
        self.log_path = log_path
        granian = Path(sys.executable).with_name("granian")
        cmd = [str(granian) if granian.exists() else "granian", "--interface", "wsgi", "--workers", str(workers),
               "--host", HOST, "--port", str(self.port), "--log-level", "warning", "--no-access-log",
               "--workers-kill-timeout", "5",
               *(["--blocking-threads", str(threads)] if threads else []), "parkbeat.wsgi:application"]
        self.log = open(log_path, "w")
        self.proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)

    def wait_ready(self, path):
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                status, _body = request(self.port, "GET", path)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        tail = Path(self.log_path).read_text(errors="replace")[-3000:]
        raise SystemExit(f"bench: granian did not become ready on port {self.port}; log tail:\n{tail}")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()  # the main process stops its workers (a group-wide signal can wedge them)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        self.log.close()


def request(port, method, path, body=None, headers=None, timeout=10):
    """One request on a fresh connection; returns (status, parsed JSON or raw bytes)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        data = json.dumps(body).encode() if body is not None else None
        hdrs = {"Accept": "application/json", **({"Content-Type": "application/json"} if data else {}), **(headers or {})}
        conn.request(method, path, body=data, headers=hdrs)
        response = conn.getresponse()
        raw = response.read()
        try:
            return response.status, json.loads(raw)
        except ValueError:
            return response.status, raw
    finally:
        conn.close()


# ---------------------------------------------------------------- load
class LeanConnection:
    """A minimal HTTP/1.1 keep-alive client: pre-encoded requests, Content-Length or chunked bodies.

    http.client spends ~100 µs of Python per request, which on a 2-core machine caps the load
    generator below what granian serves for a bare view; this keeps the client out of the figures.
    """

    def __init__(self, port, timeout=10):
        self.port, self.timeout, self.sock, self.buf = port, timeout, None, b""

    def close(self):
        if self.sock is not None:
            self.sock.close()
        self.sock, self.buf = None, b""

    def _recv(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("server closed the connection")
        self.buf += chunk

    def _take(self, n):
        while len(self.buf) < n:
            self._recv()
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def _line(self):
        while (i := self.buf.find(b"\r\n")) < 0:
            self._recv()
        line, self.buf = self.buf[:i], self.buf[i + 2:]
        return line

    def send(self, raw_request):
        """Send one encoded request, read the whole response; returns the status code."""
        if self.sock is None:
            self.sock = socket.create_connection((HOST, self.port), timeout=self.timeout)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.sendall(raw_request)
        while (end := self.buf.find(b"\r\n\r\n")) < 0:
            self._recv()
        head, self.buf = self.buf[:end].decode("latin-1").split("\r\n"), self.buf[end + 4:]
        status = int(head[0].split(" ", 2)[1])
        headers = {k.strip().lower(): v.strip() for k, _s, v in (h.partition(":") for h in head[1:])}
        if "content-length" in headers:
            self._take(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            while (size := int(self._line().split(b";")[0], 16)) > 0:
                self._take(size + 2)
            while self._line():  # trailers end with an empty line
                pass
        else:
            raise ConnectionError("response without Content-Length or chunking")
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status


def encode_get(path, headers, port):
    lines = [f"GET {path} HTTP/1.1", f"Host: {HOST}:{port}", "Accept: application/json",
             *(f"{k}: {v}" for k, v in headers.items()), "", ""]
    return "\r\n".join(lines).encode("latin-1")


def run_load(port, paths, headers, *, clients, per_client, warmup, time_cap):
    """`clients` threads, one keep-alive connection each, `per_client` requests each, stopped at `time_cap`."""
    latencies = [[] for _ in range(clients)]
    statuses = [Counter() for _ in range(clients)]
    errors = [0] * clients
    start_gate = threading.Barrier(clients + 1)
    deadline = [math.inf]
    encoded = [encode_get(path, headers, port) for path in paths]

    def client(cid):
        conn = LeanConnection(port)

        def one(raw):
            try:
                return conn.send(raw)
            except (OSError, ValueError, IndexError):
                conn.close()
                return None

        warm_until = time.perf_counter() + min(5.0, time_cap / 4)
        for i in range(warmup):
            if time.perf_counter() > warm_until:
                break
            one(encoded[(cid + i) % len(encoded)])
        start_gate.wait()
        for i in range(per_client):
            if time.perf_counter() > deadline[0]:
                break
            raw = encoded[(cid + i * clients) % len(encoded)]
            t0 = time.perf_counter()
            status = one(raw)
            elapsed = time.perf_counter() - t0
            statuses[cid][status or "connection error"] += 1
            if status == 200:
                latencies[cid].append(elapsed)
            else:
                errors[cid] += 1
        conn.close()

    threads = [threading.Thread(target=client, args=(cid,), daemon=True) for cid in range(clients)]
    for thread in threads:
        thread.start()
    start_gate.wait()
    started = time.perf_counter()
    deadline[0] = started + time_cap
    for thread in threads:
        thread.join(timeout=time_cap + 30)
    duration = time.perf_counter() - started

    ok = sorted(x for per in latencies for x in per)
    total_status = sum(statuses, Counter())
    return {
        "requests": sum(total_status.values()),
        "ok": len(ok),
        "errors": sum(errors),
        "statuses": {str(k): v for k, v in sorted(total_status.items(), key=str)},
        "duration_s": round(duration, 3),
        "rps": round(len(ok) / duration, 1) if duration > 0 else 0.0,
        "p50_ms": _ms(ok, 50),
        "p95_ms": _ms(ok, 95),
        "p99_ms": _ms(ok, 99),
        "max_ms": round(ok[-1] * 1000, 2) if ok else None,
        "time_capped": duration >= time_cap,
        "paths": len(paths),
    }


def _ms(sorted_values, pct):
    """Nearest-rank percentile in milliseconds."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(pct / 100 * len(sorted_values)))
    return round(sorted_values[rank - 1] * 1000, 2)


# ---------------------------------------------------------------- scenarios
def api_target(env):
    """The busiest (park, industry) pair among the enterprises `leader` may see, and its page count."""
    script = (
        "import json\n"
        "from django.db.models import Count\n"
        "from parkbeat.enterprises.models import Enterprise\n"
        "from parkbeat.org.models import User\n"
        "user = User.objects.get(username='leader')\n"
        "qs = Enterprise.objects.visible_to(user)\n"
        "row = qs.values('park_id', 'industry').annotate(n=Count('id')).order_by('-n', 'park_id', 'industry').first()\n"
        "print('BENCH-JSON ' + json.dumps({'park': row and row['park_id'], 'industry': row and row['industry'],\n"
        "    'matching': row and row['n'], 'visible_to_leader': qs.count(), 'enterprises': Enterprise.objects.count()}))\n"
    )
    out = manage(env, "shell", "-c", script, capture=True, timeout=120)
    line = next(line for line in reversed(out.splitlines()) if line.startswith("BENCH-JSON "))
    return json.loads(line.removeprefix("BENCH-JSON "))


def token_for(port, username, password):
    status, body = request(port, "POST", "/api/v1/auth/token/", {"username": username, "password": password})
    if status != 200 or not isinstance(body, dict) or "token" not in body:
        return None, f"POST /api/v1/auth/token/ answered {status}: {str(body)[:200]}"
    return body["token"], None


def print_table(scenarios, ratio):
    cols = ("scenario", "requests", "errors", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms")
    rows = [(name, r["requests"], r["errors"], r["rps"], r["p50_ms"], r["p95_ms"], r["p99_ms"], r["max_ms"])
            for name, r in scenarios.items()]
    widths = [max(len(str(c)), *(len(str(row[i])) for row in rows)) for i, c in enumerate(cols)]
    line = "  ".join(str(c).rjust(w) if i else str(c).ljust(w) for i, (c, w) in enumerate(zip(cols, widths)))
    print("\n" + line + "\n" + "-" * len(line))
    for row in rows:
        print("  ".join(str(c).rjust(w) if i else str(c).ljust(w) for i, (c, w) in enumerate(zip(row, widths))))
    if ratio is not None:
        print(f"\nenterprise API / bare view throughput: {ratio:.3f}")
    print()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stations", type=int, default=50)
    parser.add_argument("--enterprises", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--clients", type=int, default=8, help="concurrent connections (default 8)")
    parser.add_argument("--requests", type=int, default=1000, help="requests per client per scenario (default 1000)")
    parser.add_argument("--warmup", type=int, default=20,
                        help="unmeasured requests per client first (default 20, at most 5 s)")
    parser.add_argument("--time-cap", type=float, default=30.0, help="seconds per scenario at most (default 30)")
    parser.add_argument("--workers", type=int, default=2, help="granian worker processes (default 2)")
    parser.add_argument("--threads", type=int, default=4,
                        help="granian blocking threads per worker (default 4, as `make run`; 0: granian's default)")
    parser.add_argument("--page-size", type=int, default=50)
    parser.add_argument("--database-url", help="benchmark against this PostgreSQL database instead of a cached "
                        "SQLite file (it is migrated and seeded if empty; use a database of its own)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached city")
    parser.add_argument("--baseline-only", action="store_true", help="measure the bare view only")
    parser.add_argument("--path", action="append", default=[],
                        help="also measure GET PATH (authenticated when a token was issued); repeatable")
    parser.add_argument("--require-api", action="store_true", help="fail when the API scenario cannot run")
    args = parser.parse_args(argv)
    for name in ("clients", "requests", "workers", "page_size"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.database_url and not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("--database-url must be a postgres:// URL")

    run_dir = Path(tempfile.mkdtemp(prefix="parkbeat-bench-"))
    server = None
    try:
        if args.database_url:
            var_dir = run_dir / "var"
            var_dir.mkdir()
            env = base_env(var_dir, args.database_url)
            say("migrating and seeding the PostgreSQL database (seed_demo keeps existing data)")
            manage(env, "migrate", "--noinput", "-v0", timeout=BUILD_TIMEOUT_S)
            manage(env, "seed_demo", "--stations", str(args.stations), "--enterprises", str(args.enterprises),
                   "--seed", str(args.seed), timeout=BUILD_TIMEOUT_S)
            key, engine = "postgresql (not cached)", "postgresql"
        else:
            cached, key = build_city(args)
            var_dir = run_dir / "var"
            shutil.copytree(cached, var_dir)  # runs write (tokens, last login): never into the cache
            env = base_env(var_dir)
            engine = "sqlite"
        (var_dir / "static").mkdir(exist_ok=True)

        target = None if args.baseline_only else api_target(env)
        server = Server(env, args.workers, args.threads, run_dir / "granian.log")
        server.wait_ready("/bench/bare/")
        say(f"granian up on {HOST}:{server.port} ({args.workers} workers, "
            f"{args.threads or 'default'} blocking threads each)")

        load = dict(clients=args.clients, per_client=args.requests, warmup=args.warmup, time_cap=args.time_cap)
        scenarios, notes = {}, []
        say(f"bare view: {args.clients} clients x {args.requests} requests (cap {args.time_cap:.0f}s)")
        scenarios["bare view /bench/bare/"] = run_load(server.port, ["/bench/bare/"], {}, **load)

        token = None
        if not args.baseline_only:
            password = os.environ.get("PARKBEAT_DEMO_PASSWORD", "parkbeat-demo")
            token, problem = token_for(server.port, "leader", password)
            if problem:
                notes.append(problem)
            elif not target or not target.get("park"):
                notes.append("leader sees no enterprises: nothing to list")
            else:
                pages = max(1, math.ceil(target["matching"] / args.page_size))
                paths = [f"/api/v1/enterprises/?park={target['park']}&industry={target['industry']}"
                         f"&page={n}&page_size={args.page_size}" for n in range(1, pages + 1)]
                auth = {"Authorization": f"Bearer {token}"}
                status, body = request(server.port, "GET", paths[0], headers=auth)
                if status != 200:
                    notes.append(f"GET {paths[0]} answered {status}: {str(body)[:200]}")
                else:
                    say(f"enterprise API: park {target['park']}, industry {target['industry']}, "
                        f"{target['matching']} rows over {pages} page(s)")
                    scenarios["enterprise list API"] = run_load(server.port, paths, auth, **load)
        for path in args.path:
            say(f"extra path {path}")
            auth = {"Authorization": f"Bearer {token}"} if token else {}
            scenarios[f"GET {path}"] = run_load(server.port, [path], auth, **load)
    finally:
        if server is not None:
            stopping = time.monotonic()
            server.stop()
            say(f"granian stopped in {time.monotonic() - stopping:.1f}s")
        shutil.rmtree(run_dir, ignore_errors=True)

    bare, api = scenarios.get("bare view /bench/bare/"), scenarios.get("enterprise list API")
    ratio = round(api["rps"] / bare["rps"], 4) if api and bare and bare["rps"] else None
    print_table(scenarios, ratio)
    for note in notes:
        say(f"API scenario skipped: {note}")

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    result = {
        "finished_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "commit": _git_commit(),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
        "server": {"app_server": "granian wsgi", "workers": args.workers, "blocking_threads": args.threads or "default",
                   "database": engine},
        "load": {"clients": args.clients, "requests_per_client": args.requests, "warmup_per_client": args.warmup,
                 "time_cap_s": args.time_cap, "client": "python threads, one keep-alive socket each (LeanConnection)"},
        "data": {"key": key, "stations": args.stations, "enterprises": args.enterprises, "api_target": target},
        "scenarios": scenarios,
        "api_over_bare_rps": ratio,
        "notes": notes,
    }
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    say(f"wrote {RESULTS.relative_to(REPO)}")

    failed = [name for name, r in scenarios.items() if r["errors"]]
    if failed:
        say(f"errors in: {', '.join(failed)}")
        return 1
    if args.require_api and api is None and not args.baseline_only:
        return 1
    return 0


def _git_commit():
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True,
                              timeout=5).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


if __name__ == "__main__":
    sys.exit(main())
