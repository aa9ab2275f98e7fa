"""ParkBeat benchmark: the city served by granian on SQLite and on PostgreSQL, measured against anchors.

    .venv/bin/python bench/run.py [--engines sqlite,postgres] [--stations 50] [--enterprises 50000]
                                  [--incidents 1000000] [--disputes 200000] [--mixed-minutes 10] ...

Per engine: builds (or reuses) the city, serves a copy of it with granian on a free loopback port, measures
the anchors (a bare view, a one-primary-key-query view, a one-insert POST view) and then, as the station
leader and the city leader, every list (API and page), the figures, the home page and incident creation;
prints rps/p50/p95/p99/errors, the ratios against the anchors and whether each goal is met, and writes
bench/results/latest.json. On PostgreSQL, a mixed load of simulated users against two app servers follows.
Then the areas' own benchmarks (--no-areas leaves them out): track ingest over HTTP against a raw insert on
each engine, the guarding gap computation, and the patrol coverage on this city and on one of half its size.

Only loopback traffic; every loop is bounded in count and time; everything started is stopped (also on
Ctrl-C and errors), and the PostgreSQL run database is dropped.
"""
import argparse
import json
import math
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import city, mixed  # noqa: E402
from bench.load import encode, login_for, request, run_load, token_for  # noqa: E402
from bench.servers import Server  # noqa: E402

RESULTS = REPO / "bench" / "results" / "latest.json"
USERS = ("leader", "cityleader")
LIST_PAGES = 10  # the clients cycle through the first pages of each filtered list
GOALS = {
    "list": "p50 ≤ 3× one-query p50",
    "figures": "p50 ≤ 200 ms, p99 ≤ 1 s",
    "create": "rps ≥ 0.3× one-insert rps, p99 ≤ 250 ms",
    "mixed": "p95 < 300 ms, 0 errors",
}


def say(message):
    city.say(message)


def uptime():
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return None


# ---------------------------------------------------------------- scenarios
class Scenario:
    """One measured request kind: `make(port)` returns make_request(cid, i) for run_load."""

    def __init__(self, name, group, user, method, paths=None, body=None, headers=None, ok_status=200):
        self.name, self.group, self.user, self.method = name, group, user, method
        self.paths, self.body, self.headers, self.ok_status = paths, body, headers or {}, ok_status

    def maker(self, port, clients):
        if self.method == "GET":
            encoded = [encode("GET", p, port, self.headers) for p in self.paths]
            return lambda cid, i: encoded[(cid + i * clients) % len(encoded)] if i >= 0 else encoded[cid % len(encoded)]
        path = self.paths[0]

        def make(cid, i):
            key = f"{'w' if i < 0 else ''}{cid}-{abs(i)}"
            body, extra = self.body(key)
            return encode("POST", path, port, {**self.headers, **extra}, body)
        return make


def list_paths(base, filters, matching, page_size, pages=LIST_PAGES):
    query = "&".join(f"{k}={v}" for k, v in filters.items())
    count = max(1, min(pages, math.ceil((matching or 1) / page_size)))
    return [f"{base}?{query}&page={n}&page_size={page_size}" for n in range(1, count + 1)]


