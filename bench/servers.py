"""granian serving the WSGI app with the bench settings on a free loopback port; always stopped by its owner."""
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from bench.load import HOST, request

REPO = Path(__file__).resolve().parents[1]
SERVER_START_TIMEOUT_S = 90


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Server:
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

    def wait_ready(self, path="/bench/bare/"):
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                status, _body = request(self.port, "GET", path, timeout=5)
                if status == 200:
                    return self
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
        if not self.log.closed:
            self.log.close()

    def log_tail(self, chars=2000):
        try:
            return Path(self.log_path).read_text(errors="replace")[-chars:]
        except OSError:
            return ""
