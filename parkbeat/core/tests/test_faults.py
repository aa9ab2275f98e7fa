"""Faults survived (SECURITY.md part F): the real server, a real kill, and the service answering again.

Marked `faults`: `make test` leaves them out (they kill processes), `.ci/run` runs them in a step of their
own after the suite, on their own server, port and database. Run them by hand with
`.venv/bin/pytest -m faults -n 0 parkbeat/core/tests/test_faults.py`.
"""
import configparser
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
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


@pytest.fixture
def web_server(tmp_path):
    """granian as `make run` and deploy/systemd/parkbeat-web.service start it: one worker, respawned."""
    port = free_port()
    env = {**os.environ, "PARKBEAT_VAR_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
           "DJANGO_SETTINGS_MODULE": "parkbeat.settings", "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [str(GRANIAN), "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
         "--respawn-failed-workers", "--respawn-interval", "0.5", "parkbeat.wsgi:application"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}/healthz"
    try:
        assert wait_until(lambda: answers(url), 30), "granian did not start"
        yield process, url
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)


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


def unit(name):
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.read(ROOT / "deploy" / "systemd" / name)
    return parser


def test_the_shipped_units_respawn_workers_and_restart_what_exits():
    web, worker = unit("parkbeat-web.service"), unit("parkbeat-worker@.service")

    assert "--respawn-failed-workers" in web["Service"]["ExecStart"]
    assert web["Service"]["Restart"] == worker["Service"]["Restart"] == "always"
    assert "run_huey" in worker["Service"]["ExecStart"]
