"""Settings from the environment (twelve-factor), safe defaults for a laptop demo.

DATABASE_URL picks the database (a SQLite file in ./data without it); SECRET_KEY,
PATHWAYS_PSEUDONYM_KEY, DJANGO_DEBUG and ALLOWED_HOSTS configure a deployment. Outside
debug the app refuses to start without two real keys (``core.checks``). `pathways check
--deploy` passes with DJANGO_DEBUG=false, real keys and HTTPS settings on (the default
when debug is off).
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = Path(os.environ.get("PATHWAYS_HOME", Path.cwd()))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DJANGO_DEBUG", False)
#: Keys for a developer's machine only: outside debug, ``core.checks`` refuses to start
#: on them (or on a missing or short key) rather than run on a key anyone can read here.
_DEV_SECRET_KEY = "django-insecure-pathways-development-key-not-for-production-use-0123456789"
_DEV_PSEUDONYM_KEY = "django-insecure-pathways-development-pseudonym-key-not-for-production-01"
DEVELOPMENT_KEYS = frozenset({_DEV_SECRET_KEY, _DEV_PSEUDONYM_KEY})
SECRET_KEY = os.environ.get("SECRET_KEY", "").strip() or _DEV_SECRET_KEY
#: The key of the pseudonyms in commissioners' rows (an HMAC of the person's reference).
#: Separate from SECRET_KEY, so that either can be rotated without the other: rotating
#: it changes every pseudonym from then on (rows exported before cannot be joined to
#: rows exported after), and rotating SECRET_KEY leaves pseudonyms as they were.
PATHWAYS_PSEUDONYM_KEY = os.environ.get("PATHWAYS_PSEUDONYM_KEY", "").strip() or _DEV_PSEUDONYM_KEY
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    # First, so that its commands win: it replaces auditlog's `auditlogflush`.
    "pathways.core",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "auditlog",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "rules.apps.AutodiscoverRulesConfig",
    "pathways.people",
    "pathways.referrals",
    "pathways.casework",
    "pathways.employers",
    "pathways.matching",
    "pathways.employment",
    "pathways.commissioning",
    "pathways.reporting",
    "pathways.privacy",
    "pathways.api",
    "pathways.workspace",
    "pathways.portal",
]

MIDDLEWARE = [
    "pathways.core.request_log.RequestIdMiddleware",
    "pathways.core.middleware.PolicyMemoMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "pathways.core.middleware.RefuseNulBytesMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "pathways.core.middleware.BearerTokenMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "pathways.core.middleware.PersonAccountBoundaryMiddleware",
    "pathways.core.middleware.IdleTimeoutMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "pathways.core.middleware.RequireTwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "pathways.core.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pathways.urls"
WSGI_APPLICATION = "pathways.wsgi.application"

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
                "pathways.workspace.menu.branding",
                "pathways.core.notifications.header",
            ],
        },
    }
]

_default_sqlite = PROJECT_DIR / "data" / "pathways.sqlite3"
if "DATABASE_URL" not in os.environ:
    _default_sqlite.parent.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{_default_sqlite}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Writers take SQLite's lock when their transaction begins, so two requests never
    # deadlock upgrading a read lock ("database is locked"); they queue instead.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# A streaming replica for reporting (decision 0055, ``core.replica``): reports, their
# charts and exports read from it while it answers and is at most
# PATHWAYS_REPLICA_MAX_LAG_SECONDS behind (checked at most every
# PATHWAYS_REPLICA_CHECK_SECONDS per process), else from the primary. Never written to.
PATHWAYS_REPLICA_MAX_LAG_SECONDS = float(os.environ.get("PATHWAYS_REPLICA_MAX_LAG_SECONDS", 30))
PATHWAYS_REPLICA_CHECK_SECONDS = float(os.environ.get("PATHWAYS_REPLICA_CHECK_SECONDS", 5))
_replica_url = os.environ.get("DATABASE_REPLICA_URL", "").strip()
if _replica_url:
    DATABASES["replica"] = dj_database_url.parse(_replica_url, conn_max_age=60)
    if DATABASES["replica"]["ENGINE"].endswith("postgresql"):
        # A replica that has gone away costs a report at most this long to notice.
        DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
    # Under test the replica is the test database itself (Django makes no copy of it).
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["pathways.core.replica.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    # The person's portal signs in by an emailed link (django-sesame), never a password.
    "sesame.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "my-work"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3  # an invitation link lasts three days

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Where `pathways serve --production` (collectstatic) gathers the static files, which
# whitenoise then serves with their compressed copies.
STATIC_ROOT = Path(os.environ.get("PATHWAYS_STATIC_ROOT", PROJECT_DIR / "data" / "static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
STATICFILES_DIRS: list = [BASE_DIR / "static"]
# Only GOV.UK Frontend's images (the compiled CSS and JS are in static/build): the
# package's thousands of source files would slow every static lookup.
_govuk_assets = PROJECT_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk" / "assets"
if _govuk_assets.exists():
    STATICFILES_DIRS.append(("govuk/assets", _govuk_assets))
# The demo and the tests serve static files straight from their folders; the
# production server gathers them first (and then serves the compressed copies).
WHITENOISE_USE_FINDERS = env_bool("PATHWAYS_STATIC_FINDERS", True)
WHITENOISE_AUTOREFRESH = DEBUG

# --- Sessions and security headers -------------------------------------------------
SESSION_COOKIE_AGE = 60 * 60 * 8
SESSION_IDLE_TIMEOUT = int(os.environ.get("PATHWAYS_IDLE_TIMEOUT", 30 * 60))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
_https = env_bool("PATHWAYS_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = _https
CSRF_COOKIE_SECURE = _https
SECURE_SSL_REDIRECT = _https and env_bool("PATHWAYS_SSL_REDIRECT", True)
# A load balancer asks for /health/ over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = 31536000 if _https else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _https
SECURE_HSTS_PRELOAD = _https
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# --- Login throttling (django-axes): lock a username from one address ---------------
AXES_FAILURE_LIMIT = int(os.environ.get("PATHWAYS_LOGIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
PATHWAYS_API_TOKEN_DAYS = int(os.environ.get("PATHWAYS_API_TOKEN_DAYS", 90))
AXES_USERNAME_CALLABLE = "pathways.core.views.sign_in_username"
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# --- Audit ---------------------------------------------------------------------------
AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_INCLUDE_TRACKING_MODELS = (
    "core.Authority",
    "core.Team",
    "core.Membership",
    "core.InterestTag",
    {"model": "core.User", "exclude_fields": ["password", "last_login"]},
    "people.Person",
    "people.Contact",
    "people.Consent",
    "people.CareCost",
    "referrals.Referral",
    "casework.Episode",
    "casework.StageEntry",
    "casework.Package",
    "casework.LongTermReview",
    "casework.Activity",
    "casework.Message",
    {"model": "casework.VocationalProfile", "m2m_fields": ["interests"]},
    "casework.Goal",
    "casework.Step",
    # The reminder's email bookkeeping, written by the worker, is not a change anyone made.
    {
        "model": "casework.Appointment",
        "exclude_fields": ["reminder_attempts", "reminder_error", "reminder_retry_at"],
    },
    "casework.Feedback",
    "employers.Employer",
    "employers.EmployerSite",
    "employers.EmployerContact",
    "employers.Engagement",
    "employers.SocialValuePledge",
    {"model": "employers.Opportunity", "m2m_fields": ["tags"]},
    "employers.Candidacy",
    "employers.CandidacyStep",
    {"model": "employers.InternshipCohort", "m2m_fields": ["interns"]},
    {"model": "employers.Rotation", "m2m_fields": ["opportunities"]},
    "employers.RotationPlacement",
    "employment.Placement",
    "employment.PlacementTerms",
    "employment.PostStartCheck",
    "employment.FadingStep",
    "employment.AccessToWork",
    "employment.Milestone",
)
# Permitted work (ESA): the weekly earnings limit, which changes each April
# (domain.md: £195.50 in 2025/26). Matching notes opportunities that would pass it.
PATHWAYS_PERMITTED_WORK_WEEKLY_LIMIT = os.environ.get(
    "PATHWAYS_PERMITTED_WORK_WEEKLY_LIMIT", "195.50"
)
# Matching keeps each authority's people's columns in each process's memory
# (matching.columns, decision 0054): for at most this many seconds, for this many
# authorities, once a match has at least PATHWAYS_MATCHING_CACHE_FROM people to rank.
PATHWAYS_MATCHING_CACHE_SECONDS = int(os.environ.get("PATHWAYS_MATCHING_CACHE_SECONDS", 3600))
PATHWAYS_MATCHING_CACHE_AUTHORITIES = int(os.environ.get("PATHWAYS_MATCHING_CACHE_AUTHORITIES", 16))
PATHWAYS_MATCHING_CACHE_FROM = int(os.environ.get("PATHWAYS_MATCHING_CACHE_FROM", 1000))
# When that many people or fewer changed since a process cached an authority's columns,
# it reloads just theirs (decision 0060); more, and it loads the authority again.
PATHWAYS_MATCHING_PATCH_UP_TO = int(os.environ.get("PATHWAYS_MATCHING_PATCH_UP_TO", 2000))
AUDITLOG_DISABLE_REMOTE_ADDR = False

# --- Pathways ------------------------------------------------------------------------
PATHWAYS_COUNCIL_NAME = os.environ.get("PATHWAYS_COUNCIL_NAME", "Pathways")
PATHWAYS_SERVICE_NAME = os.environ.get("PATHWAYS_SERVICE_NAME", "Employment support")
# Where staff reach the service: used in the one-time links `pathways invite` prints.
PATHWAYS_BASE_URL = os.environ.get("PATHWAYS_BASE_URL", "http://127.0.0.1:8000")

# The person's portal (decision 0043). A sign-in link works once, for a week; the
# person then stays signed in on that phone for PATHWAYS_PORTAL_SESSION_DAYS. Person
# accounts reach only PATHWAYS_PERSON_PATHS.
PATHWAYS_PORTAL_HOME = "/my/"
PATHWAYS_PERSON_PATHS = ("/my/", "/ask-for-help/", "/static/")
PATHWAYS_PORTAL_SESSION_DAYS = int(os.environ.get("PATHWAYS_PORTAL_SESSION_DAYS", 90))
PATHWAYS_PORTAL_LINK_LIMIT = int(os.environ.get("PATHWAYS_PORTAL_LINK_LIMIT", 3))
SESAME_MAX_AGE = int(os.environ.get("PATHWAYS_PORTAL_LINK_DAYS", 7)) * 24 * 60 * 60
SESAME_ONE_TIME = True
SESAME_TOKEN_NAME = "link"
# Staff confirm sign-in with a code from an authenticator app (TOTP). Off only for a
# local demo (DJANGO_DEBUG=true) unless switched on.
PATHWAYS_REQUIRE_2FA = env_bool("PATHWAYS_REQUIRE_2FA", not DEBUG)
OTP_TOTP_ISSUER = PATHWAYS_COUNCIL_NAME
# Invitations, password resets and notifications go by email: see the email settings
# under "Notifications" below.
# "Forgotten your password?" sends at most this many emails an hour to one address, and
# answers at most this many requests an hour from one network address.
PATHWAYS_PASSWORD_RESET_LIMIT = int(os.environ.get("PATHWAYS_PASSWORD_RESET_LIMIT", 5))

# Logs go to standard error, one JSON object a line outside debug (PATHWAYS_LOG_FORMAT=
# json|text), each with the request id that the response's X-Request-ID header carries;
# one access line per request from pathways.requests (PATHWAYS_ACCESS_LOG, on outside
# debug: the development server prints its own).
PATHWAYS_LOG_FORMAT = os.environ.get("PATHWAYS_LOG_FORMAT", "text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "pathways.core.request_log.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "pathways.core.request_log.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if PATHWAYS_LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "axes": {"level": "WARNING"},
        "pathways": {"level": "INFO"},
        "pathways.requests": {
            "level": "INFO" if env_bool("PATHWAYS_ACCESS_LOG", not DEBUG) else "WARNING"
        },
    },
}

# --- Issue 11 (imports): hostile import files never stall a worker -------------------
# An uploaded import file is refused as it streams in once past this size (bytes).
PATHWAYS_IMPORT_MAX_UPLOAD_BYTES = int(
    os.environ.get("PATHWAYS_IMPORT_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
)
# The most rows after the header one import (page or `pathways import`) may hold.
PATHWAYS_IMPORT_MAX_ROWS = int(os.environ.get("PATHWAYS_IMPORT_MAX_ROWS", 200_000))
# The most an XLSX workbook (a zip archive) may unpack to, in bytes.
PATHWAYS_IMPORT_MAX_UNPACKED_BYTES = int(
    os.environ.get("PATHWAYS_IMPORT_MAX_UNPACKED_BYTES", 256 * 1024 * 1024)
)
# Seconds an import may spend reading, checking and writing before it stops, changing
# nothing, and says at which row it stopped.
PATHWAYS_IMPORT_TIME_LIMIT = float(os.environ.get("PATHWAYS_IMPORT_TIME_LIMIT", 120))
# Issue 15 (decision 0056): a confirmed upload of more rows than this is imported on the
# task queue (`pathways db_worker`), its page showing the rows checked as it goes; a
# smaller one is imported within the request, as before. The queued import may take
# PATHWAYS_IMPORT_BACKGROUND_TIME_LIMIT seconds (it holds no web worker).
PATHWAYS_IMPORT_BACKGROUND_ROWS = int(os.environ.get("PATHWAYS_IMPORT_BACKGROUND_ROWS", 5000))
PATHWAYS_IMPORT_BACKGROUND_TIME_LIMIT = float(
    os.environ.get("PATHWAYS_IMPORT_BACKGROUND_TIME_LIMIT", 1800)
)
# Decision 0058: days a finished ImportRun (its summary and first problems, which can
# quote the file) is kept for its page before `pathways daily` deletes it.
PATHWAYS_IMPORT_RUN_KEEP_DAYS = int(os.environ.get("PATHWAYS_IMPORT_RUN_KEEP_DAYS", 30))

# --- issue 11, small numbers (reporting/disclosure.py, decision 0024) ------------------
# Commissioners and other aggregate-only viewers see a count of 1 to N-1 people as "<N"
# (null in JSON), with secondary suppression so that no total gives it away; 0 is shown.
# 0 or 1 switches suppression off (not for production). Pseudonymised rows always carry
# bands (age, month, care cost) instead of exact values, whatever this is.
PATHWAYS_SMALL_NUMBER_THRESHOLD = int(os.environ.get("PATHWAYS_SMALL_NUMBER_THRESHOLD", 5))

# --- Access slice (issue 11): access after a relationship ends, break-glass (0021), 2FA enrolment
# Days a team keeps access to a person after its episode closes or its referral is
# decided (closing letters, end-of-support notes, a quick return); 0 ends it at once.
PATHWAYS_ACCESS_GRACE_DAYS = int(os.environ.get("PATHWAYS_ACCESS_GRACE_DAYS", "30"))
# Hours an emergency ("break-glass") open of a person's record lasts.
PATHWAYS_BREAK_GLASS_HOURS = int(os.environ.get("PATHWAYS_BREAK_GLASS_HOURS", "4"))
# Two-step sign-in is set up only with proof of the mailbox: setting a password through
# the one-time link from `pathways invite` (or `--reset-two-factor`) lets the user set up
# an authenticator app at their next sign-in within these hours, once.
PATHWAYS_ENROLMENT_PROOF_HOURS = int(os.environ.get("PATHWAYS_ENROLMENT_PROOF_HOURS", "24"))

# --- Privacy: retention and erasure (issue 11) -----------------------------------------
# The schedule each authority starts with (the DPO changes it on /privacy/retention/):
# a supported person's record is kept this many years after the last closure, and a
# person referred but never supported this many.
PATHWAYS_RETENTION_SUPPORTED_YEARS = int(os.environ.get("PATHWAYS_RETENTION_SUPPORTED_YEARS", 6))
PATHWAYS_RETENTION_REFERRAL_ONLY_YEARS = int(
    os.environ.get("PATHWAYS_RETENTION_REFERRAL_ONLY_YEARS", 2)
)
# Download my information (issue 14): files of everything held that one portal account
# may take in any 24 hours (a lost phone cannot take it again and again).
PATHWAYS_PORTAL_DOWNLOADS_PER_DAY = int(os.environ.get("PATHWAYS_PORTAL_DOWNLOADS_PER_DAY", 5))
# Where the portal tells a person to write when their information is wrong (the
# council's data protection mailbox or page); empty: they are told to ask their coach.
PATHWAYS_DATA_PROTECTION_CONTACT = os.environ.get("PATHWAYS_DATA_PROTECTION_CONTACT", "").strip()
# Changes to the schedule and to erasure requests are on the audit trail.
AUDITLOG_INCLUDE_TRACKING_MODELS = (  # type: ignore[assignment]  # a longer tuple
    *AUDITLOG_INCLUDE_TRACKING_MODELS,
    "privacy.RetentionRule",
    "privacy.ErasureRequest",
)

# --- Notifications (issue 13, decision 0039) -------------------------------------------
# Notices in the app, and their emails sent by a worker from a task queue kept in the
# database (django-tasks with django-tasks-db: `pathways db_worker`; no broker to run).
# The demo (DJANGO_DEBUG=true) sends at once, in the web process, to the console;
# PATHWAYS_TASKS=database|immediate chooses either way explicitly.
_tasks = os.environ.get("PATHWAYS_TASKS", "immediate" if DEBUG else "database").strip().lower()
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if _tasks == "immediate"
        else "django_tasks_db.DatabaseBackend"
    }
}
# What `pathways scheduler` queues once a day, and at what time (the service's time
# zone): management commands run with --on the day by `pathways db_worker`.
PATHWAYS_SCHEDULE = {"daily": os.environ.get("PATHWAYS_DAILY_AT", "06:00")}
# Tries of each email before it is given up (the error stays on the notice); the waits
# between them grow: 1, 4, 16, 64 minutes.
PATHWAYS_NOTIFY_EMAIL_ATTEMPTS = int(os.environ.get("PATHWAYS_NOTIFY_EMAIL_ATTEMPTS", 5))
# Email: printed to the console in debug, otherwise sent through the SMTP server in
# EMAIL_HOST (EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS,
# EMAIL_USE_SSL); EMAIL_BACKEND names any other Django email backend.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", 30))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "pathways@localhost")
# A notice's opening and clearing, and each email opt-out, are on the audit trail (the
# email bookkeeping, written by the worker, is not a change anyone made).
AUDITLOG_INCLUDE_TRACKING_MODELS = (  # type: ignore[assignment]  # a longer tuple
    *AUDITLOG_INCLUDE_TRACKING_MODELS,
    {
        "model": "core.Notification",
        "exclude_fields": ["emailed_at", "email_attempts", "email_error"],
    },
    "core.EmailOptOut",
)

# --- Documents (issue 13, decision 0040) -------------------------------------------------
# Uploaded documents (consent forms, CVs, better-off calculations, letters) are kept in
# this folder, under random names: outside the static files and under no URL (there is no
# MEDIA_URL). Pages serve them only to those who may see the person, and audit each
# download. Back it up with the database; keep it readable by the server's account only.
PATHWAYS_DOCUMENTS_DIR = Path(
    os.environ.get("PATHWAYS_DOCUMENTS_DIR", PROJECT_DIR / "data" / "documents")
)
# The largest document that may be uploaded, in bytes: refused as it streams in.
PATHWAYS_DOCUMENT_MAX_BYTES = int(os.environ.get("PATHWAYS_DOCUMENT_MAX_BYTES", 10 * 1024 * 1024))
AUDITLOG_INCLUDE_TRACKING_MODELS = (  # type: ignore[assignment]  # a longer tuple
    *AUDITLOG_INCLUDE_TRACKING_MODELS,
    {"model": "casework.Document", "exclude_fields": ["file"]},
)

# --- Asking for help to find work (issue 14, decision 0044) ----------------------------
# The public "Ask for help to find work" form, with no account: requests accepted per
# hour from one address, and per authority (counted in the database, so every process
# agrees). Past the limit the form says to try again later or phone the council.
PATHWAYS_HELP_REQUEST_LIMIT_PER_ADDRESS = int(
    os.environ.get("PATHWAYS_HELP_REQUEST_LIMIT_PER_ADDRESS", 5)
)
PATHWAYS_HELP_REQUEST_LIMIT_PER_AUTHORITY = int(
    os.environ.get("PATHWAYS_HELP_REQUEST_LIMIT_PER_AUTHORITY", 200)
)
# A form sent back sooner than this many seconds after it was shown was filled in by a
# program: it is answered as if received, and dropped.
PATHWAYS_HELP_REQUEST_MIN_SECONDS = float(os.environ.get("PATHWAYS_HELP_REQUEST_MIN_SECONDS", 4))
# Decision 0058: days a request set aside as not real is kept (for a complaint that
# nobody answered, or an officer's mistake to be put right) before `pathways daily`
# deletes it and blanks the values on its audit trail.
PATHWAYS_HELP_REQUEST_SET_ASIDE_KEEP_DAYS = int(
    os.environ.get("PATHWAYS_HELP_REQUEST_SET_ASIDE_KEEP_DAYS", 90)
)
AUDITLOG_INCLUDE_TRACKING_MODELS = (  # type: ignore[assignment]  # a longer tuple
    *AUDITLOG_INCLUDE_TRACKING_MODELS,
    {"model": "referrals.HelpRequest", "exclude_fields": ["client_key"]},
)
