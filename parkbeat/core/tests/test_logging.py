"""SECURITY C5: logs and error reports never carry passwords, codes, tokens, resident IDs or mobiles."""
import io
import logging
import sys

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.views.debug import ExceptionReporter

from parkbeat.core.logging import PersonalDataFilter, scrub

ID = "430211199003071236"
MOBILE = "13812345678"


def configured_handlers():
    loggers = [logging.getLogger()] + [logging.getLogger(name) for name in settings.LOGGING.get("loggers", {})]
    # one handler serves several loggers (the root and "huey"): each once, or the fixture restores it wrongly
    return list(dict.fromkeys(h for lg in loggers for h in lg.handlers if not type(h).__module__.startswith("_pytest")))


@pytest.fixture
def console():
    """The output of every handler settings.LOGGING installed, captured."""
    handlers = [h for h in configured_handlers() if isinstance(h, logging.StreamHandler)]
    assert handlers, "settings.LOGGING installs no stream handler"
    buffer = io.StringIO()
    old = [h.setStream(buffer) for h in handlers]
    yield buffer
    for handler, stream in zip(handlers, old):
        handler.setStream(stream)


def test_every_configured_handler_carries_the_filter():
    handlers = configured_handlers()

    assert handlers
    assert all(any(isinstance(f, PersonalDataFilter) for f in h.filters) for h in handlers)
    assert set(settings.LOGGING["handlers"]) and all(
        "personal_data" in h.get("filters", []) for h in settings.LOGGING["handlers"].values())


def test_a_logged_id_and_mobile_come_out_masked(console):
    logging.getLogger("parkbeat.test").warning("义警 %s 电话 %s", ID, MOBILE)

    output = console.getvalue()
    assert ID not in output and MOBILE not in output
    assert "义警 430***********1236 电话 138****5678" in output


def test_passwords_codes_and_tokens_are_dropped(console):
    logging.getLogger("parkbeat.test").warning(
        "login password=%s otp=%s, headers %s", "Pale-Harbour-42", "493817",
        {"Authorization": "Bearer s3cr3t-t0ken", "api_token": "abcdef"})

    output = console.getvalue()
    for secret in ("Pale-Harbour-42", "493817", "s3cr3t-t0ken", "abcdef"):
        assert secret not in output
    assert "password=******" in output and "otp=******" in output


def test_tracebacks_are_scrubbed_too(console):
    try:
        raise ValueError(f"bad mobile {MOBILE} for {ID}")
    except ValueError:
        logging.getLogger("parkbeat.test").exception("import failed")

    output = console.getvalue()
    assert "ValueError: bad mobile 138****5678 for 430***********1236" in output
    assert MOBILE not in output and ID not in output


def test_django_request_warnings_are_scrubbed(console, db, client):
    client.raise_request_exception = False
    client.get(f"/definitely-not-a-page/{MOBILE}/")

    output = console.getvalue()
    assert "Not Found: /definitely-not-a-page/138****5678/" in output
    assert MOBILE not in output


@pytest.mark.parametrize(("text", "clean"), [
    ("11010519491231002X", "110***********002X"),
    ("password: hunter22", "password: ******"),
    ("{'new_password1': 'x1', 'otp_token': '123456'}", "{'new_password1': '******', 'otp_token': '******'}"),
    ("credit code 91430211MA4L00000X", "credit code 91430211MA4L00000X"),
    ("nothing here", "nothing here"),
])
def test_scrub(text, clean):
    assert scrub(text) == clean


def error_report(settings, data):
    settings.DEBUG = False
    request = RequestFactory().post("/enterprises/1/liaisons/add/", data)
    request.user = None
    try:
        secret_password = "Local-Secret-99"  # noqa: F841  (a frame variable the report would show)
        owner_mobile = MOBILE  # noqa: F841
        raise RuntimeError("boom")
    except RuntimeError:
        reporter = ExceptionReporter(request, *sys.exc_info())
        return reporter.get_traceback_text()


def test_error_reports_hide_sensitive_post_fields_and_mask_personal_data(settings):
    report = error_report(settings, {"password": "Pale-Harbour-42", "otp_token": "493817", "mobile": MOBILE,
                                     "resident_id": ID, "name": "王保卫"})

    for secret in ("Pale-Harbour-42", "493817", MOBILE, ID, "Local-Secret-99"):
        assert secret not in report
    assert "138****5678" in report and "王保卫" in report


def test_error_reports_hide_key_settings(settings):
    from parkbeat.core.logging import PersonalDataExceptionReporterFilter

    settings.FIELD_ENCRYPTION_KEYS = "k1:" + "ab" * 32
    settings.DATABASE_URL = "postgres://app:pw@db/parkbeat"

    safe = PersonalDataExceptionReporterFilter().get_safe_settings()

    for name in ("FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY", "SECRET_KEY", "DATABASE_URL"):
        assert safe[name] == "********************", name


def test_the_reporter_filter_is_the_default():
    assert settings.DEFAULT_EXCEPTION_REPORTER_FILTER == "parkbeat.core.logging.PersonalDataExceptionReporterFilter"
