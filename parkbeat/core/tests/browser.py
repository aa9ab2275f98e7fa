"""Browser-test fixtures: Playwright (Python, sync API) driving Debian's Chromium, never a downloaded one.

Use them by importing into a test module or an app's conftest.py, and mark the tests `browser`;
pages come from pytest-django's `live_server`, which on SQLite needs a transactional test::

    import pytest
    from parkbeat.core.tests.browser import *  # noqa: F401,F403  (fixtures + login/screenshot)

    pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

    def test_leader_sees_the_dashboard(browser_page, live_server, station_leader):
        login(browser_page, live_server.url, station_leader.username, "Correct-Horse-9")
        assert browser_page.locator("h1").inner_text() == "工作台"
        screenshot(browser_page, "dashboard-leader")

Fixtures and helpers:

- `chromium_browser` (session): /usr/bin/chromium (or `PARKBEAT_CHROMIUM`) launched headless. When it
  or the `playwright` package is missing the test is skipped with the install command; in CI (env `CI`
  or `PARKBEAT_REQUIRE_ALL`) it fails instead, so browser tests cannot silently stop running.
- `browser_page`: a fresh context (own cookies) at 1366x900, locale zh-CN, zone Asia/Shanghai.
- `phone_page`: the same at 390x844 with `is_mobile` and touch.
- `login(page, live_server_url, username, password)`: fills the login form at /login/ and submits it.
- `screenshot(page, name)` -> Path: a full-page PNG in var/screenshots/<name>.png, to look at.
- `renders_cjk(page)`: True when the machine has a font that draws Chinese (not tofu boxes).

Playwright's sync API runs an asyncio loop in the test thread, which makes Django refuse ORM calls
("You cannot call this from an async context"); this module therefore sets DJANGO_ALLOW_ASYNC_UNSAFE.
Tests stay synchronous: there is no concurrent ORM access from that loop.
"""
import os
import re
from pathlib import Path

import pytest

from parkbeat.core.tests.services import must_have

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

__all__ = [
    "CHROMIUM_ARGS",
    "chromium_path",
    "chromium_browser",
    "browser_page",
    "phone_page",
    "login",
    "screenshot",
    "screenshot_dir",
    "renders_cjk",
]

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DESKTOP = {"viewport": {"width": 1366, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
COMMON = {"locale": "zh-CN", "timezone_id": "Asia/Shanghai"}
TIMEOUT_MS = 15_000


def chromium_path() -> Path:
    """Debian's Chromium; PARKBEAT_CHROMIUM points elsewhere for an unusual machine."""
    return Path(os.environ.get("PARKBEAT_CHROMIUM", "/usr/bin/chromium"))


# One Playwright driver and one Chromium per test process, however many modules import the fixtures:
# `import *` gives each module its own copy of a session fixture, and a second sync_playwright() in
# the same thread fails ("using Playwright Sync API inside the asyncio loop").
_shared = {}


def _launch(executable):
    if "browser" not in _shared:
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        try:
            browser = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS, headless=True)
        except Exception:
            playwright.stop()
            raise
        _shared.update(playwright=playwright, browser=browser)
    return _shared["browser"]


def _shutdown():
    browser, playwright = _shared.pop("browser", None), _shared.pop("playwright", None)
    if browser is not None:
        browser.close()
    if playwright is not None:
        playwright.stop()


@pytest.fixture(scope="session")
def chromium_browser():
    """One headless Chromium for the whole run (contexts keep the tests apart)."""
    executable = chromium_path()
    must_have(executable.exists(), f"Chromium not installed: apt-get install -y chromium (looked for {executable})")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        must_have(False, 'Python package playwright missing: .venv/bin/pip install -c requirements.lock -e ".[dev]"')
    yield _launch(executable)
    _shutdown()  # session end: the first copy of this fixture to finish closes it for all


def _page(browser, options):
    context = browser.new_context(**options, **COMMON)
    context.set_default_timeout(TIMEOUT_MS)
    return context, context.new_page()


@pytest.fixture
def browser_page(chromium_browser):
    """A desktop page in its own context (cookies, storage), closed after the test."""
    context, page = _page(chromium_browser, DESKTOP)
    yield page
    context.close()


@pytest.fixture
def phone_page(chromium_browser):
    """A phone-sized page (officers and volunteers on patrol), closed after the test."""
    context, page = _page(chromium_browser, PHONE)
    yield page
    context.close()


def login(page, live_server_url, username, password, *, path="/login/"):
    """Log in through the real form (`username`, `password`, `button[type=submit]`); returns the page."""
    page.goto(live_server_url.rstrip("/") + path)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("button[type=submit]")
    return page


def screenshot_dir() -> Path:
    """var/screenshots/ in the project (created on demand); var/ is git-ignored."""
    from django.conf import settings

    path = Path(getattr(settings, "VAR_DIR", Path(__file__).resolve().parents[3] / "var")) / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


def screenshot(page, name, *, full_page=True) -> Path:
    """Save a PNG of the page as var/screenshots/<name>.png and return its path."""
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") or "page"
    path = screenshot_dir() / f"{safe}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


_CJK_PROBE = """() => {
  // Draw two different Chinese characters; with no CJK font both become the same tofu box.
  const draw = (ch) => {
    const c = document.createElement('canvas'); c.width = 40; c.height = 40;
    const g = c.getContext('2d'); g.fillStyle = '#000'; g.font = '32px sans-serif';
    g.fillText(ch, 2, 32); return c.toDataURL();
  };
  return draw('园') !== draw('警') && draw('园') !== draw(' ');
}"""


def renders_cjk(page) -> bool:
    """True when Chromium on this machine draws Chinese glyphs (a CJK font is installed)."""
    return bool(page.evaluate(_CJK_PROBE))
