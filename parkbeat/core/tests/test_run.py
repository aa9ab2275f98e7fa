"""`make run` / `python -m parkbeat run` (issue 10, start-up and logs): the address and the demo accounts once,
no banner, and Ctrl-C stops everything with exit 0."""
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from parkbeat.__main__ import account_lines, width
from parkbeat.core.demo import DemoAccount

ROOT = Path(settings.BASE_DIR).parent


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment(tmp_path):
    drop = ("DATABASE_URL", "REDIS_URL", "DEBUG", "PARKBEAT_DEMO_PASSWORD")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    return {**env, "PARKBEAT_VAR_DIR": str(tmp_path / "var"), "PARKBEAT_DEMO": "1", "PYTHONUNBUFFERED": "1"}


def test_the_account_rows_line_up_with_chinese_in_them():
    lines = account_lines([DemoAccount("leader", "赵国栋", "所领导", "马家河派出所"),
                           DemoAccount("agency_street", "彭小燕", "联动单位人员", "马家河街道综治中心"),
                           DemoAccount("sysadmin", "许晨", "系统管理员", "")], "parkbeat-demo")

    assert lines[0] == "  Demo accounts (password: parkbeat-demo):"
    assert width(lines[1].split("马家河派出所")[0]) == width(lines[2].split("马家河街道")[0])
    assert lines[3] == lines[3].rstrip() and "系统管理员" in lines[3]


def test_a_port_in_use_is_said_plainly(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "parkbeat", "run", "--port", str(port)], cwd=ROOT,
                              env=environment(tmp_path), capture_output=True, text=True, timeout=60)

    assert done.returncode == 1 and f"Port {port} on 127.0.0.1 is in use" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


@pytest.mark.slow
def test_run_prints_the_accounts_once_and_stops_on_ctrl_c_with_exit_0(tmp_path):
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "parkbeat", "run", "--port", str(port)], cwd=ROOT,
                               env=environment(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
    lines = []
    try:
        deadline = time.monotonic() + 240
        while not any("Ctrl-C stops" in line for line in lines):
            line = process.stdout.readline()
            assert line or process.poll() is None, "".join(lines)
            lines.append(line)
            assert time.monotonic() < deadline, "".join(lines)
        page = urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=30).read().decode()
        assert 'data-demo-username="leader"' in page
        time.sleep(1)  # let the job consumer start before it is stopped
        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    output = "".join(lines) + rest

    assert process.returncode == 0, output
    assert f"http://127.0.0.1:{port}/" in output
    assert output.count("Demo accounts") == 1 and len(re.findall(r"^\s+leader\s", output, re.M)) == 1, output
    assert re.search(r"^\s+officer1\s+李卫东\s+园区民警\s+新马工业园$", output, re.M), output
    assert "AXES" not in output and "Traceback" not in output and "Error" not in output, output
    assert output.count("Huey consumer started") == 1 and output.count("Consumer exiting") == 1, output
    assert "==> stopped" in output
    repeated = [line for line in set(output.splitlines()) if line.strip() and output.splitlines().count(line) > 1
                and not line.startswith(("+ ", "  Applying", "==>"))]
    assert not repeated, repeated


@pytest.mark.slow
def test_ctrl_c_at_the_terminal_ends_make_run_with_exit_0(tmp_path):
    """As a person runs it: make in an interactive shell on a terminal, Ctrl-C typed there. make must not
    report an error: the supervisor takes the terminal's foreground, so the SIGINT reaches it alone."""
    import pty
    import select

    port = free_port()
    env = environment(tmp_path)
    # -o: the venv and the catalogue are the checkout's own; this test must not reinstall or recompile them.
    command = f"make --no-print-directory -o .venv/.parkbeat-installed -o messages run PORT={port}; echo MAKE_EXIT=$?"
    pid, fd = pty.fork()
    if pid == 0:  # the child: an interactive shell on the terminal
        os.chdir(ROOT)
        os.execvpe("bash", ["bash", "--norc", "-ic", command], env)
    output = b""

    def read(seconds, until=None):
        nonlocal output
        end = time.monotonic() + seconds
        while time.monotonic() < end and not (until and until in output):
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    return
                if not chunk:
                    return
                output += chunk

    try:
        read(240, until=b"Ctrl-C stops")
        assert b"Ctrl-C stops" in output, output.decode(errors="replace")
        read(2)
        os.write(fd, b"\x03")
        read(60, until=b"MAKE_EXIT=")
    finally:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)
        os.close(fd)
    text = output.decode(errors="replace")
    assert "==> stopped" in text and "MAKE_EXIT=0" in text, text
    assert "make: ***" not in text and "Error" not in text, text