def user_scenarios(user, target, token, cookie, args, run_tag):
    """Every request the goals name, for one account; lists and pages filtered by their busiest filter."""
    api = {"Authorization": f"Bearer {token}"} if token else None
    page = {"Cookie": cookie, "Accept": "text/html"} if cookie else None
    out = []
    ent, inc, dis = target["enterprises"], target["incidents"], target["disputes"]
    lists = []
    if ent:
        lists.append(("enterprise list", "/api/v1/enterprises/", "/enterprises/",
                      {"park": ent["park_id"], "industry": ent["industry"]}, ent["matching"]))
    if inc:
        lists.append(("incident list", "/api/v1/incidents/", "/incidents/", {"status": inc["status"]},
                      inc["matching"]))
    if dis:
        lists.append(("dispute list", "/api/v1/disputes/", "/disputes/", {"status": dis["status"]},
                      dis["matching"]))
    for label, api_base, page_base, filters, matching in lists:
        if api:
            out.append(Scenario(f"{user} · {label} API", "list", user, "GET",
                                list_paths(api_base, filters, matching, args.page_size), headers=api))
    for label, api_base, page_base, filters, matching in lists:
        if page:
            out.append(Scenario(f"{user} · {label} page", "list", user, "GET",
                                list_paths(page_base, filters, matching, args.page_size), headers=page))
    end = date.today()
    start = end - timedelta(days=364)
    if api:
        for kind in ("incidents", "disputes"):
            out.append(Scenario(f"{user} · {kind[:-1]} figures 365 d API", "figures", user, "GET",
                                [f"/api/v1/{kind}/figures/?start={start}&end={end}"], headers=api))
    if page:
        out.append(Scenario(f"{user} · home page", "figures", user, "GET", ["/"], headers=page))
    if api and target.get("report_park"):
        def body(key, park=target["report_park"], enterprise=target.get("report_enterprise")):
            number = f"B{run_tag}{user[:2]}-{key}"[:40]
            data = {"source": "dispatch_110", "dispatch_number": number, "kind": "theft", "park": park,
                    "location": "基准测试东门", "people_involved": 2, "description": "基准测试：仓库失窃",
                    "caller_name": "测试", "caller_mobile": "13900000000"}
            if enterprise:
                data["enterprise"] = enterprise
            return data, {"Idempotency-Key": number}
        out.append(Scenario(f"{user} · incident create POST", "create", user, "POST", ["/api/v1/incidents/"],
                            body=body, headers=api, ok_status=201))
    return out


def anchor_scenarios(parks, token):
    out = [Scenario("anchor · bare view", "anchor", None, "GET", ["/bench/bare/"]),
           Scenario("anchor · one-query view", "anchor", None, "GET",
                    [f"/bench/one-query/?pk={pk}" for pk in parks])]
    if token:
        out.append(Scenario("anchor · one-insert POST", "anchor", None, "POST", ["/bench/one-insert/"],
                            body=lambda key: ({"key": f"{os.getpid()}-{time.monotonic_ns()}-{key}"}, {}),
                            headers={"Authorization": f"Bearer {token}"}, ok_status=201))
    return out


def probe(port, scenario, timeout):
    """One unmeasured request first: a scenario whose request is refused or times out is reported, not measured."""
    try:
        if scenario.method == "GET":
            status, body = request(port, "GET", scenario.paths[0], headers=scenario.headers, timeout=timeout)
        else:
            data, extra = scenario.body(f"probe{time.monotonic_ns() % 10**9}")
            status, body = request(port, "POST", scenario.paths[0], data, headers={**scenario.headers, **extra},
                                   timeout=timeout)
    except OSError as exc:
        return f"{scenario.method} {scenario.paths[0]} got no answer within {timeout:g} s ({exc.__class__.__name__})"
    if status != scenario.ok_status:
        return f"{scenario.method} {scenario.paths[0]} answered {status}: {str(body)[:300]}"
    return None


def judge(scenarios):
    """The ratios against the anchors and each goal met or missed (also missed when any request failed)."""
    one_query = scenarios.get("anchor · one-query view", {}).get("p50_ms")
    one_insert = scenarios.get("anchor · one-insert POST", {}).get("rps")
    for r in scenarios.values():
        group = r.get("group")
        met, ratio = None, None
        if r.get("skipped"):
            r.update(goal=GOALS.get(group), met=False if group in GOALS else None)
            continue
        if group == "list" and one_query and r["p50_ms"] is not None:
            ratio = round(r["p50_ms"] / one_query, 2)
            met = ratio <= 3
        elif group == "figures" and r["p50_ms"] is not None:
            met = r["p50_ms"] <= 200 and r["p99_ms"] <= 1000
        elif group == "create" and one_insert and r["p99_ms"] is not None:
            ratio = round(r["rps"] / one_insert, 3)
            met = ratio >= 0.3 and r["p99_ms"] <= 250
        elif group in GOALS:
            met = False
        if met is not None and r["errors"]:
            met = False
        r.update(ratio=ratio, goal=GOALS.get(group), met=met)


