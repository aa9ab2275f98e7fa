"""ParkBeat settings: every value that differs between deployments comes from the environment."""
import importlib.metadata
import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("PARKBEAT_VAR_DIR", BASE_DIR.parent / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true/false, got {value!r}")


def env_int(name, default):
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {value!r}") from None


# ---------------------------------------------------------------- core
def _secret_key():
    """SECRET_KEY from the environment, else one generated once into var/ (never committed)."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG")
DEMO_MODE = env_bool("PARKBEAT_DEMO")
DEMO_PASSWORD = os.environ.get("PARKBEAT_DEMO_PASSWORD", "parkbeat-demo")
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "huey.contrib.djhuey",
    "parkbeat.core",
    "parkbeat.audit",
    "parkbeat.org",
    "parkbeat.enterprises",
    "parkbeat.volunteers",
    "parkbeat.files",  # uploads and data safety (part D)
    "parkbeat.notifications",
    "parkbeat.incidents",
    "parkbeat.disputes",
    "parkbeat.patrols",
    "parkbeat.guarding",
    "parkbeat.inspections",
    "parkbeat.hazards",
    "parkbeat.checks",
    "parkbeat.crime",  # enterprise-related crime (涉企案件): leads and cases
    "parkbeat.outreach",  # publicity (宣传): campaigns, lectures outside production hours, coverage, rules
    # login and sessions (part A): lockout, second factor (TOTP + recovery codes), session index
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "parkbeat.security",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "parkbeat.core.middleware.RequestIdMiddleware",
    "parkbeat.core.timeouts.RequestTimeLimitMiddleware",  # every statement of a request within a time limit
    "django.contrib.sessions.middleware.SessionMiddleware",
    "parkbeat.core.language.ChosenLanguageMiddleware",  # Chinese unless the user chose English
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # login and sessions (part A): request.user.is_verified()
    "django.contrib.messages.middleware.MessageMiddleware",
    "parkbeat.security.middleware.SessionSecurityMiddleware",  # part A: timeouts, 2FA, expiry, no-store
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",  # part A
    "parkbeat.core.middleware.MethodNotAllowedPageMiddleware",  # a page's 405 as a page (inside CSP: it gets the header)
    "axes.middleware.AxesMiddleware",  # part A: last, turns a lockout into the readable 429 page
]

ROOT_URLCONF = "parkbeat.urls"
WSGI_APPLICATION = "parkbeat.wsgi.application"
AUTH_USER_MODEL = "org.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "parkbeat.core.context_processors.navigation",
                "parkbeat.notifications.context_processors.bell",
            ],
        },
    },
]

# ---------------------------------------------------------------- database
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'parkbeat.sqlite3'}"
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL, immediate write transactions and a busy timeout: many writers never see "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 10,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000;",
    }
    # A file (not memory) so live-server and multi-connection tests see one database; per process, so parallel runs never share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: the figures' grouped reads are short OLTP queries whose group estimates push them over the JIT
    # thresholds, and compiling cost more than running (the city leader's patrol coverage: 888 -> 410 ms).
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"]["options"] = (DATABASES["default"]["OPTIONS"].get("options", "") + " -c jit=off").strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Each statement of a page or API request (core.timeouts): stopped past this, answered 503. 0: no limit.
# Commands, migrations, the job consumer and backups run outside requests and are not limited.
PARKBEAT_REQUEST_DB_TIMEOUT_MS = env_int("PARKBEAT_REQUEST_DB_TIMEOUT_MS", 5000)
if PARKBEAT_REQUEST_DB_TIMEOUT_MS < 0:
    raise ImproperlyConfigured("PARKBEAT_REQUEST_DB_TIMEOUT_MS must be 0 (no limit) or more")

# ---------------------------------------------------------------- cache, sessions, jobs
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

HUEY_IMMEDIATE = env_bool("HUEY_IMMEDIATE")
if REDIS_URL:
    HUEY = {"huey_class": "huey.RedisHuey", "name": "parkbeat", "url": REDIS_URL, "immediate": HUEY_IMMEDIATE}
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "parkbeat",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": HUEY_IMMEDIATE,
    }

# ---------------------------------------------------------------- auth
# Password validators, lockout and the second factor: see "login and sessions" below.
API_TOKEN_TTL_HOURS = env_int("PARKBEAT_API_TOKEN_TTL_HOURS", 24)

# ---------------------------------------------------------------- i18n
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# ---------------------------------------------------------------- static and media
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("PARKBEAT_MEDIA_ROOT", VAR_DIR / "media"))
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# ---------------------------------------------------------------- security headers
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("PARKBEAT_SECURE_COOKIES", not DEBUG and not DEMO_MODE)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_AGE = env_int("PARKBEAT_SESSION_AGE_SECONDS", 8 * 3600)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMPORT_MAX_BYTES = env_int("PARKBEAT_IMPORT_MAX_BYTES", 30 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("PARKBEAT_IMPORT_MAX_ROWS", 200_000)
# Dates a person enters lie between this day and some years ahead (core.bounds): 0001-01-01 is a typing error.
PARKBEAT_EARLIEST_DATE = os.environ.get("PARKBEAT_EARLIEST_DATE", "2000-01-01")
PARKBEAT_YEARS_AHEAD = env_int("PARKBEAT_YEARS_AHEAD", 10)
EXPORT_MAX_ROWS = env_int("PARKBEAT_EXPORT_MAX_ROWS", 100_000)
EXPORT_RATE_PER_HOUR = env_int("PARKBEAT_EXPORT_RATE_PER_HOUR", 60)
# Reveals of masked personal data per user and hour (each is audited; beyond this, 429).
REVEAL_RATE_PER_HOUR = env_int("PARKBEAT_REVEAL_RATE_PER_HOUR", 30)

# ---------------------------------------------------------------- personal data
# Key material for resident-ID encryption: key id -> 32-byte key (hex); never stored in the database.
FIELD_ENCRYPTION_KEYS = os.environ.get("PARKBEAT_FIELD_KEYS", "")
FIELD_ENCRYPTION_KEY_FILE = VAR_DIR / "field_keys"
BLIND_INDEX_KEY = os.environ.get("PARKBEAT_BLIND_INDEX_KEY", "")

# ---------------------------------------------------------------- uploads and data safety (part D)
# Attachments live outside every public URL and are served only by files:attachment_download.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PARKBEAT_PRIVATE_MEDIA_ROOT", VAR_DIR / "private")).resolve()
for _public in (Path(MEDIA_ROOT).resolve(), Path(STATIC_ROOT).resolve()):
    if PRIVATE_MEDIA_ROOT == _public or _public in PRIVATE_MEDIA_ROOT.parents or PRIVATE_MEDIA_ROOT in _public.parents:
        raise ImproperlyConfigured(f"PARKBEAT_PRIVATE_MEDIA_ROOT ({PRIVATE_MEDIA_ROOT}) must not overlap {_public}")
UPLOAD_MAX_BYTES = env_int("PARKBEAT_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
IMAGE_MAX_PIXELS = env_int("PARKBEAT_IMAGE_MAX_PIXELS", 50_000_000)  # ~8200 × 6100: a 50-megapixel phone photo
BACKUP_DIR = Path(os.environ.get("PARKBEAT_BACKUP_DIR", VAR_DIR / "backups"))
# The daily clean-up (core.cleanup): how long expired things are kept before they go.
IDEMPOTENCY_KEEP_DAYS = env_int("PARKBEAT_IDEMPOTENCY_KEEP_DAYS", 7)
OUTBOX_KEEP_DAYS = env_int("PARKBEAT_OUTBOX_KEEP_DAYS", 90)
TOKEN_KEEP_DAYS = env_int("PARKBEAT_TOKEN_KEEP_DAYS", 30)
if min(IDEMPOTENCY_KEEP_DAYS, OUTBOX_KEEP_DAYS, TOKEN_KEEP_DAYS) < 1:
    raise ImproperlyConfigured("PARKBEAT_IDEMPOTENCY_KEEP_DAYS, _OUTBOX_KEEP_DAYS and _TOKEN_KEEP_DAYS must be 1 or more")
# The manifest's HMAC key, kept apart from the backups (F5): from the environment, else generated once here.
BACKUP_SIGNING_KEY = os.environ.get("PARKBEAT_BACKUP_SIGNING_KEY", "")
BACKUP_SIGNING_KEY_FILE = VAR_DIR / "backup_signing_key"

# ---------------------------------------------------------------- API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "parkbeat.security.authentication.BearerTokenAuthentication",  # part A: + password expiry
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Every JSON body goes through the bounded parser (size, depth, valid UTF-8): SECURITY.md part F. The API
    # takes JSON only (a form body: 415); the views that take files (photos, evidence, imports) add multipart
    # themselves, so the schema declares exactly what each endpoint reads (issue 17). Forms are for the pages.
    "DEFAULT_PARSER_CLASSES": ["parkbeat.core.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "parkbeat.core.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "parkbeat.core.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
def package_version():
    try:
        return importlib.metadata.version("parkbeat")
    except importlib.metadata.PackageNotFoundError:  # run from a checkout that is not installed
        return "0.1.0"


SPECTACULAR_SETTINGS = {
    "TITLE": "ParkBeat API",
    "DESCRIPTION": "园区警务平台 REST API。用 `POST /api/v1/auth/token/` 取得令牌，请求头 `Authorization: Bearer "
    "<token>`；时间为 ISO 8601 带偏移（Asia/Shanghai），金额为人民币元（两位小数的字符串），时长单位见各字段；"
    "修改类操作回传读到的 `version`（过期 409）；新建可带 `Idempotency-Key` 头，重发不重复记录。 / "
    "ParkBeat REST API. Get a token from `POST /api/v1/auth/token/` and send `Authorization: Bearer <token>`; "
    "times are ISO 8601 with their offset (Asia/Shanghai), amounts are yuan (decimal strings with two places), "
    "durations carry their unit in each field; changes send back the `version` you loaded (stale: 409); a create "
    "may carry an `Idempotency-Key` header, and a resend records nothing twice.",
    # The package version (pyproject.toml): a generated client names the contract it was made from.
    "VERSION": package_version(),
    "ENUM_GENERATE_CHOICE_DESCRIPTION": True,
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "ENUM_NAME_OVERRIDES": {
        "DemandStatusEnum": "parkbeat.enterprises.models.Demand.Status",
        "EnterpriseStatusEnum": "parkbeat.enterprises.models.Enterprise.Status",
        "VolunteerStatusEnum": "parkbeat.volunteers.models.Volunteer.Status",
        "AuditOutcomeEnum": "parkbeat.audit.models.AuditEvent.Outcome",
        "VolunteerSupportKindEnum": "parkbeat.volunteers.models.SupportRecord.Kind",
        "DemandSourceEnum": "parkbeat.enterprises.models.Demand.Source",
        "DemandCategoryEnum": "parkbeat.enterprises.models.Demand.Category",
        **{f"Incident{name}Enum": f"parkbeat.incidents.models.Incident.{name}"
           for name in ("Status", "Source", "Kind", "Result")},
        "IncidentTransitionKindEnum": "parkbeat.incidents.models.IncidentTransition.Kind",
        **{f"Dispute{name}Enum": f"parkbeat.disputes.models.Dispute.{name}" for name in ("Status", "Category", "Level")},
        "AgreementStatusEnum": "parkbeat.disputes.models.Agreement.Status",
        "ObligationStatusEnum": "parkbeat.disputes.models.Obligation.Status",
        "NotificationKindEnum": "parkbeat.notifications.models.Notification.Kind",
        "PatrolRunStatusEnum": "parkbeat.patrols.models.PatrolRun.Status",
        "KeyRiskCategoryEnum": "parkbeat.enterprises.models.KeyRiskCategory",
        "ChecklistAreaKindEnum": "parkbeat.inspections.models.AreaKind",
        "InspectionStatusEnum": "parkbeat.inspections.models.Inspection.Status",
        "InspectionOutcomeEnum": "parkbeat.inspections.models.InspectionResult.Outcome",
        "BackgroundCheckStatusEnum": "parkbeat.checks.models.BackgroundCheck.Status",
        "BackgroundCheckOutcomeEnum": "parkbeat.checks.models.BackgroundCheck.Outcome",
        "CheckPostKindEnum": "parkbeat.checks.models.PostKind",
        "CrimeLeadSourceEnum": "parkbeat.crime.models.Lead.Source",
        "CrimeLeadStatusEnum": "parkbeat.crime.models.Lead.Status",
        "CrimeCaseKindEnum": "parkbeat.crime.models.Case.Kind",
        "CrimeCaseStatusEnum": "parkbeat.crime.models.Case.Status",
        "CrimeCaseEventKindEnum": "parkbeat.crime.models.CaseEvent.Kind",
        "OutreachThemeEnum": "parkbeat.outreach.models.Theme",
        "OutreachLectureStatusEnum": "parkbeat.outreach.models.Lecture.Status",
        "OutreachCampaignStatusEnum": "parkbeat.outreach.models.Campaign.Status",
        "OutreachLectureEventKindEnum": "parkbeat.outreach.models.LectureEvent.Kind",
        "OutreachSpeakerKindEnum": "parkbeat.outreach.models.Speaker.Kind",
    },
}
# ---------------------------------------------------------------- API schema: documented errors (part C, E2)
# Every operation lists the shared JSON error answers (400/401/403/404/409/429, core.schema); the first hook
# is drf-spectacular's default.
SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"] = [
    "drf_spectacular.hooks.postprocess_schema_enums",
    "parkbeat.core.schema.add_error_responses",
    "parkbeat.core.schema.split_multipart_bodies",
    "parkbeat.core.schema.named_parameter_enums",
    "parkbeat.core.schema.describe",
]

# ---------------------------------------------------------------- Notifications
# Every notification lands in the in-app inbox. PARKBEAT_NOTIFY_CHANNELS (comma list of email, sms,
# webhook; empty = inbox only) adds outbound channels, each carried by the outbox with retries. A channel
# named there without its address refuses to start. URLs are never echoed: they may carry a key.
def env_url(name):
    value = os.environ.get(name, "").strip()
    if value:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ImproperlyConfigured(f"{name} must be an http:// or https:// URL")
    return value


def notify_channels(value, *, addresses):
    """The checked channel list: known names only, each with its address set (`addresses`: name -> (env, value))."""
    names = list(dict.fromkeys(n.strip().lower() for n in value.split(",") if n.strip()))
    unknown = [n for n in names if n not in addresses]
    if unknown:
        raise ImproperlyConfigured(f"PARKBEAT_NOTIFY_CHANNELS: unknown channel(s) {', '.join(unknown)}; "
                                   f"choose from {', '.join(addresses)}")
    missing = [addresses[n][0] for n in names if not addresses[n][1]]
    if missing:
        raise ImproperlyConfigured(f"PARKBEAT_NOTIFY_CHANNELS names a channel without its address: set "
                                   f"{', '.join(missing)}")
    return names


EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "parkbeat@localhost")
PARKBEAT_SMS_URL = env_url("PARKBEAT_SMS_URL")
PARKBEAT_SMS_TOKEN = os.environ.get("PARKBEAT_SMS_TOKEN", "")
PARKBEAT_WEBHOOK_URL = env_url("PARKBEAT_WEBHOOK_URL")
PARKBEAT_SITE_URL = env_url("PARKBEAT_SITE_URL").rstrip("/")  # makes the links in outbound messages absolute
PARKBEAT_NOTIFY_TIMEOUT = env_int("PARKBEAT_NOTIFY_TIMEOUT", 5)  # seconds per send, every channel
EMAIL_TIMEOUT = PARKBEAT_NOTIFY_TIMEOUT
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL are exclusive; set one")
if not 1 <= PARKBEAT_NOTIFY_TIMEOUT <= 60:
    raise ImproperlyConfigured("PARKBEAT_NOTIFY_TIMEOUT must be between 1 and 60 seconds")
# Outside the inbox a message says only that there is a notification, of which kind, and links to it; true also
# lets e-mail and SMS (personal addresses) carry the title and body. The shared webhook group never does.
PARKBEAT_NOTIFY_FULL_TEXT = env_bool("PARKBEAT_NOTIFY_FULL_TEXT")
# Attempts per outbox message before it is given up (status "dead", kept with its last error).
PARKBEAT_NOTIFY_MAX_ATTEMPTS = env_int("PARKBEAT_NOTIFY_MAX_ATTEMPTS", 48)
if PARKBEAT_NOTIFY_MAX_ATTEMPTS < 1:
    raise ImproperlyConfigured("PARKBEAT_NOTIFY_MAX_ATTEMPTS must be at least 1")
PARKBEAT_NOTIFY_CHANNELS = notify_channels(os.environ.get("PARKBEAT_NOTIFY_CHANNELS", ""), addresses={
    # E-mail needs a mail server, unless another backend (console, file) is configured on purpose.
    "email": ("EMAIL_HOST", EMAIL_HOST or not EMAIL_BACKEND.endswith("smtp.EmailBackend")),
    "sms": ("PARKBEAT_SMS_URL", PARKBEAT_SMS_URL),
    "webhook": ("PARKBEAT_WEBHOOK_URL", PARKBEAT_WEBHOOK_URL),
})

# ---------------------------------------------------------------- logging
# One console handler for every process of `make run` (web workers, job consumer, commands); each line once.
# A 4xx is logged as its one line, without the traceback Django attaches to a 403. The job consumer's
# per-task lines ("Executing ...", "Enqueueing periodic task ...") every minute are left out; its start-up,
# warnings and errors are not.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s",
                             "datefmt": "%Y-%m-%d %H:%M:%S"}},
    "filters": {"one_line_4xx": {"()": "parkbeat.core.logging.OneLineClientErrorFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["one_line_4xx"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},  # each login's "Successful login" and clean-up lines: the audit trail has them
        # run_huey adds a handler of its own to "huey" only when it has none: give it ours, and no second copy
        # through the root.
        "huey": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "huey.consumer": {"level": "INFO"},
        "huey.consumer.Scheduler": {"level": "WARNING"},
    },
}

PARKBEAT_NAV_TITLE = _("ParkBeat")
# Incidents: minutes the holder has to accept a dispatched incident before it moves to the next person.
PARKBEAT_INCIDENT_ACCEPT_MINUTES = env_int("PARKBEAT_INCIDENT_ACCEPT_MINUTES", 10)
if PARKBEAT_INCIDENT_ACCEPT_MINUTES < 1:
    raise ImproperlyConfigured("PARKBEAT_INCIDENT_ACCEPT_MINUTES must be at least 1")
# Events entered after the fact (core.events): older than this many days needs a leader or a reason,
# and is marked as entered late.
PARKBEAT_BACK_ENTRY_DAYS = env_int("PARKBEAT_BACK_ENTRY_DAYS", 30)
if PARKBEAT_BACK_ENTRY_DAYS < 0:
    raise ImproperlyConfigured("PARKBEAT_BACK_ENTRY_DAYS must be 0 or more")
# Volunteers' insurance and allowances: the park officer and the captain are told this many days ahead.
PARKBEAT_VOLUNTEER_SUPPORT_REMIND_DAYS = env_int("PARKBEAT_VOLUNTEER_SUPPORT_REMIND_DAYS", 30)
if PARKBEAT_VOLUNTEER_SUPPORT_REMIND_DAYS < 1:
    raise ImproperlyConfigured("PARKBEAT_VOLUNTEER_SUPPORT_REMIND_DAYS must be at least 1")
# Special guarding: the team captain and the park's officers are told this many hours before a gap opens.
GUARDING_ALERT_LEAD_HOURS = env_int("PARKBEAT_GUARDING_ALERT_LEAD_HOURS", 2)
if not 1 <= GUARDING_ALERT_LEAD_HOURS <= 72:
    raise ImproperlyConfigured("PARKBEAT_GUARDING_ALERT_LEAD_HOURS must be from 1 to 72")
# A guard shift declined less than this many hours before it starts is marked as a late decline.
GUARDING_LATE_DECLINE_HOURS = env_int("PARKBEAT_GUARDING_LATE_DECLINE_HOURS", 12)
if not 0 <= GUARDING_LATE_DECLINE_HOURS <= 168:
    raise ImproperlyConfigured("PARKBEAT_GUARDING_LATE_DECLINE_HOURS must be from 0 to 168")

# ---------------------------------------------------------------- Patrols
# A checkpoint's QR code is refused once older than PATROL_QR_MAX_AGE_DAYS (reissue the sheet); a run not in a
# plan lasts PATROL_ADHOC_HOURS at most; a track point within PATROL_AUTO_CHECKIN_METERS of a checkpoint checks
# the run in there; points faster than the mode's limit (km/h) from the last one are refused.
PATROL_QR_MAX_AGE_DAYS = env_int("PARKBEAT_PATROL_QR_MAX_AGE_DAYS", 730)
PATROL_ADHOC_HOURS = env_int("PARKBEAT_PATROL_ADHOC_HOURS", 4)
PATROL_AUTO_CHECKIN_METERS = env_int("PARKBEAT_PATROL_AUTO_CHECKIN_METERS", 30)
PATROL_TRACK_FOOT_KMH = env_int("PARKBEAT_PATROL_TRACK_FOOT_KMH", 25)
PATROL_TRACK_VEHICLE_KMH = env_int("PARKBEAT_PATROL_TRACK_VEHICLE_KMH", 120)
for _name, _low, _high in (("PATROL_QR_MAX_AGE_DAYS", 1, 3650), ("PATROL_ADHOC_HOURS", 1, 24),
                           ("PATROL_AUTO_CHECKIN_METERS", 5, 500), ("PATROL_TRACK_FOOT_KMH", 5, 60),
                           ("PATROL_TRACK_VEHICLE_KMH", 20, 250)):
    if not _low <= globals()[_name] <= _high:
        raise ImproperlyConfigured(f"PARKBEAT_{_name} must be from {_low} to {_high}")

# ---------------------------------------------------------------- audit and personal data (SECURITY C4, C5)
# Retention of the audit trail: at least 180 days, reveals of personal data at least 3 years (the
# PostgreSQL trigger enforces the same floors). Longer is allowed, shorter refused here.
AUDIT_RETENTION_DAYS = env_int("PARKBEAT_AUDIT_RETENTION_DAYS", 180)
AUDIT_SENSITIVE_RETENTION_DAYS = env_int("PARKBEAT_AUDIT_SENSITIVE_RETENTION_DAYS", 1095)
if AUDIT_RETENTION_DAYS < 180 or AUDIT_SENSITIVE_RETENTION_DAYS < 1095:
    raise ImproperlyConfigured("PARKBEAT_AUDIT_RETENTION_DAYS must be at least 180 and "
                               "PARKBEAT_AUDIT_SENSITIVE_RETENTION_DAYS at least 1095")
# Background checks (入职背景审查, SECURITY D4): the candidate's personal data, consent file included, is erased this
# many days after the answer (a daily task, `manage.py erase_expired_checks`).
CHECK_RETENTION_DAYS = env_int("PARKBEAT_CHECK_RETENTION_DAYS", 180)
if CHECK_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("PARKBEAT_CHECK_RETENTION_DAYS must be at least 1")
# Visits planned by risk (应访未访): days between two visits of a key enterprise and of any other (1 to 366;
# enterprises.visit_plan refuses anything else).
PARKBEAT_VISIT_DAYS_KEY = env_int("PARKBEAT_VISIT_DAYS_KEY", 30)
PARKBEAT_VISIT_DAYS_OTHER = env_int("PARKBEAT_VISIT_DAYS_OTHER", 90)
# Every log handler masks resident IDs and mobiles and drops passwords, codes and tokens; error reports too.
LOGGING.setdefault("filters", {})["personal_data"] = {"()": "parkbeat.core.logging.PersonalDataFilter"}
for _handler in LOGGING["handlers"].values():
    _handler.setdefault("filters", []).append("personal_data")
DEFAULT_EXCEPTION_REPORTER_FILTER = "parkbeat.core.logging.PersonalDataExceptionReporterFilter"

# ---------------------------------------------------------------- login and sessions (SECURITY A1–A7, part A)
# Passwords (A2, A3): 3 of 4 character classes unless a passphrase of 20+; never the username or mobile.
PARKBEAT_PASSWORD_MIN_LENGTH = env_int("PARKBEAT_PASSWORD_MIN_LENGTH", 10)
PARKBEAT_PASSWORD_MAX_AGE_DAYS = env_int("PARKBEAT_PASSWORD_MAX_AGE_DAYS", 90)  # 0: passwords never expire
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": PARKBEAT_PASSWORD_MIN_LENGTH}},
    {"NAME": "parkbeat.security.validators.CharacterClassValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "parkbeat.security.validators.PersonalInfoValidator"},
]

# Lockout (A4, django-axes): 5 failures lock the username and, separately, the client address for 30
# minutes; a failure counts for those 30 minutes too. The address is REMOTE_ADDR, or with N trusted
# proxies the N-th entry from the right of X-Forwarded-For (core.middleware.client_ip, shared with the audit trail).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
PARKBEAT_TRUSTED_PROXY_COUNT = env_int("PARKBEAT_TRUSTED_PROXY_COUNT", 0)
AXES_FAILURE_LIMIT = env_int("PARKBEAT_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("PARKBEAT_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own, not the pair
AXES_CLIENT_IP_CALLABLE = "parkbeat.core.middleware.client_ip"
AXES_IPWARE_PROXY_COUNT = PARKBEAT_TRUSTED_PROXY_COUNT  # only read if django-ipware is ever installed
AXES_USERNAME_CALLABLE = "parkbeat.security.lockout.username_key"
AXES_LOCKOUT_CALLABLE = "parkbeat.security.lockout.lockout_response"
AXES_DISABLE_ACCESS_LOG = True  # successful logins are on the audit trail already
AXES_VERBOSE = False  # no "AXES: BEGIN version ..." banner from every process and command
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "password", "otp", "code"]
if PARKBEAT_TRUSTED_PROXY_COUNT < 0 or AXES_FAILURE_LIMIT < 1:
    raise ImproperlyConfigured("PARKBEAT_TRUSTED_PROXY_COUNT must be >= 0 and PARKBEAT_LOCKOUT_FAILURES >= 1")

# Second factor (A5, django-otp): TOTP with ten recovery codes, required for these roles; off in demo mode
# so the demo accounts log in with a password alone.
PARKBEAT_REQUIRE_2FA = env_bool("PARKBEAT_REQUIRE_2FA", not DEMO_MODE)
PARKBEAT_2FA_ROLES = [r.strip() for r in os.environ.get(
    "PARKBEAT_2FA_ROLES", "station_leader,system_admin,security_admin,auditor").split(",") if r.strip()]
OTP_TOTP_ISSUER = "ParkBeat"

# Sessions (A6): idle and absolute timeouts (SESSION_COOKIE_AGE above is the absolute one).
PARKBEAT_SESSION_IDLE_MINUTES = env_int("PARKBEAT_SESSION_IDLE_MINUTES", 15)

# Transport and headers (A7). TLS ends at the reverse proxy, which redirects HTTP itself; Django trusts its
# X-Forwarded-Proto only when a trusted proxy is configured.
SECURE_HSTS_SECONDS = env_int("PARKBEAT_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("PARKBEAT_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_SSL_REDIRECT = env_bool("PARKBEAT_SSL_REDIRECT", False)
if PARKBEAT_TRUSTED_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SILENCED_SYSTEM_CHECKS = [
    *([] if SECURE_SSL_REDIRECT else ["security.W008"]),  # the proxy redirects to HTTPS (docs/security)
    "security.W021",  # HSTS preload lists are for public domains; an intranet host cannot be on one
]
_tiles = urlsplit(MAP_TILE_URL)  # "https://{s}.tiles.example/{z}/{x}/{y}.png" -> https://*.tiles.example
_tile_origins = [f"{_tiles.scheme}://{_tiles.netloc.replace('{s}', '*')}"] if _tiles.netloc else []
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # data: for Bootstrap's and Swagger UI's CSS icons (select arrows, check marks); map tiles if set.
        "img-src": ["'self'", "data:", *_tile_origins],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
