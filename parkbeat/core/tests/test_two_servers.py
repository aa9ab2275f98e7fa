"""Two app servers, one database (issue 12): what a second server behind the balancer needs, checked for real.

Two granian servers (started as deploy/systemd/parkbeat-web.service starts them, each with a var dir of
its own so nothing is shared through local files) over one PostgreSQL database of the test's own and one
Redis (cache, sessions, Huey), plus a separate job consumer (manage.py run_huey, as parkbeat-worker@.service):

- a session opened by logging in on server A carries on on server B, and logging out on B ends it on A;
- a job enqueued by a request to B waits in Redis until the separate consumer starts and runs it: the
  notification's webhook message reaches a loopback receiver of the test's own and the outbox row is sent.

Marked `multiserver`: left out of `make test` (it starts servers and takes a minute or two); `.ci/run` runs
it in a step of its own after the fault tests. By hand: `.venv/bin/pytest -m multiserver -n 0`.
"""
import http.cookiejar
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from parkbeat.core.tests.services import postgres_server, redis_url  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.multiserver, pytest.mark.postgres, pytest.mark.redis]

ROOT = Path(__file__).resolve().parents[3]
GRANIAN = Path(sys.executable).with_name("granian")
PASSWORD = "parkbeat-demo"
MOBILE = "13800138000"
START_SECONDS = 120  # for a server to answer: generous, the machine may be busy


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def answers(url):
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture
def own_database(postgres_server):  # noqa: F811
    """A database of this test's own on the PostgreSQL server, dropped afterwards (also on failure)."""
    import psycopg

    name = f"parkbeat_multiserver_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield urllib.parse.urlsplit(postgres_server)._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(postgres_server, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


class Receiver(BaseHTTPRequestHandler):
    """The messaging robot of the webhook channel: records each message, answers errcode 0."""

    received = None

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.received.append(json.loads(body))
        answer = b'{"errcode": 0}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook():
    """(URL, list of the messages received) of a loopback receiver standing in for the group robot."""
    received = []
    handler = type("Handler", (Receiver,), {"received": received})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/robot", received
    finally:
        server.shutdown()
        server.server_close()


class Cluster:
    """The processes of the test: each started in a session of its own and stopped (group and all) at the end."""

    def __init__(self, tmp_path, env):
        self.tmp_path, self.env, self.processes = tmp_path, env, []

    def env_for(self, name):
        var = self.tmp_path / name
        var.mkdir(exist_ok=True)
        return {**self.env, "PARKBEAT_VAR_DIR": str(var)}

    def manage(self, *args):
        subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env_for("setup"), check=True,
                       stdout=subprocess.DEVNULL)

    def start(self, name, command, stop_signal):
        log = open(self.tmp_path / f"{name}.log", "wb")
        process = subprocess.Popen(command, cwd=ROOT, env=self.env_for(name), stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        log.close()
        self.processes.append((name, process, stop_signal))
        return process

    def web_server(self, name):
        """granian as deploy/systemd/parkbeat-web.service starts it; returns its base URL once it answers."""
        port = free_port()
        process = self.start(name, [
            str(GRANIAN), "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
            "--blocking-threads", "4", "--respawn-failed-workers", "--respawn-interval", "1",
            "--workers-kill-timeout", "5", "--no-ws", "parkbeat.wsgi:application"], signal.SIGTERM)
        base = f"http://127.0.0.1:{port}"
        started = wait_until(lambda: answers(f"{base}/healthz") or process.poll() is not None, START_SECONDS)
        assert started and process.poll() is None, f"{name} did not start:\n{self.log(name)}"
        return base

    def consumer(self):
        """The job consumer as deploy/systemd/parkbeat-worker@.service starts it (SIGINT: finish the task)."""
        return self.start("consumer", [sys.executable, "manage.py", "run_huey"], signal.SIGINT)

    def log(self, name):
        return (self.tmp_path / f"{name}.log").read_text(errors="replace")[-3000:]

    def stop(self):
        for _name, process, stop_signal in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, stop_signal)
        for _name, process, _sig in self.processes:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(5)