def measure_engine(engine, env, args, run_dir, log):
    """Serve this engine's city on one server and measure every scenario; returns {name: result}."""
    say(f"[{engine}] choosing each account's busiest filters")
    wanted = [*USERS, *mixed.OFFICERS]
    out = city.manage(env, "shell", "-c", f"import bench.targets as t; t.main({wanted!r})", capture=True,
                      timeout=1800)
    line = next(x for x in reversed(out.splitlines()) if x.startswith("BENCH-JSON "))
    targets = json.loads(line.removeprefix("BENCH-JSON "))
    log["rows"], log["targets"] = targets["rows"], targets["users"]
    say(f"[{engine}] rows: {targets['rows']}")

    server = Server(env, args.workers, args.threads, run_dir / f"granian-{engine}.log")
    results, notes = log.setdefault("scenarios", {}), log.setdefault("notes", [])
    try:
        server.wait_ready()
        log["port"] = server.port
        say(f"[{engine}] granian up on 127.0.0.1:{server.port} ({args.workers} workers × "
            f"{args.threads or 'default'} blocking threads)")
        password = os.environ.get("PARKBEAT_DEMO_PASSWORD", "parkbeat-demo")
        auth = {}
        for user in USERS:
            if not targets["users"].get(user):
                notes.append(f"no account {user!r} in this city (seed_demo does not create it yet): skipped")
                continue
            token, problem = token_for(server.port, user, password)
            if problem:
                notes.append(problem)
            cookie, problem = login_for(server.port, user, password)
            if problem:
                notes.append(problem)
            auth[user] = (token, cookie)
        scenarios = anchor_scenarios(targets["park_ids"] or [1], auth.get("leader", (None, None))[0])
        run_tag = f"{os.getpid() % 100000}{engine[0]}"
        for user, (token, cookie) in auth.items():
            scenarios += user_scenarios(user, targets["users"][user], token, cookie, args, run_tag)
        load = dict(clients=args.clients, per_client=args.requests, warmup=args.warmup, time_cap=args.time_cap,
                    timeout=args.request_timeout)
        for scenario in scenarios:
            if args.only and not any(part in scenario.name for part in args.only):
                continue
            problem = probe(server.port, scenario, 2 * args.request_timeout)
            if problem:
                say(f"[{engine}] {scenario.name}: skipped, {problem}")
                results[scenario.name] = {"group": scenario.group, "user": scenario.user, "skipped": problem,
                                          "requests": 0, "errors": 0}
                notes.append(f"{scenario.name}: {problem}")
                continue
            say(f"[{engine}] {scenario.name} ({len(scenario.paths)} path(s))")
            r = run_load(server.port, scenario.maker(server.port, args.clients), ok_status=scenario.ok_status,
                         **load)
            r.update(group=scenario.group, user=scenario.user, example=f"{scenario.method} {scenario.paths[0]}")
            results[scenario.name] = r
            say(f"[{engine}]   {r['ok']} ok, {r['errors']} errors, {r['rps']} rps, p50 {r['p50_ms']} ms, "
                f"p99 {r['p99_ms']} ms")
        judge(results)
    finally:
        server.stop()
        say(f"[{engine}] granian stopped")
    return results, auth, targets


