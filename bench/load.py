"""The load generator: raw keep-alive sockets on loopback, bounded in requests and time.

http.client spends ~100 µs of Python per request, which on a 2-core machine caps the load generator
below what granian serves for a bare view; `LeanConnection` keeps the client out of the figures.
"""
import http.client
import json
import math
import re
import socket
import threading
import time
from collections import Counter
from urllib.parse import urlencode

HOST = "127.0.0.1"


class LeanConnection:
    """A minimal HTTP/1.1 keep-alive client: pre-encoded requests, Content-Length or chunked bodies."""

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


def encode(method, path, port, headers=None, body=None):
    """One HTTP/1.1 request as bytes; `body` (a dict) is sent as JSON."""
    data = json.dumps(body, ensure_ascii=False).encode() if body is not None else b""
    headers = {"Accept": "application/json", **(headers or {})}
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{port}", *(f"{k}: {v}" for k, v in headers.items())]
    if body is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {len(data)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + data


def percentile_ms(sorted_values, pct):
    """Nearest-rank percentile in milliseconds."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(pct / 100 * len(sorted_values)))
    return round(sorted_values[rank - 1] * 1000, 2)


def summary(latencies, statuses, errors, duration, **extra):
    ok = sorted(latencies)
    return {
        "requests": sum(statuses.values()),
        "ok": len(ok),
        "errors": errors,
        "statuses": {str(k): v for k, v in sorted(statuses.items(), key=str)},
        "duration_s": round(duration, 3),
        "rps": round(len(ok) / duration, 1) if duration > 0 else 0.0,
        "p50_ms": percentile_ms(ok, 50),
        "p95_ms": percentile_ms(ok, 95),
        "p99_ms": percentile_ms(ok, 99),
        "max_ms": round(ok[-1] * 1000, 2) if ok else None,
        **extra,
    }


def run_load(port, make_request, *, ok_status=200, clients, per_client, warmup, time_cap, timeout=10):
    """`clients` threads, one keep-alive connection each, `per_client` requests each, stopped at `time_cap`.

    `make_request(cid, i)` returns the encoded request number i of client cid (warm-up requests get
    negative i). A request that times out counts as an error and its connection is dropped.
    """
    latencies = [[] for _ in range(clients)]
    statuses = [Counter() for _ in range(clients)]
    errors = [0] * clients
    start_gate = threading.Barrier(clients + 1)
    deadline = [math.inf]

    def client(cid):
        conn = LeanConnection(port, timeout=timeout)

        def one(raw):
            try:
                return conn.send(raw)
            except (OSError, ValueError, IndexError):
                conn.close()
                return None

        warm_until = time.perf_counter() + min(3.0, time_cap / 4)
        for i in range(warmup):
            if time.perf_counter() > warm_until:
                break
            one(make_request(cid, -1 - i))
        try:
            start_gate.wait(timeout=time_cap + 2 * timeout + 10)
        except threading.BrokenBarrierError:
            conn.close()
            return
        for i in range(per_client):
            if time.perf_counter() > deadline[0]:
                break
            raw = make_request(cid, i)
            t0 = time.perf_counter()
            status = one(raw)
            elapsed = time.perf_counter() - t0
            statuses[cid][status or "connection error"] += 1
            if status == ok_status:
                latencies[cid].append(elapsed)
            else:
                errors[cid] += 1
        conn.close()

    threads = [threading.Thread(target=client, args=(cid,), daemon=True) for cid in range(clients)]
    for thread in threads:
        thread.start()
    start_gate.wait(timeout=time_cap + 2 * timeout + 10)
    started = time.perf_counter()
    deadline[0] = started + time_cap
    for thread in threads:
        thread.join(timeout=time_cap + timeout + 5)
    duration = time.perf_counter() - started
    return summary([x for per in latencies for x in per], sum(statuses, Counter()), sum(errors), duration,
                   time_capped=duration >= time_cap)


# ---------------------------------------------------------------- one-off requests (set-up, not measured)
def request(port, method, path, body=None, headers=None, timeout=30):
    """One request on a fresh connection; returns (status, parsed JSON or raw bytes)."""
    status, _headers, raw = raw_request(port, method, path, body=json.dumps(body).encode() if body is not None
                                        else None, headers={"Accept": "application/json",
                                                            **({"Content-Type": "application/json"}
                                                               if body is not None else {}), **(headers or {})},
                                        timeout=timeout)
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw


def raw_request(port, method, path, body=None, headers=None, timeout=30):
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def _cookies(headers):
    jar = {}
    for value in headers.get_all("Set-Cookie") or []:
        name, _eq, rest = value.partition("=")
        jar[name.strip()] = rest.split(";", 1)[0]
    return jar


def token_for(port, username, password):
    """A bearer token from POST /api/v1/auth/token/, or (None, the reason)."""
    status, body = request(port, "POST", "/api/v1/auth/token/", {"username": username, "password": password})
    if status != 200 or not isinstance(body, dict) or "token" not in body:
        return None, f"POST /api/v1/auth/token/ as {username} answered {status}: {str(body)[:200]}"
    return body["token"], None


def login_for(port, username, password):
    """A session by the login form over HTTP (GET for the CSRF cookie and field, POST, 302): the Cookie
    header the pages are then requested with, or (None, the reason)."""
    status, headers, page = raw_request(port, "GET", "/login/")
    jar = _cookies(headers)
    field = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if status != 200 or not field or "csrftoken" not in jar:
        return None, f"GET /login/ answered {status} without a CSRF cookie and field"
    form = urlencode({"username": username, "password": password, "csrfmiddlewaretoken": field.group(1).decode(),
                      "next": "/"}).encode()
    status, headers, _body = raw_request(port, "POST", "/login/", body=form, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={jar['csrftoken']}",
        "Referer": f"http://{HOST}:{port}/login/"})
    jar.update(_cookies(headers))
    if status != 302 or "sessionid" not in jar:
        return None, f"POST /login/ as {username} answered {status} without a session"
    return "; ".join(f"{k}={v}" for k, v in jar.items()), None
