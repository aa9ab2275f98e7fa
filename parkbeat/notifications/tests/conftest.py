"""A real HTTP endpoint on 127.0.0.1 for the SMS and webhook channels: it records what it gets and answers
with the statuses it is told to (200 once the list runs out); it can also be down."""
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class Gateway:
    def __init__(self):
        self.requests = []  # (path, headers dict, parsed JSON body)
        self.answers = []  # statuses to answer, in order; then 200
        self.body = b'{"errcode": 0, "errmsg": "ok"}'
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.server = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/send"

    def up(self):
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                raw = self.rfile.read(length)
                gateway.requests.append((self.path, dict(self.headers), json.loads(raw.decode("utf-8"))))
                status = gateway.answers.pop(0) if gateway.answers else 200
                body = gateway.body if status == 200 else b'{"error": "busy"}'
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", "http://127.0.0.1:9/elsewhere")
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def down(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


@pytest.fixture
def gateway():
    """Down until `.up()` is called."""
    g = Gateway()
    yield g
    g.down()


@pytest.fixture
def channels(settings):
    """channels("sms", "webhook") -> configure those channels (addresses set by the test)."""

    def use(*names):
        settings.PARKBEAT_NOTIFY_CHANNELS = list(names)

    return use