# ---------------------------------------------------------------- report
def print_table(engine, results):
    cols = ("scenario", "n", "err", "rps", "p50", "p95", "p99", "max", "ratio", "goal")
    rows = []
    for name, r in results.items():
        if r.get("skipped"):
            rows.append((name, 0, "-", "-", "-", "-", "-", "-", "-", "skipped" if r.get("met") is None else "MISSED"))
            continue
        mark = {True: "met", False: "MISSED", None: ""}[r.get("met")]
        rows.append((name, r["ok"] + r["errors"], r["errors"], r["rps"], r["p50_ms"], r["p95_ms"], r["p99_ms"],
                     r["max_ms"], "" if r.get("ratio") is None else r["ratio"], mark))
    widths = [max(len(str(c)), *(len(str(row[i])) for row in rows)) for i, c in enumerate(cols)] if rows else []
    fmt = lambda row: "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)  # noqa: E731
                                for i, (c, w) in enumerate(zip(row, widths)))
    print(f"\n== {engine} (latencies in ms; ratio: list p50 ÷ one-query p50, create rps ÷ one-insert rps)")
    if rows:
        print(fmt(cols))
        print("-" * len(fmt(cols)))
        for row in rows:
            print(fmt(row))
    print("goals: lists " + GOALS["list"] + "; figures and home " + GOALS["figures"] + "; creation "
          + GOALS["create"], flush=True)


def print_side_by_side(engines):
    """One line per scenario, the engines next to each other: p50, p99, rps, ratio, goal."""
    names = list(dict.fromkeys(n for log in engines.values() for n in log.get("scenarios", {})))
    if len(engines) < 2 or not names:
        return
    cell = lambda r: ("skipped" if r.get("skipped") else  # noqa: E731
                      f"{r['p50_ms']}/{r['p99_ms']} ms {r['rps']}/s"
                      + ("" if r.get("ratio") is None else f" ×{r['ratio']}")
                      + {True: " met", False: " MISSED", None: ""}[r.get("met")]) if r else "-"
    rows = [(n, *(cell(log.get("scenarios", {}).get(n)) for log in engines.values())) for n in names]
    head = ("scenario", *(f"{e}: p50/p99, rps, ratio, goal" for e in engines))
    widths = [max(len(str(row[i])) for row in [head, *rows]) for i in range(len(head))]
    print("\n== side by side")
    for row in [head, *rows]:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths)))
    print(flush=True)