@pytest.fixture
def cluster(tmp_path, own_database, redis_url, webhook):  # noqa: F811
    """The demo, migrated and seeded on the test's own database; every process started is stopped afterwards."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("HUEY_", "PYTEST_"))}
    env.update({
        "DATABASE_URL": own_database, "REDIS_URL": redis_url, "DJANGO_SETTINGS_MODULE": "parkbeat.settings",
        "PYTHONUNBUFFERED": "1", "PARKBEAT_DEMO": "1",
        # What every app server of one deployment shares, set as production sets it (never each its own file).
        "SECRET_KEY": secrets.token_urlsafe(50), "PARKBEAT_FIELD_KEYS": f"k1:{secrets.token_hex(32)}",
        "PARKBEAT_BLIND_INDEX_KEY": secrets.token_hex(32), "PARKBEAT_BACKUP_SIGNING_KEY": secrets.token_hex(32),
        "PARKBEAT_NOTIFY_CHANNELS": "webhook", "PARKBEAT_WEBHOOK_URL": webhook[0],
    })
    env.pop("PARKBEAT_DEMO_PASSWORD", None)
    running = Cluster(tmp_path, env)
    running.manage("migrate", "--noinput", "-v0")
    running.manage("seed_demo")
    import psycopg

    with psycopg.connect(own_database, autocommit=True) as conn:  # the webhook reaches users with a mobile
        conn.execute("UPDATE org_user SET mobile = %s WHERE mobile = ''", [MOBILE])
    try:
        yield running
    finally:
        running.stop()


class Browser:
    """Cookies kept as a browser keeps them for 127.0.0.1 (whatever the port: one site behind a balancer)."""

    def __init__(self):
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect)

    def cookie(self, name):
        return next((c.value for c in self.cookies if c.name == name), None)

    def send(self, method, url, data=None, headers=None):
        """(status, Location header, body text)."""
        body = data
        if isinstance(data, dict):
            body = urllib.parse.urlencode(data).encode()
            headers = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
        request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.headers.get("Location"), response.read().decode()
        except urllib.error.HTTPError as exc:
            with exc:
                return exc.code, exc.headers.get("Location"), exc.read().decode(errors="replace")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def log_in(browser, base, username):
    status, _location, page = browser.send("GET", f"{base}/login/")
    assert status == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    return browser.send("POST", f"{base}/login/", {"csrfmiddlewaretoken": token, "username": username,
                                                   "password": PASSWORD})


def test_a_session_from_server_a_continues_on_server_b_and_a_job_from_b_runs_in_the_consumer(
        cluster, own_database, redis_url, webhook):  # noqa: F811
    import psycopg
    from huey import RedisHuey

    server_a, server_b = cluster.web_server("server-a"), cluster.web_server("server-b")
    browser = Browser()

    # Logged in on A ...
    status, location, _page = log_in(browser, server_a, "officer1")
    assert (status, location) == (302, "/"), cluster.log("server-a")
    assert browser.send("GET", f"{server_a}/")[0] == 200

    # ... the same session on B, which never saw the login; without the cookie B sends to the login page.
    status, _location, page = browser.send("GET", f"{server_b}/")
    assert status == 200, cluster.log("server-b")
    assert "officer1" in page or "/logout/" in page
    assert Browser().send("GET", f"{server_b}/")[:2] == (302, "/login/?next=/")

    # A write on B in that session (the API with the session and its CSRF token) enqueues the delivery.
    with psycopg.connect(own_database) as conn:
        park = conn.execute("SELECT id FROM org_park ORDER BY id LIMIT 1").fetchone()[0]
        outbox_before = conn.execute("SELECT COUNT(*) FROM notifications_outboxmessage").fetchone()[0]
    number = f"110-MS{uuid.uuid4().hex[:8].upper()}"
    body = {"source": "dispatch_110", "dispatch_number": number, "kind": "theft", "park": park,
            "location": "东门", "description": "两台服务器演练"}
    status, _location, answer = browser.send(
        "POST", f"{server_b}/api/v1/incidents/", json.dumps(body).encode(),
        {"Content-Type": "application/json", "X-CSRFToken": browser.cookie("csrftoken"),
         "Referer": f"{server_b}/"})
    assert status == 201, answer
    incident = json.loads(answer)["id"]

    with psycopg.connect(own_database) as conn:
        waiting = conn.execute("SELECT id, status FROM notifications_outboxmessage WHERE id > 0 ORDER BY id").fetchall()
    assert len(waiting) > outbox_before, "the incident notified no one on the webhook channel"
    queue = RedisHuey("parkbeat", url=redis_url)
    assert queue.pending_count() >= 1  # in Redis, for whichever consumer takes it
    time.sleep(1)
    assert webhook[1] == []  # no app server ran the job itself

    cluster.consumer()
    def ours():  # the demo's own queued notifications (people with a mobile of their own) may go out first
        return [m for m in webhook[1] if MOBILE in m.get("text", {}).get("mentioned_mobile_list", [])]

    assert wait_until(ours, 60), cluster.log("consumer")
    assert ours()[0]["msgtype"] == "text"
    assert wait_until(lambda: queue.pending_count() == 0, 30)

    def delivered():
        with psycopg.connect(own_database) as conn:
            return conn.execute(
                "SELECT COUNT(*) FROM notifications_outboxmessage o JOIN notifications_notification n "
                "ON n.id = o.notification_id WHERE n.object_id = %s AND o.status = 'sent'", [incident]).fetchone()[0]

    assert wait_until(delivered, 30)

    # Logging out on B ends the session on A too (one session store).
    status, _location, page = browser.send("GET", f"{server_b}/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert browser.send("POST", f"{server_b}/logout/", {"csrfmiddlewaretoken": token})[0] == 302
    assert browser.send("GET", f"{server_a}/")[:2] == (302, "/login/?next=/")
