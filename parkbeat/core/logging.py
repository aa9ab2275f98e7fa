"""Logs and error reports never carry passwords, codes, tokens, resident IDs or mobiles (SECURITY C5).

`scrub` is the one function: settings.LOGGING puts `PersonalDataFilter` on every handler, and
DEFAULT_EXCEPTION_REPORTER_FILTER points at `PersonalDataExceptionReporterFilter` for 500 reports.
The patterns are deliberately greedy: masking a number that only looks like an ID costs nothing.
"""
import logging
import pprint
import re

from django.views.debug import SafeExceptionReporterFilter

from parkbeat.core.personal import mask_mobile, mask_resident_id

RESIDENT_ID_RE = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
MOBILE_RE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
SECRET_NAMES = r"[\w-]*(?:password|passwd|secret|otp|token|api[_-]?key|authorization|key_hash)[\w-]*"
# name = value, name: value, 'name': 'value', "name":"value" -> the value is replaced.
SECRET_PAIR_RE = re.compile(rf"(?i)\b({SECRET_NAMES})(['\"]?\s*[:=]\s*)(['\"]?)(?:bearer\s+)?[^\s'\"&,;}}\]]+")
BEARER_RE = re.compile(r"(?i)\bbearer\s+[\w.~+/=-]+")
SECRET_NAME_RE = re.compile(rf"(?i)^{SECRET_NAMES}$")
HIDDEN = "******"


def scrub(text):
    """The text with secrets dropped and resident IDs / mobiles masked."""
    if not isinstance(text, str) or not text:
        return text
    text = str(text)  # lazy objects pass isinstance(str) but not the regex engine
    text = SECRET_PAIR_RE.sub(lambda m: f"{m.group(1)}{m.group(2)}{m.group(3)}{HIDDEN}", text)
    text = BEARER_RE.sub(f"Bearer {HIDDEN}", text)
    text = RESIDENT_ID_RE.sub(lambda m: mask_resident_id(m.group(0)), text)
    return MOBILE_RE.sub(lambda m: mask_mobile(m.group(0)), text)


_formatter = logging.Formatter()


class _Cleansed:
    """Shows the scrubbed repr of a frame variable in the 500 report instead of the variable itself."""

    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return self.text


def _scrub_value(value):
    if isinstance(value, str):
        return scrub(value)
    try:
        text = pprint.pformat(value)
    except Exception:
        return value
    cleaned = scrub(text)
    return value if cleaned == text else _Cleansed(cleaned)


class PersonalDataFilter(logging.Filter):
    """Rewrites each record's message, traceback and stack text through `scrub`; never drops a record."""

    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is the logging module's problem, not ours
            return True
        record.msg, record.args = scrub(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = _formatter.formatException(record.exc_info)
        record.exc_text = scrub(record.exc_text)
        record.stack_info = scrub(record.stack_info)
        return True


class PersonalDataExceptionReporterFilter(SafeExceptionReporterFilter):
    """Django's safe filter plus: password/otp/token fields always hidden, personal data masked everywhere."""

    hidden_settings = re.compile(
        "API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|OTP|DATABASE_URL|REDIS_URL", flags=re.I)

    def cleanse_setting(self, key, value):
        return scrub(super().cleanse_setting(key, value))

    def _cleanse(self, request, values):
        if not self.is_active(request):
            return values
        values = values.copy()
        for name in values:
            if SECRET_NAME_RE.match(name):
                values.setlist(name, [self.cleansed_substitute])
            else:
                values.setlist(name, [scrub(v) for v in values.getlist(name)])
        return values

    def get_post_parameters(self, request):
        params = super().get_post_parameters(request)
        return params if request is None else self._cleanse(request, params)

    def get_cleansed_multivaluedict(self, request, multivaluedict):
        return self._cleanse(request, super().get_cleansed_multivaluedict(request, multivaluedict))

    def get_traceback_frame_variables(self, request, tb_frame):
        items = super().get_traceback_frame_variables(request, tb_frame)
        if not self.is_active(request):
            return items
        return [(name, self.cleansed_substitute if SECRET_NAME_RE.match(name) else _scrub_value(value))
                for name, value in items]


class OneLineClientErrorFilter(logging.Filter):
    """A 4xx answer is the client's mistake or a refusal working as meant, not a fault: Django logs a 403
    (PermissionDenied) and a 400 (SuspiciousOperation) with the exception's traceback, which buries the real
    errors in the console. This keeps the one line ("Forbidden (Permission denied): /path/") and drops the
    traceback; 5xx records keep theirs."""

    def filter(self, record):
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info, record.exc_text, record.stack_info = None, None, None
        return True