def git_commit():
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True,
                              timeout=5).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engines", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    parser.add_argument("--stations", type=int, default=50)
    parser.add_argument("--enterprises", type=int, default=50_000)
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--disputes", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--clients", type=int, default=8, help="concurrent connections (default 8)")
    parser.add_argument("--requests", type=int, default=200, help="requests per client per scenario (default 200)")
    parser.add_argument("--warmup", type=int, default=5, help="unmeasured requests per client first (at most 3 s)")
    parser.add_argument("--time-cap", type=float, default=12.0, help="seconds per scenario at most (default 12)")
    parser.add_argument("--request-timeout", type=float, default=10.0,
                        help="seconds a request may take before it counts as an error (default 10)")
    parser.add_argument("--workers", type=int, default=2, help="granian worker processes (default 2)")
    parser.add_argument("--threads", type=int, default=4,
                        help="granian blocking threads per worker (default 4, as `make run`; 0: granian's default)")
    parser.add_argument("--page-size", type=int, default=50)
    parser.add_argument("--pg-url", default=os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432"),
                        help="PostgreSQL server for the throw-away databases (default %(default)s)")
    parser.add_argument("--database-url", help="use this PostgreSQL database as it is instead of a throw-away "
                        "copy of the cached city (migrated and seeded when empty; use a database of its own)")
    parser.add_argument("--mixed-minutes", type=float, default=10.0,
                        help="mixed load on PostgreSQL with two app servers for this long (0: skip)")
    parser.add_argument("--mixed-users", type=int, default=50)
    parser.add_argument("--mixed-workers", type=int, default=1, help="granian workers per app server in the mixed "
                        "load (default 1: two servers of one worker each)")
    parser.add_argument("--think", default="1,3", help="mixed load think time, MIN,MAX seconds (default 1,3)")
    parser.add_argument("--only", action="append", default=[], help="measure only scenarios whose name contains "
                        "this (repeatable; the anchors are always measured)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached cities")
    parser.add_argument("--keep-city", action="store_true", help="reuse a cached city of the same sizes even if "
                        "the migrations or the generator changed since (the copy is migrated forward)")
    parser.add_argument("--build-only", action="store_true", help="build (or check) the cached cities and stop")
    parser.add_argument("--no-areas", dest="areas", action="store_false", help="leave out the area benchmarks "
                        "after the city's scenarios (track ingest, guarding gaps, patrol coverage)")
    parser.add_argument("--areas-no-half", dest="areas_half", action="store_false", help="patrol coverage on the "
                        "full city only (no half-size city to build: no growth ratio)")
    args = parser.parse_args(argv)
    args.engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    if not args.engines or set(args.engines) - {"sqlite", "postgres"}:
        parser.error("--engines takes sqlite, postgres or both")
    for name in ("clients", "requests", "workers", "page_size", "mixed_users", "mixed_workers"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.database_url and not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("--database-url must be a postgres:// URL")
    try:
        args.think = tuple(float(x) for x in args.think.split(","))
        assert len(args.think) == 2 and 0 <= args.think[0] <= args.think[1]
    except (ValueError, AssertionError):
        parser.error("--think takes MIN,MAX seconds")
    if args.only:
        args.only = [*args.only, "anchor ·"]
    return args


# ---------------------------------------------------------------- the areas' benchmarks
def _area(name, argv, timeout):
    """One area benchmark as its own process (`bench/<name>.py`), its output shown as it goes and kept."""
    say(f"[areas] {name} {' '.join(argv)}")
    started = time.monotonic()
    try:
        done = subprocess.run([sys.executable, str(REPO / "bench" / f"{name}.py"), *argv], cwd=REPO, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                              timeout=timeout)
        output, code = done.stdout, done.returncode
    except subprocess.TimeoutExpired as exc:
        partial = exc.stdout or ""
        output = partial.decode(errors="replace") if isinstance(partial, bytes) else partial
        code = f"timed out after {timeout} s"
    print(output, end="" if output.endswith("\n") else "\n", flush=True)
    return {"argv": argv, "exit": code, "seconds": round(time.monotonic() - started, 1),
            "output": output.splitlines()[-40:]}


def run_areas(args):
    """Track ingest (HTTP against a raw insert) per engine, the guarding gaps (no database) and the patrol
    coverage on the city of these sizes (bench/README.md): {name: result}, and whether any failed."""
    out = {}
    for engine in args.engines:
        if engine == "sqlite":
            out["track_ingest sqlite"] = _area("track_ingest", [], 1800)
        else:
            admin = city.PgAdmin(args.pg_url)
            name = f"{city.PG_PREFIX}track_{os.getpid()}"
            try:
                admin.drop(name)
                admin.execute(f'CREATE DATABASE "{name}"')
                out["track_ingest postgres"] = _area("track_ingest", ["--database-url",
                                                                      city.with_database(args.pg_url, name)], 1800)
            finally:
                admin.drop(name)
                admin.close()
    out["guarding_gaps"] = _area("guarding_gaps", [], 1800)
    coverage = ["--engines", ",".join(args.engines), "--stations", str(args.stations), "--enterprises",
                str(args.enterprises), "--incidents", str(args.incidents), "--disputes", str(args.disputes),
                "--seed", str(args.seed), "--pg-url", args.pg_url]
    coverage += [flag for flag, on in (("--no-half", not args.areas_half), ("--keep-city", args.keep_city),
                                       ("--rebuild", args.rebuild)) if on]
    if args.areas_half and args.stations < 2:
        coverage.append("--no-half")
    out["patrol_coverage"] = _area("patrol_coverage", coverage, city.BUILD_TIMEOUT_S * 4)
    return out, any(r["exit"] != 0 for r in out.values())


def _terminate(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv=None):
    args = parse(argv)
    signal.signal(signal.SIGTERM, _terminate)  # stop servers and drop databases as on Ctrl-C
    signal.signal(signal.SIGINT, signal.default_int_handler)  # also when started in the background by a shell
    began = time.monotonic()
    result = {"started_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "commit": git_commit(),
              "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                          "platform": platform.platform(), "load_before": uptime()},
              "server": {"app_server": "granian wsgi", "workers": args.workers,
                         "blocking_threads": args.threads or "default", "host": "127.0.0.1"},
              "load": {"clients": args.clients, "requests_per_client": args.requests, "warmup_per_client": args.warmup,
                       "time_cap_s": args.time_cap, "request_timeout_s": args.request_timeout,
                       "client": "python threads, one keep-alive socket each (bench.load.LeanConnection)"},
              "goals": GOALS, "engines": {}}
    options, missing = city.seed_options(args)
    if missing:
        say(f"seed_demo has no {' '.join(missing)} yet: the city gets what it seeds by default")
    result["data"] = {"seed_demo": options, "seed_options_missing": missing}
    run_dir = Path(tempfile.mkdtemp(prefix="parkbeat-bench-"))
    admin, run_db = None, None
    failed = False
    try:
        for engine in args.engines:
            log = result["engines"].setdefault(engine, {"load_before": uptime()})
            engine_began = time.monotonic()
            if engine == "sqlite":
                env, key = city.sqlite_city(args, options, run_dir, log)
            elif args.database_url:
                env, key = city.given_database(args, options, run_dir, log)
            else:
                admin = admin or city.PgAdmin(args.pg_url)
                env, key, run_db = city.postgres_city(args, options, run_dir, log, admin)
                log["database"] = run_db
            log["key"] = key
            if args.build_only:
                if run_db:
                    admin.drop(run_db)
                    run_db = None
                continue
            try:
                results, auth, targets = measure_engine(engine, env, args, run_dir, log)
            except (Exception, SystemExit) as exc:  # the other engine is still measured; the results say why
                say(f"[{engine}] stopped by {exc.__class__.__name__}: {exc}")
                log["failed"] = f"{exc.__class__.__name__}: {exc}"
                results, auth, targets = log.get("scenarios", {}), {}, None
                judge(results)
                failed = True
            print_table(engine, results)
            if engine == "postgres" and args.mixed_minutes > 0 and targets:
                log["mixed"] = mixed.run(env, args, auth, targets, run_dir)
                mixed.print_summary(log["mixed"])
            log["load_after"] = uptime()
            log["elapsed_s"] = round(time.monotonic() - engine_began, 1)
            if run_db:
                admin.drop(run_db)
                say(f"dropped {run_db}")
                run_db = None
            failed = failed or any(r.get("errors") for r in results.values()) or bool(
                log.get("mixed", {}).get("errors"))
    except KeyboardInterrupt:
        say("interrupted: stopping")
        failed = True
        result["interrupted"] = True
    finally:
        if admin is not None:
            if run_db:
                admin.drop(run_db)
                say(f"dropped {run_db}")
            admin.close()
        shutil.rmtree(run_dir, ignore_errors=True)

    if args.areas and not args.build_only and not result.get("interrupted"):
        try:
            result["areas"], areas_failed = run_areas(args)
            failed = failed or areas_failed
        except KeyboardInterrupt:
            say("interrupted: stopping")
            failed = True
            result["interrupted"] = True

    print_side_by_side(result["engines"])
    result["finished_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    result["elapsed_s"] = round(time.monotonic() - began, 1)
    result["machine"]["load_after"] = uptime()
    path = RESULTS.with_name("interrupted.json") if result.get("interrupted") else RESULTS  # keep the last full run
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    summary = [f"{engine}: {sum(1 for r in log.get('scenarios', {}).values() if r.get('met'))} of "
               f"{sum(1 for r in log.get('scenarios', {}).values() if r.get('goal'))} goals met"
               for engine, log in result["engines"].items()]
    say(f"wrote {path.relative_to(REPO)} in {result['elapsed_s']:.0f}s; {'; '.join(summary)}; "
        f"load {result['machine']['load_before']} → {result['machine']['load_after']}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
