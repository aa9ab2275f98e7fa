"""Response scanner (SECURITY D2): no test-client response may carry an unmasked resident ID or mobile.

Registered from the root conftest as a pytest plugin. An autouse fixture wraps the test client's
handler (Django's Client and DRF's APIClient both go through `ClientHandler.__call__`), so every
page, API answer and export produced anywhere in the suite is scanned: HTML/JSON/CSV text, and the
XML parts of .xlsx files. A hit raises `PersonalDataLeak` at the request that produced it.

Allowed: responses carrying core.reveal's REVEAL_HEADER (the audited reveal), and tests marked
`@pytest.mark.scanner_allow("why")`. Streaming responses are not read (that would consume them).
Browser tests (live server) are not covered; the same check can be run on their pages with `leaks`.
"""
import io
import re
import zipfile

import pytest
from django.test.client import ClientHandler
from stdnum.cn import ric

# Not next to letters or digits, so hex hashes, tokens and credit codes do not count.
RESIDENT_ID_RE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
MOBILE_RE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")
SCANNED_TYPES = ("text/", "application/json", "application/xml", "application/javascript")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_SCANNED = 50 * 1024 * 1024


class PersonalDataLeak(AssertionError):
    """A response carried personal data in full."""


def leaks(text):
    """The unmasked, checksum-valid resident IDs and mainland mobiles in `text`."""
    found = [m for m in RESIDENT_ID_RE.findall(text) if ric.is_valid(m)]
    return found + MOBILE_RE.findall(text)


def response_texts(response):
    if getattr(response, "streaming", False):
        return []
    content = response.content[:MAX_SCANNED]
    content_type = response.get("Content-Type", "")
    if content_type.startswith(XLSX_TYPE):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                return [archive.read(n).decode("utf-8", "replace") for n in archive.namelist() if n.endswith(".xml")]
        except zipfile.BadZipFile:
            return []
    if content_type.startswith(SCANNED_TYPES) or not content_type:
        return [content.decode(getattr(response, "charset", None) or "utf-8", "replace")]
    return []


def response_leaks(response):
    from parkbeat.core.reveal import REVEAL_HEADER

    if response.has_header(REVEAL_HEADER):
        return []
    return [hit for text in response_texts(response) for hit in leaks(text)]


def pytest_configure(config):
    config.addinivalue_line("markers", "scanner_allow(reason): responses in this test may carry personal data")


@pytest.fixture(autouse=True)
def _response_scanner(request, monkeypatch):
    if request.node.get_closest_marker("scanner_allow"):
        yield
        return
    original = ClientHandler.__call__

    def scanning(self, environ, *args, **kwargs):
        response = original(self, environ, *args, **kwargs)
        found = response_leaks(response)
        if found:
            raise PersonalDataLeak(f"{environ.get('REQUEST_METHOD')} {environ.get('PATH_INFO')} answered "
                                   f"{response.status_code} with unmasked personal data: {sorted(set(found))}")
        return response

    monkeypatch.setattr(ClientHandler, "__call__", scanning)
    yield
