"""Mixed load: simulated users with think time against two app servers sharing one PostgreSQL database.

Each user is a thread with one keep-alive connection to one of the two servers (users alternate), a
persona (station leader, city leader, park officer, 110 integration), and a loop of: pick one of the
persona's requests at random, send it, think MIN..MAX seconds. Sessions come from the login form on the
first server and are used on both. Bounded by time and by a request count per user.
"""
import math
import os
import random
import threading
import time
from collections import Counter, defaultdict

from bench import city
from bench.load import LeanConnection, login_for, percentile_ms, summary, token_for
from bench.servers import Server

OFFICERS = ("officer1", "officer2", "officer3")
# (share of the users, accounts, which of the account's scenarios they send)
PERSONAS = [
    ("station leader", 0.24, ("leader",), ("list API", "list page", "figures", "home page")),
    ("city leader", 0.12, ("cityleader",), ("list API", "list page", "figures", "home page")),
    ("park officer", 0.44, OFFICERS, ("incident list", "enterprise list", "home page")),
    ("110 integration", 0.20, OFFICERS, ("incident create POST",)),
]


def personas(n):
    """n users over the personas by their shares (largest remainder), as (persona, account) pairs."""
    raw = [share * n for _name, share, _a, _k in PERSONAS]
    counts = [math.floor(x) for x in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - counts[i], reverse=True)[:n - sum(counts)]:
        counts[i] += 1
    users = []
    for (name, _share, accounts, _kinds), count in zip(PERSONAS, counts):
        users += [(name, accounts[k % len(accounts)]) for k in range(count)]
    return users


def run(env, args, auth, targets, run_dir):
    """Start two servers, run the users for --mixed-minutes, stop the servers; returns the summary."""
    from bench.run import user_scenarios

    servers = []
    try:
        for n in range(2):
            servers.append(Server(env, args.mixed_workers, args.threads, run_dir / f"granian-mixed-{n}.log"))
        for server in servers:
            server.wait_ready()
        ports = [s.port for s in servers]
        city.say(f"[mixed] two app servers on 127.0.0.1:{ports[0]} and 127.0.0.1:{ports[1]} "
                 f"({args.mixed_workers} worker(s) × {args.threads or 'default'} threads each)")
        password = os.environ.get("PARKBEAT_DEMO_PASSWORD", "parkbeat-demo")
        users = personas(args.mixed_users)
        accounts = sorted({account for _p, account in users})
        scenarios, notes = {}, []
        for account in accounts:
            target = targets["users"].get(account)
            if not target:
                notes.append(f"no account {account!r}: its users are left out")
                continue
            token, problem = token_for(ports[0], account, password)
            cookie, problem2 = login_for(ports[0], account, password)
            notes += [p for p in (problem, problem2) if p]
            scenarios[account] = user_scenarios(account, target, token, cookie, args, f"m{int(time.time()) % 10000}")
        plan = []
        for uid, (persona, account) in enumerate(users):
            kinds = next(k for name, _s, _a, k in PERSONAS if name == persona)
            chosen = [s for s in scenarios.get(account, []) if any(k in s.name for k in kinds)]
            if chosen:
                plan.append((uid, persona, account, chosen, ports[uid % 2]))
        city.say(f"[mixed] {len(plan)} users for {args.mixed_minutes:g} min, think {args.think[0]:g}–"
                 f"{args.think[1]:g} s: " + ", ".join(f"{n} {p}" for p, n in Counter(p for _u, p, *_r in plan).items()))
        return _drive(plan, args, ports, notes)
    finally:
        for server in servers:
            server.stop()
        city.say("[mixed] both app servers stopped")


def _drive(plan, args, ports, notes):
    seconds = args.mixed_minutes * 60
    per_user_cap = math.ceil(seconds / max(args.think[0], 0.1)) + 10
    records = []  # (scenario kind, port, status, seconds)
    lock = threading.Lock()
    started = time.perf_counter()
    deadline = started + seconds

    def user(uid, persona, account, chosen, port):
        rng = random.Random(args.seed * 1000 + uid)
        makers = [(s, s.maker(port, 1)) for s in chosen]
        conn = LeanConnection(port, timeout=args.request_timeout)
        time.sleep(rng.uniform(0, args.think[1]))  # staggered start
        mine = []
        for i in range(per_user_cap):
            if time.perf_counter() >= deadline:
                break
            scenario, make = rng.choice(makers)
            raw = make(uid, i)
            t0 = time.perf_counter()
            try:
                status = conn.send(raw)
            except (OSError, ValueError, IndexError):
                conn.close()
                status = None
            mine.append((scenario.name.split(" · ", 1)[1], port, status, time.perf_counter() - t0,
                         status == scenario.ok_status))
            pause = rng.uniform(*args.think)
            if time.perf_counter() + pause >= deadline:
                break
            time.sleep(pause)
        conn.close()
        with lock:
            records.extend(mine)

    threads = [threading.Thread(target=user, args=row, daemon=True) for row in plan]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + args.think[1] + args.request_timeout + 30)
    duration = time.perf_counter() - started

    def block(rows):
        ok = [r[3] for r in rows if r[4]]
        statuses = Counter(r[2] or "connection error" for r in rows)
        return summary(ok, statuses, sum(1 for r in rows if not r[4]), duration)

    by_kind = defaultdict(list)
    for r in records:
        by_kind[r[0]].append(r)
    out = block(records)
    out.update(
        users=len(plan), minutes=args.mixed_minutes, think_s=list(args.think), servers=ports,
        per_server={str(p): sum(1 for r in records if r[1] == p) for p in ports},
        by_request={k: block(v) for k, v in sorted(by_kind.items())},
        goal="p95 < 300 ms, 0 errors", notes=notes)
    out["met"] = out["p95_ms"] is not None and out["p95_ms"] < 300 and out["errors"] == 0
    out["all_p95_ms"] = percentile_ms(sorted(r[3] for r in records), 95)
    return out


def print_summary(m):
    print(f"\n== mixed load on PostgreSQL: {m['users']} users, {m['minutes']:g} min, two servers {m['servers']} "
          f"(requests per server {m['per_server']})")
    print(f"all: {m['requests']} requests, {m['errors']} errors, {m['rps']} rps, p50 {m['p50_ms']} ms, "
          f"p95 {m['p95_ms']} ms, p99 {m['p99_ms']} ms, max {m['max_ms']} ms → goal {m['goal']}: "
          f"{'met' if m['met'] else 'MISSED'}")
    for kind, r in m["by_request"].items():
        print(f"  {kind:<34} n {r['requests']:>5}  err {r['errors']:>3}  p50 {r['p50_ms']}  p95 {r['p95_ms']}  "
              f"p99 {r['p99_ms']}")
    for note in m["notes"]:
        print(f"  note: {note}")
    print(flush=True)
