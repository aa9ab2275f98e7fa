"""Patrol coverage (parkbeat.patrols.coverage) for a month of a city-scale data set, and how it grows when the
data doubles:

    .venv/bin/python bench/patrol_coverage.py [--engines sqlite,postgres] [--stations 50] [--enterprises 50000]
                                              [--incidents 1000000] [--disputes 200000] [--track-points N]
                                              [--days 30] [--repeat 5] [--no-half]

For each engine the city is built by `seed_demo` (bench/city.py: cached per engine and size, copied per run,
the same cache as bench/run.py's for the same sizes) at the sizes given — the full data — and at half of each
(stations, enterprises, incidents, disputes and track points halved; --no-half leaves it out). On a copy of
each, inside `manage.py shell`, the selectors are timed for the last `--days` days as the station leader
(`leader`, one station) and the city leader (`cityleader`, every station), each `--repeat` times after one
unmeasured call, the median reported: `checkpoint_coverage` (one grouped query, read in full),
`gaps_between_visits` (the LAG window query), `park_coverage`, `team_coverage`, `coverage` (all of them, as
the page and the API call it) and `week_figures` (the workbench). Printed: a table per engine with the rows
behind the figures, and full ÷ half per selector (1.0: the time did not grow; 2.0: it doubled with the data).
Written to bench/results/patrol_coverage.json. A selector over `--slow` seconds (default 1) is marked SLOW.
"""
import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import city  # noqa: E402

RESULTS = REPO / "bench" / "results" / "patrol_coverage.json"
USERS = ("leader", "cityleader")
SELECTORS = ("checkpoint_coverage", "gaps_between_visits", "park_coverage", "team_coverage", "coverage",
             "week_figures")


# ---------------------------------------------------------------- inside manage.py shell
def measure(days, repeat):
    """Time every selector for each user; prints one line `BENCH-JSON {...}`."""
    from parkbeat.org.models import User
    from parkbeat.patrols import coverage
    from parkbeat.patrols.models import CheckIn, Checkpoint, MissedCheck, PatrolRun, TrackPoint

    period = coverage.last_days(days)
    calls = {
        "checkpoint_coverage": lambda u: len(list(coverage.checkpoint_coverage(user=u, period=period))),
        "gaps_between_visits": lambda u: len(coverage.gaps_between_visits(user=u, period=period)),
        "park_coverage": lambda u: len(coverage.park_coverage(user=u, period=period)),
        "team_coverage": lambda u: len(coverage.team_coverage(user=u, period=period)),
        "coverage": lambda u: coverage.coverage(user=u, period=period)["totals"]["visits"],
        "week_figures": lambda u: coverage.week_figures(user=u)["checkpoints"],
    }
    out = {"period": period.as_dict(), "rows": {
        "track points": TrackPoint.objects.count(), "patrol runs": PatrolRun.objects.count(),
        "check-ins": CheckIn.objects.count(), "checkpoints": Checkpoint.objects.count(),
        "missed checks": MissedCheck.objects.count()}, "users": {}}
    for user in User.objects.filter(username__in=USERS).order_by("username"):
        figures = coverage.coverage(user=user, period=period)["totals"]
        timings = {}
        for name, call in calls.items():
            call(user)  # unmeasured: the statements prepared, the pages in the cache
            runs = []
            for _ in range(repeat):
                started = time.perf_counter()
                call(user)
                runs.append(time.perf_counter() - started)
            timings[name] = round(statistics.median(runs) * 1000, 1)
        out["users"][user.username] = {"checkpoints": figures["checkpoints"], "visits": figures["visits"],
                                       "missed": figures["missed"], "ms": timings}
    print("BENCH-JSON " + json.dumps(out), flush=True)


# ---------------------------------------------------------------- the driver
def sizes(args, factor):
    """The build's options at `factor` (1 or 0.5) of the sizes asked."""
    scaled = SimpleNamespace(stations=max(1, round(args.stations * factor)),
                             enterprises=max(1, round(args.enterprises * factor)),
                             incidents=round(args.incidents * factor), disputes=round(args.disputes * factor),
                             seed=args.seed)
    scaled.enterprises = max(scaled.enterprises, 60 * scaled.stations)  # seed_demo's 20 per park
    options, missing = city.seed_options(scaled)
    if missing:
        raise SystemExit(f"bench: this seed_demo has no {', '.join(missing)}")
    if args.track_points is not None:
        options += ["--track-points", str(round(args.track_points * factor))]
    return options


