"""Faults survived (SECURITY.md part F): the real server, a real kill, and the service answering again.

Marked `faults`: `make test` leaves them out (they kill processes), `.ci/run` runs them in a step of their
own after the suite, on their own server, port and database. Run them by hand with
`.venv/bin/pytest -m faults -n 0 parkbeat/core/tests/test_faults.py`.
"""
import configparser
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
GRANIAN = Path(sys.executable).with_name("granian")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers(url, timeout=1.0):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False


def wait_until(predicate, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def children(pid):
    """The processes whose parent is `pid` (read from /proc: no extra dependency)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def server_env(var_dir, database_url=None):
    return {**os.environ, "PARKBEAT_VAR_DIR": str(var_dir),
            "DATABASE_URL": database_url or f"sqlite:///{var_dir}/db.sqlite3",
            "DJANGO_SETTINGS_MODULE": "parkbeat.settings", "PYTHONUNBUFFERED": "1", "PARKBEAT_DEMO": "1"}


def start_granian(var_dir, workers, database_url=None, log=None):
    """granian as `make run` and deploy/systemd/parkbeat-web.service start it: workers respawned."""
    port = free_port()
    process = subprocess.Popen(
        [str(GRANIAN), "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
         "--blocking-threads", "4", "--respawn-failed-workers", "--respawn-interval", "0.5",
         "parkbeat.wsgi:application"],
        cwd=ROOT, env=server_env(var_dir, database_url), stdout=log or subprocess.DEVNULL,
        stderr=subprocess.STDOUT if log else subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    if not wait_until(lambda: answers(f"{base}/healthz"), 30):
        os.killpg(process.pid, signal.SIGKILL)
        raise AssertionError("granian did not start")
    return process, base


def stop(process):
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(10)


def manage(var_dir, *args, database_url=None):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=server_env(var_dir, database_url),
                   check=True, stdout=subprocess.DEVNULL)


@pytest.fixture
def web_server(tmp_path):
    process, base = start_granian(tmp_path, workers=1)
    try:
        yield process, f"{base}/healthz"
    finally:
        stop(process)


@pytest.fixture(params=["sqlite", "postgres"])
def demo_server(request, tmp_path):
    """Two respawned workers over a migrated database with the demo station: SQLite, or a PostgreSQL server
    of the test's own. Yields (server process, base URL, var dir, fetch(sql, params) -> rows)."""
    if request.param == "postgres":
        database = request.getfixturevalue("own_postgres")["url"]
        import psycopg

        def fetch(sql, params=()):
            with psycopg.connect(database) as conn:
                return conn.execute(sql.replace("?", "%s"), params).fetchall()
    else:
        database = None

        def fetch(sql, params=()):
            with sqlite3.connect(tmp_path / "db.sqlite3") as conn:
                return conn.execute(sql, params).fetchall()
    manage(tmp_path, "migrate", "-v0", database_url=database)
    manage(tmp_path, "seed_demo", database_url=database)
    process, base = start_granian(tmp_path, workers=2, database_url=database)
    try:
        yield process, base, tmp_path, database, fetch
    finally:
        stop(process)


def call(method, url, body=None, headers=None, timeout=10):
    """(status, JSON body) or (None, error name) when the connection broke."""
    request = urllib.request.Request(url, method=method, data=json.dumps(body).encode() if body else None,
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, None
    except OSError as exc:
        return None, exc.__class__.__name__


@pytest.mark.faults
def test_a_killed_web_worker_is_respawned_and_the_service_answers_again(web_server):
    process, url = web_server
    workers = children(process.pid)
    assert workers, "granian started no worker process"

    started = time.monotonic()
    for pid in workers:
        os.kill(pid, signal.SIGKILL)
    assert wait_until(lambda: set(children(process.pid)) - set(workers), 15), "no new worker was started"
    assert wait_until(lambda: answers(url), 15), "the service did not answer again"
    recovery = time.monotonic() - started

    assert process.poll() is None  # the server itself never went down
    print(f"\n[figure] web worker killed with SIGKILL: answering again after {recovery:.1f} s")


@pytest.mark.faults
def test_a_worker_killed_in_a_write_burst_loses_nothing_and_stores_nothing_twice(demo_server):
    """4 clients post incidents as a 110 integration does (an Idempotency-Key per incident, resent until
    acknowledged); both workers are killed with SIGKILL in the middle. Afterwards every acknowledged
    incident is stored exactly once with its audit event, and the audit chain verifies."""
    process, base, var_dir, database, fetch = demo_server
    status, token = call("POST", f"{base}/api/v1/auth/token/", {"username": "officer1", "password": "parkbeat-demo"})
    assert status == 200, token
    auth = {"Authorization": f"Bearer {token['token']}"}
    park = fetch("SELECT id FROM org_park ORDER BY id LIMIT 1")[0][0]
    before = fetch("SELECT COUNT(*) FROM incidents_incident")[0][0]
    run = uuid.uuid4().hex[:6].upper()  # dispatch numbers are stored upper-case
    acknowledged, sent, refused, lock = {}, [0], [], threading.Lock()
    per_client, clients = 40, 4

    def client(n):
        for i in range(per_client):
            number = f"110-FAULT{run}-{n}{i:03d}"
            key = f"fault-{run}-{n}-{i}"
            body = {"source": "dispatch_110", "dispatch_number": number, "kind": "theft", "park": park,
                    "location": "东门", "description": f"故障演练 {n}-{i}"}
            for _attempt in range(200):  # resend with the same key until acknowledged
                with lock:
                    sent[0] += 1
                status, data = call("POST", f"{base}/api/v1/incidents/", body, {**auth, "Idempotency-Key": key})
                if status in (200, 201):
                    with lock:
                        acknowledged[number] = data["id"]
                    break
                if status is not None and 400 <= status < 500 and status != 429:
                    refused.append((number, status))
                    break
                time.sleep(0.1)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    assert wait_until(lambda: len(acknowledged) >= 30, 60), "the burst did not get going"
    workers = children(process.pid)
    killed_at = time.monotonic()
    for pid in workers:
        os.kill(pid, signal.SIGKILL)
    assert wait_until(lambda: answers(f"{base}/healthz"), 20), "the service did not answer again"
    recovery = time.monotonic() - killed_at
    for thread in threads:
        thread.join(120)

    assert not refused, refused[:5]
    assert len(acknowledged) == clients * per_client
    rows = fetch("SELECT dispatch_number, id FROM incidents_incident WHERE dispatch_number LIKE ?",
                 (f"110-FAULT{run}-%",))
    assert dict(rows) == acknowledged  # every acknowledged write stored, once, with the id it was answered
    assert fetch("SELECT COUNT(*) FROM incidents_incident")[0][0] == before + len(acknowledged)
    audited = fetch("SELECT COUNT(DISTINCT object_id) FROM audit_auditevent WHERE object_type = "
                    "'incidents.Incident' AND verb = 'create' AND object_id IN (%s)"
                    % ",".join("?" * len(rows)), [str(pk) for _n, pk in rows])[0][0]
    assert audited == len(rows)
    manage(var_dir, "verify_audit", database_url=database)  # exits non-zero when the chain is broken
    print(f"\n[figure] write burst with both workers killed ({'PostgreSQL' if database else 'SQLite'}): {sent[0]} requests sent, {len(acknowledged)} "
          f"acknowledged, {len(rows)} stored, 0 lost, 0 twice; answering again after {recovery:.1f} s")


PG_BIN = Path("/usr/lib/postgresql")


def pg_tool(name):
    found = sorted(PG_BIN.glob(f"*/bin/{name}"), key=lambda path: int(path.parts[-3]))
    return found[-1] if found else None


def as_postgres(*command):
    """Run a PostgreSQL server tool as the postgres user (initdb refuses root)."""
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run([*prefix, *map(str, command)], check=True, capture_output=True, text=True)


@pytest.fixture
def own_postgres():
    """A PostgreSQL server of this test's own (its own data directory and port): restarting it touches
    nothing else on the machine."""
    from parkbeat.core.tests.services import must_have

    initdb = pg_tool("initdb")
    must_have(initdb is not None, "PostgreSQL server binaries not found: apt-get install postgresql")
    must_have(os.geteuid() != 0 or subprocess.run(["id", "postgres"], capture_output=True).returncode == 0,
              "no postgres user to run a PostgreSQL server as")
    data = Path(tempfile.mkdtemp(prefix="parkbeat-faults-pg-"))  # not under pytest's root-only folder
    if os.geteuid() == 0:
        subprocess.run(["chown", "postgres", str(data)], check=True)
    as_postgres(initdb, "-D", data, "-A", "trust", "-U", "postgres", "--no-sync")
    port = free_port()
    pg_ctl = pg_tool("pg_ctl")
    options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off"
    as_postgres(pg_ctl, "-D", data, "-o", options, "-l", data / "log", "-w", "start")
    try:
        url = f"postgres://postgres@127.0.0.1:{port}"
        subprocess.run(["psql", "-X", "-q", f"{url}/postgres", "-c", "CREATE DATABASE parkbeat"], check=True)
        yield {"url": f"{url}/parkbeat", "restart": lambda: as_postgres(
            pg_ctl, "-D", data, "-o", options, "-l", data / "log", "-m", "fast", "-w", "restart")}
    finally:
        as_postgres(pg_ctl, "-D", data, "-m", "immediate", "stop")
        shutil.rmtree(data, ignore_errors=True)


@pytest.mark.faults
@pytest.mark.postgres
def test_postgresql_restarted_under_load_fails_cleanly_and_loses_nothing(own_postgres, tmp_path):
    """Clients post incidents (resent with their Idempotency-Key until acknowledged) while the database is
    restarted: answers during the outage are 503 with `detail` (never 500), the app servers carry on
    without a restart, and every acknowledged incident is stored exactly once."""
    database = own_postgres["url"]
    manage(tmp_path, "migrate", "-v0", database_url=database)
    manage(tmp_path, "seed_demo", database_url=database)
    process, base = start_granian(tmp_path, workers=2, database_url=database)
    try:
        status, token = call("POST", f"{base}/api/v1/auth/token/", {"username": "officer1",
                                                                    "password": "parkbeat-demo"})
        assert status == 200, token
        auth = {"Authorization": f"Bearer {token['token']}"}
        import psycopg

        with psycopg.connect(own_postgres["url"]) as conn:
            park = conn.execute("SELECT id FROM org_park ORDER BY id LIMIT 1").fetchone()[0]
        run = uuid.uuid4().hex[:6].upper()
        acknowledged, statuses, lock = {}, {}, threading.Lock()
        per_client, clients = 40, 4

        def client(n):
            for i in range(per_client):
                number = f"110-PG{run}-{n}{i:03d}"
                body = {"source": "dispatch_110", "dispatch_number": number, "kind": "theft", "park": park,
                        "description": f"数据库重启演练 {n}-{i}"}
                for _attempt in range(300):
                    status, data = call("POST", f"{base}/api/v1/incidents/", body,
                                        {**auth, "Idempotency-Key": f"pg-{run}-{n}-{i}"})
                    with lock:
                        statuses[status] = statuses.get(status, 0) + 1
                    if status in (200, 201):
                        with lock:
                            acknowledged[number] = data["id"]
                        break
                    time.sleep(0.1)

        threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
        for thread in threads:
            thread.start()
        assert wait_until(lambda: len(acknowledged) >= 30, 60), "the burst did not get going"
        restarted_at = time.monotonic()
        own_postgres["restart"]()
        resumed = wait_until(lambda: call("GET", f"{base}/api/v1/incidents/?page_size=1", headers=auth)[0] == 200, 30)
        recovery = time.monotonic() - restarted_at
        for thread in threads:
            thread.join(120)

        assert resumed, "the service did not resume after the database came back"
        assert process.poll() is None
        assert not statuses.get(500), statuses  # during the outage: 503 (or a refused connection), never 500
        assert len(acknowledged) == clients * per_client, statuses
        with psycopg.connect(own_postgres["url"]) as conn:
            rows = dict(conn.execute("SELECT dispatch_number, id FROM incidents_incident "
                                     "WHERE dispatch_number LIKE %s", (f"110-PG{run}-%",)).fetchall())
        assert rows == acknowledged
        print(f"\n[figure] PostgreSQL restarted under load: answers {dict(sorted(statuses.items(), key=str))}, "
              f"{len(acknowledged)} acknowledged, {len(rows)} stored, 0 lost; serving again {recovery:.1f} s "
              f"after the restart began")
    finally:
        stop(process)


def webhook_robot(delay=0.0):
    """A group robot on loopback that takes every message (errcode 0) and counts them."""
    import http.server

    class Robot(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            time.sleep(delay)
            server.received += 1
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"errcode": 0}')

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Robot)
    server.received = 0
    server.url = f"http://127.0.0.1:{server.server_address[1]}/robot"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.mark.faults
def test_sqlite_with_eight_writers_and_the_job_consumer_never_reports_a_locked_database(tmp_path):
    """8 clients post incidents (each notifies, so the consumer writes too) on one SQLite file while the job
    consumer runs its tasks: every request succeeds and no process logs "database is locked"."""
    robot = webhook_robot()
    os.environ.update(PARKBEAT_NOTIFY_CHANNELS="webhook", PARKBEAT_WEBHOOK_URL=robot.url)
    try:
        manage(tmp_path, "migrate", "-v0")
        manage(tmp_path, "seed_demo")
        # The demo's staff have no mobile; give them one, so every dispatch also goes out through the robot.
        manage(tmp_path, "shell", "-c", "from parkbeat.org.models import User\n"
               "for n, u in enumerate(User.objects.filter(mobile='')): u.mobile = f'139{n:08d}'; u.save()")
        web_log, consumer_log = open(tmp_path / "web.log", "w"), open(tmp_path / "consumer.log", "w")
        consumer = subprocess.Popen([sys.executable, "manage.py", "run_huey", "--workers", "2"], cwd=ROOT,
                                    env=server_env(tmp_path), stdout=consumer_log, stderr=subprocess.STDOUT,
                                    start_new_session=True)
        process, base = start_granian(tmp_path, workers=2, log=web_log)
    finally:
        del os.environ["PARKBEAT_NOTIFY_CHANNELS"], os.environ["PARKBEAT_WEBHOOK_URL"]
    with web_log, consumer_log:
        try:
            status, token = call("POST", f"{base}/api/v1/auth/token/", {"username": "officer1",
                                                                        "password": "parkbeat-demo"})
            assert status == 200
            auth = {"Authorization": f"Bearer {token['token']}"}
            park = sqlite3.connect(tmp_path / "db.sqlite3").execute(
                "SELECT id FROM org_park ORDER BY id LIMIT 1").fetchone()[0]
            statuses, lock = {}, threading.Lock()

            def client(n):
                for i in range(25):
                    status, _data = call("POST", f"{base}/api/v1/incidents/", {
                        "source": "phone", "kind": "theft", "park": park, "description": f"并发写入 {n}-{i}"},
                        auth)
                    with lock:
                        statuses[status] = statuses.get(status, 0) + 1

            threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(180)
            db = sqlite3.connect(tmp_path / "db.sqlite3")
            waiting = "SELECT COUNT(*) FROM notifications_outboxmessage WHERE status != 'sent'"
            assert wait_until(lambda: db.execute(waiting).fetchone()[0] == 0, 60), "the consumer did not deliver"
            delivered = db.execute("SELECT COUNT(*) FROM notifications_outboxmessage").fetchone()[0]
        finally:
            stop(process)
            stop(consumer)
            robot.shutdown()
    logs = (tmp_path / "web.log").read_text() + (tmp_path / "consumer.log").read_text()

    assert statuses == {201: 200}, statuses
    assert delivered >= 200 and robot.received >= delivered  # the consumer wrote as it delivered
    assert "database is locked" not in logs
    assert "Traceback" not in logs, logs[-2000:]
    print(f"\n[figure] SQLite, 8 writers + job consumer: {statuses.get(201, 0)} incidents created, {delivered} "
          f"messages delivered by the consumer meanwhile, 0 \"database is locked\"")


@pytest.mark.faults
def test_the_job_consumer_killed_mid_batch_loses_nothing_and_resends_only_what_it_had_in_hand(tmp_path):
    """300 messages wait in the outbox; the consumer is killed with SIGKILL while delivering them to a slow
    robot, then started again. The batch finishes; nothing is lost; the one message that was in the dead
    consumer's hands stays leased to it until its lease ends (then it is sent: at least once), and no
    other message reaches the robot twice."""
    robot = webhook_robot(delay=0.02)
    total = 300
    manage(tmp_path, "migrate", "-v0")
    manage(tmp_path, "seed_demo")  # before the channel is on: the robot gets the drill's messages only
    os.environ.update(PARKBEAT_NOTIFY_CHANNELS="webhook", PARKBEAT_WEBHOOK_URL=robot.url)
    try:
        manage(tmp_path, "shell", "-c", "from parkbeat.org.models import User\n"
               "from parkbeat.notifications.services import notify\n"
               "u = User.objects.get(username='officer1'); u.mobile = '13900000001'; u.save()\n"
               f"for i in range({total}): notify(recipients=[u], kind='incident_update', title=f'演练 {{i}}')")
        db = sqlite3.connect(tmp_path / "db.sqlite3")

        drill = ("FROM notifications_outboxmessage m JOIN notifications_notification n ON n.id = m.notification_id "
                 "WHERE n.title LIKE '演练 %'")

        def count(status):
            return db.execute(f"SELECT COUNT(*) {drill} AND m.status = ?", (status,)).fetchone()[0]

        assert db.execute("SELECT COUNT(*) FROM notifications_outboxmessage").fetchone()[0] == total

        def consumer():
            return subprocess.Popen([sys.executable, "manage.py", "run_huey", "--workers", "1"], cwd=ROOT,
                                    env=server_env(tmp_path), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                    start_new_session=True)

        first = consumer()
        try:
            assert wait_until(lambda: count("sent") >= 50, 60), "the consumer did not start delivering"
        finally:
            os.killpg(first.pid, signal.SIGKILL)
            first.wait(10)
        at_kill = count("sent")
        assert at_kill < total, "the batch finished before the kill; make the robot slower"
        second = consumer()
        try:
            manage(tmp_path, "shell", "-c", "from parkbeat.notifications.tasks import deliver_outbox_task\n"
                   "deliver_outbox_task()")  # enqueue a run now rather than at the next minute
            assert wait_until(lambda: count("sent") >= total - 1, 90), (count("sent"), total)
            time.sleep(1)
        finally:
            stop(second)
    finally:
        del os.environ["PARKBEAT_NOTIFY_CHANNELS"], os.environ["PARKBEAT_WEBHOOK_URL"]
        robot.shutdown()
    sent = count("sent")
    leased = db.execute(f"SELECT COUNT(*) {drill} AND m.status != 'sent' AND m.next_attempt_at > ?",
                        (time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()),)).fetchone()[0]
    received = robot.received

    assert sent + leased == total  # nothing lost: sent, or leased to the dead consumer and sent after its lease
    assert leased <= 1
    # Only what the dead consumer had in hand (its send in flight, and the one whose SENT mark it had not yet
    # committed) reached the robot without being marked: at least once, never a batch sent again.
    assert sent <= received <= sent + 2
    print(f"\n[figure] job consumer killed mid-batch: {total} messages, {at_kill} sent before the kill, "
          f"{sent} after the restart, {leased} waiting out the dead consumer's lease, {received - sent} "
          f"received by the robot without being marked sent (at least once), 0 lost")


