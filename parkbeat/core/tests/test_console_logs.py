"""`make run`'s console (issue 10, start-up and logs): each line once, no traceback for a refusal, no banners."""
import io
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from parkbeat.core.logging import OneLineClientErrorFilter

ROOT = Path(settings.BASE_DIR).parent


@pytest.fixture
def console():
    """What the configured console handler writes, captured (the one handler, however many loggers use it)."""
    handlers = {id(h): h for name in ("", *settings.LOGGING["loggers"]) for h in logging.getLogger(name).handlers
                if isinstance(h, logging.StreamHandler) and not type(h).__module__.startswith("_pytest")}
    assert len(handlers) == 1, "one console handler for every logger"
    (handler,) = handlers.values()
    buffer = io.StringIO()
    old = handler.setStream(buffer)
    yield buffer
    handler.setStream(old)


def test_a_403_page_logs_one_line_without_a_traceback(console, world, page_as):
    response = page_as(world.volunteer).get(reverse("audit:event_list"))

    assert response.status_code == 403
    lines = console.getvalue().splitlines()
    assert lines == [lines[0]] and "WARNING django.request: Forbidden" in lines[0] and "/audit/" in lines[0], lines
    assert "Traceback" not in console.getvalue()


def test_a_404_logs_one_line(console, world, page_as):
    page_as(world.officer).get("/no-such-page/")

    lines = console.getvalue().splitlines()
    assert len(lines) == 1 and "Not Found: /no-such-page/" in lines[0], lines


def test_a_server_error_keeps_its_traceback(console):
    logger = logging.getLogger("django.request")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logger.error("Internal Server Error: /x/", exc_info=True, extra={"status_code": 500})

    assert "Traceback" in console.getvalue() and "RuntimeError: boom" in console.getvalue()


def test_the_filter_leaves_records_without_a_status_alone():
    try:
        raise ValueError("x")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "m", None, sys.exc_info())
    assert OneLineClientErrorFilter().filter(record) and record.exc_info


def test_the_job_consumer_logs_through_the_one_console_handler():
    """run_huey adds its own handler only to a "huey" logger without one: with ours there, and no
    propagation to the root, each consumer line is printed once; per-task chatter is below the level."""
    huey = logging.getLogger("huey")

    assert huey.handlers and not huey.propagate
    assert not huey.isEnabledFor(logging.INFO) and logging.getLogger("huey.consumer").isEnabledFor(logging.INFO)
    assert not logging.getLogger("huey.consumer.Scheduler").isEnabledFor(logging.INFO)
    assert huey.isEnabledFor(logging.ERROR)


def test_a_command_prints_no_lockout_banner():
    env = {**os.environ, "PARKBEAT_DEMO": "1"}
    done = subprocess.run([sys.executable, "-m", "parkbeat", "check"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)

    assert done.returncode == 0, done.stderr
    assert "AXES" not in done.stdout + done.stderr
    assert settings.AXES_VERBOSE is False