def run_once(engine, options, args, run_dir, admin):
    """Build (or reuse) the city at these options, time the selectors on a copy; returns the measured dict."""
    log = {}
    build_args = SimpleNamespace(keep_city=args.keep_city, rebuild=args.rebuild)
    run_db = None
    try:
        if engine == "sqlite":
            env, key = city.sqlite_city(build_args, options, run_dir, log)
        else:
            env, key, run_db = city.postgres_city(build_args, options, run_dir, log, admin)
        city.say(f"[{engine}] timing the coverage selectors on {key}")
        out = city.manage(env, "shell", "-c", f"import bench.patrol_coverage as b; b.measure({args.days}, "
                          f"{args.repeat})", capture=True, timeout=3600)
        line = next(x for x in reversed(out.splitlines()) if x.startswith("BENCH-JSON "))
        result = json.loads(line.removeprefix("BENCH-JSON "))
        result.update(key=key, options=options, build=log)
        return result
    finally:
        if run_db:
            admin.drop(run_db)
        shutil.rmtree(run_dir / "var-sqlite", ignore_errors=True)
        shutil.rmtree(run_dir / "var-postgres", ignore_errors=True)


def report(engine, measured, slow_ms):
    """The table of one engine: each size's rows, then per user and selector the times and full ÷ half."""
    labels = list(measured)
    print(f"\n== patrol coverage · {engine} (median ms of the last month; growth: full ÷ half)")
    for label in labels:
        rows = measured[label]["rows"]
        print(f"  {label:<5} " + ", ".join(f"{v} {k}" for k, v in rows.items()))
    head = ("user", "selector", *labels, *(["growth"] if len(labels) == 2 else []))
    table = []
    slow = []
    for user in USERS:
        for name in SELECTORS:
            times = [measured[label]["users"].get(user, {}).get("ms", {}).get(name) for label in labels]
            row = [user, name, *("-" if t is None else f"{t}" for t in times)]
            if len(labels) == 2:
                half, full = times[labels.index("half")], times[labels.index("full")]
                row.append(f"×{full / half:.2f}" if half and full else "-")
            if any(t is not None and t > slow_ms for t in times):
                row[-1] += "  SLOW"
                slow.append(f"{engine} {user} {name}")
            table.append(row)
    widths = [max(len(str(r[i])) for r in [head, *table]) for i in range(len(head))]
    for row in [head, *table]:
        print("  " + "  ".join(str(c).ljust(w) if i < 2 else str(c).rjust(w) for i, (c, w) in enumerate(zip(row, widths))))
    return slow


def parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engines", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    parser.add_argument("--stations", type=int, default=50)
    parser.add_argument("--enterprises", type=int, default=50_000)
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--disputes", type=int, default=200_000)
    parser.add_argument("--track-points", type=int, default=None,
                        help="GPS track points of the full city (default seed_demo's: 10 per incident)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--days", type=int, default=30, help="the period: the last DAYS days (default 30)")
    parser.add_argument("--repeat", type=int, default=5, help="timed calls per selector and user (default 5)")
    parser.add_argument("--slow", type=float, default=1.0, help="seconds over which a selector is marked SLOW")
    parser.add_argument("--no-half", dest="half", action="store_false", help="time the full city only")
    parser.add_argument("--pg-url", default=os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached cities")
    parser.add_argument("--keep-city", action="store_true", help="reuse a cached city of the same sizes built "
                        "from older sources (migrated forward on the copy)")
    args = parser.parse_args(argv)
    args.engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    if not args.engines or set(args.engines) - {"sqlite", "postgres"}:
        parser.error("--engines takes sqlite, postgres or both")
    if args.repeat < 1 or not 1 <= args.days <= 366:
        parser.error("--repeat must be at least 1 and --days from 1 to 366")
    if args.half and args.stations < 2:
        parser.error("halving needs --stations 2 or more (or --no-half)")
    return args


def main(argv=None):
    args = parse(argv)
    run_dir = Path(tempfile.mkdtemp(prefix="pb-coverage-bench-"))
    result = {"started_at": time.strftime("%Y-%m-%d %H:%M:%S"), "days": args.days, "repeat": args.repeat,
              "engines": {}}
    admin, slow = None, []
    try:
        for engine in args.engines:
            if engine == "postgres" and admin is None:
                admin = city.PgAdmin(args.pg_url)
            measured = {}
            for label, factor in ((("half", 0.5),) if args.half else ()) + (("full", 1),):
                measured[label] = run_once(engine, sizes(args, factor), args, run_dir, admin)
            result["engines"][engine] = measured
            slow += report(engine, measured, args.slow * 1000)
    finally:
        if admin is not None:
            admin.close()
        shutil.rmtree(run_dir, ignore_errors=True)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    city.say(f"wrote {RESULTS.relative_to(REPO)}" + (f"; over {args.slow:g} s: {', '.join(slow)}" if slow else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