def cmdline(pid):
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


@pytest.mark.faults
def test_make_run_restarts_a_dead_consumer_and_respawns_a_dead_web_worker(tmp_path):
    port = free_port()
    env = {k: v for k, v in server_env(tmp_path).items() if k != "DATABASE_URL"}
    process = subprocess.Popen([sys.executable, "-m", "parkbeat", "run", "--port", str(port)], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        assert wait_until(lambda: answers(f"{base}/healthz"), 240), "make run did not start"

        def consumers():
            return [pid for pid in children(process.pid) if "run_huey" in cmdline(pid)]

        def web_workers():
            granian = [pid for pid in children(process.pid) if "granian" in cmdline(pid)]
            return [w for pid in granian for w in children(pid)]

        [consumer] = consumers()
        os.kill(consumer, signal.SIGKILL)
        assert wait_until(lambda: consumers() and consumers() != [consumer], 15), "the consumer was not restarted"

        workers = web_workers()
        assert workers
        for pid in workers:
            os.kill(pid, signal.SIGKILL)
        assert wait_until(lambda: set(web_workers()) - set(workers), 15), "no web worker was respawned"
        assert wait_until(lambda: answers(f"{base}/healthz"), 15)
        assert process.poll() is None
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
    assert process.returncode == 0
    assert "starting it again" in output


def unit(name):
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.read(ROOT / "deploy" / "systemd" / name)
    return parser


def test_the_shipped_units_respawn_workers_and_restart_what_exits():
    web, worker = unit("parkbeat-web.service"), unit("parkbeat-worker@.service")

    assert "--respawn-failed-workers" in web["Service"]["ExecStart"]
    assert web["Service"]["Restart"] == worker["Service"]["Restart"] == "always"
    assert "run_huey" in worker["Service"]["ExecStart"]
